// nginx TTL, stale, lock, zone sizing and slice rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';

export const TTL_RULES: readonly Rule[] = [];
