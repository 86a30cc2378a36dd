// *.shop.test shares one zone with proxy_cache_key $scheme$request_uri: a.shop.test's page, once cached, is
// served to b.shop.test (same key without the host).
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-key-missing-host',
  claim: 'key without $host: one subdomain\'s page served to another',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, body: (req) => `page of ${req.headers.host}\n` } },
  run: async (t) => {
    await t.get('/page', { host: 'a.shop.test' });
    let wrong = 0;
    const n = 5;
    for (let i = 0; i < n; i++) {
      const r = await t.get('/page', { host: 'b.shop.test' });
      if (!r.body.includes('b.shop.test')) wrong++;
    }
    return { wrong, requests: n, fetches: t.backend.count('/page') };
  },
  harmful: (m) => m.wrong === m.requests,
  cured: (m) => m.wrong === 0,
  show: (m) => `${m.wrong}/${m.requests} replies to b.shop.test carried a.shop.test's page, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
