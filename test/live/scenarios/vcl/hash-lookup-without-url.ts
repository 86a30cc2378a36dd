// vcl_hash returns (lookup) after hashing X-Country only: the URL is not in the cache key, so with the same
// X-Country every page of the site is one object — /about is answered with the /pricing page cached before it.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/hash-lookup-without-url',
  claim: 'with X-Country set, /about is answered with the cached /pricing page',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' }, body: (req) => `page ${req.url}\n` } },
  run: async (t) => {
    const de = { headers: { 'X-Country': 'DE' } };
    await t.get('/pricing', de);
    const about = await t.get('/about', de);
    return { about: about.body.trim(), cache: about.cache, fetches: t.backend.requests.length };
  },
  harmful: (m) => m.about === 'page /pricing' && m.fetches === 1,
  cured: (m) => m.about === 'page /about' && m.fetches === 2,
  show: (m) => `GET /about answered "${m.about}" (${m.cache}, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
