// live.test answers on 8090 (plain) and 8490 (TLS, "ssl on") with proxy_cache_key $host$request_uri, while the origin is told the scheme (X-Forwarded-Proto). The page
// cached over plain HTTP — with its http:// links — is served to HTTPS clients. The fix adds $scheme to the key.
import { scenario } from '../../lib/scenario';
import { tlsRequest } from '../../lib/tls';

export default scenario({
  rule: 'nginx/cache-key-missing-scheme',
  claim: 'no $scheme in the key: the page built for http:// served over https://',
  listen: '127.0.0.1:8090',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, body: (req) => `<a href="${req.headers['x-forwarded-proto']}://live.test/next">next</a>\n` } },
  run: async (t) => {
    // Plain HTTP first: this page is cached with http:// links.
    await t.get('/page', { host: 'live.test' });
    const port = t.port('127.0.0.1:8490');
    let wrong = 0;
    const n = 5;
    for (let i = 0; i < n; i++) if (!(await tlsRequest(port, '/page', { host: 'live.test' })).body.includes('https://')) wrong++;
    return { wrong, requests: n, fetches: t.backend.count('/page') };
  },
  harmful: (m) => m.wrong === m.requests,
  cured: (m) => m.wrong === 0 && m.fetches === 2,
  show: (m) => `${m.wrong}/${m.requests} HTTPS replies carried the http:// page, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
