// nginx bypass/no_cache and private-data rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';

export const PRIVACY_RULES: readonly Rule[] = [];
