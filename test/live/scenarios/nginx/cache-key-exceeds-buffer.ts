// proxy_buffer_size 1k with the cache on: a key that does not fit (a 900-character URL) silently skips the
// cache ("proxy_buffer_size 1024 is not enough for cache key"), so that URL is never a HIT.
import { repeat, scenario, showHits } from '../../lib/scenario';

const LONG = `/search?q=${'q'.repeat(900)}`;

export default scenario({
  rule: 'nginx/cache-key-exceeds-buffer',
  claim: 'proxy_buffer_size 1k: a 900-character URL is never cached',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  run: (t) => repeat(t, 5, LONG),
  harmful: (m) => m.hits === 0 && m.fetches === 5,
  cured: (m) => Number(m.hits) >= 4 && m.fetches === 1,
  show: showHits,
});
