// proxy_ignore_headers Cache-Control with nothing keeping sessions out of the cache: alice's account page, which
// the app marked `private`, is cached anyway and served to bob.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/ignore-cache-control-personalized',
  claim: 'Cache-Control: private ignored: alice\'s account page served to bob',
  listen: '127.0.0.1:18080',
  backend: {
    '/account/': {
      headers: { 'Cache-Control': 'private, no-store' },
      body: (req) => `account of ${/session=(\w+)/.exec(req.headers.cookie ?? '')?.[1] ?? 'guest'}\n`,
    },
  },
  run: async (t) => {
    await t.get('/account/', { headers: { Cookie: 'session=alice' } });
    const n = 5;
    let leaked = 0;
    for (let i = 0; i < n; i++) if ((await t.get('/account/', { headers: { Cookie: 'session=bob' } })).body.includes('alice')) leaked++;
    return { leaked, requests: n, fetches: t.backend.count('/account/') };
  },
  harmful: (m) => m.leaked === m.requests,
  // No quick-fix: once Cache-Control is honoured (or sessions bypass the cache), bob gets his own page.
  cured: (m) => m.leaked === 0,
  show: (m) => `${m.leaked}/${m.requests} replies to bob were alice's private account page, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
