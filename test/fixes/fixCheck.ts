// What every quick-fix must keep: its edits stay in range and apart, the bytes between them are kept,
// and the result has the file's line endings and still encodes in the file's encoding.
import type { TextEdit } from '../../server/src/analyzer/types';
import { applyTextEdits } from '../../server/src/analyzer/fixes';

export type Encoding = 'utf8' | 'latin1';

/** The line-break style of a text: only CRLF, only LF, both (or lone CR), or no line break at all. */
export function eolStyle(text: string): 'crlf' | 'lf' | 'mixed' | 'none' {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const all = (text.match(/\r\n|\r|\n/g) ?? []).length;
  if (all === 0) return 'none';
  if (crlf === all) return 'crlf';
  if (crlf === 0 && !text.includes('\r')) return 'lf';
  return 'mixed';
}

/**
 * Problems of one set of edits (all for the same file) applied to `text`, which was read as `encoding`:
 * an edit out of range or splitting a CRLF pair or a surrogate pair; two edits overlapping (two
 * insertions at one point are allowed: they apply in order); new text whose line breaks differ from the
 * file's (a CRLF file gets no lone LF, an LF file no CR); a result that `encoding` cannot hold; a BOM
 * lost. It also checks that `applyTextEdits` gives exactly the original bytes between the edits and the
 * new text in them, byte for byte once encoded. Returns the fixed text and the problems (empty: fine).
 */
export function checkEdits(text: string, edits: TextEdit[], encoding: Encoding): { fixed: string; problems: string[] } {
  const problems: string[] = [];
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const style = eolStyle(text);
  const splits = (i: number) =>
    i > 0 && i < text.length && ((text[i - 1] === '\r' && text[i] === '\n') || (/[\ud800-\udbff]/.test(text[i - 1]) && /[\udc00-\udfff]/.test(text[i])));
  let prevEnd = 0;
  let prevWasInsert = false;
  let prevStart = -1;
  for (const e of sorted) {
    const where = `[${e.start}, ${e.end}) ${JSON.stringify(e.newText)}`;
    if (!(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.start <= e.end && e.end <= text.length)) {
      problems.push(`edit out of range ${where} (text length ${text.length})`);
      continue;
    }
    const isInsert = e.start === e.end;
    if (e.start < prevEnd || (e.start === prevStart && !(isInsert && prevWasInsert))) problems.push(`edits overlap at ${where}`);
    if (splits(e.start) || splits(e.end)) problems.push(`edit splits a CRLF or surrogate pair at ${where}`);
    if (style === 'crlf' && /\n/.test(e.newText.replace(/\r\n/g, ''))) problems.push(`a lone LF (or CR) in a CRLF file: ${where}`);
    if (style === 'crlf' && /\r/.test(e.newText.replace(/\r\n/g, ''))) problems.push(`a lone CR in a CRLF file: ${where}`);
    if (style === 'lf' && e.newText.includes('\r')) problems.push(`a CR in an LF file: ${where}`);
    prevEnd = Math.max(prevEnd, e.end);
    prevStart = e.start;
    prevWasInsert = isInsert;
  }
  const fixed = applyTextEdits(text, edits);
  if (problems.length) return { fixed, problems };

  // Byte for byte: original bytes between the edits, the new text inside them.
  const parts: Buffer[] = [];
  let pos = 0;
  for (const e of sorted) {
    parts.push(Buffer.from(text.slice(pos, e.start), encoding), Buffer.from(e.newText, encoding));
    pos = e.end;
  }
  parts.push(Buffer.from(text.slice(pos), encoding));
  if (!Buffer.concat(parts).equals(Buffer.from(fixed, encoding))) problems.push('the fixed text differs from the original outside the edits');

  if (encoding === 'latin1' && /[^\u0000-\u00ff]/.test(fixed)) problems.push('the fixed text has characters the latin1 file cannot hold');
  if (encoding === 'utf8' && Buffer.from(fixed, 'utf8').toString('utf8') !== fixed) problems.push('the fixed text is not valid UTF-8 (a lone surrogate)');
  if (text.startsWith('\ufeff') && !fixed.startsWith('\ufeff')) problems.push('the byte order mark was removed');
  if (style === 'crlf' && eolStyle(fixed) !== 'crlf') problems.push('a CRLF file no longer has only CRLF line breaks');
  if (style === 'lf' && eolStyle(fixed) !== 'lf') problems.push('an LF file got a CR');
  return { fixed, problems };
}

/** Groups edits by path, keeping their order. */
export function byPath(edits: TextEdit[]): Map<string, TextEdit[]> {
  const out = new Map<string, TextEdit[]>();
  for (const e of edits) (out.get(e.path) ?? out.set(e.path, []).get(e.path)!).push(e);
  return out;
}
