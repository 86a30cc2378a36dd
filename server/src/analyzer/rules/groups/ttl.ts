// nginx TTL, stale, lock, zone sizing and slice rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';
import cacheWithoutTtl from '../nginx/cache-without-ttl';
import cacheValidInnerReplacesOuter from '../nginx/cache-valid-inner-replaces-outer';
import cacheValidAnyShadowsSpecific from '../nginx/cache-valid-any-shadows-specific';
import cacheErrorsLongTtl from '../nginx/cache-errors-long-ttl';
import sliceKeyMissingSliceRange from '../nginx/slice-key-missing-slice-range';
import sliceWithout206Ttl from '../nginx/slice-without-206-ttl';
import cacheDisabledForStaticLocation from '../nginx/cache-disabled-for-static-location';

export const TTL_RULES: readonly Rule[] = [
  cacheWithoutTtl,
  cacheValidInnerReplacesOuter,
  cacheValidAnyShadowsSpecific,
  cacheErrorsLongTtl,
  sliceKeyMissingSliceRange,
  sliceWithout206Ttl,
  cacheDisabledForStaticLocation,
];
