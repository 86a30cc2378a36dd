// Short-lived entries without proxy_cache_use_stale updating: at each expiry every concurrent request for the
// URL goes to the (slow) origin and waits for it, instead of one refresh while the others get the stale copy.
import { scenario } from '../../lib/scenario';
import { burst, count } from '../../lib/burst';

export default scenario({
  rule: 'nginx/missing-use-stale-updating',
  claim: 'no use_stale updating: every expiry sends all concurrent requests to the origin',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=1' }, delayMs: 1500 } },
  run: async (t) => {
    await t.get('/feed');
    await t.sleep(2100); // expired (origin max-age=1; nginx counts whole seconds)
    const before = t.backend.count('/feed');
    const replies = await burst(t, 10, '/feed');
    const waited = replies.filter((r) => r.ms >= 1200).length;
    await t.sleep(1700); // let a background refresh reach the origin before counting
    return { fetches: t.backend.count('/feed') - before, requests: replies.length, waited, stale: count(replies, /^(STALE|UPDATING)$/) };
  },
  harmful: (m) => Number(m.fetches) >= 8 && Number(m.waited) >= 8,
  // One reply may look slow (nginx logs the refreshing request when its background update ends).
  cured: (m) => m.fetches === 1 && Number(m.waited) <= 1,
  show: (m) => `10 concurrent requests on an expired entry: ${m.fetches} origin fetch${m.fetches === 1 ? '' : 'es'}, ${m.waited} waited for the 1500 ms origin, ${m.stale} served stale`,
});
