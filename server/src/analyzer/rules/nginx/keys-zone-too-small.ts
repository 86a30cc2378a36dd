// nginx/keys-zone-too-small: the keys zone holds fewer keys than max_size has room for — LRU keys are evicted early.
import { defineRule } from '../rule';
import { DEFAULT_THRESHOLDS } from '../../types';
import { GB, KEYS_PER_MB, MB, keyCapacity, pathArg, thousands } from '../../nginx/zoneSizing';

/** Average cached object size assumed by default to estimate how many entries max_size holds; setting `thresholds.averageObjectKB`. */
export const AVERAGE_OBJECT_BYTES = DEFAULT_THRESHOLDS.averageObjectKB * 1024;

export default defineRule({
  id: 'nginx/keys-zone-too-small',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: `The \`keys_zone\` size holds fewer keys (about ${thousands(KEYS_PER_MB)} per MB) than \`max_size\` has room for at ${AVERAGE_OBJECT_BYTES / 1024} KB per entry, e.g. under 1m with max_size 1g or more.`,
      why: 'Every cached key takes a node in the keys zone (measured: 8,095 keys per MB). When the zone is full, nginx evicts the least recently used keys and their files, and the manager trims to 7/8 of the count: the disk limit is never reached, and a working set larger than the zone gets almost no HITs (measured: 0/2,000 HITs scanning 2,000 URLs through a zone that held 447). The real key count is not known statically; the check compares the zone with what `max_size` can hold.',
      bad: 'proxy_cache_path /var/cache/nginx/shop keys_zone=shop:1m max_size=10g;',
      good: 'proxy_cache_path /var/cache/nginx/shop keys_zone=shop:25m max_size=10g;',
    },
  },
  check(ctx) {
    const objectBytes = ctx.settings.thresholds.averageObjectKB * 1024;
    const seen = new Set<object>();
    for (const defs of ctx.zones.values()) {
      for (const zone of defs) {
        if (seen.has(zone.placed.d)) continue;
        seen.add(zone.placed.d);
        const kz = pathArg(zone, 'keys_zone');
        const ms = pathArg(zone, 'max_size');
        const capacity = keyCapacity(zone);
        if (!kz || !ms || capacity === undefined || zone.maxSize === undefined || zone.sizeBytes === undefined) continue;
        const expected = zone.maxSize / objectBytes;
        const tiny = zone.sizeBytes < MB && zone.maxSize >= GB;
        if (capacity >= expected && !tiny) continue;
        const mb = Math.max(1, Math.ceil(expected / KEYS_PER_MB));
        const sizeStr = kz.value.slice('keys_zone='.length).split(':')[1];
        const newValue = `keys_zone=${zone.name}:${mb}m`;
        const path = zone.placed.file.path;
        ctx.report({
          path,
          range: { start: kz.offset, end: kz.end },
          message: `keys_zone=${zone.name}:${sizeStr} holds about ${thousands(capacity)} keys, but ${ms.value} has room for about ${thousands(expected)} entries of ${objectBytes / 1024} KB: once the zone is full nginx evicts the least recently used entries long before the disk limit, and a working set larger than the zone gets almost no HITs. Grow the zone to ${mb}m (about ${thousands(mb * KEYS_PER_MB)} keys).`,
          related: [{ path, range: { start: ms.offset, end: ms.end }, message: `${ms.value} allows about ${thousands(expected)} entries of ${objectBytes / 1024} KB` }],
          fixes: [{ title: `Set ${newValue}`, safe: false, edits: [{ path, start: kz.offset, end: kz.end, newText: kz.quote ? `${kz.quote}${newValue}${kz.quote}` : newValue }] }],
        });
      }
    }
  },
});
