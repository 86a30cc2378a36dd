// No proxy_cache_lock: a burst of requests for a URL that is not cached yet all go to the (slow) origin at once.
import { scenario } from '../../lib/scenario';
import { burst, count } from '../../lib/burst';

export default scenario({
  rule: 'nginx/missing-cache-lock',
  claim: 'no cache lock: 10 concurrent misses on a cold URL make 10 origin fetches',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, delayMs: 500 } },
  run: async (t) => {
    const replies = await burst(t, 10, '/popular');
    return { fetches: t.backend.count('/popular'), requests: replies.length, hits: count(replies, /^HIT$/) };
  },
  harmful: (m) => Number(m.fetches) >= 8,
  cured: (m) => m.fetches === 1,
  show: (m) => `10 concurrent requests on a cold URL: ${m.fetches} origin fetch${m.fetches === 1 ? '' : 'es'}, ${m.hits} HITs`,
});
