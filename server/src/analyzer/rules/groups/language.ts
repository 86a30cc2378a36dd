// nginx language diagnostics for cache directives (values, zones), in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';

export const LANGUAGE_RULES: readonly Rule[] = [];
