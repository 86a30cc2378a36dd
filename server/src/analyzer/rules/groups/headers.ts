// nginx header-list inheritance and client-facing header rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';

export const HEADER_RULES: readonly Rule[] = [];
