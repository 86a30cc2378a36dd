// Quick-fix edits around nginx statements: several lines at once (../fixes has the single-line
// primitives these build on), where in a level's own block a new line goes, and insertions collected per
// place so that several at one statement become one edit.
import { indentAt, insertLineAfter, insertLineBefore } from '../fixes';
import type { EditableFile } from '../fixes';
import type { TextEdit } from '../types';
import type { Placed, Scope } from './model';
import { blockFile } from './scopes';

/** A statement as one line of text, words as written. */
export function statementText(p: Placed): string {
  const args = p.d.args.map((a) => a.raw).join(' ');
  return args ? `${p.d.name.raw} ${args};` : `${p.d.name.raw};`;
}

/** Inserts `lines` on their own lines right after the statement `anchor`, each with the anchor's indentation. */
export function insertLinesAfter(file: EditableFile, anchor: Placed, lines: string[]): TextEdit {
  return insertLineAfter(file, anchor.d.offset, anchor.d.end, lines.join(file.lines.eol() + indentAt(file, anchor.d.offset)));
}

/**
 * Inserts `lines` (one or more) before the line of the statement `anchor`, each with that line's indentation;
 * when something precedes the statement on its line, right before it on the same line instead.
 */
export function insertLinesBefore(file: EditableFile, anchor: Placed, lines: string[]): TextEdit {
  const start = file.lines.lineStart(file.lines.positionAt(anchor.d.offset).line);
  if (/^[ \t]*$/.test(file.text.slice(start, anchor.d.offset))) {
    return insertLineBefore(file, anchor.d.offset, lines.join(file.lines.eol() + indentAt(file, anchor.d.offset)));
  }
  return { path: file.path, start: anchor.d.offset, end: anchor.d.offset, newText: lines.join(' ') + ' ' };
}

/**
 * The statement of `level` written in the level's own block (not in an included file) that contains
 * or brought in `p`: `p` itself, the block that holds it, or the `include` that read it.
 */
export function anchorFor(level: Scope, p: Placed): Placed | undefined {
  let cur: Placed | undefined = p;
  while (cur && cur.scope !== level) cur = cur.scope.block;
  if (!cur) return undefined;
  const bf = blockFile(level);
  if (cur.file === bf) return cur;
  const i = level.items.indexOf(cur);
  for (let j = i - 1; j >= 0; j--) if (level.items[j].file === bf) return level.items[j];
  return undefined;
}

/** Accumulates lines to insert per anchor, so that several inserts at one place become one edit. */
export class Inserts {
  private readonly map = new Map<string, { anchor: Placed; before: boolean; lines: string[] }>();
  add(anchor: Placed, before: boolean, lines: string[]): void {
    const k = `${anchor.file.path}\0${anchor.d.offset}\0${before}`;
    const cur = this.map.get(k);
    if (!cur) this.map.set(k, { anchor, before, lines: [...lines] });
    else for (const l of lines) if (!cur.lines.includes(l)) cur.lines.push(l);
  }
  edits(file: (p: string) => EditableFile): TextEdit[] {
    return [...this.map.values()].map((i) => (i.before ? insertLinesBefore(file(i.anchor.file.path), i.anchor, i.lines) : insertLinesAfter(file(i.anchor.file.path), i.anchor, i.lines)));
  }
}
