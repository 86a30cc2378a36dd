// proxy_cache_bypass off was meant as "no bypass here", but any non-empty value other than "0" is true: every
// request to /catalog/ bypasses the cache and goes to the origin.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/predicate-literal-always-true',
  claim: 'proxy_cache_bypass off is always true: every request bypasses the cache',
  listen: '127.0.0.1:18080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  ...tenGets('/catalog/item'),
});
