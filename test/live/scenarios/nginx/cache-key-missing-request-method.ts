// proxy_cache_convert_head off with key $scheme$host$request_uri: a HEAD is cached under the same key as a GET,
// so the GET that follows is answered from the HEAD's entry: an empty body.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-key-missing-request-method',
  claim: 'HEAD and GET share one key with convert_head off: GET served an empty/cut-off body',
  listen: '127.0.0.1:8082',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, body: 'the full page body\n' } },
  run: async (t) => {
    await t.get('/page', { method: 'HEAD' });
    let empty = 0;
    const n = 5;
    for (let i = 0; i < n; i++) {
      // The HEAD's entry has the page's Content-Length but no body: the reply is empty or cut off.
      const r = await t.get('/page').catch(() => undefined);
      if (!r?.body.includes('the full page body')) empty++;
    }
    return { empty, requests: n, fetches: t.backend.count('/page') };
  },
  harmful: (m) => m.empty === m.requests,
  cured: (m) => m.empty === 0,
  show: (m) => `${m.empty}/${m.requests} GETs after a HEAD got an empty/cut-off body, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
