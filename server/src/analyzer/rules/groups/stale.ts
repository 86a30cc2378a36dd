// nginx stale-serving, lock, revalidation and zone sizing rules, in catalogue order. Each rule lives in its own file under ../nginx/.
import type { Rule } from '../rule';
import missingUseStaleUpdating from '../nginx/missing-use-stale-updating';
import missingCacheLock from '../nginx/missing-cache-lock';
import keysZoneTooSmall from '../nginx/keys-zone-too-small';
import maxSizeTooSmall from '../nginx/max-size-too-small';
import upstreamCanDisableBuffering from '../nginx/upstream-can-disable-buffering';
import backgroundUpdateWithoutUseStale from '../nginx/background-update-without-use-stale';
import cacheLockTimeoutShort from '../nginx/cache-lock-timeout-short';
import missingUseStaleError from '../nginx/missing-use-stale-error';
import missingCacheRevalidate from '../nginx/missing-cache-revalidate';
import minUsesOnHighCardinality from '../nginx/min-uses-on-high-cardinality';

export const STALE_RULES: readonly Rule[] = [
  missingUseStaleUpdating,
  missingCacheLock,
  keysZoneTooSmall,
  maxSizeTooSmall,
  upstreamCanDisableBuffering,
  backgroundUpdateWithoutUseStale,
  cacheLockTimeoutShort,
  missingUseStaleError,
  missingCacheRevalidate,
  minUsesOnHighCardinality,
];
