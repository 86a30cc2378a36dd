// proxy_cache_background_update on without proxy_cache_use_stale updating does nothing: an expired entry is
// still refreshed in the foreground, every concurrent client waits for the slow origin and fetches it itself.
import { scenario } from '../../lib/scenario';
import { burst, count } from '../../lib/burst';

export default scenario({
  rule: 'nginx/background-update-without-use-stale',
  claim: 'background_update without use_stale updating: expired entries refreshed in the foreground by every client',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=1' }, delayMs: 1500 } },
  run: async (t) => {
    await t.get('/feed');
    await t.sleep(2100); // expired (origin max-age=1; nginx counts whole seconds)
    const before = t.backend.count('/feed');
    const replies = await burst(t, 5, '/feed');
    const waited = replies.filter((r) => r.ms >= 1200).length;
    await t.sleep(1700); // let a background refresh reach the origin before counting
    return { fetches: t.backend.count('/feed') - before, requests: replies.length, waited, stale: count(replies, /^(STALE|UPDATING)$/) };
  },
  harmful: (m) => Number(m.fetches) >= 4 && Number(m.waited) >= 4,
  // nginx logs the request that triggered the background refresh only once the refresh ends, so one reply may
  // look slow here (t.get waits for the log line); the others must not wait.
  cured: (m) => m.fetches === 1 && Number(m.waited) <= 1 && m.stale === m.requests,
  show: (m) => `5 concurrent requests on an expired entry: ${m.fetches} origin fetch${m.fetches === 1 ? '' : 'es'}, ${m.waited} waited for the 1500 ms origin, ${m.stale} served stale`,
});
