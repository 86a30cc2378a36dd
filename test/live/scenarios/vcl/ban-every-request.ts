// vcl_recv bans on every request, not only on BAN requests: a visitor's GET / adds the ban
// `obj.http.x-url ~ /`, which matches every object, so one page view flushes the whole cache (and the visitor
// gets "Ban added" instead of the page).
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'vcl/ban-every-request',
  claim: "a visitor's GET / bans every cached object",
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' } } },
  run: async (t) => {
    await t.get('/style.css');
    const warm = await t.get('/style.css');
    const visitor = await t.get('/');
    const next = await t.get('/style.css');
    return { warm: warm.cache, visitor: visitor.body.includes('Ban added') ? 'Ban added' : 'the page', next: next.cache, fetches: t.backend.count('/style.css') };
  },
  harmful: (m) => m.warm === 'HIT' && m.next === 'MISS' && m.fetches === 2,
  cured: (m) => m.warm === 'HIT' && m.next === 'HIT' && m.fetches === 1,
  show: (m) => `after a GET / (answered with ${m.visitor}), /style.css is a ${m.next} (${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
