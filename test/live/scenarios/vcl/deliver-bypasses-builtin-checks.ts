// return (deliver) in vcl_backend_response skips the built-in checks that make a Cache-Control: private (or
// Set-Cookie) response a hit-for-miss: the /news/ page the origin marks private for one visitor is cached for
// ten minutes and served to everyone after.
import { hitCount, scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/deliver-bypasses-builtin-checks',
  claim: 'a Cache-Control: private /news/ page is cached and served to the next visitors',
  unsafe: true,
  backend: {
    '/news/': { headers: { 'Cache-Control': 'private' }, body: (req, n) => `private news page #${n} rendered for ${req.headers['x-user'] ?? 'nobody'}\n` },
  },
  run: async (t) => {
    const alice = await t.get('/news/today', { headers: { 'X-User': 'alice' } });
    const others = [];
    for (let i = 0; i < 5; i++) others.push(await t.get('/news/today', { headers: { 'X-User': `visitor${i}` } }));
    const leaked = others.filter((r) => r.body.includes('alice')).length;
    return { leaked, hits: hitCount(others), requests: others.length, fetches: t.backend.count('/news/'), first: alice.body.trim() };
  },
  harmful: (m) => Number(m.leaked) >= 4 && Number(m.fetches) <= 2,
  cured: (m) => m.leaked === 0 && m.hits === 0 && m.fetches === 6,
  show: (m) => `${m.leaked}/${m.requests} other visitors shown alice's private page (${m.hits} HITs, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
