// nginx cache-key and zone-sharing rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';

export const KEY_RULES: readonly Rule[] = [];
