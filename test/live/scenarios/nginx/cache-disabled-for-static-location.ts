// proxy_cache off in the location for .css/.js/images under an http-level cache: every asset request reaches
// the origin. The (unsafe) fix removes the "off".
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-disabled-for-static-location',
  claim: 'proxy_cache off for static assets: every asset fetched from the origin',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=3600' } } },
  ...tenGets('/static/app.css'),
});
