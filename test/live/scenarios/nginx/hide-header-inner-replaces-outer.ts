// The server hides Set-Cookie and ignores it for caching; location /leak/ sets its own proxy_hide_header list,
// which replaces the server's: the origin's Set-Cookie for alice is stored with the page and replayed to bob.
import { hitCount, scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/hide-header-inner-replaces-outer',
  claim: "inner proxy_hide_header un-hides Set-Cookie: alice's session cookie replayed to other clients",
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: {
    '/leak/': { headers: (req) => ({ 'Set-Cookie': `session=${req.headers['x-user'] ?? 'anon'}; Path=/` }), body: 'the shared page\n' },
  },
  run: async (t) => {
    const replies = [await t.get('/leak/page', { headers: { 'X-User': 'alice' } })];
    let leaked = 0;
    let cookies = replies[0].headers['set-cookie'] ? 1 : 0;
    const n = 5;
    for (let i = 0; i < n; i++) {
      const r = await t.get('/leak/page', { headers: { 'X-User': `bob${i}` } });
      replies.push(r);
      const sc = (r.headers['set-cookie'] ?? []).join(';');
      if (sc) cookies++;
      if (sc.includes('alice')) leaked++;
    }
    return { leaked, others: n, cookies, requests: replies.length, hits: hitCount(replies), fetches: t.backend.count('/leak/') };
  },
  harmful: (m) => m.leaked === m.others,
  cured: (m) => m.leaked === 0 && m.cookies === 0 && Number(m.hits) >= Number(m.others),
  show: (m) => `${m.leaked}/${m.others} other clients got alice's Set-Cookie, ${m.cookies}/${m.requests} replies carried Set-Cookie, ${m.hits} HITs`,
});
