// proxy_cache_path … inactive=2s under proxy_cache_valid 200 1h: an entry not requested for a while is deleted
// by the cache manager though still valid, and the next request misses. The cache manager looks at an empty
// zone every 10 s, so the scenario waits 12 s between the two requests.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/inactive-shorter-than-ttl',
  claim: 'inactive=2s under a 1h TTL: a still-valid entry is deleted and refetched',
  listen: '127.0.0.1:8080',
  backend: { '/': {} },
  run: async (t) => {
    await t.get('/page');
    await t.sleep(12_000);
    const again = await t.get('/page');
    return { second: again.cache, fetches: t.backend.count('/page') };
  },
  harmful: (m) => m.second !== 'HIT' && m.fetches === 2,
  cured: (m) => m.second === 'HIT' && m.fetches === 1,
  show: (m) => `request 12 s later: ${m.second}, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
