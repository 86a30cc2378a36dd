// nginx/upstream-cache-without-key: fastcgi/uwsgi/scgi cache with no *_cache_key — every URL shares one entry.
import { defineRule } from '../rule';
import { insertLineAfter } from '../../fixes';
import { directiveRange, wordRange } from '../../nginx/policy';
import { mayMissDirectives } from '../../nginx/completeness';
import { defaultKey } from '../../nginx/variables';

export default defineRule({
  id: 'nginx/upstream-cache-without-key',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: '`fastcgi_cache`, `uwsgi_cache` or `scgi_cache` is on with no `*_cache_key` in effect.',
      why: 'Unlike proxy_cache, these modules have no built-in key: the key is empty, so every URL maps to the same entry and the first cached page is served for all of them (measured: `/beta` was a HIT returning `/alpha`\'s page). `nginx -t` only warns.',
      bad: 'fastcgi_cache php;\nfastcgi_cache_valid 200 10m;',
      good: 'fastcgi_cache php;\nfastcgi_cache_key $scheme$request_method$host$request_uri;\nfastcgi_cache_valid 200 10m;',
    },
  },
  check(ctx) {
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      if (pol.family === 'proxy' || pol.key || done.has(pol.cache.d)) continue;
      // In a fragment, or next to an include that was not found, the key may be set where the analysis cannot see.
      if (mayMissDirectives(ctx.model, pol.scope, { templates: false })) continue;
      done.add(pol.cache.d);
      const fam = pol.family;
      const c = pol.cache;
      const key = defaultKey(fam);
      ctx.report({
        path: c.file.path,
        range: c.d.args[0] ? wordRange(c.d.args[0]) : directiveRange(c),
        message: `${fam}_cache "${pol.zoneName}" has no ${fam}_cache_key: ${fam} has no built-in key, so every URL shares one empty key and the first cached page is served for all of them. Add ${fam}_cache_key ${key};`,
        fixes: [{ title: `Add ${fam}_cache_key ${key};`, safe: true, edits: [insertLineAfter(ctx.file(c.file.path), c.d.offset, c.d.end, `${fam}_cache_key ${key};`)] }],
      });
    }
  },
});
