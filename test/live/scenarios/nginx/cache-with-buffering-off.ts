// proxy_cache on where proxy_buffering off is in effect: nginx stores only buffered responses, so every request
// is a MISS and reaches the origin. The fix removes proxy_buffering off.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-with-buffering-off',
  claim: 'cache on with proxy_buffering off: nothing is ever stored',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  ...tenGets('/page'),
});
