// add_header Cache-Control on proxied locations without proxy_hide_header Cache-Control: the client gets the
// origin's "public, max-age=600" line and nginx's "no-store" / "private" / "no-cache" line — two contradictory
// Cache-Control headers that browsers and CDNs combine or pick from unpredictably.
import { scenario } from '../../lib/scenario';

const ORIGIN_CC = 'public, max-age=600';
const CASES: { listen: string; path: string; added: string }[] = [
  { listen: '127.0.0.1:8080', path: '/dup/page', added: 'no-store' },
  { listen: '127.0.0.1:8080', path: '/dup2/page', added: 'no-store' },
  { listen: '127.0.0.1:8082', path: '/a/page', added: 'private' },
  { listen: '127.0.0.1:8082', path: '/b/page', added: 'private' },
  { listen: '127.0.0.1:8083', path: '/x/page', added: 'no-cache' },
  { listen: '127.0.0.1:8083', path: '/z/page?preview=1', added: 'private, no-store' },
];

export default scenario({
  rule: 'nginx/add-header-cache-control-duplicates-upstream',
  claim: "add_header Cache-Control adds a second, contradictory line to the origin's Cache-Control",
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': ORIGIN_CC } } },
  run: async (t) => {
    let doubled = 0;
    let onlyAdded = 0;
    let sample = '';
    for (const c of CASES) {
      const r = await t.get(c.path, { listen: c.listen });
      // Node joins repeated Cache-Control lines with ", ".
      const cc = String(r.headers['cache-control'] ?? '');
      if (cc.includes('max-age=600') && cc.includes(c.added)) doubled++;
      if (cc === c.added) onlyAdded++;
      if (!sample) sample = cc;
    }
    return { doubled, onlyAdded, requests: CASES.length, sample };
  },
  harmful: (m) => m.doubled === m.requests,
  cured: (m) => m.doubled === 0 && m.onlyAdded === m.requests,
  show: (m) => `${m.doubled}/${m.requests} replies carried both the origin's and nginx's Cache-Control (the /dup/ lines joined: "${m.sample}"), ${m.onlyAdded}/${m.requests} only nginx's`,
});
