// /public/ and /private/ both proxy to http://app/ with the built-in key, which uses the URI sent upstream: the
// page cached through /public/report is served through /private/report, whose proxy_no_cache 1 meant "never
// from the cache".
import { scenario, hitCount } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-key-default-shared-across-locations',
  claim: 'built-in key shared by /public/ and /private/: /private/ (proxy_no_cache) served /public/\'s cached entry',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, body: (_req, n) => `fetch ${n}\n` } },
  run: async (t) => {
    await t.get('/public/report');
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await t.get('/private/report'));
    return { hits: hitCount(replies), requests: replies.length, fetches: t.backend.count('/report') };
  },
  harmful: (m) => m.hits === m.requests,
  cured: (m) => m.hits === 0 && m.fetches === Number(m.requests) + 1,
  show: (m) => `${m.hits}/${m.requests} /private/ requests answered from /public/'s entry, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
