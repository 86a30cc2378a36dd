// proxy_cache on, no proxy_cache_valid, and an origin that sends no expiry headers: nothing gets a TTL, so
// nothing is stored. The (unsafe) fix adds a proxy_cache_valid.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-without-ttl',
  claim: 'no proxy_cache_valid and no expiry headers: 0 HITs',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': {} },
  ...tenGets('/page'),
});
