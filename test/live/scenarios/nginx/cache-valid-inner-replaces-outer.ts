// http level: proxy_cache_valid 200 302 10m; /api/ adds proxy_cache_valid 404 5m, which replaces the whole list:
// 200s under /api/ are no longer cached (the origin sends no expiry headers). The (unsafe) fix repeats the
// outer entries in /api/.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-valid-inner-replaces-outer',
  claim: 'inner proxy_cache_valid 404 5m drops the outer 200 10m: /api/ 200s never cached',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': {} },
  ...tenGets('/api/items'),
});
