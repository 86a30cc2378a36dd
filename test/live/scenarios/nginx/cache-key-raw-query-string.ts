// proxy_cache_key $scheme$host$request_uri: the same page asked for with its parameters in another order or
// with tracking parameters is a new key each time, so it misses and reaches the origin.
import { scenario, hitCount } from '../../lib/scenario';

const VARIANTS = [
  '/list?a=1&b=2',
  '/list?b=2&a=1',
  '/list?a=1&b=2&utm_source=news',
  '/list?a=1&b=2&utm_source=mail',
  '/list?a=1&b=2&fbclid=abc',
  '/list?a=1&b=2&fbclid=def',
  '/list?a=1&b=2&_=1700000001',
  '/list?a=1&b=2&_=1700000002',
  '/list?b=2&a=1&utm_medium=x',
  '/list?a=1&utm_campaign=y&b=2',
];

export default scenario({
  rule: 'nginx/cache-key-raw-query-string',
  claim: 'raw $request_uri in the key: reordered/tracking parameters miss every time',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' } } },
  run: async (t) => {
    const replies = [];
    for (const v of VARIANTS) replies.push(await t.get(v));
    return { hits: hitCount(replies), requests: replies.length, fetches: t.backend.count('/list') };
  },
  harmful: (m) => m.hits === 0 && m.fetches === m.requests,
  cured: (m) => Number(m.hits) >= 8,
  show: (m) => `${m.hits}/${m.requests} HITs for one page under 10 query spellings, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
