// proxy_cache_key "$scheme$host$request_uri$request_id": $request_id is new on every request, so every key is
// new: nothing is ever a HIT and each request goes to the origin.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-key-volatile-variable',
  claim: '$request_id in the key: every request a MISS',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  ...tenGets('/page'),
});
