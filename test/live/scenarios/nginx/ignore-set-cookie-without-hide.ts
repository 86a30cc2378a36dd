// proxy_ignore_headers Set-Cookie with no proxy_hide_header Set-Cookie: the response that set alice's session
// cookie is cached with the header, and every HIT hands alice's cookie to the next client (bob).
import { hitCount, scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/ignore-set-cookie-without-hide',
  claim: 'Set-Cookie ignored but not hidden: alice\'s session cookie replayed to other clients on HITs',
  listen: '127.0.0.1:18080',
  unsafe: true,
  backend: { '/': { headers: (_req, n) => ({ 'Set-Cookie': `session=alice-${n}; Path=/; HttpOnly` }), body: 'welcome page\n' } },
  run: async (t) => {
    await t.get('/account', { headers: { Cookie: 'login=alice' } });
    const n = 5;
    const replies = [];
    for (let i = 0; i < n; i++) replies.push(await t.get('/account', { headers: { Cookie: 'login=bob' } }));
    const leaked = replies.filter((r) => String(r.headers['set-cookie'] ?? '').includes('session=alice')).length;
    return { leaked, hits: hitCount(replies), requests: n, fetches: t.backend.count('/account') };
  },
  harmful: (m) => m.leaked === m.requests,
  cured: (m) => m.leaked === 0 && m.hits === m.requests,
  show: (m) => `${m.leaked}/${m.requests} replies to bob carried alice's Set-Cookie (${m.hits} HITs, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'})`,
});
