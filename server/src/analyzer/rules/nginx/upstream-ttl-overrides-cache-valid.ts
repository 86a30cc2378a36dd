// nginx/upstream-ttl-overrides-cache-valid: the upstream's Cache-Control/Expires beat *_cache_valid — the incident.
import { defineRule } from '../rule';
import { describeTime } from '../../nginx/units';
import { insertLineAfter } from '../../fixes';
import { directiveRange } from '../../nginx/policy';
import type { Scope } from '../../nginx/model';

export default defineRule({
  id: 'nginx/upstream-ttl-overrides-cache-valid',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: '`*_cache_valid` is set, but `*_ignore_headers` lets the upstream\'s `Cache-Control`/`Expires` decide the TTL instead.',
      why: 'nginx uses `*_cache_valid` only when the response carries no X-Accel-Expires, Cache-Control max-age/s-maxage or Expires. An app that sends `Cache-Control: max-age=1` makes a "10m" cache refetch every second (measured: 3 refetches in 6 s); `no-cache`/`private` responses are not stored at all. This was the outage: a cache constantly invalidated.',
      bad: 'proxy_cache_valid 200 10m;',
      good: 'proxy_cache_valid 200 10m;\nproxy_ignore_headers Cache-Control Expires;',
    },
  },
  check(ctx) {
    // One finding per `*_cache_valid` that is overridden, however many locations inherit it.
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      if (!pol.valid.length) continue;
      const ig = pol.ignoreHeaders;
      const missing = ['Cache-Control', 'Expires'].filter((h) => !ig.has(h.toLowerCase()));
      if (!missing.length) continue;
      const first = pol.valid[0];
      if (done.has(first.placed)) continue;
      done.add(first.placed);
      const file = ctx.file(first.placed.file.path);
      const longest = Math.max(...pol.valid.map((v) => v.seconds));
      const fam = pol.family;
      const where = levelName(first.placed.scope);
      const related = pol.ignoreFrom.length
        ? pol.ignoreFrom.map((p) => ({ path: p.file.path, range: directiveRange(p), message: `${fam}_ignore_headers in effect here lacks ${missing.join(' and ')}` }))
        : [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache enabled here; ${fam}_ignore_headers is not set at this level or any enclosing one` }];
      // The fix: one ignore_headers next to the *_cache_valid, keeping what is already ignored (lists replace).
      const sameLevel = pol.ignoreFrom.find((p) => p.scope === first.placed.scope && p.file === first.placed.file);
      const values = [...pol.ignoreFrom.flatMap((p) => p.d.args.map((a) => a.value)), ...missing];
      const edit = sameLevel
        ? { path: sameLevel.file.path, start: sameLevel.d.args[sameLevel.d.args.length - 1].end, end: sameLevel.d.args[sameLevel.d.args.length - 1].end, newText: ' ' + missing.join(' ') }
        : insertLineAfter(file, first.placed.d.offset, first.placed.d.end, `${fam}_ignore_headers ${dedupe(values).join(' ')};`);
      ctx.report({
        path: first.placed.file.path,
        range: directiveRange(first.placed),
        message: `The upstream's ${missing.join(' / ')} headers decide this cache's TTL, not the ${describeTime(longest)} set here: an upstream that sends "Cache-Control: max-age=1" is refetched every second, and "no-cache"/"private" responses are never stored. Ignore those headers (${where}) if nginx should own the TTL, or have the app send X-Accel-Expires.`,
        related,
        fixes: [{ title: `Add ${fam}_ignore_headers ${missing.join(' ')} (only if responses are not personalised)`, safe: false, edits: [edit] }],
      });
    }
  },
});

function dedupe(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(v.toLowerCase()) && !!seen.add(v.toLowerCase()));
}

function levelName(s: Scope): string {
  return s.kind === 'main' ? 'here' : `in this ${s.kind === 'if' ? 'if block' : s.kind}`;
}
