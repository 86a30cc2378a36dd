// proxy_no_cache $cookie_session without proxy_cache_bypass: the logged-in user's page is not stored, but the
// lookup still happens, so alice gets the cached anonymous page instead of her own.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/no-cache-without-bypass',
  claim: 'no_cache without bypass: logged-in user served the cached anonymous page',
  listen: '127.0.0.1:18080',
  backend: {
    '/': {
      headers: { 'Cache-Control': 'max-age=60' },
      body: (req) => (/session=alice/.test(req.headers.cookie ?? '') ? 'hello alice (basket: 3 items)\n' : 'hello guest\n'),
    },
  },
  run: async (t) => {
    await t.get('/home');
    const n = 5;
    let wrong = 0;
    for (let i = 0; i < n; i++) if (!(await t.get('/home', { headers: { Cookie: 'session=alice' } })).body.includes('alice')) wrong++;
    const guest = await t.get('/home');
    return { wrong, requests: n, guestLeak: guest.body.includes('alice') ? 1 : 0, fetches: t.backend.count('/home') };
  },
  harmful: (m) => m.wrong === m.requests,
  cured: (m) => m.wrong === 0 && m.guestLeak === 0,
  show: (m) => `${m.wrong}/${m.requests} replies to logged-in alice were the cached guest page, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
