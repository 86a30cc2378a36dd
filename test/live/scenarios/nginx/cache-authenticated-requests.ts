// The app authenticates with the Authorization header nginx passes on, but the cache key and the predicates
// ignore it: alice's private profile, once cached, is served to an anonymous client as a HIT.
import { scenario } from '../../lib/scenario';

const ALICE = `Basic ${Buffer.from('alice:secret').toString('base64')}`;

export default scenario({
  rule: 'nginx/cache-authenticated-requests',
  claim: 'Authorization left out of the cache: alice\'s private page served to anonymous clients',
  listen: '127.0.0.1:18081',
  unsafe: true,
  backend: {
    '/profile/': {
      headers: { 'Cache-Control': 'max-age=60' },
      body: (req) => (req.headers.authorization === ALICE ? 'private profile of alice\n' : 'public profile page\n'),
    },
  },
  run: async (t) => {
    await t.get('/profile/me', { headers: { Authorization: ALICE } });
    const n = 5;
    let leaked = 0;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const r = await t.get('/profile/me');
      if (r.body.includes('alice')) leaked++;
      if (r.cache === 'HIT') hits++;
    }
    return { leaked, requests: n, hits, fetches: t.backend.count('/profile/') };
  },
  harmful: (m) => m.leaked === m.requests,
  // Anonymous pages are still cached after the fix: only the authenticated request skips the cache.
  cured: (m) => m.leaked === 0 && Number(m.hits) >= Number(m.requests) - 1,
  show: (m) => `${m.leaked}/${m.requests} anonymous replies carried alice's private page (${m.hits} HITs, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
