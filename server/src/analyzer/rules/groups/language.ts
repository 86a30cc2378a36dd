// nginx language diagnostics for cache directives (values, zones), in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';
import invalidValue from '../nginx/invalid-value';
import duplicateZone from '../nginx/duplicate-zone';
import zoneUndefined from '../nginx/zone-undefined';

export const LANGUAGE_RULES: readonly Rule[] = [invalidValue, duplicateZone, zoneUndefined];
