// return (pass(120s)) ends vcl_backend_response for every response: each URL becomes a hit-for-pass object
// for two minutes and nothing is cached. No quick-fix: only the harm is proven.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/pass-ttl-broad',
  claim: 'every response becomes hit-for-pass: 0 HITs, every request fetched',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  ...tenGets('/page'),
});
