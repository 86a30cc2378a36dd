// sub vcl_req_authorization { return; } switches off the built-in pass for requests with an Authorization
// header: alice's authenticated /account/ page is cached and served to bob. No quick-fix: only the harm is proven.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/builtin-helper-disabled',
  claim: "alice's authenticated /account/ page is cached and served to bob",
  backend: {
    '/account/': { headers: { 'Cache-Control': 'max-age=60' }, body: (req) => `account page for ${req.headers.authorization ?? 'nobody'}\n` },
  },
  run: async (t) => {
    const alice = 'Basic ' + Buffer.from('alice:secret').toString('base64');
    const bob = 'Basic ' + Buffer.from('bob:secret').toString('base64');
    await t.get('/account/', { headers: { Authorization: alice } });
    const b = await t.get('/account/', { headers: { Authorization: bob } });
    return { leaked: b.body.includes(alice) ? 1 : 0, bobCache: b.cache, fetches: t.backend.count('/account/') };
  },
  harmful: (m) => m.leaked === 1 && m.fetches === 1,
  cured: (m) => m.leaked === 0 && m.fetches === 2,
  show: (m) => `bob ${m.leaked ? "is shown alice's page" : 'gets his own page'} (${m.bobCache}, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
