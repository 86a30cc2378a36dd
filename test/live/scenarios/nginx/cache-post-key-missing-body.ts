// proxy_cache_methods GET HEAD POST with the built-in key (no $request_body): the first POST to /graphql is
// cached, and every other POST — other users, other queries — gets its response. The fix drops POST.
import { scenario, hitCount } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/cache-post-key-missing-body',
  claim: 'POST cached without $request_body in the key: other users\' POSTs get the first POST\'s answer',
  listen: '127.0.0.1:8080',
  backend: { '/': { headers: { 'Cache-Control': 'max-age=60' }, body: (_req, n) => `answer to POST #${n}\n` } },
  run: async (t) => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const replies = [];
    let foreign = 0;
    for (const [i, u] of users.entries()) {
      const r = await t.get('/graphql', { method: 'POST', body: JSON.stringify({ query: `{ me(user: "${u}") }` }), headers: { 'Content-Type': 'application/json' } });
      replies.push(r);
      if (!r.body.includes(`#${i + 1}`)) foreign++;
    }
    return { foreign, posts: users.length, hits: hitCount(replies), fetches: t.backend.count('/graphql') };
  },
  harmful: (m) => m.foreign === Number(m.posts) - 1,
  cured: (m) => m.foreign === 0 && m.fetches === m.posts,
  show: (m) => `${m.foreign}/${m.posts} POSTs (different bodies) got another POST's answer, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`,
});
