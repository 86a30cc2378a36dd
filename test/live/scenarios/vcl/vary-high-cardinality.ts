// Vary: Accept-Encoding, User-Agent on every response: each distinct browser string gets its own cached
// variant, so ten visitors with ten User-Agents cause ten backend fetches. No quick-fix: only the harm is proven.
import { hitCount, scenario, showHits } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/vary-high-cardinality',
  claim: 'Vary: User-Agent — one variant per browser string, 0 HITs for 10 visitors',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  run: async (t) => {
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push(await t.get('/page', { headers: { 'User-Agent': `Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.${6099 + i}.71` } }));
    return { hits: hitCount(replies), requests: replies.length, fetches: t.backend.count('/page') };
  },
  harmful: (m) => m.hits === 0 && m.fetches === 10,
  cured: (m) => Number(m.hits) >= 9 && m.fetches === 1,
  show: showHits,
});
