// The rule registry: every rule cachelint runs, in catalogue order.
import type { Rule } from './rule';
import syntax from './nginx/syntax';
import templatePlaceholder from './nginx/template-placeholder';
import unknownDirective from './nginx/unknown-directive';
import notAllowedHere from './nginx/not-allowed-here';
import invalidArguments from './nginx/invalid-arguments';
import includeNotFound from './nginx/include-not-found';
import includeCycle from './nginx/include-cycle';
import cacheKeyVolatileVariable from './nginx/cache-key-volatile-variable';
import upstreamTtlOverridesCacheValid from './nginx/upstream-ttl-overrides-cache-valid';
import cacheValidZeroOrTiny from './nginx/cache-valid-zero-or-tiny';
import cacheWithBufferingOff from './nginx/cache-with-buffering-off';
import inactiveShorterThanTtl from './nginx/inactive-shorter-than-ttl';
import { LANGUAGE_RULES } from './groups/language';
import { KEY_RULES } from './groups/keys';
import { TTL_RULES } from './groups/ttl';
import { HEADER_RULES } from './groups/headers';
import { STALE_RULES } from './groups/stale';
import { PRIVACY_RULES } from './groups/privacy';
import unusedSuppression from './nginx/unused-suppression';
import { VCL_COMPILER_RULES } from './groups/vclCompiler';
import { VCL_REQUEST_RULES } from './groups/vclRequest';
import { VCL_RESPONSE_RULES } from './groups/vclResponse';

export const RULES: readonly Rule[] = [
  syntax,
  templatePlaceholder,
  unknownDirective,
  notAllowedHere,
  invalidArguments,
  includeNotFound,
  includeCycle,
  ...LANGUAGE_RULES,
  unusedSuppression,
  cacheKeyVolatileVariable,
  ...KEY_RULES,
  upstreamTtlOverridesCacheValid,
  cacheValidZeroOrTiny,
  cacheWithBufferingOff,
  inactiveShorterThanTtl,
  ...TTL_RULES,
  ...STALE_RULES,
  ...PRIVACY_RULES,
  ...HEADER_RULES,
  ...VCL_COMPILER_RULES,
  ...VCL_REQUEST_RULES,
  ...VCL_RESPONSE_RULES,
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
