// Compiler-style text output: one aligned line per finding, then a summary.
import type { Finding, Severity } from '../../analyzer/types';
import type { Report } from '../main';

export interface TextOptions {
  /** ANSI colours (the caller decides: a TTY and NO_COLOR unset). */
  color: boolean;
}

const SEVERITY_WIDTH = 'warning'.length;

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', hint: '\x1b[2m' };
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Messages are shown on one line; line breaks inside become spaces. */
function flatten(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * `path:line:col  severity  message  [rule-id]` per finding (1-based; columns in UTF-16 code units),
 * locations and severities padded to a common width, then a blank line and the summary.
 */
export function formatText(report: Report, opts: TextOptions): string {
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}${RESET}` : s);
  const rows = report.findings.map((f) => {
    const p = report.position(f.path, f.range.start);
    return { f, location: `${report.display(f.path)}:${p.line}:${p.column}` };
  });
  const locationWidth = Math.max(0, ...rows.map((r) => r.location.length));
  const lines = rows.map(({ f, location }) => {
    const severity = paint(COLORS[f.severity], f.severity) + ' '.repeat(Math.max(0, SEVERITY_WIDTH - f.severity.length));
    return `${location.padEnd(locationWidth)}  ${severity}  ${flatten(f.message)}  ${paint(DIM, `[${f.ruleId}]`)}`;
  });
  const out = lines.length ? [...lines, '', summary(report)] : [summary(report)];
  if (report.fixesApplied) out.push(fixesSentence(report.fixesApplied));
  return out.join('\n') + '\n';
}

/** `3 problems (1 error, 2 warnings) in 2 files — 2 fixable with --fix`, or `No problems in 2 files.` */
export function summary(report: Report): string {
  const files = plural(report.files.length, 'file');
  const all = report.findings;
  if (all.length === 0) return `No problems in ${files}.`;
  const count = (s: Severity) => all.filter((f: Finding) => f.severity === s).length;
  const parts = (['error', 'warning', 'info', 'hint'] as const)
    .map((s) => ({ s, n: count(s) }))
    .filter(({ n }) => n > 0)
    .map(({ s, n }) => plural(n, s));
  let line = `${plural(all.length, 'problem')} (${parts.join(', ')}) in ${files}`;
  const safe = all.filter((f) => f.fixes.some((x) => x.safe)).length;
  const unsafeOnly = all.filter((f) => f.fixes.length > 0 && !f.fixes.some((x) => x.safe)).length;
  if (safe > 0) line += ` — ${safe} fixable with --fix`;
  if (unsafeOnly > 0) line += `${safe > 0 ? ',' : ' —'} ${unsafeOnly} more with --fix --unsafe-fixes`;
  return line;
}

/** `Applied 2 fixes to 1 file.` */
export function fixesSentence(applied: { fixes: number; files: number }): string {
  if (applied.fixes === 0 && applied.files === 0) return 'No fixes applied.';
  const fixes = `${applied.fixes} ${applied.fixes === 1 ? 'fix' : 'fixes'}`;
  return `Applied ${fixes} to ${plural(applied.files, 'file')}.`;
}
