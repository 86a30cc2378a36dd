// nginx/max-size-too-small: max_size so small that the cache manager evicts fresh entries.
import { defineRule } from '../rule';
import { DEFAULT_THRESHOLDS } from '../../types';
import { MB, keyCapacity, pathArg, sizeText, thousands } from '../../nginx/zoneSizing';

/** max_size below this is small for a cache by default; setting `thresholds.minMaxSizeMB`. */
export const MIN_MAX_SIZE_BYTES = DEFAULT_THRESHOLDS.minMaxSizeMB * 1024 * 1024;
/** Every cached file takes at least one file-system block. */
const MIN_ENTRY_BYTES = 4096;

export default defineRule({
  id: 'nginx/max-size-too-small',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: `\`max_size\` of a \`*_cache_path\` is below ${MIN_MAX_SIZE_BYTES / MB}m and holds less than half of the entries its keys zone can index (at 4 KB, the smallest file).`,
      why: 'The cache manager deletes the least recently used files whenever the cache is above `max_size`, so content that is still fresh misses again (measured: 20 objects of 16 KB with `max_size=64k` left 3 files, 3/20 HITs). A small cache whose keys zone is just as small (e.g. one that holds a single JWKS document) is deliberate and not reported; tight disks are a legitimate reason too.',
      bad: 'proxy_cache_path /var/cache/nginx/shop keys_zone=shop:10m max_size=50m;',
      good: 'proxy_cache_path /var/cache/nginx/shop keys_zone=shop:10m max_size=1g;',
    },
  },
  check(ctx) {
    const minBytes = ctx.settings.thresholds.minMaxSizeMB * MB;
    const seen = new Set<object>();
    for (const defs of ctx.zones.values()) {
      for (const zone of defs) {
        if (seen.has(zone.placed.d)) continue;
        seen.add(zone.placed.d);
        const ms = pathArg(zone, 'max_size');
        if (!ms || zone.maxSize === undefined || zone.maxSize >= minBytes) continue;
        const capacity = keyCapacity(zone);
        const indexable = capacity === undefined ? undefined : capacity * MIN_ENTRY_BYTES;
        // Sized together with a small keys zone: a deliberately small cache.
        if (indexable !== undefined && zone.maxSize * 2 >= indexable) continue;
        const newValue = `${Math.ceil(minBytes / MB)}m`;
        const kz = pathArg(zone, 'keys_zone');
        const path = zone.placed.file.path;
        const zonePart = capacity !== undefined && kz ? `, while its keys zone indexes about ${thousands(capacity)} entries (${sizeText(indexable!)} even at 4 KB each)` : '';
        ctx.report({
          path,
          range: { start: ms.offset, end: ms.end },
          message: `${ms.value} keeps at most ${sizeText(zone.maxSize)} of responses in cache "${zone.name}"${zonePart}: beyond it the cache manager deletes the least recently used files even while they are fresh, so they miss again. Raise it (e.g. max_size=${newValue} or more) if the disk allows.`,
          related: kz && capacity !== undefined ? [{ path, range: { start: kz.offset, end: kz.end }, message: `indexes about ${thousands(capacity)} entries` }] : [],
          fixes: [{ title: `Set max_size=${newValue}`, safe: false, edits: [{ path, start: ms.offset, end: ms.end, newText: ms.quote ? `${ms.quote}max_size=${newValue}${ms.quote}` : `max_size=${newValue}` }] }],
        });
      }
    }
  },
});
