// The VCL sets Surrogate-Control on /edge/ responses: the built-in check then ignores Cache-Control (it reads
// Cache-Control only when there is no Surrogate-Control), so a Cache-Control: private page is cached (default
// TTL) and served to the next visitors.
import { hitCount, scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/surrogate-control-masks-private',
  claim: "a Cache-Control: private /edge/ page is cached and served to other visitors",
  unsafe: true,
  backend: {
    '/edge/': { headers: { 'Cache-Control': 'private' }, body: (req, n) => `private page #${n} for ${req.headers['x-user'] ?? 'nobody'}\n` },
  },
  run: async (t) => {
    await t.get('/edge/profile', { headers: { 'X-User': 'alice' } });
    const others = [];
    for (let i = 0; i < 5; i++) others.push(await t.get('/edge/profile', { headers: { 'X-User': `visitor${i}` } }));
    return { leaked: others.filter((r) => r.body.includes('alice')).length, hits: hitCount(others), requests: others.length, fetches: t.backend.count('/edge/') };
  },
  harmful: (m) => Number(m.leaked) >= 4,
  cured: (m) => m.leaked === 0 && m.hits === 0 && m.fetches === 6,
  show: (m) => `${m.leaked}/${m.requests} other visitors shown alice's private page (${m.hits} HITs, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
