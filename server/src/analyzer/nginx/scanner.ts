// The nginx tokenizer: the same word rules as nginx's own (ngx_conf_read_token), plus template placeholders.

export type TokenKind = 'ws' | 'nl' | 'comment' | 'word' | 'semi' | 'lbrace' | 'rbrace' | 'raw' | 'template';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** For words: the quote character when the word is quoted. */
  quote?: '"' | "'";
  /** For words: a template placeholder appears inside. */
  template?: boolean;
  /** For words: contains a backslash escape (value differs from raw). */
  escaped?: boolean;
}

export interface ScanProblem {
  offset: number;
  end: number;
  message: string;
}

const SP = 32, TAB = 9, LF = 10, CR = 13, FF = 12, VT = 11;
const SEMI = 59, LBRACE = 123, RBRACE = 125, HASH = 35, BSL = 92, DQ = 34, SQ = 39, DOLLAR = 36, RPAREN = 41, PCT = 37;

function isSpace(c: number): boolean {
  return c === SP || c === TAB || c === FF || c === VT || c === 0xfeff;
}

/** Pulls tokens from a text one at a time. Every character belongs to exactly one token. */
export class Scanner {
  pos = 0;
  /** Per needle: the offset a search started from and what it found (-1: none after it). */
  private readonly found = new Map<string, [from: number, at: number]>();
  constructor(readonly text: string, private readonly report: (p: ScanProblem) => void) {}

  /**
   * The first `s` at or after `from`, or -1. Searches start at increasing offsets during a scan, so a result
   * still ahead of `from` is reused: a line of many `{{` costs one search, not one per `{{` (quadratic).
   */
  private nextIndex(s: string, from: number): number {
    const c = this.found.get(s);
    if (c && from >= c[0] && (c[1] < 0 || c[1] >= from)) return c[1];
    const at = this.text.indexOf(s, from);
    this.found.set(s, [from, at]);
    return at;
  }

  /** The end of the line holding `from` (its line break's offset, or the end of the text). */
  private lineEndFrom(from: number): number {
    const lf = this.nextIndex('\n', from);
    const cr = this.nextIndex('\r', from);
    const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    return end < 0 ? this.text.length : end;
  }

  /** The next token, or undefined at the end of the text. */
  next(): Token | undefined {
    const t = this.text;
    const start = this.pos;
    if (start >= t.length) return undefined;
    const c = t.charCodeAt(start);
    if (isSpace(c)) {
      let i = start + 1;
      while (i < t.length && isSpace(t.charCodeAt(i))) i++;
      this.pos = i;
      return { kind: 'ws', start, end: i };
    }
    if (c === LF) {
      this.pos = start + 1;
      return { kind: 'nl', start, end: start + 1 };
    }
    if (c === CR) {
      const end = t.charCodeAt(start + 1) === LF ? start + 2 : start + 1;
      this.pos = end;
      return { kind: 'nl', start, end };
    }
    if (c === HASH) {
      let i = start + 1;
      while (i < t.length) {
        const d = t.charCodeAt(i);
        if (d === LF || d === CR) break;
        i++;
      }
      this.pos = i;
      return { kind: 'comment', start, end: i };
    }
    if (c === SEMI) {
      this.pos = start + 1;
      return { kind: 'semi', start, end: start + 1 };
    }
    if (c === LBRACE) {
      const d = t.charCodeAt(start + 1);
      if (d === PCT) return this.templateStatement(start, '%}');
      if (d === LBRACE) {
        const close = this.nextIndex('}}', start + 2);
        if (close >= 0 && close < this.lineEndFrom(start)) return this.word(start);
      }
      this.pos = start + 1;
      return { kind: 'lbrace', start, end: start + 1 };
    }
    if (c === RBRACE) {
      this.pos = start + 1;
      return { kind: 'rbrace', start, end: start + 1 };
    }
    if (c === DQ || c === SQ) return this.quoted(start, c);
    return this.word(start);
  }

  private templateStatement(start: number, close: string): Token {
    const t = this.text;
    let end = t.indexOf(close, start + 2);
    if (end < 0) {
      end = lineEnd(t, start);
      this.report({ offset: start, end, message: `unterminated template tag: no "${close}"` });
    } else end += 2;
    this.pos = end;
    return { kind: 'template', start, end };
  }

  private quoted(start: number, q: number): Token {
    const t = this.text;
    let i = start + 1;
    let escaped = false;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === BSL) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === q) break;
      i++;
    }
    const quote = q === DQ ? '"' : "'";
    if (i >= t.length) {
      // Unterminated: nginx reads to the end of the file. End the word at the end of its first line so
      // the rest of the file is still analysed.
      const end = lineEnd(t, start);
      this.report({ offset: start, end, message: `unterminated ${quote === '"' ? 'double' : 'single'}-quoted string` });
      this.pos = end;
      return { kind: 'word', start, end, quote, escaped };
    }
    const end = i + 1;
    this.pos = end;
    const next = t.charCodeAt(end);
    if (end < t.length && !isSpace(next) && next !== LF && next !== CR && next !== SEMI && next !== LBRACE && next !== RPAREN) {
      this.report({ offset: end, end: end + 1, message: `unexpected "${t[end]}" after a quoted string: a space, ";" or "{" is needed` });
    }
    return { kind: 'word', start, end, quote, escaped };
  }

  private word(start: number): Token {
    const t = this.text;
    let i = start;
    let escaped = false;
    let template = false;
    let variable = false;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (isSpace(c) || c === LF || c === CR || c === SEMI) break;
      if (c === LBRACE) {
        if (t.charCodeAt(i + 1) === LBRACE) {
          // `{{ … }}` template placeholder inside or at the start of a word.
          const close = this.nextIndex('}}', i + 2);
          const nl = this.lineEndFrom(i);
          if (close >= 0 && close < nl) {
            template = true;
            i = close + 2;
            variable = false;
            continue;
          }
        }
        if (!variable) break;
        // `${name}`: braces after `$` belong to the variable.
        variable = false;
        if (isEnvPlaceholder(t, i)) template = true;
        i++;
        continue;
      }
      variable = c === DOLLAR;
      if (c === BSL) {
        escaped = true;
        i += 2;
        continue;
      }
      i++;
    }
    if (i > t.length) i = t.length;
    // Every token consumes at least one character.
    if (i === start) i = start + 1;
    this.pos = i;
    return { kind: 'word', start, end: i, escaped, template: template || undefined };
  }

  /**
   * Reads a Lua body after the `{` of a `*_by_lua_block`, honouring Lua strings, long brackets and comments.
   * Returns the offset of the matching `}` or -1 when the block never closes (the position moves to the end).
   */
  readLuaBody(): number {
    const t = this.text;
    let i = this.pos;
    let depth = 1;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 45 /* - */ && t.charCodeAt(i + 1) === 45) {
        const lb = longBracket(t, i + 2);
        if (lb >= 0) {
          const close = t.indexOf(']' + '='.repeat(lb) + ']', i + 4 + lb);
          i = close < 0 ? t.length : close + lb + 2;
        } else i = lineEnd(t, i);
        continue;
      }
      if (c === DQ || c === SQ) {
        i++;
        while (i < t.length) {
          const d = t.charCodeAt(i);
          if (d === BSL) i += 2;
          else if (d === c || d === LF) {
            i++;
            break;
          } else i++;
        }
        continue;
      }
      if (c === 91 /* [ */) {
        const lb = longBracket(t, i);
        if (lb >= 0) {
          const close = t.indexOf(']' + '='.repeat(lb) + ']', i + 2 + lb);
          i = close < 0 ? t.length : close + lb + 2;
          continue;
        }
      }
      if (c === LBRACE) depth++;
      else if (c === RBRACE && --depth === 0) {
        this.pos = i;
        return i;
      }
      i++;
    }
    this.pos = t.length;
    return -1;
  }
}

/** `${NAME}` with an upper-case name: an environment-template placeholder (envsubst), not an nginx variable. */
function isEnvPlaceholder(t: string, brace: number): boolean {
  const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(t.slice(brace, brace + 80));
  return !!m && /[A-Z]/.test(m[1]) && m[1] === m[1].toUpperCase();
}

/** Level of a Lua long bracket `[==[` at `i` (number of `=`), or -1. */
function longBracket(t: string, i: number): number {
  if (t.charCodeAt(i) !== 91) return -1;
  let j = i + 1;
  while (t.charCodeAt(j) === 61) j++;
  return t.charCodeAt(j) === 91 ? j - i - 1 : -1;
}

function lineEnd(t: string, i: number): number {
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c === LF || c === CR) break;
    i++;
  }
  return i;
}

/** The value nginx uses for a word: quotes stripped and escapes resolved as ngx_conf_read_token does. */
export function unescapeWord(raw: string, quote: '"' | "'" | undefined, escaped: boolean | undefined): string {
  let s = raw;
  if (quote) s = s.length >= 2 && s.endsWith(quote) ? s.slice(1, -1) : s.slice(1);
  if (!escaped) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const d = s[i + 1];
    if (d === '"' || d === "'" || d === '\\') {
      out += d;
      i++;
    } else if (d === 't') {
      out += '\t';
      i++;
    } else if (d === 'r') {
      out += '\r';
      i++;
    } else if (d === 'n') {
      out += '\n';
      i++;
    } else out += c;
  }
  return out;
}

/** All tokens of a text; concatenating their text gives the text back. For tests and tools. */
export function scanAll(text: string): Token[] {
  const s = new Scanner(text, () => {});
  const out: Token[] = [];
  for (let tok = s.next(); tok; tok = s.next()) out.push(tok);
  return out;
}
