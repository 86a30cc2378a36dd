// add_header Cache-Control "no-store" (and Vary, Expires in the past, Surrogate-Control max-age=0) without
// `always`: when the origin answers an error, nginx sends none of them, so the error page goes out with no
// caching instructions at all and browsers/CDNs cache it by heuristics.
import { scenario } from '../../lib/scenario';

const WANTED: [string, string][] = [
  ['/api/missing', 'cache-control'],
  ['/api/missing', 'vary'],
  ['/old/missing', 'expires'],
  ['/old/missing', 'surrogate-control'],
];

export default scenario({
  rule: 'nginx/add-header-cache-without-always',
  claim: 'Cache-Control no-store / Vary / Expires missing on error pages (no always)',
  listen: '127.0.0.1:8080',
  backend: {
    '/api/missing': { status: 404, headers: { 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }, body: 'not found\n' },
    '/old/missing': { status: 503, body: 'down for maintenance\n' },
    '/': {},
  },
  run: async (t) => {
    const ok = await t.get('/api/ok');
    const replies = new Map<string, Awaited<ReturnType<typeof t.get>>>();
    for (const p of new Set(WANTED.map(([p]) => p))) replies.set(p, await t.get(p));
    const present = WANTED.filter(([p, h]) => replies.get(p)!.headers[h] !== undefined).length;
    return { present, wanted: WANTED.length, okNoStore: String(ok.headers['cache-control'] ?? '').includes('no-store') ? 1 : 0 };
  },
  harmful: (m) => m.okNoStore === 1 && m.present === 0,
  cured: (m) => m.okNoStore === 1 && m.present === m.wanted,
  show: (m) => `error replies (404, 503) carried ${m.present}/${m.wanted} of Cache-Control no-store, Vary, Expires, Surrogate-Control (the 200 had no-store: ${m.okNoStore ? 'yes' : 'no'})`,
});
