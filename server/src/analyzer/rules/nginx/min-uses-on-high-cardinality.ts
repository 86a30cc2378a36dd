// nginx/min-uses-on-high-cardinality: `*_cache_min_uses` > 1 — objects requested fewer times are never stored.
import { defineRule } from '../rule';
import { directiveRange, variablesIn } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import { mayMissDirectives } from '../../nginx/completeness';
import { groupBy, literalCache } from '../../nginx/cacheTuning';

/** Variables that give each client (or visitor) its own keys. */
const PER_CLIENT = new Set([
  'remote_addr', 'binary_remote_addr', 'realip_remote_addr', 'http_x_forwarded_for', 'http_x_real_ip',
  'http_user_agent', 'http_cookie', 'http_authorization', 'remote_user', 'proxy_add_x_forwarded_for',
]);

/** Per-client variables in the effective key (cookies by name count: a session cookie is per visitor). */
function perClientVariables(pol: CachePolicy): string[] {
  const w = pol.key?.d.args[0];
  if (!w) return [];
  return [...new Set(variablesIn(w).map((v) => v.name).filter((n) => PER_CLIENT.has(n) || n.startsWith('cookie_')))].map((n) => '$' + n);
}

export default defineRule({
  id: 'nginx/min-uses-on-high-cardinality',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: '`*_cache_min_uses` is above 1: a response is stored only after that many requests for its key, so rarely requested URLs (and every key with a per-client part) are never cached.',
      why: 'nginx counts requests per key in the keys zone and stores the response only on the N-th one; evicting the node resets the count (measured with `min_uses 3`: MISS MISS MISS HIT HIT, and 0/40 HITs for URLs requested twice). With a key that contains `$remote_addr`, a cookie or the User-Agent, most keys never reach N. It is legitimate to keep one-hit wonders out of a small cache; reduce the key\'s cardinality first.',
      bad: 'proxy_cache_key $scheme$host$request_uri$cookie_sid;\nproxy_cache_min_uses 3;',
      good: 'proxy_cache_key $scheme$host$request_uri;\nproxy_cache_min_uses 1;',
    },
  },
  check(ctx) {
    const over = ctx.policies.filter((pol) => {
      const v = pol.minUses?.d.args[0]?.value;
      return literalCache(pol) && !!v && /^\d+$/.test(v) && Number(v) > 1 && !mayMissDirectives(ctx.model, pol.scope, { upTo: pol.minUses!.scope, zone: pol.zone });
    });
    for (const [, pols] of groupBy(over, (p) => p.minUses!.d)) {
      const m = pols[0].minUses!;
      const word = m.d.args[0];
      const n = Number(word.value);
      const fam = pols[0].family;
      const keyed = pols.find((p) => perClientVariables(p).length);
      const vars = keyed ? perClientVariables(keyed) : [];
      const message = keyed
        ? `${fam}_cache_min_uses ${n} stores a response only after ${n} requests for the same key, and the key contains ${vars.join(', ')}, which gives each client its own keys: almost no key is requested ${n} times, so the cache stores next to nothing. Use ${fam}_cache_min_uses 1, or drop the per-client part of the key first.`
        : `${fam}_cache_min_uses ${n} stores a response only after ${n} requests for the same key: URLs requested fewer times are never cached, and the count restarts when the key is evicted. Use ${fam}_cache_min_uses 1 unless keeping one-hit wonders out of a small cache is intended.`;
      ctx.report({
        path: m.file.path,
        range: { start: word.offset, end: word.end },
        message,
        related: keyed?.key ? [{ path: keyed.key.file.path, range: directiveRange(keyed.key), message: `cache key with ${vars.join(', ')}` }] : [],
        fixes: [{ title: `Set ${fam}_cache_min_uses 1`, safe: false, edits: [{ path: m.file.path, start: word.offset, end: word.end, newText: '1' }] }],
      });
    }
  },
});
