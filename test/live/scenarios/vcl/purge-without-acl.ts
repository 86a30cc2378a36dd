// PURGE is checked by method only, not by client: any client (here one connecting from 127.0.0.2, outside the
// `invalidators` ACL) can evict a cached page, and every purge sends the next visitor to the origin.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/purge-without-acl',
  claim: 'an outside client (127.0.0.2) can PURGE a cached page',
  unsafe: true,
  backend: { '/home': { headers: { 'Cache-Control': 'max-age=600' } } },
  run: async (t) => {
    await t.get('/home');
    const warm = await t.get('/home');
    const purge = await t.get('/home', { method: 'PURGE', localAddress: '127.0.0.2' });
    const next = await t.get('/home');
    return { warm: warm.cache, purge: purge.status, next: next.cache, fetches: t.backend.count('/home') };
  },
  harmful: (m) => m.warm === 'HIT' && m.purge === 200 && m.next === 'MISS' && m.fetches === 2,
  cured: (m) => m.warm === 'HIT' && m.purge !== 200 && m.next === 'HIT' && m.fetches === 1,
  show: (m) => `PURGE from 127.0.0.2 → ${m.purge}, next request ${m.next} (${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
