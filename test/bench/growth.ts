// The cost-growth curve: cachelint's parse + full analysis time and memory at 1k, 10k, 35k and 100k lines
// of generated nginx (nginxgen.ts) and VCL (vclgen.ts), each size in a fresh process (growth-child.ts)
// so its heap and RSS are its own. Per size: median time, µs and KB per line, findings, the heap one
// result retains, peak RSS. Per dialect: the least-squares line time = a + b·lines with R², and the
// verdict: linear when the per-line cost (median) at the largest size is within 1.25× of that at 10k.
// The VCL at 100k lines is measured only when the 35k figures say it takes under about a minute.
//
//   node --import tsx test/bench/growth.ts     (also a part of `npm run bench`)
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChildResult } from './growth-child';
import { generateNginx } from './nginxgen';
import { mb, ms, table } from './stats';
import { generateVcl } from './vclgen';

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(__dirname, '.cache');
const CHILD = path.join(__dirname, 'growth-child.ts');

type Dialect = 'nginx' | 'vcl';

const SIZES: Record<Dialect, number[]> = { nginx: [1_000, 10_000, 35_000, 100_000], vcl: [1_000, 10_000, 35_000, 100_000] };
/** The VCL's largest size is skipped when its estimate (first run + MIN_RUNS) exceeds this. */
const OPTIONAL_LIMIT_MS = 60_000;
/** Per-line cost at the largest size over that at 10k above which the curve is called superlinear. */
const SUPERLINEAR = 1.25;

/** Runs and time budget (measured runs, after the warm-up) per size. */
function plan(lines: number): { runs: number; minRuns: number; budgetMs: number } {
  if (lines <= 1_000) return { runs: 20, minRuns: 5, budgetMs: 4_000 };
  if (lines <= 10_000) return { runs: 10, minRuns: 3, budgetMs: 8_000 };
  if (lines <= 35_000) return { runs: 7, minRuns: 3, budgetMs: 12_000 };
  return { runs: 5, minRuns: 3, budgetMs: 15_000 };
}
const MIN_RUNS_LARGEST = 3;

export interface GrowthRow {
  section: 'growth';
  measurement: string;
  input: string;
  result: string;
}

export interface GrowthSize extends ChildResult {
  name: string;
  usPerLine: number;
  kbPerLine: number;
}

export interface GrowthCurve {
  sizes: GrowthSize[];
  /** Sizes not measured, with the reason. */
  skipped: { lines: number; reason: string }[];
  /** time (ms) = a + b·lines, least squares over the measured medians. */
  fit?: { a: number; b: number; r2: number };
  /** Largest size's time over 10k's, next to the ratio of their line counts. */
  ratio?: { from: number; to: number; time: number; memory: number; ideal: number; perLine: number; perLineFastest: number };
  verdict?: string;
}

export interface GrowthResults {
  nginxCheck: { file: string; ok: boolean; message?: string }[] | { skipped: string };
  nginx: GrowthCurve;
  vcl: GrowthCurve;
  durationMs: number;
}

const label = (lines: number) => (lines % 1000 === 0 ? `${lines / 1000}k` : String(lines));
const grouped = (n: number) => n.toLocaleString('en-US');

/** Least squares y = a + b·x, with R². */
export function fitLine(xs: number[], ys: number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  let res = 0;
  for (let i = 0; i < n; i++) res += (ys[i] - (a + b * xs[i])) ** 2;
  return { a, b, r2: syy === 0 ? 1 : 1 - res / syy };
}

/** Runs one size in a fresh process; resolves to its result or rejects with the child's error. */
function measure(file: string, dialect: Dialect, p: { runs: number; minRuns: number; budgetMs: number }): Promise<ChildResult> {
  const args = ['--expose-gc', '--import', 'tsx', CHILD, file, dialect, String(p.runs), String(p.minRuns), String(p.budgetMs)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) {
        try {
          resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
        } catch {
          reject(new Error(`${path.basename(file)}: unreadable output: ${out.slice(-200)}`));
        }
        return;
      }
      const oom = /heap out of memory|Allocation failed/i.test(err);
      const tail = err.trim().split('\n').slice(-3).join(' ').slice(-300);
      reject(Object.assign(new Error(`${path.basename(file)}: ${oom ? 'out of memory' : `exit ${code ?? signal}`}: ${tail}`), { oom }));
    });
  });
}

/** Writes the generated input of one size (unchanged files are left alone). */
function generate(dialect: Dialect, lines: number): string {
  const file = path.join(CACHE, `growth-${label(lines)}.${dialect === 'nginx' ? 'conf' : 'vcl'}`);
  const text = dialect === 'nginx' ? generateNginx({ lines }) : generateVcl({ lines });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
  return file;
}

/** `nginx -t` on each generated nginx file once, with a private prefix (no system files read or written). */
function checkNginx(files: string[]): GrowthResults['nginxCheck'] {
  if (spawnSync('nginx', ['-v']).error) return { skipped: 'nginx is not installed' };
  const prefix = path.join(CACHE, 'nginx-prefix');
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  return files.map((file) => {
    const r = spawnSync('nginx', ['-t', '-p', prefix + '/', '-e', '/dev/stderr', '-c', file], { encoding: 'utf8' });
    const ok = r.status === 0;
    return { file: path.basename(file), ok, message: ok ? undefined : (r.error?.message ?? r.stderr.trim().split('\n')[0]) };
  });
}

function curveOf(sizes: GrowthSize[], skipped: GrowthCurve['skipped']): GrowthCurve {
  const curve: GrowthCurve = { sizes, skipped };
  if (sizes.length >= 2) curve.fit = fitLine(sizes.map((s) => s.lines), sizes.map((s) => s.sample.median));
  const from = sizes.find((s) => s.lines === 10_000);
  const to = sizes[sizes.length - 1];
  if (from && to && to.lines > from.lines) {
    const ideal = to.lines / from.lines;
    const time = to.sample.median / from.sample.median;
    const memory = to.retained / from.retained;
    const perLine = time / ideal;
    // The fastest runs' ratio too: on a busy machine noise only adds time, so it is the steadier figure.
    const perLineFastest = to.sample.min / from.sample.min / ideal;
    curve.ratio = { from: from.lines, to: to.lines, time, memory, ideal, perLine, perLineFastest };
    const kind = perLine > SUPERLINEAR ? 'superlinear' : 'linear';
    curve.verdict =
      `${kind}: ${label(to.lines)} lines cost ${time.toFixed(1)}× ${label(from.lines)} (ideal ${+ideal.toFixed(2)}×; per line ${perLine.toFixed(2)}×, ` +
      `${perLineFastest.toFixed(2)}× by fastest runs); retained heap ${memory.toFixed(1)}×`;
  }
  return curve;
}

export async function runGrowth(log: (msg: string) => void = () => {}): Promise<{ rows: GrowthRow[]; results: GrowthResults; errors: string[]; warnings: string[] }> {
  const t0 = performance.now();
  fs.mkdirSync(CACHE, { recursive: true });
  const rows: GrowthRow[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const row = (measurement: string, input: string, result: string) => rows.push({ section: 'growth', measurement, input, result });

  log('  generating inputs');
  const files: Record<Dialect, string[]> = { nginx: SIZES.nginx.map((n) => generate('nginx', n)), vcl: SIZES.vcl.map((n) => generate('vcl', n)) };

  log('  nginx -t on the generated nginx files');
  const nginxCheck = checkNginx(files.nginx);
  if ('skipped' in nginxCheck) {
    row('`nginx -t` accepts the generated files', SIZES.nginx.map(label).join(', '), `not checked: ${nginxCheck.skipped}`);
  } else {
    const bad = nginxCheck.filter((c) => !c.ok);
    row('`nginx -t` accepts the generated files', SIZES.nginx.map(label).join(', '), bad.length ? `rejected ${bad.map((c) => `${c.file} (${c.message})`).join('; ')}` : `yes (${nginxCheck.length} of ${nginxCheck.length})`);
    for (const c of bad) errors.push(`nginx -t rejected the generated ${c.file}: ${c.message}`);
  }

  const curves = {} as Record<Dialect, GrowthCurve>;
  for (const dialect of ['nginx', 'vcl'] as const) {
    const sizes: GrowthSize[] = [];
    const skipped: GrowthCurve['skipped'] = [];
    const list = SIZES[dialect];
    for (let i = 0; i < list.length; i++) {
      const lines = list[i];
      const file = files[dialect][i];
      const name = path.basename(file);
      const p = { ...plan(lines) };
      if (dialect === 'vcl' && i === list.length - 1) {
        // Optional: only when (first run + MIN_RUNS_LARGEST runs) fits, judged from the previous size.
        const prev = sizes[sizes.length - 1];
        const estimate = prev ? (prev.sample.median / prev.lines) * lines * (MIN_RUNS_LARGEST + 1) : Infinity;
        if (estimate > OPTIONAL_LIMIT_MS) {
          const reason = prev ? `estimated ${ms(estimate)} for ${MIN_RUNS_LARGEST + 1} runs (over ${ms(OPTIONAL_LIMIT_MS)})` : 'no smaller size measured';
          skipped.push({ lines, reason });
          row(`${dialect}: parse + full analysis`, `${name} (${grouped(lines)} lines)`, `not measured: ${reason}`);
          continue;
        }
        p.minRuns = MIN_RUNS_LARGEST;
        p.runs = MIN_RUNS_LARGEST;
      }
      log(`  ${dialect} ${label(lines)} lines`);
      try {
        const r = await measure(file, dialect, p);
        const s: GrowthSize = { ...r, name, usPerLine: (r.sample.median * 1000) / r.lines, kbPerLine: r.retained / 1024 / r.lines };
        sizes.push(s);
        if (r.internalErrors.length) warnings.push(`growth: analysis of ${name}: rules failed: ${r.internalErrors.join('; ')}`);
        row(
          `${dialect}: parse + full analysis`,
          `${name} (${grouped(r.lines)} lines)`,
          `${ms(r.sample.median)} = ${s.usPerLine.toFixed(1)} µs/line (first ${ms(r.first)}), ${grouped(r.findings)} findings; ` +
            `heap retained ${mb(r.retained)} = ${s.kbPerLine.toFixed(2)} KB/line; peak RSS ${mb(r.peakRssFirst)} after one, ${mb(r.peakRss)} after all; n=${r.sample.runs.length}`,
        );
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        // Running out of memory is the analyzer's limit, a figure to report; any other failure is the bench's.
        if ((err as { oom?: boolean }).oom) warnings.push(`growth: ${msg}`);
        else errors.push(`growth: ${msg}`);
        row(`${dialect}: parse + full analysis`, `${name} (${grouped(lines)} lines)`, `failed: ${msg.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
    }
    const curve = curveOf(sizes, skipped);
    curves[dialect] = curve;
    const span = sizes.map((s) => label(s.lines)).join(', ');
    if (curve.fit) {
      row(`${dialect}: time = a + b·lines (least squares)`, span, `a = ${ms(curve.fit.a)}, b = ${(curve.fit.b * 1000).toFixed(2)} µs/line, R² = ${curve.fit.r2.toFixed(4)}`);
    }
    row(`${dialect}: curve`, span, curve.verdict ?? 'not enough sizes measured');
  }

  const results: GrowthResults = { nginxCheck, nginx: curves.nginx, vcl: curves.vcl, durationMs: performance.now() - t0 };
  return { rows, results, errors, warnings };
}

/** The per-size table of one run (growth.ts alone). */
function sizeTable(results: GrowthResults): string {
  const body: string[][] = [];
  for (const dialect of ['nginx', 'vcl'] as const) {
    for (const s of results[dialect].sizes) {
      body.push([
        dialect,
        grouped(s.lines),
        ms(s.sample.median),
        s.usPerLine.toFixed(1),
        grouped(s.findings),
        mb(s.retained),
        s.kbPerLine.toFixed(2),
        mb(s.peakRssFirst),
        String(s.sample.runs.length),
      ]);
    }
    for (const k of results[dialect].skipped) body.push([dialect, grouped(k.lines), `not measured: ${k.reason}`, '', '', '', '', '', '']);
  }
  return table(['dialect', 'lines', 'median', 'µs/line', 'findings', 'heap retained', 'KB/line', 'peak RSS (one analysis)', 'n'], body);
}

if (require.main === module) {
  runGrowth((msg) => process.stderr.write(`growth: ${msg.trim()}\n`)).then(
    ({ rows, results, errors, warnings }) => {
      console.log(sizeTable(results));
      console.log('');
      for (const dialect of ['nginx', 'vcl'] as const) {
        const c = results[dialect];
        const fit = c.fit ? `time = ${ms(c.fit.a)} + ${(c.fit.b * 1000).toFixed(2)} µs × lines, R² = ${c.fit.r2.toFixed(4)}` : 'no fit';
        console.log(`${dialect}: ${fit}; ${c.verdict ?? 'not enough sizes measured'}`);
      }
      const check = rows.find((r) => r.measurement.startsWith('`nginx -t`'));
      if (check) console.log(`nginx -t on the generated files: ${check.result}`);
      console.log(`took ${ms(results.durationMs)}`);
      for (const w of warnings) console.log(`warning: ${w}`);
      for (const e of errors) console.log(`error: ${e}`);
      process.exit(errors.length ? 1 : 0);
    },
    (err: unknown) => {
      console.error(`growth: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
