// nginx stale-serving, lock, revalidation and zone sizing rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';

export const STALE_RULES: readonly Rule[] = [];
