// proxy_cache_valid 200 10m, but the origin says Cache-Control: max-age=1: nginx obeys the origin, so the
// object is refetched every second instead of being served for ten minutes.
import { repeat, scenario, showHits } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/upstream-ttl-overrides-cache-valid',
  claim: 'origin max-age=1 overrides proxy_cache_valid 10m: refetched every second',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=1' } } },
  run: (t) => repeat(t, 10, '/page', { gapMs: 500 }),
  harmful: (m) => Number(m.fetches) >= 3,
  cured: (m) => m.fetches === 1 && Number(m.hits) >= 9,
  show: showHits,
});
