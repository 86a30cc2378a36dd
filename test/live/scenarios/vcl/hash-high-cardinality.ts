// vcl_hash mixes per-request values (now, req.xid) and per-client ones (User-Agent, Cookie…) into the cache
// key: even the same client asking for the same URL gets a new object every time, 0 HITs. No quick-fix: only
// the harm is proven.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/hash-high-cardinality',
  claim: 'hash_data(now / req.xid / User-Agent): the same request never hits',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  ...tenGets('/page', { headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' } }),
});
