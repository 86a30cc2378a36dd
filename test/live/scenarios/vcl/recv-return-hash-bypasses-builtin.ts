// return (hash) in vcl_recv skips the built-in check that passes requests with a Cookie: the /account/ page
// the origin renders for one visitor's session is cached and served to the next visitor.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/recv-return-hash-bypasses-builtin',
  claim: "a logged-in visitor's /account/ page is served to another visitor",
  unsafe: true,
  backend: {
    '/account/': { headers: { 'Cache-Control': 'max-age=60' }, body: (req) => `account page of ${req.headers.cookie ?? 'nobody'}\n` },
  },
  run: async (t) => {
    await t.get('/account/', { headers: { Cookie: 'session=alice' } });
    const bob = await t.get('/account/', { headers: { Cookie: 'session=bob' } });
    return { leaked: bob.body.includes('alice') ? 1 : 0, bobSees: bob.body.trim() };
  },
  harmful: (m) => m.leaked === 1,
  cured: (m) => m.leaked === 0 && String(m.bobSees).includes('bob'),
  show: (m) => `bob is shown "${m.bobSees}"`,
});
