// No proxy_cache_revalidate: an expired entry with an ETag is refetched in full every time, although the origin
// could answer a conditional request with 304 Not Modified (no body).
import { scenario } from '../../lib/scenario';
import { conditional } from '../../lib/burst';

const BODY = 'x'.repeat(50_000);

export default scenario({
  rule: 'nginx/missing-cache-revalidate',
  claim: 'no revalidate: every expiry is a full refetch instead of a 304',
  listen: '127.0.0.1:8080',
  backend: { '/': conditional('"v1"', { 'Cache-Control': 'max-age=1' }, BODY) },
  run: async (t) => {
    await t.get('/big');
    const n = 2;
    let revalidated = 0;
    let complete = 0;
    for (let i = 0; i < n; i++) {
      await t.sleep(2100); // expired (origin max-age=1; nginx counts whole seconds)
      const r = await t.get('/big');
      if (r.cache === 'REVALIDATED') revalidated++;
      if (r.body === BODY) complete++;
    }
    const refetches = t.backend.requests.filter((q) => q.url === '/big').slice(1);
    const conditionalGets = refetches.filter((q) => q.headers['if-none-match'] === '"v1"').length;
    return { refreshes: refetches.length, full: refetches.length - conditionalGets, conditionalGets, revalidated, complete, requests: n };
  },
  harmful: (m) => m.full === m.refreshes && Number(m.refreshes) >= 2,
  cured: (m) => m.full === 0 && m.revalidated === m.requests && m.complete === m.requests,
  show: (m) => `${m.refreshes} refreshes of an expired 50 KB entry: ${m.full} full refetches, ${m.conditionalGets} conditional (${m.revalidated} REVALIDATED)`,
});
