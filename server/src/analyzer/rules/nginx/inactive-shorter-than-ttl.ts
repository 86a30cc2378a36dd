// nginx/inactive-shorter-than-ttl: the zone deletes entries after `inactive` although they are still fresh.
import { defineRule } from '../rule';
import { describeTime, formatTime } from '../../nginx/units';
import { directiveRange } from '../../nginx/policy';
import type { ValidEntry, ZoneDef } from '../../nginx/policy';

export default defineRule({
  id: 'nginx/inactive-shorter-than-ttl',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: "The zone's `inactive=` (default 10m) is shorter than the longest `*_cache_valid` of the locations that use it.",
      why: 'An entry not requested within `inactive` is deleted even though it is still valid, so everything but the hottest URLs misses, and stale copies for `use_stale` are gone too (measured: MISS after 12 s with `inactive=2s` and a 1h TTL).',
      bad: 'proxy_cache_path /var/cache/nginx keys_zone=shop:50m inactive=30s;\nproxy_cache_valid 200 10m;',
      good: 'proxy_cache_path /var/cache/nginx keys_zone=shop:50m inactive=10m;\nproxy_cache_valid 200 10m;',
    },
  },
  check(ctx) {
    const longest = new Map<ZoneDef, ValidEntry>();
    for (const pol of ctx.policies) {
      if (!pol.zone) continue;
      for (const v of pol.valid) {
        const cur = longest.get(pol.zone);
        if (!cur || v.seconds > cur.seconds) longest.set(pol.zone, v);
      }
    }
    for (const [zone, v] of longest) {
      if (zone.inactive >= v.seconds) continue;
      const d = zone.placed.d;
      const path = zone.placed.file.path;
      const range = zone.inactiveWord ? { start: zone.inactiveWord.offset, end: zone.inactiveWord.end } : { start: d.name.offset, end: d.name.end };
      const newValue = `inactive=${formatTime(v.seconds)}`;
      const edit = zone.inactiveWord
        ? { path, start: zone.inactiveWord.offset, end: zone.inactiveWord.end, newText: zone.inactiveWord.quote ? `${zone.inactiveWord.quote}${newValue}${zone.inactiveWord.quote}` : newValue }
        : { path, start: d.args[d.args.length - 1].end, end: d.args[d.args.length - 1].end, newText: ' ' + newValue };
      ctx.report({
        path,
        range,
        message: `${zone.inactiveWord ? zone.inactiveWord.value : 'inactive=10m (the default)'} evicts entries of zone "${zone.name}" that are valid for ${describeTime(v.seconds)}: a URL not requested for ${describeTime(zone.inactive)} is deleted while still fresh and misses again. Raise inactive to at least the TTL.`,
        related: [{ path: v.placed.file.path, range: directiveRange(v.placed), message: `entries are valid for ${describeTime(v.seconds)} here` }],
        fixes: [{ title: `Set ${newValue}`, safe: true, edits: [edit] }],
      });
    }
  },
});
