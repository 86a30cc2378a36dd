// proxy_cache_bypass $http_pragma: any client that adds `Pragma: no-cache` skips the cache, so a script repeating
// that request sends every one of them to the origin although the page is cached.
import { hitCount, scenario, showHits } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/bypass-client-controlled',
  claim: 'bypass on Pragma: any client sends every request to the origin',
  listen: '127.0.0.1:18080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  run: async (t) => {
    await t.get('/news/today');
    await t.get('/news/today'); // cached: a HIT for ordinary clients
    const before = t.backend.count('/news/');
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push(await t.get('/news/today', { headers: { Pragma: 'no-cache' } }));
    return { hits: hitCount(replies), requests: replies.length, fetches: t.backend.count('/news/') - before };
  },
  harmful: (m) => m.hits === 0 && m.fetches === 10,
  // No quick-fix: with the bypass removed (or limited to trusted clients), these requests are HITs.
  cured: (m) => m.hits === m.requests && m.fetches === 0,
  show: (m) => `${m.requests} requests with Pragma: no-cache: ${showHits(m)}`,
});
