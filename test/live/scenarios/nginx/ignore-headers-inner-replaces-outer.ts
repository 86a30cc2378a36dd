// The server ignores the origin's Cache-Control and Expires (proxy_cache_valid 200 10m decides); /api/ sets
// proxy_ignore_headers Vary, which replaces that list: the origin's max-age=0 is obeyed again, nothing is cached.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/ignore-headers-inner-replaces-outer',
  claim: 'inner proxy_ignore_headers un-ignores Cache-Control: origin max-age=0 disables the cache',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/api/': { headers: { 'Cache-Control': 'max-age=0', Expires: 'Thu, 01 Jan 1970 00:00:00 GMT' } } },
  ...tenGets('/api/list'),
});
