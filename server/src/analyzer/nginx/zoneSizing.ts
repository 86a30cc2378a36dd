// Sizing a cache zone (keys-zone-too-small, max-size-too-small): how many keys a keys zone holds, the
// literal `name=` arguments of a `*_cache_path`, and sizes and counts as messages write them.
import type { Word } from './tree';
import type { ZoneDef } from './policy';

export const MB = 1024 * 1024;
export const GB = 1024 * MB;

/** Keys per MB of keys zone: measured 8,095 on x86_64 with 4 KB pages (the docs say about 8,000). */
export const KEYS_PER_MB = 8095;

/** `12,345` */
export function thousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `10 GB`, `64 MB`, `1.5 MB`, `512 KB` */
export function sizeText(bytes: number): string {
  if (bytes >= GB && bytes % GB === 0) return `${bytes / GB} GB`;
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

/** The `name=` argument of a `*_cache_path`, when it is a plain literal. */
export function pathArg(zone: ZoneDef, name: string): Word | undefined {
  const w = zone.placed.d.args.find((a) => a.value.startsWith(name + '='));
  return w && !w.template && !w.value.includes('$') ? w : undefined;
}

/** Keys the zone can hold. */
export function keyCapacity(zone: ZoneDef): number | undefined {
  return zone.sizeBytes === undefined ? undefined : (zone.sizeBytes / MB) * KEYS_PER_MB;
}
