// The facade the adapters call: analysis of entry files, editor features, fixes and the rule registry.
import type { AnalysisResult, Location, OutlineSymbol, RuleInfo, SourceFile } from './api';
import type { Dialect, FileProvider, Finding, Fix, Settings, TextEdit } from './types';

export interface AnalyzeOptions {
  provider: FileProvider;
  settings: Settings;
}

/** Which dialect a file is, from its name and, failing that, its content; undefined when neither fits. */
export function detectDialect(path: string, text?: string): Dialect | undefined {
  if (/\.vcl$/i.test(path)) return 'vcl';
  if (text !== undefined && /^\s*vcl\s+4\.[01]\s*;/m.test(text.slice(0, 4000))) return 'vcl';
  return 'nginx';
}

/** Analyses entry files (absolute paths) and everything they include. Never throws on bad input. */
export function analyzeEntries(entries: string[], opts: AnalyzeOptions): AnalysisResult {
  void opts;
  const files = new Map<string, SourceFile>();
  return { entries, files, findings: [], findingsFor: () => [] };
}

/**
 * Analyses the file at `path` the way it is used: when one of `roots` (main configs the caller knows,
 * e.g. open `nginx.conf` files) or an `nginx.conf` in an ancestor directory includes it, that root is
 * analysed and the file gets its findings in that context; otherwise the file is analysed alone.
 */
export function analyzeDocument(path: string, opts: AnalyzeOptions & { roots?: string[] }): AnalysisResult {
  return analyzeEntries([path], opts);
}

/** Markdown hover at `offset` of `path`: directive/variable docs, or the effective-policy card. */
export function hoverAt(result: AnalysisResult, path: string, offset: number): string | undefined {
  void result; void path; void offset;
  return undefined;
}

/** The effective cache policy card for the location/server enclosing `offset` (command and CLI `explain`). */
export function policyAt(result: AnalysisResult, path: string, offset: number): string | undefined {
  void result; void path; void offset;
  return undefined;
}

/** Go-to-definition targets: `proxy_cache NAME` → its `keys_zone`; `include` → the files it matches. */
export function definitionAt(result: AnalysisResult, path: string, offset: number): Location[] {
  void result; void path; void offset;
  return [];
}

/** The outline of one file: http/server/location/upstream/map blocks, VCL subs/backends/ACLs. */
export function outline(result: AnalysisResult, path: string): OutlineSymbol[] {
  void result; void path;
  return [];
}

/** The "Disable <rule> for this line" fix: inserts `# cachelint-disable-next-line <id>` above the finding. */
export function disableForLineFix(file: SourceFile, finding: Finding): Fix {
  return { title: `Disable ${finding.ruleId} for this line`, safe: false, edits: [{ path: file.path, start: 0, end: 0, newText: '' }] };
}

/**
 * Picks the fixes to apply together (safe ones, plus unsafe ones when asked), dropping any whose edits
 * overlap an already chosen one, and returns their edits grouped by path, in ascending offset order.
 */
export function collectFixEdits(findings: Finding[], opts: { unsafe: boolean }): Map<string, TextEdit[]> {
  void findings; void opts;
  return new Map();
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Every rule cachelint knows, for settings, docs and validation of `--rule` options. */
export function ruleRegistry(): RuleInfo[] {
  return [];
}
