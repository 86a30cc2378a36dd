// Offset <-> line/column conversion over one text (0-based lines, UTF-16 columns).

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  character: number;
}

/** Line starts of a text, computed once; `\r\n`, `\n` and lone `\r` end lines. */
export class LineIndex {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the first character of `line` (clamped). */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.starts.length) return this.text.length;
    return this.starts[line];
  }

  /** End of `line`'s content, before its line break. */
  lineEnd(line: number): number {
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (end > this.lineStart(line) && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return end;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  /** The line break used by this text ('\r\n' when the first break is CRLF). */
  eol(): string {
    const i = this.text.indexOf('\n');
    return i > 0 && this.text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
  }
}
