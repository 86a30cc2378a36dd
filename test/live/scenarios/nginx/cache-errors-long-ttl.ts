// proxy_cache_valid any 10m: the origin drops the first connection (nginx answers 502 itself), then recovers —
// but the 502 is cached for 10 minutes and replayed to everyone. The (unsafe) fix gives 500/502/503/504 a 10 s
// entry before the any line (brief error shielding stays), so 11 s after the failure the page is back.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-errors-long-ttl',
  claim: 'proxy_cache_valid any 10m: one transient 502 replayed long after the origin recovered',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: {
    '/': {
      headers: (req, n) => {
        // The first request: the origin fails (connection reset), nginx answers 502 Bad Gateway.
        if (n === 1) req.socket.destroy();
        return {};
      },
    },
  },
  run: async (t) => {
    const first = await t.get('/page');
    const soon = await t.get('/page');
    await t.sleep(11_000);
    const later = await t.get('/page');
    return { first: first.status, soon: soon.status, later: later.status, laterCache: later.cache, fetches: t.backend.count('/page') };
  },
  harmful: (m) => m.first === 502 && m.later === 502,
  cured: (m) => m.first === 502 && m.later === 200,
  show: (m) => `origin fails once: ${m.first}, then ${m.soon} at once, ${m.later} (${m.laterCache}) 11 s later, ${m.fetches} backend request${m.fetches === 1 ? '' : 's'}`,
});
