// proxy_cache_key $scheme$host$uri: /item?id=1 and /item?id=2 share one entry, so id=2 gets id=1's page.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-key-drops-query-string',
  claim: 'key without the query string: ?id=2 served the page of ?id=1',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, body: (req) => `page for ${req.url}\n` } },
  run: async (t) => {
    let wrong = 0;
    const n = 5;
    for (let i = 1; i <= n; i++) {
      const r = await t.get(`/item?id=${i}`);
      if (!r.body.includes(`id=${i}`)) wrong++;
    }
    return { wrong, requests: n, fetches: t.backend.count('/item') };
  },
  harmful: (m) => m.wrong === Number(m.requests) - 1,
  cured: (m) => m.wrong === 0 && m.fetches === m.requests,
  show: (m) => `${m.wrong}/${m.requests} ids got another id's page, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
