// nginx header-list inheritance and client-facing header rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';
import addHeaderInnerReplacesOuter from '../nginx/add-header-inner-replaces-outer';
import hideHeaderInnerReplacesOuter from '../nginx/hide-header-inner-replaces-outer';
import cacheStatusNotObservable from '../nginx/cache-status-not-observable';
import ignoreHeadersInnerReplacesOuter from '../nginx/ignore-headers-inner-replaces-outer';
import addHeaderInsideIf from '../nginx/add-header-inside-if';
import addHeaderCacheWithoutAlways from '../nginx/add-header-cache-without-always';
import proxySetHeaderInnerReplacesOuter from '../nginx/proxy-set-header-inner-replaces-outer';
import negativeExpiresOrNoStoreOnCacheable from '../nginx/negative-expires-or-no-store-on-cacheable';
import addHeaderCacheControlDuplicatesUpstream from '../nginx/add-header-cache-control-duplicates-upstream';

export const HEADER_RULES: readonly Rule[] = [
  addHeaderInnerReplacesOuter,
  hideHeaderInnerReplacesOuter,
  cacheStatusNotObservable,
  ignoreHeadersInnerReplacesOuter,
  addHeaderInsideIf,
  addHeaderCacheWithoutAlways,
  proxySetHeaderInnerReplacesOuter,
  negativeExpiresOrNoStoreOnCacheable,
  addHeaderCacheControlDuplicatesUpstream,
];
