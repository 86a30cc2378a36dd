// proxy_cache_lock_timeout 1s in front of an origin that takes 1.5 s: the waiting requests give up on the lock,
// go to the origin themselves, and their responses are not stored — the stampede the lock should stop.
import { scenario } from '../../lib/scenario';
import { burst, count } from '../../lib/burst';

export default scenario({
  rule: 'nginx/cache-lock-timeout-short',
  claim: 'lock timeout 1 s < origin latency 1.5 s: waiting requests all go to the origin',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, delayMs: 1500 } },
  run: async (t) => {
    const replies = await burst(t, 10, '/report');
    return { fetches: t.backend.count('/report'), requests: replies.length, hits: count(replies, /^HIT$/) };
  },
  harmful: (m) => Number(m.fetches) >= 8,
  cured: (m) => m.fetches === 1,
  show: (m) => `10 concurrent requests on a cold URL: ${m.fetches} origin fetch${m.fetches === 1 ? '' : 'es'}, ${m.hits} HITs`,
});
