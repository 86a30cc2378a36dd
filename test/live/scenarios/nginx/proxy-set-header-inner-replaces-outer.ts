// The server sets proxy_set_header Host $host (and X-Real-IP); /api/ sets only X-Request-Id, which replaces
// the whole list: the origin gets Host 127.0.0.1:port instead of the site's name, and no client address.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/proxy-set-header-inner-replaces-outer',
  claim: "inner proxy_set_header drops the server's Host $host: the origin serves the wrong vhost",
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { body: (req) => `page of ${req.headers.host}\n` } },
  run: async (t) => {
    const n = 3;
    let wrongHost = 0;
    for (let i = 0; i < n; i++) {
      const r = await t.get(`/api/item${i}`, { host: 'shop.example' });
      if (!r.body.includes('shop.example')) wrongHost++;
    }
    const seen = t.backend.requests.filter((q) => q.url.startsWith('/api/'));
    const realIp = seen.filter((q) => q.headers['x-real-ip']).length;
    const xff = seen.filter((q) => q.headers['x-forwarded-for']).length;
    return { wrongHost, requests: n, realIp, xff, host: String(seen[0]?.headers.host ?? '-').replace(/:\d+$/, ':<port>') };
  },
  harmful: (m) => m.wrongHost === m.requests && m.realIp === 0,
  cured: (m) => m.wrongHost === 0 && m.realIp === m.requests && m.xff === m.requests,
  show: (m) => `${m.wrongHost}/${m.requests} /api/ pages rendered for the wrong Host (origin saw Host ${m.host}), X-Real-IP on ${m.realIp}, X-Forwarded-For on ${m.xff}`,
});
