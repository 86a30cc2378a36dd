// proxy_cache_bypass $cookie_session without proxy_no_cache: the logged-in user's page skips the lookup but is
// still stored, and anonymous visitors then get alice's personalised page from the cache.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/bypass-without-no-cache',
  claim: 'bypassed (logged-in) response stored: anonymous visitors get alice\'s page',
  listen: '127.0.0.1:18080',
  backend: {
    '/shop/': {
      headers: { 'Cache-Control': 'max-age=60' },
      body: (req) => (/session=alice/.test(req.headers.cookie ?? '') ? 'shop for alice (basket: 3 items)\n' : 'shop for guests\n'),
    },
  },
  run: async (t) => {
    await t.get('/shop/', { headers: { Cookie: 'session=alice' } });
    const n = 5;
    let leaked = 0;
    for (let i = 0; i < n; i++) if ((await t.get('/shop/')).body.includes('alice')) leaked++;
    return { leaked, requests: n, fetches: t.backend.count('/shop/') };
  },
  harmful: (m) => m.leaked === m.requests,
  cured: (m) => m.leaked === 0 && m.fetches === 2,
  show: (m) => `${m.leaked}/${m.requests} anonymous replies carried alice's page, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
