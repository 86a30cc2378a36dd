// Timing and formatting helpers of the benchmark.

export interface Sample {
  /** Milliseconds per run, in run order (warm-up runs excluded). */
  runs: number[];
  median: number;
  min: number;
  max: number;
  warmup: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarize(runs: number[], warmup = 0): Sample {
  return { runs, median: median(runs), min: Math.min(...runs), max: Math.max(...runs), warmup };
}

export interface MeasureOptions {
  warmup: number;
  /** Runs wanted. */
  runs: number;
  /** Fewest runs taken when the budget runs out first. */
  minRuns: number;
  /** Wall-clock budget for the measured runs (ms); Infinity for none. */
  budgetMs: number;
}

/** Keeps results alive so the optimiser cannot drop the measured work. */
export let sink: unknown;

/** Times `fn` synchronously: `warmup` runs, then `runs` runs (fewer, not below `minRuns`, when over budget). */
export function measureSync(fn: () => unknown, o: MeasureOptions): Sample {
  let warm = 0;
  for (let i = 0; i < o.warmup; i++, warm++) sink = fn();
  const runs: number[] = [];
  const start = performance.now();
  while (runs.length < o.runs) {
    const t = performance.now();
    sink = fn();
    runs.push(performance.now() - t);
    if (runs.length >= o.minRuns && performance.now() - start > o.budgetMs) break;
  }
  return summarize(runs, warm);
}

/** Formats milliseconds: 3 significant digits below 1 s, seconds above. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(2)} ms`;
}

export function mbps(bytes: number, millis: number): string {
  return `${(bytes / 1e6 / (millis / 1000)).toFixed(1)} MB/s`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A plain Markdown table with padded columns (readable in a terminal, pasteable into the README). */
export function table(header: string[], rows: string[][]): string {
  const width = header.map((h, i) => Math.max(len(h), ...rows.map((r) => len(r[i] ?? ''))));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(width[i] - len(c))).join(' | ')} |`;
  return [fmt(header), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmt)].join('\n');
}

/** Display width: code points (✔ ✖ × ≤ are one column each). */
function len(s: string): number {
  return [...s].length;
}
