// npm run demo:incident — the outage of examples/incident/ on the real nginx, before and after cachelint's fixes.
// The origin answers like the postmortem's app servers: every response says `Cache-Control: max-age=1` and takes
// 40 ms. Traffic: 8 clients browsing 25 product URLs of /api/ for a few seconds. The same traffic then runs on a
// copy fixed by `cachelint --fix --unsafe-fixes` (the whole tree, as a user would run it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Backend } from './lib/backend';
import { CLI, cachelint } from './lib/cachelint';
import { request } from './lib/client';
import { NginxSite, nginxVersion } from './lib/nginx';

const ROOT = path.resolve(__dirname, '../..');
const CLIENTS = 8;
const PER_CLIENT = 40;
const PRODUCTS = 25;

interface Run {
  requests: number;
  hits: number;
  fetches: number;
  medianMs: number;
  p95Ms: number;
  seconds: number;
}

async function traffic(dir: string): Promise<Run> {
  const backend = new Backend({ '/api/': { delayMs: 40, headers: { 'Cache-Control': 'max-age=1' }, body: (req) => `{"product": "${req.url}"}\n` } });
  const port = await backend.start();
  const site = new NginxSite(dir, path.join(dir, 'nginx.conf'), port);
  await site.localize();
  await site.start();
  const times: number[] = [];
  let hits = 0;
  const t0 = Date.now();
  try {
    // A fixed browsing pattern: client c asks for product (c * 7 + i * 3) % 25 on its i-th request.
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          const t = Date.now();
          const r = await request(site.port(), `/api/products/${(c * 7 + i * 3) % PRODUCTS}`, { host: 'shop.example.com' });
          times.push(Date.now() - t);
          if (/^(HIT|STALE|UPDATING|REVALIDATED)$/.test(String(r.headers['x-cache-status']))) hits++;
          await new Promise((res) => setTimeout(res, 10));
        }
      }),
    );
  } finally {
    await site.stop();
    await backend.stop();
  }
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    hits,
    fetches: backend.count('/api/'),
    medianMs: times[Math.floor(times.length / 2)],
    p95Ms: times[Math.floor(times.length * 0.95)],
    seconds: (Date.now() - t0) / 1000,
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.js` first');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-incident-'));
  fs.chmodSync(root, 0o755);
  try {
    const before = path.join(root, 'before');
    const after = path.join(root, 'after');
    fs.cpSync(path.join(ROOT, 'examples/incident'), before, { recursive: true });
    fs.cpSync(path.join(ROOT, 'examples/incident'), after, { recursive: true });

    console.log(`cachelint on examples/incident/:\n`);
    console.log(cachelint(['nginx.conf'], before).replace(/^/gm, '  '));
    const b = await traffic(before);
    cachelint(['--fix', '--unsafe-fixes', 'nginx.conf'], after);
    const left = cachelint(['--format', 'json', 'nginx.conf'], after);
    const remaining = (JSON.parse(left) as { files: { findings: { severity: string; ruleId: string }[] }[] }).files
      .flatMap((f) => f.findings)
      .filter((f) => f.severity === 'error' || f.severity === 'warning')
      .map((f) => f.ruleId);
    const a = await traffic(after);

    const pct = (r: Run) => `${r.hits} (${Math.round((100 * r.hits) / r.requests)}%)`;
    const rows: [string, string, string][] = [
      ['requests (8 clients, 25 URLs)', String(b.requests), String(a.requests)],
      ['cache HITs', pct(b), pct(a)],
      ['requests reaching the app', String(b.fetches), String(a.fetches)],
      ['median response time', `${b.medianMs} ms`, `${a.medianMs} ms`],
      ['95th percentile', `${b.p95Ms} ms`, `${a.p95Ms} ms`],
    ];
    const w = [Math.max(...rows.map((r) => r[0].length)), 12, 26];
    const line = (r: string[]) => `  ${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padStart(w[2])}`;
    console.log(`The incident on ${nginxVersion()}, an origin answering in 40 ms with Cache-Control: max-age=1:\n`);
    console.log(line(['', 'as shipped', 'after cachelint --fix']));
    for (const r of rows) console.log(line(r));
    console.log(`\n  cachelint --fix --unsafe-fixes rewrote the key, the TTL ownership, inactive= and revalidation.`);
    if (remaining.length) console.log(`  It then reports ${remaining.join(', ')}: what is left for a human (see examples/incident-fixed/).`);
    if (b.hits > b.requests * 0.05 || a.hits < a.requests * 0.8) {
      console.error('\nThe demo did not show the incident and its cure as expected.');
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
