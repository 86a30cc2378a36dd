// scgi_cache with no scgi_cache_key: the key is empty, so every URL shares one entry and the first page cached
// is served for all of them. The fixture's /app/ site passes to an SCGI origin this scenario runs.
import { scenario, hitCount } from '../../lib/scenario';
import { withScgi } from '../../lib/scgi-origin';

const SCGI_PORT = 19431;

export default scenario({
  rule: 'nginx/upstream-cache-without-key',
  claim: 'scgi_cache without a key: every URL served the first cached page',
  listen: '127.0.0.1:8090',
  backend: {},
  run: (t) =>
    withScgi(SCGI_PORT, (r) => ({ body: `page for ${r.uri}\n` }), async (o) => {
      const replies = [];
      let wrong = 0;
      const pages = ['/app/alpha', '/app/beta', '/app/gamma', '/app/delta', '/app/epsilon'];
      for (const p of pages) {
        const r = await t.get(p);
        replies.push(r);
        if (!r.body.includes(`page for ${p}`)) wrong++;
      }
      return { wrong, pages: pages.length, hits: hitCount(replies), fetches: o.count('/app/') };
    }),
  harmful: (m) => m.wrong === Number(m.pages) - 1,
  cured: (m) => m.wrong === 0 && m.fetches === m.pages,
  show: (m) => `${m.wrong}/${m.pages} URLs got another URL's page (${m.hits} HITs), ${m.fetches} SCGI fetch${m.fetches === 1 ? '' : 'es'}`,
});
