// vcl_recv ends in return (pass) for every request: nothing is ever looked up in the cache, every request goes
// to the origin. No quick-fix (the docs give the rewrite): only the harm is proven.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/pass-unconditional',
  claim: 'every request is passed: 0 HITs, every request fetched',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  ...tenGets('/page'),
});
