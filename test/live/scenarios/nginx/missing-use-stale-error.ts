// No proxy_cache_use_stale error/http_5xx: once the cached page has expired, an origin failure (500) goes
// straight to the users although a copy is still in the cache.
import { scenario } from '../../lib/scenario';
import { switchable } from '../../lib/burst';

const origin = switchable({ headers: { 'Cache-Control': 'max-age=1' }, body: 'product page\n' });

export default scenario({
  rule: 'nginx/missing-use-stale-error',
  claim: 'no use_stale error: an origin 500 reaches users although a stale copy is cached',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': origin },
  run: async (t) => {
    origin.up();
    await t.get('/product');
    await t.sleep(2100); // the copy expires (origin max-age=1; nginx counts whole seconds)
    origin.down(500);
    const n = 5;
    let errors = 0;
    let stale = 0;
    for (let i = 0; i < n; i++) {
      const r = await t.get('/product');
      if (r.status >= 500) errors++;
      if (r.cache === 'STALE' && r.body.includes('product page')) stale++;
    }
    origin.up();
    return { errors, stale, requests: n };
  },
  harmful: (m) => m.errors === m.requests,
  cured: (m) => m.errors === 0 && m.stale === m.requests,
  show: (m) => `origin down: ${m.errors}/${m.requests} users got 500, ${m.stale} got the stale copy`,
});
