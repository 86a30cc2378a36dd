// Text-edit helpers for quick-fixes: minimal edits that keep indentation, comments and line endings.
import type { Finding, TextEdit } from './types';
import type { LineIndex } from './text/lineIndex';

export interface EditableFile {
  path: string;
  text: string;
  lines: LineIndex;
}

/** Leading white space of the line containing `offset`. */
export function indentAt(file: EditableFile, offset: number): string {
  const start = file.lines.lineStart(file.lines.positionAt(offset).line);
  let i = start;
  while (i < file.text.length && (file.text[i] === ' ' || file.text[i] === '\t')) i++;
  return file.text.slice(start, i);
}

/** Inserts `line` as a new line after the statement ending at `end`, with the indentation of `offset`'s line. */
export function insertLineAfter(file: EditableFile, offset: number, end: number, line: string): TextEdit {
  const pos = file.lines.positionAt(end);
  const at = file.lines.lineEnd(pos.line);
  // If something other than a comment follows on the same line, insert right after the statement instead.
  const rest = file.text.slice(end, at);
  const insertAt = /^\s*(#.*)?$/.test(rest) ? at : end;
  return { path: file.path, start: insertAt, end: insertAt, newText: file.lines.eol() + indentAt(file, offset) + line };
}

/** Inserts `line` as a new line before the line containing `offset`, with that line's indentation. */
export function insertLineBefore(file: EditableFile, offset: number, line: string): TextEdit {
  const start = file.lines.lineStart(file.lines.positionAt(offset).line);
  return { path: file.path, start, end: start, newText: indentAt(file, offset) + line + file.lines.eol() };
}

/**
 * Removes the statement `[start, end)`: the whole line when nothing else is on it (its comment moves
 * with it only when it is a trailing comment of that line), otherwise just the statement.
 */
export function removeStatement(file: EditableFile, start: number, end: number): TextEdit {
  const l1 = file.lines.positionAt(start).line;
  const l2 = file.lines.positionAt(end).line;
  const ls = file.lines.lineStart(l1);
  const le = file.lines.lineEnd(l2);
  const before = file.text.slice(ls, start);
  const after = file.text.slice(end, le);
  if (/^[ \t]*$/.test(before) && /^[ \t]*(#.*)?$/.test(after)) {
    const next = l2 + 1 < file.lines.lineCount ? file.lines.lineStart(l2 + 1) : le;
    return { path: file.path, start: ls, end: next, newText: '' };
  }
  let e = end;
  while (e < file.text.length && (file.text[e] === ' ' || file.text[e] === '\t')) e++;
  return { path: file.path, start, end: e, newText: '' };
}

/**
 * Whether two edits touch overlapping text. Two insertions at the same point do not conflict: they are
 * applied one after the other, in the order they were chosen (two fixes adding a line after the same
 * directive both apply in one pass).
 */
export function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.path !== b.path) return false;
  if (a.start === a.end && b.start === b.end) return false;
  return (a.start < b.end && b.start < a.end) || a.start === b.start;
}

/**
 * The edits of the fixes to apply together: the first fix of each finding that qualifies (safe, or any
 * when `unsafe`), skipping a fix when one of its edits overlaps an edit already chosen. Grouped by path,
 * ascending. Identical edits from different findings are applied once.
 */
export function collectEdits(findings: Finding[], unsafe: boolean): Map<string, TextEdit[]> {
  const chosen: TextEdit[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.safe || unsafe);
    if (!fix) continue;
    const fresh = fix.edits.filter((e) => !seen.has(`${e.path}\0${e.start}\0${e.end}\0${e.newText}`));
    if (!fresh.length) continue;
    if (fresh.some((e) => chosen.some((c) => overlaps(c, e)))) continue;
    for (const e of fresh) {
      chosen.push(e);
      seen.add(`${e.path}\0${e.start}\0${e.end}\0${e.newText}`);
    }
  }
  const out = new Map<string, TextEdit[]>();
  for (const e of chosen) (out.get(e.path) ?? out.set(e.path, []).get(e.path)!).push(e);
  for (const list of out.values()) list.sort((a, b) => a.start - b.start || a.end - b.end);
  return out;
}

/** Applies non-overlapping edits to a text. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) continue;
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}
