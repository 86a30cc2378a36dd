// nginx/missing-use-stale-updating: a short TTL without `*_cache_use_stale updating` — every expiry is a stampede.
import { defineRule } from '../rule';
import { DEFAULT_THRESHOLDS } from '../../types';
import { directiveRange, own } from '../../nginx/policy';
import type { CachePolicy, ValidEntry } from '../../nginx/policy';
import { describeTime } from '../../nginx/units';
import { mayMissDirectives } from '../../nginx/completeness';
import { groupBy, literalCache, staleCause, staleOffInChain, staleValues, updatingEdits } from '../../nginx/cacheTuning';

/** TTLs at or below this (seconds) count as short by default; setting `thresholds.shortTtlSeconds`. */
export const SHORT_TTL_SECONDS = DEFAULT_THRESHOLDS.shortTtlSeconds;

/** The `*_cache_valid` entry that sets the TTL of a 200 response (the first one listing 200 or `any`). */
function ttlFor200(pol: CachePolicy): ValidEntry | undefined {
  return pol.valid.find((v) => v.codes.includes('200') || v.codes.some((c) => c.toLowerCase() === 'any'));
}

export default defineRule({
  id: 'nginx/missing-use-stale-updating',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: `The cache has a short TTL (${describeTime(SHORT_TTL_SECONDS)} or less) and \`*_cache_use_stale\` lacks \`updating\`: every expiry sends all concurrent requests for a URL to the upstream.`,
      why: 'When an entry expires, every request that arrives before the refresh completes fetches from the upstream itself; `*_cache_lock` does not help here, it only collapses misses on keys that are not cached yet (measured: 20 concurrent requests on an expired key made 20 backend fetches with the lock on, 1 with `use_stale updating`). With a short TTL this happens constantly. `updating` serves the stale copy while one request refreshes it, and `*_cache_background_update on` makes even that request not wait.',
      bad: 'proxy_cache shop;\nproxy_cache_valid 200 10s;',
      good: 'proxy_cache shop;\nproxy_cache_valid 200 10s;\nproxy_cache_use_stale updating;\nproxy_cache_background_update on;',
    },
  },
  check(ctx) {
    const shortTtl = ctx.settings.thresholds.shortTtlSeconds;
    const short = ctx.policies.filter((pol) => {
      if (!literalCache(pol)) return false;
      const ttl = ttlFor200(pol);
      if (!ttl || ttl.seconds <= 0 || ttl.seconds > shortTtl) return false;
      const values = staleValues(pol);
      // An explicit `off` (here or outside) is a decision: content that must never be served stale.
      if (values.has('updating') || staleOffInChain(pol)) return false;
      return !mayMissDirectives(ctx.model, pol.scope, { upTo: pol.useStale[0]?.scope, zone: pol.zone });
    });
    // Every cached scope per cause, to see whether any of them has a background_update of its own.
    const all = groupBy(ctx.policies.filter(literalCache), (p) => staleCause(p).d);
    for (const [causeKey, pols] of groupBy(short, (p) => staleCause(p).d)) {
      const pol = pols[0];
      const fam = pol.family;
      const cause = staleCause(pol);
      const ttl = ttlFor200(pols.reduce((a, b) => (ttlFor200(b)!.seconds < ttlFor200(a)!.seconds ? b : a)))!;
      // Add background_update with the fix only where no policy of this cause has one (on or off) in effect.
      const bgAbsent = (all.get(causeKey) ?? pols).every((p) => !p.background) && !own(cause.scope, `${fam}_cache_background_update`).length;
      const edits = updatingEdits(ctx, pol, bgAbsent);
      const zone = pol.zoneName;
      const hasList = pol.useStale.length > 0;
      const related = [
        { path: ttl.placed.file.path, range: { start: ttl.timeWord.offset, end: ttl.timeWord.end }, message: `entries for 200 expire after ${describeTime(ttl.seconds)}` },
        ...(hasList ? [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${zone}" enabled here` }] : []),
      ];
      const what = hasList
        ? `${fam}_cache_use_stale in effect for cache "${zone}" lacks updating`
        : `Cache "${zone}" has no ${fam}_cache_use_stale updating`;
      ctx.report({
        path: cause.file.path,
        range: directiveRange(cause),
        message: `${what}, and its entries expire after ${describeTime(ttl.seconds)}: at every expiry all concurrent requests for a URL go to the upstream (the cache lock does not collapse refreshes). Add updating${bgAbsent ? ` and ${fam}_cache_background_update on` : ''} so one request refreshes while the others get the stale copy.`,
        related,
        fixes: edits
          ? [{ title: `${hasList ? `Add updating to ${fam}_cache_use_stale` : `Add ${fam}_cache_use_stale updating`}${bgAbsent ? ` and ${fam}_cache_background_update on` : ''}`, safe: false, edits }]
          : [],
      });
    }
  },
});
