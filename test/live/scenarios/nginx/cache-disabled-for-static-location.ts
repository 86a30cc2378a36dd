// proxy_cache off in the location for .css/.js/images under an http-level cache: every asset request reaches
// the origin. The (unsafe) fix removes the "off".
import { repeat, scenario, showHits } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-disabled-for-static-location',
  claim: 'proxy_cache off for static assets: every asset fetched from the origin',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=3600' } } },
  run: (t) => repeat(t, 10, '/static/app.css'),
  harmful: (m) => m.hits === 0 && m.fetches === 10,
  cured: (m) => Number(m.hits) >= 9 && m.fetches === 1,
  show: showHits,
});
