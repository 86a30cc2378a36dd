// The only mapping between analyzer types (paths, UTF-16 offsets) and LSP types (URIs, line/character).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ruleDocsUrl } from '../analyzer/analyze';
import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  SymbolKind as LspSymbolKind,
  type CodeAction,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type DocumentSymbol,
  type Location as LspLocation,
  type Position as LspPosition,
  type Range as LspRange,
  type SymbolInformation,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Location, OutlineSymbol, SymbolKind } from '../analyzer/api';
import type { Finding, Fix, Severity, TextEdit, TextRange } from '../analyzer/types';
import type { LineIndex } from '../analyzer/text/lineIndex';

/** Shown as the diagnostic source in editors. */
export const DIAGNOSTIC_SOURCE = 'cachelint';
/** The code action kind of "fix all safe problems in this file". */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.cachelint`;

/**
 * What conversions need from the server: the line index of a file the analysis read
 * (undefined when unknown, in which case items in that file are dropped) and the URI of a path.
 */
export interface ConvertContext {
  lines(path: string): LineIndex | undefined;
  uri(path: string): string;
}

/**
 * Maps a `file:` URI to the analyzer's absolute '/'-separated path. Other schemes (e.g. `untitled:`)
 * get a stable synthetic path under `/<scheme>/`; callers keep the reverse mapping for open documents.
 * `dialectHint` appends `.vcl` to synthetic paths so the analyzer sees the document's language.
 */
export function uriToPath(uri: string, dialectHint?: 'nginx' | 'vcl'): string {
  if (uri.startsWith('file:')) {
    try {
      const p = fileURLToPath(uri);
      return process.platform === 'win32' ? p.replace(/\\/g, '/') : p;
    } catch {
      // A malformed file URI falls through to the synthetic form.
    }
  }
  const colon = uri.indexOf(':');
  const scheme = colon > 0 ? uri.slice(0, colon) : 'unknown';
  const rest = uri.slice(colon + 1).replace(/^\/+/, '');
  const name = rest.replace(/[\\/?#%:]/g, '_') || 'document';
  const ext = dialectHint === 'vcl' && !/\.vcl$/i.test(name) ? '.vcl' : '';
  return `/${scheme}/${name}${ext}`;
}

/** Maps an analyzer path to a `file:` URI. */
export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

export function toRange(lines: LineIndex, range: TextRange): LspRange {
  const start = lines.positionAt(range.start);
  const end = range.end > range.start ? lines.positionAt(range.end) : start;
  return { start, end };
}

/** An LSP position as an offset; positions past a line's end or the text's end are clamped. */
export function toOffset(lines: LineIndex, position: LspPosition): number {
  return lines.offsetAt(position);
}

export function toSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

/** The rule's section in docs/rules.md: `nginx/foo-bar` → `…#nginx-foo-bar`. */
export function sameRange(a: LspRange, b: LspRange): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/** A finding as an LSP diagnostic; undefined when its file's line index is unknown. */
export function toDiagnostic(finding: Finding, ctx: ConvertContext): Diagnostic | undefined {
  const lines = ctx.lines(finding.path);
  if (!lines) return undefined;
  const related: DiagnosticRelatedInformation[] = [];
  for (const r of finding.related) {
    const location = toLocation({ path: r.path, range: r.range }, ctx);
    if (location) related.push({ location, message: r.message });
  }
  const diagnostic: Diagnostic = {
    range: toRange(lines, finding.range),
    severity: toSeverity(finding.severity),
    code: finding.ruleId,
    codeDescription: { href: ruleDocsUrl(finding.ruleId) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (related.length > 0) diagnostic.relatedInformation = related;
  // A suppression that silences nothing is dead text: editors fade it.
  if (finding.ruleId.endsWith('/unused-suppression')) diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * The findings of one file as diagnostics, at most `max` of them (0: no limit). Over the limit, the
 * most severe are kept and, within a severity, those nearest to `focus` (an offset: where the user
 * last edited); the last slot is a notice saying how many were left out. Editors cap problems per
 * file too (VS Code keeps 1,000 in file order), so choosing here keeps the ones that matter and
 * saves converting and sending thousands the editor would drop.
 */
export function diagnosticsOf(findings: readonly Finding[], ctx: ConvertContext, max: number, focus = 0): Diagnostic[] {
  let shown = findings;
  if (max > 0 && findings.length > max) {
    const keep = Math.max(1, max - 1);
    const ranked = findings
      .map((f, i) => ({ i, rank: SEVERITY_RANK[f.severity] ?? 4, distance: Math.abs(f.range.start - focus) }))
      .sort((a, b) => a.rank - b.rank || a.distance - b.distance || a.i - b.i)
      .slice(0, keep)
      .sort((a, b) => a.i - b.i);
    shown = ranked.map((r) => findings[r.i]);
  }
  const out: Diagnostic[] = [];
  for (const f of shown) {
    const d = toDiagnostic(f, ctx);
    if (d) out.push(d);
  }
  if (shown.length < findings.length) {
    const left = findings.length - shown.length;
    out.push(
      noticeDiagnostic(
        `cachelint found ${findings.length.toLocaleString('en-US')} problems in this file and shows ${shown.length.toLocaleString('en-US')}: ` +
          `the most severe, nearest to your last edit. ${left.toLocaleString('en-US')} more are not shown; ` +
          'the CLI lists them all, and cachelint.maxProblemsPerFile sets the limit (0: none).',
      ),
    );
  }
  return out;
}

/** A diagnostic not tied to a rule (e.g. "file too large"), at the start of the document. */
export function noticeDiagnostic(message: string, severity: Severity = 'info'): Diagnostic {
  const at = { line: 0, character: 0 };
  return { range: { start: at, end: at }, severity: toSeverity(severity), source: DIAGNOSTIC_SOURCE, message };
}

export function toLocation(location: Location, ctx: ConvertContext): LspLocation | undefined {
  const lines = ctx.lines(location.path);
  if (!lines) return undefined;
  return { uri: ctx.uri(location.path), range: toRange(lines, location.range) };
}

/**
 * Analyzer edits as a WorkspaceEdit (`changes` form, edits per URI in ascending order);
 * undefined when there are no edits or a touched file's line index is unknown.
 */
export function toWorkspaceEdit(edits: TextEdit[], ctx: ConvertContext): WorkspaceEdit | undefined {
  if (edits.length === 0) return undefined;
  const changes: Record<string, LspTextEdit[]> = {};
  const sorted = [...edits].sort((a, b) => a.path.localeCompare(b.path) || a.start - b.start || a.end - b.end);
  for (const e of sorted) {
    const lines = ctx.lines(e.path);
    if (!lines) return undefined;
    const uri = ctx.uri(e.path);
    (changes[uri] ??= []).push({ range: toRange(lines, { start: e.start, end: e.end }), newText: e.newText });
  }
  return { changes };
}

/** A fix as a code action of `kind`; undefined when its edit cannot be expressed. */
export function toCodeAction(
  fix: Fix,
  kind: string,
  ctx: ConvertContext,
  extra: { diagnostics?: Diagnostic[]; isPreferred?: boolean } = {},
): CodeAction | undefined {
  const edit = toWorkspaceEdit(fix.edits, ctx);
  if (!edit) return undefined;
  const action: CodeAction = { title: fix.title, kind, edit };
  if (extra.diagnostics) action.diagnostics = extra.diagnostics;
  if (extra.isPreferred) action.isPreferred = true;
  return action;
}

const SYMBOL_KINDS: Record<SymbolKind, LspSymbolKind> = {
  block: LspSymbolKind.Namespace,
  http: LspSymbolKind.Namespace,
  server: LspSymbolKind.Module,
  upstream: LspSymbolKind.Class,
  location: LspSymbolKind.Method,
  map: LspSymbolKind.Enum,
  if: LspSymbolKind.Event,
  sub: LspSymbolKind.Function,
  backend: LspSymbolKind.Object,
  acl: LspSymbolKind.Array,
  probe: LspSymbolKind.Struct,
  directive: LspSymbolKind.Property,
};

export function toSymbolKind(kind: SymbolKind): LspSymbolKind {
  return SYMBOL_KINDS[kind] ?? LspSymbolKind.Object;
}

function contains(outer: LspRange, inner: LspRange): boolean {
  const before = (a: LspPosition, b: LspPosition) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** The outline as hierarchical symbols. Empty names are replaced (editors reject them). */
export function toDocumentSymbols(symbols: OutlineSymbol[], lines: LineIndex): DocumentSymbol[] {
  return symbols.map((s) => {
    const range = toRange(lines, s.range);
    let selectionRange = toRange(lines, s.selectionRange);
    // Clients require selectionRange ⊆ range.
    if (!contains(range, selectionRange)) selectionRange = { start: range.start, end: range.start };
    const symbol: DocumentSymbol = {
      name: s.name.trim() || s.kind,
      kind: toSymbolKind(s.kind),
      range,
      selectionRange,
      children: toDocumentSymbols(s.children, lines),
    };
    if (s.detail) symbol.detail = s.detail;
    return symbol;
  });
}

/** The outline flattened, for clients without hierarchical symbol support. */
export function toSymbolInformation(symbols: OutlineSymbol[], lines: LineIndex, uri: string, container?: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const s of symbols) {
    const name = s.name.trim() || s.kind;
    const info: SymbolInformation = { name, kind: toSymbolKind(s.kind), location: { uri, range: toRange(lines, s.range) } };
    if (container) info.containerName = container;
    out.push(info, ...toSymbolInformation(s.children, lines, uri, name));
  }
  return out;
}
