// req.hash_always_miss is set for every GET: nothing is ever served from the cache, each request goes to the
// origin (the fix keeps it for a Cache-Control: no-cache request from the purgers ACL only).
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/hash-always-miss-unguarded',
  claim: 'every GET is forced to miss: 0 HITs, every request fetched',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  ...tenGets('/page'),
});
