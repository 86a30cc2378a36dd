// nginx cache-key and zone-sharing rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';
import cacheKeyPerClientVariable from '../nginx/cache-key-per-client-variable';
import cacheKeyRawQueryString from '../nginx/cache-key-raw-query-string';
import cacheKeyDropsQueryString from '../nginx/cache-key-drops-query-string';
import cacheKeyMissingHost from '../nginx/cache-key-missing-host';
import cacheKeyMissingScheme from '../nginx/cache-key-missing-scheme';
import cacheKeyDefaultSharedAcrossLocations from '../nginx/cache-key-default-shared-across-locations';
import upstreamCacheWithoutKey from '../nginx/upstream-cache-without-key';
import cacheKeyMissingRequestMethod from '../nginx/cache-key-missing-request-method';
import cachePostKeyMissingBody from '../nginx/cache-post-key-missing-body';
import cacheKeyExceedsBuffer from '../nginx/cache-key-exceeds-buffer';

export const KEY_RULES: readonly Rule[] = [
  cacheKeyPerClientVariable,
  cacheKeyRawQueryString,
  cacheKeyDropsQueryString,
  cacheKeyMissingHost,
  cacheKeyMissingScheme,
  cacheKeyDefaultSharedAcrossLocations,
  upstreamCacheWithoutKey,
  cacheKeyMissingRequestMethod,
  cachePostKeyMissingBody,
  cacheKeyExceedsBuffer,
];
