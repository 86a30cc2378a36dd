// nginx bypass/no_cache and private-data rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';
import predicateLiteralAlwaysTrue from '../nginx/predicate-literal-always-true';
import bypassWithoutNoCache from '../nginx/bypass-without-no-cache';
import noCacheWithoutBypass from '../nginx/no-cache-without-bypass';
import bypassClientControlled from '../nginx/bypass-client-controlled';
import ignoreSetCookieWithoutHide from '../nginx/ignore-set-cookie-without-hide';
import ignoreCacheControlPersonalized from '../nginx/ignore-cache-control-personalized';
import cacheAuthenticatedRequests from '../nginx/cache-authenticated-requests';

export const PRIVACY_RULES: readonly Rule[] = [
  predicateLiteralAlwaysTrue,
  bypassWithoutNoCache,
  noCacheWithoutBypass,
  bypassClientControlled,
  ignoreSetCookieWithoutHide,
  ignoreCacheControlPersonalized,
  cacheAuthenticatedRequests,
];
