// /nokey/: slice 1m with proxy_cache_key $uri$is_args$args (no $slice_range): every slice of a 2.5 MB file lands
// on one cache entry, so the file comes back truncated or wrong. The fix adds $slice_range to the key.
import { scenario } from '../../lib/scenario';
import { fileContent, rangeRoute } from '../../lib/range-origin';

const SIZE = 2_621_440;

export default scenario({
  rule: 'nginx/slice-key-missing-slice-range',
  claim: 'slice key without $slice_range: all slices share one entry, the file comes back broken',
  listen: '127.0.0.1:8080',
  backend: { '/': rangeRoute(SIZE, { 'Cache-Control': 'max-age=3600' }) },
  run: async (t) => {
    const want = fileContent(SIZE);
    let broken = 0;
    const n = 3;
    for (let i = 0; i < n; i++) {
      const r = await t.get('/nokey/video.bin').catch(() => undefined);
      if (r?.body !== want) broken++;
    }
    return { broken, requests: n, fetches: t.backend.count('/nokey/') };
  },
  harmful: (m) => m.broken === m.requests,
  cured: (m) => m.broken === 0,
  show: (m) => `${m.broken}/${m.requests} downloads of a 3-slice file broken, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
