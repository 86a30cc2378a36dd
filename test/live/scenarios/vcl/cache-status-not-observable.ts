// vcl_deliver exposes nothing about the cache outcome (no X-Cache from obj.hits): a HIT and a MISS look the
// same to a client, a monitor or a CDN log, so a collapsing hit rate goes unnoticed.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/cache-status-not-observable',
  claim: 'a HIT and a MISS carry no header telling them apart',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  run: async (t) => {
    const miss = await t.get('/page');
    const hit = await t.get('/page');
    return { first: miss.cache, second: hit.cache, missSays: String(miss.headers['x-cache'] ?? 'nothing'), hitSays: String(hit.headers['x-cache'] ?? 'nothing') };
  },
  harmful: (m) => m.first === 'MISS' && m.second === 'HIT' && m.missSays === 'nothing' && m.hitSays === 'nothing',
  cured: (m) => m.first === 'MISS' && m.second === 'HIT' && m.missSays === 'MISS' && m.hitSays === 'HIT',
  show: (m) => `X-Cache on a ${m.first}: ${m.missSays}, on a ${m.second}: ${m.hitSays}`,
});
