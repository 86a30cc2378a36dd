// nginx/cache-without-ttl: the cache is on but no *_cache_valid applies — only responses with their own expiry headers are stored.
import { defineRule } from '../rule';
import { insertLineAfter } from '../../fixes';
import { directiveRange, effective } from '../../nginx/policy';
import type { RelatedInfo } from '../../types';
import { mayMissDirectives } from '../../nginx/completeness';

const TTL_HEADERS = ['X-Accel-Expires', 'Cache-Control', 'Expires'];

export default defineRule({
  id: 'nginx/cache-without-ttl',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'The cache is on but no `*_cache_valid` applies, so only responses that carry their own expiry headers are stored.',
      why: 'nginx stores a response only when it gets a TTL: from the upstream\'s X-Accel-Expires, Cache-Control max-age/s-maxage or Expires, or else from `*_cache_valid`. With no `*_cache_valid` in effect, an app that sends no expiry headers is never cached (measured: 0/5 HITs), and when `*_ignore_headers` also ignores those headers nothing is stored at all. The quick-fix is unsafe: it starts caching responses that were passed through before, which may include personalised pages that lack `Cache-Control: private`.',
      bad: 'proxy_cache shop;\nproxy_pass http://app;',
      good: 'proxy_cache shop;\nproxy_cache_valid 200 301 302 10m;\nproxy_pass http://app;',
    },
  },
  check(ctx) {
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      const fam = pol.family;
      if (done.has(pol.cache.d)) continue;
      // Any *_cache_valid in effect (even one the analyzer cannot parse, e.g. a template) gives a TTL source.
      if (effective(pol.scope, `${fam}_cache_valid`).length) continue;
      if (mayMissDirectives(ctx.model, pol.scope, { emptyGlobs: true })) continue;
      done.add(pol.cache.d);
      const honoured = TTL_HEADERS.filter((h) => !pol.ignoreHeaders.has(h.toLowerCase()));
      const file = ctx.file(pol.cache.file.path);
      const line = `${fam}_cache_valid 200 301 302 10m;`;
      const related: RelatedInfo[] = pol.ignoreFrom.map((p) => ({
        path: p.file.path,
        range: directiveRange(p),
        message: `${fam}_ignore_headers in effect here${honoured.length ? '' : ' ignores every upstream expiry header'}`,
      }));
      if (pol.pass && pol.pass.scope !== pol.cache.scope) {
        related.push({ path: pol.pass.file.path, range: directiveRange(pol.pass), message: `requests passed upstream here use cache "${pol.zoneName}" without a ${fam}_cache_valid` });
      }
      const message = honoured.length
        ? `Cache "${pol.zoneName}" is on but no ${fam}_cache_valid applies: nginx stores only responses whose upstream sends ${list(honoured)}, every other response is a MISS each time. Add ${line} (or have the app send X-Accel-Expires).`
        : `Cache "${pol.zoneName}" is on but no ${fam}_cache_valid applies, and ${fam}_ignore_headers ignores X-Accel-Expires, Cache-Control and Expires: no response ever gets a TTL, so nothing is stored. Add ${line}`;
      ctx.report({
        path: pol.cache.file.path,
        range: directiveRange(pol.cache),
        message,
        related,
        fixes: [{ title: `Add ${line} (caches responses without expiry headers: check they are not personalised)`, safe: false, edits: [insertLineAfter(file, pol.cache.d.offset, pol.cache.d.end, line)] }],
      });
    }
  },
});

function list(headers: string[]): string {
  const names = headers.map((h) => (h === 'Cache-Control' ? 'Cache-Control max-age/s-maxage' : h));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];
}
