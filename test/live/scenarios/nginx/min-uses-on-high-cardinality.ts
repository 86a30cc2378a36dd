// proxy_cache_min_uses 3: a response is stored only on the third request for its key, so URLs of the long tail
// (here: 10 product pages requested twice each) are never cached and every request goes to the origin.
import { hitCount, scenario, showHits } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/min-uses-on-high-cardinality',
  claim: 'min_uses 3: URLs requested twice are never cached',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  run: async (t) => {
    const replies = [];
    for (let round = 0; round < 2; round++) for (let i = 0; i < 10; i++) replies.push(await t.get(`/product/${i}`));
    return { hits: hitCount(replies), requests: replies.length, fetches: t.backend.count('/product/') };
  },
  harmful: (m) => m.hits === 0 && m.fetches === 20,
  cured: (m) => m.hits === 10 && m.fetches === 10,
  show: showHits,
});
