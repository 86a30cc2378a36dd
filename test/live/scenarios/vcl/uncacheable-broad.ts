// beresp.uncacheable = true for every stored response: every object is a hit-for-miss marker, nothing is
// served from the cache. No quick-fix: only the harm is proven.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/uncacheable-broad',
  claim: 'every response is made uncacheable: 0 HITs, even for /static/ with a 1d TTL',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  ...tenGets('/static/app.css'),
});
