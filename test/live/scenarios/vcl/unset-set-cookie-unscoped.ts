// unset beresp.http.Set-Cookie for every response: the /login answer loses its session cookie and, without the
// Set-Cookie that made it a hit-for-miss, is cached — the next visitor gets the first visitor's page.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/unset-set-cookie-unscoped',
  claim: '/login loses its session cookie and is cached for the next visitor',
  unsafe: true,
  backend: {
    '/login': { headers: (_req, n) => ({ 'Cache-Control': 'max-age=60', 'Set-Cookie': `session=s${n}; Path=/; HttpOnly` }), body: (_req, n) => `welcome, session s${n}\n` },
  },
  run: async (t) => {
    const alice = await t.get('/login');
    const bob = await t.get('/login');
    return { aliceCookie: alice.headers['set-cookie'] ? 1 : 0, bobCache: bob.cache, bobSeesAlice: bob.body.includes('s1') ? 1 : 0, fetches: t.backend.count('/login') };
  },
  harmful: (m) => m.aliceCookie === 0 && m.bobSeesAlice === 1,
  cured: (m) => m.aliceCookie === 1 && m.bobSeesAlice === 0 && m.fetches === 2,
  show: (m) => `first visitor ${m.aliceCookie ? 'gets' : 'gets no'} Set-Cookie; second visitor ${m.bobSeesAlice ? "is shown the first visitor's page" : 'gets their own page'} (${m.bobCache})`,
});
