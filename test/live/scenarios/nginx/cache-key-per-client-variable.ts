// proxy_cache_key $scheme$host$request_uri$http_user_agent: one entry per browser, so ten visitors with ten
// User-Agents all miss and all reach the origin.
import { scenario, hitCount } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-key-per-client-variable',
  claim: '$http_user_agent in the key: each client its own entry, nothing shared',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  run: async (t) => {
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push(await t.get('/page', { host: 'a.test', headers: { 'User-Agent': `Browser/${i}.0` } }));
    return { hits: hitCount(replies), requests: replies.length, fetches: t.backend.count('/page') };
  },
  harmful: (m) => m.hits === 0 && m.fetches === 10,
  cured: (m) => Number(m.hits) >= 9 && m.fetches === 1,
  show: (m) => `${m.hits}/${m.requests} HITs for 10 clients, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
