// /short/: proxy_cache_valid any 5s; proxy_cache_valid 200 302 10m: "any" comes first and matches every status,
// so pages are cached for 5 s, not 10 min: 6 s later the page is EXPIRED and refetched. The fix moves "any"
// after the code-specific entries.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-valid-any-shadows-specific',
  claim: '"any 5s" before "200 10m": pages expire after 5 s',
  listen: '127.0.0.1:8080',
  backend: { '/': {} },
  run: async (t) => {
    await t.get('/short/page');
    await t.sleep(6000);
    const later = await t.get('/short/page');
    return { later: later.cache, fetches: t.backend.count('/short/') };
  },
  harmful: (m) => m.later === 'EXPIRED' && m.fetches === 2,
  cured: (m) => m.later === 'HIT' && m.fetches === 1,
  show: (m) => `6 s later: ${m.later}, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
