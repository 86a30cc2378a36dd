// proxy_cache_bypass off was meant as "no bypass here", but any non-empty value other than "0" is true: every
// request to /catalog/ bypasses the cache and goes to the origin.
import { repeat, scenario, showHits } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/predicate-literal-always-true',
  claim: 'proxy_cache_bypass off is always true: every request bypasses the cache',
  listen: '127.0.0.1:18080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  run: (t) => repeat(t, 10, '/catalog/item'),
  harmful: (m) => m.hits === 0 && m.fetches === 10,
  cured: (m) => Number(m.hits) >= 9 && m.fetches === 1,
  show: showHits,
});
