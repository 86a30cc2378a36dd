// set beresp.ttl = 0s; return (deliver) on 5xx skips the built-in hit-for-miss: the zero-TTL object releases
// the waiting list one client at a time, so concurrent visitors of a slow failing page are served one after
// another (each waits for every fetch before it) instead of fetching in parallel.
import { scenario } from '../../lib/scenario';

const DELAY = 800;
const N = 5;

export default scenario({
  rule: 'vcl/ttl-zero-early-return',
  claim: `${N} concurrent requests to a slow 503 page are serialised behind one another`,
  unsafe: true,
  backend: { '/broken': { status: 503, delayMs: DELAY, headers: { 'Cache-Control': 'max-age=60' } } },
  run: async (t) => {
    const t0 = Date.now();
    const first = t.get('/broken');
    await t.sleep(100);
    const rest = Array.from({ length: N - 1 }, () => t.get('/broken'));
    const replies = await Promise.all([first, ...rest]);
    return { ms: Date.now() - t0, requests: replies.length, fetches: t.backend.count('/broken') };
  },
  // Serialised: about N × DELAY; parallel after the first fetch: about 2 × DELAY.
  harmful: (m) => Number(m.ms) >= (N - 1) * DELAY,
  cured: (m) => Number(m.ms) <= 3 * DELAY,
  show: (m) => `${m.requests} concurrent requests took ${m.ms} ms (${m.fetches} backend fetches of ${DELAY} ms)`,
});
