// vcl_recv never strips analytics cookies: every visitor carries a different _ga cookie, the built-in VCL
// passes any request with a Cookie, and nothing is served from the cache.
import { hitCount, scenario, showHits } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/tracking-cookies-not-stripped',
  claim: 'visitors with only a _ga/_gid cookie are never served from the cache',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  run: async (t) => {
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push(await t.get('/products/', { headers: { Cookie: `_ga=GA1.2.${1000 + i}.1700000000; _gid=GA1.2.${i}` } }));
    return { hits: hitCount(replies), requests: replies.length, fetches: t.backend.count('/products/') };
  },
  harmful: (m) => m.hits === 0 && m.fetches === 10,
  cured: (m) => Number(m.hits) >= 9 && m.fetches === 1,
  show: showHits,
});
