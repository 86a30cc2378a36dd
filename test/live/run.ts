// npm run test:live — every behavioural rule proven on the real servers. For each scenario under scenarios/:
// cachelint must report the rule on the rule's own fixture (made runnable: see lib/nginx.ts, lib/varnish.ts);
// the fixture then runs on nginx or Varnish against a scripted origin and the harm is measured; cachelint's own
// fix (`cachelint --fix --only <rule>`) is applied and the same requests are measured again. A rule is proven
// when the first run shows the harm and the second does not. Writes test/live/out/report.json; exits 1 on any
// failure, and on any behavioural rule with neither a scenario nor a reason in skipped.ts.
//   node --import tsx test/live/run.ts [rule-substring…] [--record]
// --record also writes test/live/results.json (committed), which the rule docs quote.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Backend } from './lib/backend';
import { CLI, cachelint } from './lib/cachelint';
import { request } from './lib/client';
import { NGINX, NginxSite, copyFixture, nginxVersion } from './lib/nginx';
import { VARNISHD, VarnishSite, varnishVersion } from './lib/varnish';
import type { Live, Measure, Scenario } from './lib/scenario';
import { SKIPPED } from './skipped';
import { RULES } from '../../server/src/analyzer/rules';
import { mapLimit } from '../mapLimit';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/rules/fixtures');
const OUT = path.join(__dirname, 'out');
const CONCURRENCY = Number(process.env.LIVE_CONCURRENCY ?? 3);

export interface LiveResult {
  rule: string;
  scenario: string;
  status: 'proven' | 'failed';
  before?: Measure;
  after?: Measure;
  beforeText?: string;
  afterText?: string;
  server: string;
  error?: string;
  seconds: number;
}

/** Behavioural rules: every nginx and VCL rule outside the language checks (syntax category). */
export function behaviouralRules(): string[] {
  return RULES.filter((r) => r.meta.category !== 'syntax' && r.id !== 'nginx/unused-suppression').map((r) => r.id);
}

function findingsOf(rule: string, file: string): number {
  const r = cachelint(['--format', 'json', '--only', rule, file]);
  const json = JSON.parse(r) as { files: { findings: { ruleId: string }[] }[] };
  return json.files.flatMap((f) => f.findings).filter((f) => f.ruleId === rule).length;
}

/** The text of every config file under `dir`, to tell whether a fix wrote anything. */
function snapshot(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(conf|vcl)$/.test(e.name))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\0');
}

async function loadScenarios(filter: string[]): Promise<{ file: string; s: Scenario }[]> {
  const out: { file: string; s: Scenario }[] = [];
  for (const dialect of ['nginx', 'vcl']) {
    const dir = path.join(__dirname, 'scenarios', dialect);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
      const mod = (await import(path.join(dir, f))) as { default: Scenario | { default: Scenario } };
      const s = ('rule' in mod.default ? mod.default : mod.default.default) as Scenario;
      if (filter.length && !filter.some((x) => s.rule.includes(x))) continue;
      out.push({ file: f, s });
    }
  }
  return out;
}

/** One phase: the fixture (fixed or not) on the real server, the scenario's requests, the measurement. */
async function phase(s: Scenario, dir: string, fix: boolean): Promise<Measure> {
  const [dialect, name] = s.rule.split('/');
  const fixture = s.fixture ?? (dialect === 'nginx' ? 'report.conf' : 'report.vcl');
  const main = copyFixture(path.join(FIXTURES, dialect, name), fixture, dir);
  const backend = new Backend(s.backend);
  const port = await backend.start();
  const site = dialect === 'nginx' ? new NginxSite(dir, main, port) : new VarnishSite(dir, main, port);
  try {
    await site.localize();
    const found = findingsOf(s.rule, main);
    if (!fix && found === 0) throw new Error(`cachelint does not report ${s.rule} on the runnable copy of ${fixture}`);
    if (fix) {
      const before = snapshot(dir);
      cachelint(['--fix', ...(s.unsafe ? ['--unsafe-fixes'] : []), '--only', s.rule, main]);
      if (snapshot(dir) === before) throw new Error('the fix changed nothing');
      const left = findingsOf(s.rule, main);
      if (left >= found && found > 0) throw new Error(`after --fix cachelint still reports ${s.rule} ${left} time(s)`);
    }
    await site.start();
    const live: Live = {
      backend,
      port: (l) => (site instanceof NginxSite ? site.port(l) : site.port),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      get: async (p, o = {}) => {
        const target = site instanceof NginxSite ? site.port(o.listen ?? s.listen) : site.port;
        const reply = await request(target, p, o);
        let cache = '-';
        if (site instanceof NginxSite) cache = (await site.statuses(1))[0];
        else cache = /^\s*\d+\s+\d+\s*$/.test(String(reply.headers['x-varnish'] ?? '')) ? 'HIT' : 'MISS';
        return { ...reply, cache };
      },
    };
    return await s.run(live);
  } finally {
    await site.stop();
    await backend.stop();
  }
}

async function prove(s: Scenario, root: string): Promise<LiveResult> {
  const t0 = Date.now();
  const server = s.rule.startsWith('nginx/') ? nginxVersion() : varnishVersion();
  const base: LiveResult = { rule: s.rule, scenario: s.claim, status: 'failed', server, seconds: 0 };
  const dir = fs.mkdtempSync(path.join(root, `${s.rule.replace('/', '-')}-`));
  fs.chmodSync(dir, 0o755);
  try {
    const before = await phase(s, path.join(dir, 'before'), false);
    // A rule without a quick-fix (its docs give the rewrite): the harm is what is proven.
    const fixable = RULES.find((r) => r.id === s.rule)?.meta.fix !== 'none';
    const after = fixable ? await phase(s, path.join(dir, 'after'), true) : undefined;
    const r: LiveResult = { ...base, before, after, beforeText: s.show(before), afterText: after ? s.show(after) : 'no quick-fix (the rule\'s docs give the rewrite)' };
    if (!s.harmful(before)) r.error = `the harm did not show on the fixture: ${s.show(before)}`;
    else if (after && !s.cured(after)) r.error = `the fix did not cure it: ${s.show(after)}`;
    else r.status = 'proven';
    return { ...r, seconds: (Date.now() - t0) / 1000 };
  } catch (err) {
    return { ...base, error: (err as Error).message.split('\n').slice(0, 6).join('\n'), seconds: (Date.now() - t0) / 1000 };
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const record = args.includes('--record');
  const filter = args.filter((a) => !a.startsWith('--'));
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.js` first');
  const missingTools = [!NGINX && 'nginx', !VARNISHD && 'varnishd'].filter(Boolean);
  if (missingTools.length) {
    // In CI a missing server is a failure; on a developer machine the suite says why it did not run.
    const msg = `live: ${missingTools.join(' and ')} not installed (apt-get install nginx varnish)`;
    if (process.env.CI === 'true') throw new Error(msg);
    console.log(`${msg}: skipped`);
    return;
  }
  const started = Date.now();
  const scenarios = await loadScenarios(filter);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-live-'));
  fs.chmodSync(root, 0o755);
  const results = await mapLimit(scenarios, CONCURRENCY, async (x) => {
    const r = await prove(x.s, root);
    const mark = r.status === 'proven' ? '✔' : '✖';
    console.log(`${mark} ${r.rule} — ${r.scenario}: ${r.beforeText ?? '?'} → ${r.afterText ?? '?'} (${r.seconds.toFixed(1)} s)${r.error ? `\n    ${r.error.replace(/\n/g, '\n    ')}` : ''}`);
    return r;
  });
  const covered = new Set(scenarios.map((x) => x.s.rule));
  const skipped = filter.length ? [] : behaviouralRules().filter((r) => !covered.has(r)).map((rule) => ({ rule, reason: SKIPPED[rule] }));
  for (const s of skipped) console.log(s.reason ? `- ${s.rule} skipped: ${s.reason}` : `✖ ${s.rule}: no live scenario and no reason in test/live/skipped.ts`);
  const missing = skipped.filter((s) => !s.reason).length;
  const proven = results.filter((r) => r.status === 'proven').length;
  const failed = results.length - proven + missing;
  const report = { generated: new Date().toISOString(), servers: { nginx: nginxVersion(), varnish: varnishVersion() }, results, skipped };
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  if (record && !filter.length) fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify({ servers: report.servers, results: results.map(({ rule, scenario, status, beforeText, afterText, server }) => ({ rule, scenario, status, beforeText, afterText, server })) }, null, 2) + '\n');
  fs.rmSync(root, { recursive: true, force: true });
  console.log(`live: ${proven} proven, ${failed} failed${skipped.length ? `, ${skipped.length - missing} skipped` : ''} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
