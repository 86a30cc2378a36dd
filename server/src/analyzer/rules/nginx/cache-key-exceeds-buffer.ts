// nginx/cache-key-exceeds-buffer: a *_buffer_size below a memory page with the cache on — long keys skip the cache.
import { defineRule } from '../rule';
import { directiveRange, effective, wordRange } from '../../nginx/policy';
import type { Placed, Scope } from '../../nginx/model';
import { parseSize } from '../../nginx/units';

/** A memory page on x86_64: nginx's default `*_buffer_size`; smaller values are reported. */
export const PAGE_SIZE = 4096;
/**
 * The cache file header before the key (`sizeof(ngx_http_file_cache_header_t)` = 336 on 64-bit, plus
 * "\nKEY: " and the line feed) and the 256 bytes nginx wants free after it (`ngx_http_upstream_cache()`).
 */
const KEY_OVERHEAD = 336 + 7 + 256;

export default defineRule({
  id: 'nginx/cache-key-exceeds-buffer',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: '`*_buffer_size` is set below a memory page (4k) where the cache is on.',
      why: 'The cache file header and the key must fit in `*_buffer_size` with 256 bytes to spare; a request whose key does not fit silently skips the cache, and nginx logs "proxy_buffer_size N is not enough for cache key" (measured with 1k: a 900-character URL was never cached, 0/3 HITs, while short URLs hit).',
      bad: 'proxy_cache shop;\nproxy_buffer_size 1k;',
      good: 'proxy_cache shop;\nproxy_buffer_size 4k;',
    },
  },
  check(ctx) {
    const byDirective = new Map<object, { placed: Placed; size: number; users: Scope[]; zone: string; fam: string; cache: Placed }>();
    for (const pol of ctx.policies) {
      const list = effective(pol.scope, `${pol.family}_buffer_size`);
      const p = list[list.length - 1];
      const w = p?.d.args[0];
      const size = w && parseSize(w.value);
      if (!p || size === undefined || size >= PAGE_SIZE) continue;
      const cur = byDirective.get(p.d) ?? byDirective.set(p.d, { placed: p, size, users: [], zone: pol.zoneName, fam: pol.family, cache: pol.cache }).get(p.d)!;
      cur.users.push(pol.scope);
    }
    for (const { placed: p, size, users, zone, fam, cache } of byDirective.values()) {
      const w = p.d.args[0];
      const room = Math.max(0, size - KEY_OVERHEAD);
      const newSize = '4k';
      const ok = [p.scope, ...users].every((s) => buffersAccept(s, fam, PAGE_SIZE));
      ctx.report({
        path: p.file.path,
        range: wordRange(w),
        message: `${fam}_buffer_size ${w.value} leaves room for cache keys of only about ${room} bytes in cache "${zone}": requests with a longer key (long URLs or query strings) are never cached, and nginx logs "${fam}_buffer_size ${size} is not enough for cache key". Use ${newSize} (one memory page, the default) or more.`,
        related: cache.scope === p.scope && cache.file === p.file ? [] : [{ path: cache.file.path, range: directiveRange(cache), message: `cache "${zone}" enabled here` }],
        fixes: ok ? [{ title: `Set ${fam}_buffer_size ${newSize}`, safe: true, edits: [{ path: p.file.path, start: w.offset, end: w.end, newText: newSize }] }] : [],
      });
    }
  },
});

/** Whether nginx accepts `*_buffer_size` = `size` with the other buffer settings in effect at `scope`. */
function buffersAccept(scope: Scope, fam: string, size: number): boolean {
  const last = (n: string) => {
    const l = effective(scope, `${fam}_${n}`);
    return l[l.length - 1];
  };
  const bufs = last('buffers');
  let num = 8;
  let bsize = PAGE_SIZE;
  if (bufs) {
    const n = Number(bufs.d.args[0]?.value);
    const s = parseSize(bufs.d.args[1]?.value ?? '');
    if (!Number.isFinite(n) || s === undefined) return false;
    num = n;
    bsize = s;
  }
  const max = Math.max(size, bsize);
  const sized = (n: string): number | undefined | null => {
    const p = last(n);
    if (!p) return undefined;
    const v = parseSize(p.d.args[0]?.value ?? '');
    return v === undefined ? null : v;
  };
  const busy = sized('busy_buffers_size');
  if (busy === null) return false;
  const busyVal = busy ?? 2 * max;
  if (busyVal < max || busyVal > (num - 1) * bsize) return false;
  const write = sized('temp_file_write_size');
  if (write === null || (write !== undefined && write < max)) return false;
  const maxTemp = sized('max_temp_file_size');
  if (maxTemp === null || (maxTemp !== undefined && maxTemp !== 0 && maxTemp < max)) return false;
  return true;
}
