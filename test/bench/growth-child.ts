// One size of the cost-growth curve (growth.ts), in a fresh process so its memory figures are its own:
// parse + full analysis of FILE (as run.ts's in-process part does), timed after a warm-up, the heap the
// result retains, and the peak RSS. Prints one JSON object (ChildResult) on stdout.
//
//   node --expose-gc --import tsx test/bench/growth-child.ts FILE nginx|vcl RUNS MIN_RUNS BUDGET_MS
import * as fs from 'node:fs';
import { analyzeEntries } from '../../server/src/analyzer/analyze';
import { defaultSettings, type FileProvider } from '../../server/src/analyzer/types';
import { measureSync, type Sample } from './stats';

export interface ChildResult {
  file: string;
  dialect: 'nginx' | 'vcl';
  bytes: number;
  lines: number;
  findings: number;
  internalErrors: string[];
  /** The first analysis of the file (cold JIT), ms. */
  first: number;
  /** The analyses after the warm-up. */
  sample: Sample;
  /** Heap used (after GC) before the first analysis: node, the analyzer and the file's text. */
  heapBefore: number;
  /** Heap used (after GC) with the first analysis's result still referenced. */
  heapAfter: number;
  /** heapAfter − heapBefore: what one analysis retains. */
  retained: number;
  /** Peak RSS after the first analysis (node included), bytes. */
  peakRssFirst: number;
  /** Peak RSS at the end, after every timed run, bytes. */
  peakRss: number;
}

/** Small inputs analysed before measuring, so tables built on first use are not counted as the file's. */
const PRIME: Record<ChildResult['dialect'], { name: string; text: string }> = {
  nginx: {
    name: '/prime/nginx.conf',
    text: 'events {}\nhttp {\n  proxy_cache_path c keys_zone=z:1m;\n  server {\n    location / {\n      proxy_cache z;\n      proxy_pass http://127.0.0.1;\n    }\n  }\n}\n',
  },
  vcl: {
    name: '/prime/default.vcl',
    text: 'vcl 4.1;\nbackend b { .host = "127.0.0.1"; }\nsub vcl_recv {\n  if (req.url ~ "^/a") { return (pass); }\n  return (hash);\n}\n',
  },
};

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
}

function maxRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function main(): void {
  const [file, dialect, runsArg, minRunsArg, budgetArg] = process.argv.slice(2);
  if (!file || (dialect !== 'nginx' && dialect !== 'vcl')) throw new Error('usage: growth-child.ts FILE nginx|vcl RUNS MIN_RUNS BUDGET_MS');
  const runs = Number(runsArg ?? 5);
  const minRuns = Number(minRunsArg ?? 3);
  const budgetMs = Number(budgetArg ?? 10_000);
  const settings = defaultSettings();

  const prime = PRIME[dialect];
  analyzeEntries([prime.name], { provider: { readFile: (p) => (p === prime.name ? prime.text : undefined), glob: () => [] }, settings });

  const text = fs.readFileSync(file, 'utf8');
  const provider: FileProvider = { readFile: (p) => (p === file ? text : undefined), glob: () => [] };
  let findings = 0;
  let internalErrors: string[] = [];
  const analyse = () => {
    const res = analyzeEntries([file], { provider, settings });
    findings = res.findings.length;
    internalErrors = res.internalErrors;
    return res;
  };

  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const t = performance.now();
  let kept: unknown = analyse();
  const first = performance.now() - t;
  collect();
  const heapAfter = process.memoryUsage().heapUsed;
  const peakRssFirst = maxRss();
  if (!kept) throw new Error('no result');
  kept = undefined;

  // The first run was one warm-up; two more when a run is short.
  const sample = measureSync(analyse, { warmup: first > 1000 ? 0 : 2, runs, minRuns, budgetMs });
  const result: ChildResult = {
    file,
    dialect,
    bytes: Buffer.byteLength(text, 'utf8'),
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    findings,
    internalErrors,
    first,
    sample: { ...sample, warmup: sample.warmup + 1 },
    heapBefore,
    heapAfter,
    retained: heapAfter - heapBefore,
    peakRssFirst,
    peakRss: maxRss(),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`growth-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}
