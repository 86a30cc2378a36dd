// What one analysis may read (file size, include limits) and how what it left out or read from outside the workspace is told to the user.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { FileProvider, IncludeNotice } from '../analyzer/types';
import { limitedProvider } from '../node/fileProvider';
import { DIAGNOSTIC_SOURCE, toRange, type ConvertContext } from './convert';
import type { ServerSettings } from './settings';

/** The setting that sets each limit, named in the notice so that the user knows what to change. */
const SETTING_OF: Partial<Record<IncludeNotice['kind'], string>> = {
  maxIncludeDepth: 'cachelint.maxIncludeDepth',
  maxGlobFiles: 'cachelint.maxIncludeGlobFiles',
};

/**
 * `base` as one analysis under `settings` sees it: files larger than `cachelint.maxFileSizeKB` are
 * not read (the include says why), include expansion stops at the include limits, and what is left
 * out is added to `notices`.
 */
export function boundedProvider(base: FileProvider, settings: ServerSettings, notices: IncludeNotice[]): FileProvider {
  return limitedProvider(base, {
    maxBytes: settings.maxFileSizeKB * 1024,
    sizeSetting: 'cachelint.maxFileSizeKB',
    limits: settings.includes,
    notice: (n) => notices.push(n),
  });
}

/**
 * The notices of an analysis located in `path`, once each, as information diagnostics at the include.
 * A notice in a file the analysis did not keep (e.g. a candidate main config it did not use) is dropped.
 */
export function noticeDiagnostics(notices: readonly IncludeNotice[], path: string, ctx: ConvertContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const n of notices) {
    if (n.path !== path) continue;
    const key = `${n.kind}\0${n.range.start}\0${n.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const lines = ctx.lines(path);
    if (!lines) continue;
    const setting = SETTING_OF[n.kind];
    out.push({
      range: toRange(lines, n.range),
      severity: DiagnosticSeverity.Information,
      source: DIAGNOSTIC_SOURCE,
      message: setting ? `${n.message} (${setting}).` : `${n.message}.`,
    });
  }
  return out;
}

/** Whether `path` is inside one of `folders` (absolute analyzer paths). */
export function inFolders(path: string, folders: readonly string[]): boolean {
  return folders.some((f) => path === f || path.startsWith(f.endsWith('/') ? f : `${f}/`));
}

/**
 * Tells (as a log line) which files outside the workspace folders an analysis read, once per
 * analysed file and set of such files: not again on every keystroke, again when the set changes.
 */
export class OutsideReads {
  private readonly last = new Map<string, string>();

  constructor(private readonly log: (message: string) => void) {}

  /** `entry` (the analysed file, not reported itself) read `paths`. */
  report(entry: string, paths: Iterable<string>, folders: readonly string[]): void {
    const outside = [...paths].filter((p) => p !== entry && !inFolders(p, folders)).sort();
    const key = outside.join('\n');
    if ((this.last.get(entry) ?? '') === key) return;
    if (this.last.size > 10_000) this.last.clear();
    this.last.set(entry, key);
    if (outside.length === 0) return;
    const shown = outside.slice(0, 5).join(', ');
    const more = outside.length > 5 ? ` and ${outside.length - 5} more` : '';
    this.log(`cachelint: analysing ${entry} read ${outside.length} file(s) outside the workspace folders: ${shown}${more}`);
  }

  /** Forgets an entry (e.g. its document was closed). */
  forget(entry: string): void {
    this.last.delete(entry);
  }
}
