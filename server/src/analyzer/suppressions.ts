// Suppression comments: `# cachelint-disable-next-line ID[, ID]` silences the findings of those rules on
// the next non-comment line, `# cachelint-disable ID[, ID]` in the whole file; without ids, every rule.
// Each directive remembers what it silenced, so unused ones can be reported.
import type { SourceFile } from './api';
import type { Finding, TextRange } from './types';

export interface SuppressionId {
  id: string;
  range: TextRange;
  used: boolean;
}

export interface Suppression {
  path: string;
  kind: 'file' | 'next-line';
  /** The comment, from `#` to the end of its line. */
  range: TextRange;
  /** The line (0-based) a next-line directive applies to. */
  target?: number;
  ids: SuppressionId[];
  /** For a directive without ids: whether it silenced anything. */
  usedAll: boolean;
}

const DIRECTIVE = /#[ \t]*cachelint-disable(-next-line)?(?=[ \t,]|$)([^\n\r]*)/;
const ID = /[a-z]+\/[a-z0-9-]+/g;

function parse(file: SourceFile): Suppression[] {
  const out: Suppression[] = [];
  const text = file.text;
  for (let at = text.indexOf('cachelint-disable'); at >= 0; at = text.indexOf('cachelint-disable', at + 1)) {
    const line = file.lines.positionAt(at).line;
    const start = file.lines.lineStart(line);
    const end = file.lines.lineEnd(line);
    const lineText = text.slice(start, end);
    const m = DIRECTIVE.exec(lineText);
    if (!m) continue;
    const hash = start + m.index;
    // Only one directive per line counts; skip the rest of this line.
    at = end;
    const nextLine = m[1] !== undefined;
    // A next-line directive must be a comment line of its own.
    if (nextLine && !/^[ \t]*$/.test(lineText.slice(0, m.index))) continue;
    const idsStart = hash + m[0].length - m[2].length;
    const ids: SuppressionId[] = [];
    ID.lastIndex = 0;
    for (let im = ID.exec(m[2]); im; im = ID.exec(m[2])) ids.push({ id: im[0], range: { start: idsStart + im.index, end: idsStart + im.index + im[0].length }, used: false });
    let target: number | undefined;
    if (nextLine) {
      target = line + 1;
      while (target < file.lines.lineCount && /^[ \t]*#/.test(text.slice(file.lines.lineStart(target), file.lines.lineEnd(target)))) target++;
    }
    out.push({ path: file.path, kind: nextLine ? 'next-line' : 'file', range: { start: hash, end }, target, ids, usedAll: false });
  }
  return out;
}

/** The suppression comments of a set of files; decides which findings they silence. */
export class Suppressions {
  private readonly byPath = new Map<string, Suppression[]>();

  constructor(private readonly files: ReadonlyMap<string, SourceFile>) {}

  private of(path: string): Suppression[] {
    let list = this.byPath.get(path);
    if (!list) {
      const file = this.files.get(path);
      list = file && file.text.includes('cachelint-disable') ? parse(file) : [];
      this.byPath.set(path, list);
    }
    return list;
  }

  /** Whether a directive silences `f`; marks the directive (and id) used. */
  silences(f: Finding): boolean {
    const list = this.of(f.path);
    if (list.length === 0) return false;
    let line: number | undefined;
    let hit = false;
    for (const s of list) {
      if (s.kind === 'next-line') {
        line ??= this.files.get(f.path)!.lines.positionAt(f.range.start).line;
        if (s.target !== line) continue;
      }
      if (s.ids.length === 0) {
        s.usedAll = true;
        hit = true;
        continue;
      }
      for (const id of s.ids) {
        if (id.id !== f.ruleId) continue;
        id.used = true;
        hit = true;
      }
    }
    return hit;
  }

  /** Every directive seen so far (of files that had findings checked, or all `paths` given). */
  all(paths: Iterable<string>): Suppression[] {
    return [...paths].flatMap((p) => this.of(p));
  }
}
