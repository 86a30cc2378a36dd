// nginx/missing-use-stale-error: cache on without `*_cache_use_stale error timeout http_5xx` — outages reach users.
import { defineRule } from '../rule';
import { directiveRange } from '../../nginx/policy';
import { mayMissDirectives } from '../../nginx/completeness';
import { insertLinesAfter } from '../../nginx/edits';
import { groupBy, literalCache, staleCause, staleOffInChain, staleValues } from '../../nginx/cacheTuning';

/** Values that let nginx serve a stale copy when the upstream fails. */
const ERROR_VALUES = ['error', 'timeout', 'http_500', 'http_502', 'http_503', 'http_504'];
/** What the fix adds: fastcgi/uwsgi/scgi accept no http_502/http_504 (nginx -t: invalid value). */
const FIX_VALUES: Record<string, string> = {
  proxy: 'error timeout http_500 http_502 http_503 http_504',
  fastcgi: 'error timeout http_500 http_503',
  uwsgi: 'error timeout http_500 http_503',
  scgi: 'error timeout http_500 http_503',
};

export default defineRule({
  id: 'nginx/missing-use-stale-error',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: 'The cache is on and `*_cache_use_stale` has none of `error`, `timeout`, `http_500`…`http_504`: when the upstream fails, users get the error although a stale copy is cached.',
      why: 'An expired entry is refetched; if the upstream is down, times out or answers 5xx, that error goes to the client (measured: 500 EXPIRED instead of 200 STALE). With `*_cache_use_stale error timeout http_500 http_502 http_503 http_504` nginx serves the stale copy until the upstream recovers. Content that must never be served stale is a reason not to; an explicit `*_cache_use_stale off` at this level or an enclosing one is not reported.',
      bad: 'proxy_cache shop;',
      good: 'proxy_cache shop;\nproxy_cache_use_stale error timeout http_500 http_502 http_503 http_504;',
    },
  },
  check(ctx) {
    const lacking = ctx.policies.filter((pol) => {
      if (!literalCache(pol)) return false;
      const values = staleValues(pol);
      // A list with an empty directive is invalid-arguments' business.
      if (pol.useStale.some((p) => !p.d.args.length)) return false;
      if (ERROR_VALUES.some((v) => values.has(v)) || staleOffInChain(pol)) return false;
      return !mayMissDirectives(ctx.model, pol.scope, { upTo: pol.useStale[0]?.scope, zone: pol.zone });
    });
    // Once per cause: the use_stale list in effect, or the *_cache directive when none is set.
    for (const [, pols] of groupBy(lacking, (p) => staleCause(p).d)) {
      const pol = pols[0];
      const fam = pol.family;
      const cause = staleCause(pol);
      const last = pol.useStale[pol.useStale.length - 1];
      const values = FIX_VALUES[fam];
      const edit = last
        ? { path: last.file.path, start: last.d.args[last.d.args.length - 1].end, end: last.d.args[last.d.args.length - 1].end, newText: ' ' + values }
        : insertLinesAfter(ctx.file(pol.cache.file.path), pol.cache, [`${fam}_cache_use_stale ${values};`]);
      ctx.report({
        path: cause.file.path,
        range: directiveRange(cause),
        message: last
          ? `${fam}_cache_use_stale in effect for cache "${pol.zoneName}" has no error, timeout or http_5xx: when the upstream fails, users get the error although a stale copy is cached. Add ${values} unless this content must never be served stale.`
          : `Cache "${pol.zoneName}" never serves a stale copy when the upstream fails: an outage or a 5xx turns every expired entry into an error for users. Add ${fam}_cache_use_stale ${values} unless this content must never be served stale.`,
        related: last ? [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${pol.zoneName}" enabled here` }] : [],
        fixes: [{ title: last ? `Add ${values} to ${fam}_cache_use_stale` : `Add ${fam}_cache_use_stale ${values}`, safe: false, edits: [edit] }],
      });
    }
  },
});
