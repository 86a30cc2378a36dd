// nginx/upstream-ttl-overrides-cache-valid: the upstream's Cache-Control/Expires beat *_cache_valid — the incident.
import { defineRule } from '../rule';
import { describeTime } from '../../nginx/units';
import { insertLineAfter } from '../../fixes';
import { directiveRange } from '../../nginx/policy';
import { scopeChain, type Scope } from '../../nginx/model';
import { describeLevel } from '../../nginx/scopes';
import { uniqueCi } from '../../nginx/headerLists';

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
    // One finding per overridden `*_cache_valid` and ignore list in effect, however many locations inherit them.
    const done = new Set<string>();
    const ids = new Map<object, number>();
    const id = (o: object | undefined) => (o ? (ids.get(o) ?? ids.set(o, ids.size).get(o)!) : -1);
    for (const pol of ctx.policies) {
      if (!pol.valid.length) continue;
      const ig = pol.ignoreHeaders;
      const missing = ['Cache-Control', 'Expires'].filter((h) => !ig.has(h.toLowerCase()));
      if (!missing.length) continue;
      const first = pol.valid[0];
      const ignoreAt = pol.ignoreFrom[pol.ignoreFrom.length - 1];
      const key = `${id(first.placed)}:${id(ignoreAt)}`;
      if (done.has(key)) continue;
      done.add(key);
      const file = ctx.file(first.placed.file.path);
      const longest = Math.max(...pol.valid.map((v) => v.seconds));
      const fam = pol.family;
      const where = describeLevel(first.placed.scope, 'within');
      const related = pol.ignoreFrom.length
        ? pol.ignoreFrom.map((p) => ({ path: p.file.path, range: directiveRange(p), message: `${fam}_ignore_headers in effect here lacks ${missing.join(' and ')}` }))
        : [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache enabled here; ${fam}_ignore_headers is not set at this level or any enclosing one` }];
      // The fix: the ignore list in effect gets the missing headers. When that list is set at the level of
      // the *_cache_valid or deeper, append to it there (a new line at the outer level would be replaced
      // by it); otherwise add a list at the *_cache_valid's level that repeats what it inherited.
      const chain = [...scopeChain(pol.scope)];
      const depth = (sc: Scope) => chain.indexOf(sc);
      const appendTo = ignoreAt && depth(ignoreAt.scope) <= depth(first.placed.scope) ? ignoreAt : undefined;
      const values = [...pol.ignoreFrom.flatMap((p) => p.d.args.map((a) => a.value)), ...missing];
      const edit = appendTo
        ? { path: appendTo.file.path, start: appendTo.d.args[appendTo.d.args.length - 1].end, end: appendTo.d.args[appendTo.d.args.length - 1].end, newText: ' ' + missing.join(' ') }
        : insertLineAfter(file, first.placed.d.offset, first.placed.d.end, `${fam}_ignore_headers ${uniqueCi(values).join(' ')};`);
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
