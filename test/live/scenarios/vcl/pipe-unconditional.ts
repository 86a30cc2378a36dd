// vcl_recv returns (pipe) for every request (through `call tunnel`): every request is tunnelled to the origin,
// so nothing is cached and every request is a backend fetch (the fix pipes WebSocket upgrades only).
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/pipe-unconditional',
  claim: 'every request is piped to the origin: 0 HITs',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  ...tenGets('/page'),
});
