// nginx/missing-cache-revalidate: cache on without `*_cache_revalidate on` — expiries refetch full bodies.
import { defineRule } from '../rule';
import { directiveRange } from '../../nginx/policy';
import { insertLinesAfter } from '../../nginx/edits';
import { cachesWithout } from '../../nginx/cacheTuning';

export default defineRule({
  id: 'nginx/missing-cache-revalidate',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: 'The cache is on and `*_cache_revalidate` is not set (it is off by default): an expired entry is refetched in full even when it has not changed.',
      why: 'With `*_cache_revalidate on`, nginx refreshes an expired entry that has an ETag or Last-Modified with a conditional request, and a 304 from the upstream keeps the cached body (measured: REVALIDATED with a 304 instead of an EXPIRED full refetch). It has no effect when the upstream sends neither header. An explicit `*_cache_revalidate off` is taken as a decision and not reported.',
      bad: 'proxy_cache shop;',
      good: 'proxy_cache shop;\nproxy_cache_revalidate on;',
    },
  },
  check(ctx) {
    for (const pols of cachesWithout(ctx, (pol) => pol.revalidate)) {
      const c = pols[0].cache;
      const fam = pols[0].family;
      ctx.report({
        path: c.file.path,
        range: directiveRange(c),
        message: `Cache "${pols[0].zoneName}" has no ${fam}_cache_revalidate: every expired entry is downloaded again in full, even when the upstream could answer 304 Not Modified. Add ${fam}_cache_revalidate on (it helps when responses carry ETag or Last-Modified).`,
        fixes: [{ title: `Add ${fam}_cache_revalidate on`, safe: true, edits: [insertLinesAfter(ctx.file(c.file.path), c, [`${fam}_cache_revalidate on;`])] }],
      });
    }
  },
});
