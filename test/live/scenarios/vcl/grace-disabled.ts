// beresp.grace = 0s for every cached response: when the 1 s /quotes/ object expires, the next client waits for
// the (slow) origin instead of getting the stale copy at once while one background fetch refreshes it.
import { scenario } from '../../lib/scenario';

const DELAY = 2000;

export default scenario({
  rule: 'vcl/grace-disabled',
  claim: `after expiry the next client waits for the ${DELAY} ms origin instead of getting the stale copy`,
  unsafe: true,
  backend: { '/quotes/': { delayMs: DELAY, body: (_req, n) => `quotes version ${n}\n` } },
  run: async (t) => {
    await t.get('/quotes/eur');
    await t.sleep(1500);
    const t0 = Date.now();
    const r = await t.get('/quotes/eur');
    return { ms: Date.now() - t0, cache: r.cache, body: r.body.trim() };
  },
  harmful: (m) => Number(m.ms) >= DELAY - 100 && m.cache === 'MISS',
  cured: (m) => Number(m.ms) < DELAY / 2 && m.cache === 'HIT' && m.body === 'quotes version 1',
  show: (m) => `request after expiry: ${m.cache} in ${m.ms} ms ("${m.body}")`,
});
