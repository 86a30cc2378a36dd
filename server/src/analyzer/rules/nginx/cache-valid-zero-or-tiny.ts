// nginx/cache-valid-zero-or-tiny: a *_cache_valid time of 0 or a few seconds.
import { defineRule } from '../rule';
import { validEntries } from '../../nginx/policy';
import { describeTime } from '../../nginx/units';
import { placementsNamed } from '../../nginx/placements';

const VALID = new Set(['proxy_cache_valid', 'fastcgi_cache_valid', 'uwsgi_cache_valid', 'scgi_cache_valid']);

export default defineRule({
  id: 'nginx/cache-valid-zero-or-tiny',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'A `*_cache_valid` time of 0, or below the tiny-TTL threshold (10 s by default, setting `thresholds.tinyTtlSeconds`).',
      why: '`0` disables caching for those status codes; a TTL of a few seconds expires constantly and every expiry sends traffic to the upstream (measured: `200 0` gave 0/5 HITs). Micro-caching is legitimate only together with `use_stale updating` and the cache lock.',
      bad: 'proxy_cache_valid 200 1s;',
      good: 'proxy_cache_valid 200 1m;',
    },
  },
  check(ctx) {
    const seen = new Set<object>();
    const limit = ctx.settings.thresholds.tinyTtlSeconds;
    for (const p of placementsNamed(ctx.model, VALID)) {
      if (!VALID.has(p.d.name.value) || seen.has(p.d)) continue;
      seen.add(p.d);
      for (const v of validEntries([p])) {
        if (v.seconds >= limit) continue;
        const zero = v.seconds === 0;
        ctx.report({
          path: p.file.path,
          range: { start: v.timeWord.offset, end: v.timeWord.end },
          message: zero
            ? `${p.d.name.value} ${v.codes.join(' ')} 0 disables caching of these responses: every request for them reaches the upstream. Remove the entry or give it a real TTL.`
            : `${p.d.name.value} time ${describeTime(v.seconds)} is under ${describeTime(limit)}: entries expire constantly and each expiry refetches from the upstream. Raise it, or pair micro-caching with ${p.d.name.value.replace('_valid', '_use_stale')} updating and ${p.d.name.value.replace('_valid', '_lock')} on.`,
          fixes: [{ title: 'Raise the TTL to 1m', safe: false, edits: [{ path: p.file.path, start: v.timeWord.offset, end: v.timeWord.end, newText: '1m' }] }],
        });
      }
    }
  },
});
