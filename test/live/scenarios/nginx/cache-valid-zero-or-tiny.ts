// proxy_cache_valid 200 0 (the origin sends no Cache-Control): 200s are never stored, so every request reaches
// the origin. The fix raises the time to 1m.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-valid-zero-or-tiny',
  claim: 'proxy_cache_valid 200 0: nothing cached, every request to the origin',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': {} },
  ...tenGets('/page'),
});
