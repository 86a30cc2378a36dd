// `expires -1` on the .css/.js/.png location (and `expires 0` inherited by the .ttf/.otf one) marks static files
// as already expired: a downstream cache (a second, real nginx with a 10-minute default TTL, standing in for a
// CDN or browser cache) stores none of them and fetches every view again from the server.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scenario } from '../../lib/scenario';
import { DownstreamCache, portOf } from '../../lib/downstream-cache';

const VIEWS = 5;

export default scenario({
  rule: 'nginx/negative-expires-or-no-store-on-cacheable',
  claim: 'expires -1 / expires 0 on static assets: a downstream cache stores none of them',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: {},
  run: async (t) => {
    // The fixture serves `root /tmp`: the assets live in a private directory below it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-live-assets-'));
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'app.css'), 'body { color: black; }\n', { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'font.ttf'), 'not really a font\n', { mode: 0o644 });
    const url = `/${path.basename(dir)}`;
    const caches: DownstreamCache[] = [];
    try {
      const m: Record<string, number | string> = { views: VIEWS };
      for (const [listen, file, key] of [['127.0.0.1:8080', 'app.css', 'css'], ['127.0.0.1:8083', 'font.ttf', 'ttf']] as const) {
        const cdn = new DownstreamCache(await portOf(t, listen, url));
        caches.push(cdn);
        await cdn.start();
        const replies = [];
        for (let i = 0; i < VIEWS; i++) replies.push(await cdn.get(`${url}/${file}`));
        m[`${key}Ok`] = replies.filter((r) => r.status === 200).length;
        m[`${key}Hits`] = replies.filter((r) => r.cache === 'HIT').length;
        m[`${key}CC`] = String(replies[0].headers['cache-control'] ?? 'none');
      }
      return m;
    } finally {
      for (const c of caches) await c.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  harmful: (m) => m.cssOk === VIEWS && m.ttfOk === VIEWS && m.cssHits === 0 && m.ttfHits === 0,
  cured: (m) => m.cssOk === VIEWS && m.ttfOk === VIEWS && Number(m.cssHits) >= VIEWS - 1 && Number(m.ttfHits) >= VIEWS - 1,
  show: (m) => `downstream cache HITs: .css ${m.cssHits}/${m.views} (Cache-Control: ${m.cssCC}), .ttf ${m.ttfHits}/${m.views} (Cache-Control: ${m.ttfCC})`,
});
