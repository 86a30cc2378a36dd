// The cache is on, but $upstream_cache_status is in no log format and no response header: nothing a client or an
// operator sees tells a HIT from a MISS. Measured: how many replies say whether they came from the cache, and
// whether what they say matches the origin fetches (a reply without a new backend fetch was a HIT).
import { scenario } from '../../lib/scenario';

const PATHS: [string, string][] = [
  ['127.0.0.1:8080', '/page'],
  ['127.0.0.1:8080', '/page'],
  ['127.0.0.1:8080', '/api/list'],
  ['127.0.0.1:8080', '/api/list'],
  ['127.0.0.1:8082', '/a/page'],
  ['127.0.0.1:8082', '/a/page'],
];

export default scenario({
  rule: 'nginx/cache-status-not-observable',
  claim: 'cache on, but no reply (and no log) says HIT or MISS',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  run: async (t) => {
    let told = 0;
    let truthful = 0;
    let hits = 0;
    for (const [listen, p] of PATHS) {
      const before = t.backend.count();
      const r = await t.get(p, { listen });
      const hit = t.backend.count() === before;
      if (hit) hits++;
      const shown = Object.entries(r.headers).find(([k, v]) => k !== 'cache-control' && /^(HIT|MISS|EXPIRED|STALE|UPDATING|REVALIDATED|BYPASS)$/.test(String(v)));
      if (shown) {
        told++;
        if ((shown[1] === 'HIT') === hit) truthful++;
      }
    }
    return { told, truthful, requests: PATHS.length, hits };
  },
  harmful: (m) => m.told === 0 && m.hits === 3,
  cured: (m) => m.told === m.requests && m.truthful === m.requests,
  show: (m) => `${m.told}/${m.requests} replies showed their cache status (${m.hits} were served from the cache)`,
});
