// /video/: slice 1m with proxy_cache_valid 1h (200 301 302 only): the slices are 206 responses, get no TTL and
// are never stored, so every download refetches every slice. The fix adds 206 to the list.
import { scenario, hitCount } from '../../lib/scenario';
import { rangeRoute } from '../../lib/range-origin';

const SIZE = 2_621_440;

export default scenario({
  rule: 'nginx/slice-without-206-ttl',
  claim: 'proxy_cache_valid without 206 under slice: slices never cached',
  listen: '127.0.0.1:8080',
  backend: { '/': rangeRoute(SIZE) },
  run: async (t) => {
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await t.get('/video/movie.bin'));
    return { hits: hitCount(replies.slice(1)), requests: 2, fetches: t.backend.count('/video/'), ok: replies.filter((r) => r.body.length === SIZE).length };
  },
  harmful: (m) => m.fetches === 9 && m.ok === 3,
  cured: (m) => m.fetches === 3 && m.ok === 3,
  show: (m) => `3 downloads of a 3-slice file: ${m.fetches} backend slice fetches (${m.hits}/${m.requests} repeat downloads HIT)`,
});
