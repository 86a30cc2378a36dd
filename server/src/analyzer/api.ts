// The public surface the adapters (LSP, CLI) use: result types of an analysis and of editor features.
import type { Dialect, Finding, Fix, TextRange } from './types';
import type { LineIndex } from './text/lineIndex';

/** One file read during an analysis (an entry or a file reached through `include`). */
export interface SourceFile {
  path: string;
  text: string;
  dialect: Dialect;
  lines: LineIndex;
}

/** The result of analysing one or more entry files and everything they include. */
export interface AnalysisResult {
  /** Entry files, in the order given. */
  entries: string[];
  /** Every file read, keyed by absolute path. */
  files: Map<string, SourceFile>;
  /** All findings after severity settings and suppression comments, sorted by path then offset. */
  findings: Finding[];
  /** Findings located in one file. */
  findingsFor(path: string): Finding[];
  /** Rules that failed with an exception (the other rules' findings are still delivered). */
  internalErrors: string[];
}

export interface Location {
  path: string;
  range: TextRange;
}

export type SymbolKind = 'block' | 'http' | 'server' | 'location' | 'upstream' | 'map' | 'if' | 'sub' | 'backend' | 'acl' | 'probe' | 'directive';

/** An outline entry. `range` spans the whole statement, `selectionRange` its name. */
export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: SymbolKind;
  range: TextRange;
  selectionRange: TextRange;
  children: OutlineSymbol[];
}

/** Static description of a rule, for settings, docs and the README table. */
export interface RuleInfo {
  id: string;
  dialect: Dialect;
  category: 'syntax' | 'correctness' | 'performance' | 'security' | 'observability';
  defaultSeverity: Finding['severity'];
  fix: 'safe' | 'unsafe' | 'none';
  summary: string;
}

export type { Finding, Fix };
