// The VCL tokenizer: the token rules of Varnish's own lexer (lib/libvcc/vcc_token.c, 7.1), plus whitespace
// and comments as tokens, so that the tokens of a text concatenate back to it exactly.

/**
 * `ws` whitespace; `comment` `#…`, `//…`, `/* … *\/`; `id` an identifier (`[A-Za-z][A-Za-z0-9_-]*`, dots are
 * separate `op` tokens as in VCC); `cnum` `123`; `fnum` `1.5`, `4.`; `cstr` a string `"…"`, `{"…"}` or
 * `"""…"""`; `blob` `:base64:`; `csrc` inline C `C{ … }C`; `op` one of VCC's fixed tokens; `bad` characters
 * VCC rejects ("Syntax error at").
 */
export type TokenKind = 'ws' | 'comment' | 'id' | 'cnum' | 'fnum' | 'cstr' | 'blob' | 'csrc' | 'op' | 'bad';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** `cstr`: the opening delimiter. */
  delim?: '"' | '{"' | '"""';
  /** `cstr`, `csrc`, `comment`, `blob`: malformed or missing its closing delimiter (an error was reported). */
  broken?: boolean;
}

export interface ScanError {
  message: string;
  start: number;
  end: number;
}

/** VCC's fixed tokens (generate.py), longest first. */
const OPS2 = ['++', '--', '&&', '||', '<=', '==', '!=', '>=', '>>', '<<', '+=', '-=', '*=', '/=', '!~'];
const OPS1 = '{}()*+-/%><=;!&.|~,';

const LF = 10, CR = 13, HASH = 35, SLASH = 47, STAR = 42, DQ = 34, LBRACE = 123, RBRACE = 125, COLON = 58, DOT = 46, EQ = 61;

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === LF || c === CR || c === 11 || c === 12;
}
export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** Characters after the first of an identifier (vct_isident): letters, digits, `_`, `-`. */
export function isIdent(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 95 || c === 45;
}
function isB64(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 43 || c === SLASH;
}
function b64val(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (isDigit(c)) return c + 4;
  return c === 43 ? 62 : 63;
}

function lineEnd(t: string, i: number): number {
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c === LF || c === CR) break;
    i++;
  }
  return i;
}

const TOP_LINE = /^(?:sub|acl|backend|probe|import|include|vcl)\b/;

/**
 * Where an unterminated multi-line construct (long string, block comment, inline C) is cut for recovery:
 * before the next line that starts (at column 0) with a top-level keyword, else the end of the text.
 * Varnish itself stops at the first such error; cutting there keeps the following declarations analysable.
 */
function recoveryEnd(t: string, from: number): number {
  let i = from;
  for (;;) {
    const nl = t.indexOf('\n', i);
    if (nl < 0) return t.length;
    const next = nl + 1;
    if (TOP_LINE.test(t.slice(next, next + 8))) return next;
    i = next;
  }
}

/** All tokens of a VCL text. Every character belongs to exactly one token. Linear in the text length. */
export function scanVcl(text: string): { tokens: Token[]; errors: ScanError[] } {
  const t = text;
  const n = t.length;
  const tokens: Token[] = [];
  const errors: ScanError[] = [];
  const err = (message: string, start: number, end: number) => errors.push({ message, start, end: Math.max(end, start) });
  // Closing delimiters known to be absent after an offset: keeps unterminated constructs linear overall.
  const misses = new Map<string, number>();
  let p = 0;
  while (p < n) {
    const c = t.charCodeAt(p);
    const start = p;
    if (isSpace(c)) {
      while (p < n && isSpace(t.charCodeAt(p))) p++;
      tokens.push({ kind: 'ws', start, end: p });
      continue;
    }
    if (c === HASH || (c === SLASH && t.charCodeAt(p + 1) === SLASH)) {
      // VCC ends these at '\n' only.
      const nl = t.indexOf('\n', p);
      p = nl < 0 ? n : nl;
      tokens.push({ kind: 'comment', start, end: p });
      continue;
    }
    if (c === SLASH && t.charCodeAt(p + 1) === STAR) {
      const close = find(t, '*/', p + 2, misses);
      const nested = find(t, '/*', p + 2, misses);
      if (nested >= 0 && (close < 0 || nested < close)) err('/* ... */ comment contains /*', nested, nested + 2);
      if (close < 0) {
        p = recoveryEnd(t, p);
        err('Unterminated /* ... */ comment, starting at', start, start + 2);
        tokens.push({ kind: 'comment', start, end: p, broken: true });
      } else {
        p = close + 2;
        tokens.push({ kind: 'comment', start, end: p });
      }
      continue;
    }
    if (c === COLON) {
      p = blob(t, p, tokens, err);
      continue;
    }
    // Delimited tokens, in VCC's order: """…""", {"…"}, "…", C{…}C.
    if (c === DQ && t.charCodeAt(p + 1) === DQ && t.charCodeAt(p + 2) === DQ) {
      p = delimited(t, p, '"""', '"""', 'long-string', tokens, err, misses);
      continue;
    }
    if (c === LBRACE && t.charCodeAt(p + 1) === DQ) {
      p = delimited(t, p, '{"', '"}', 'long-string', tokens, err, misses);
      continue;
    }
    if (c === DQ) {
      let close = p + 1;
      while (close < n) {
        const d = t.charCodeAt(close);
        if (d === DQ || d === LF || d === CR) break;
        close++;
      }
      if (close >= n || t.charCodeAt(close) !== DQ) {
        err('Unterminated string, starting at', start, start + 1);
        p = close;
        tokens.push({ kind: 'cstr', start, end: p, delim: '"', broken: true });
      } else {
        p = close + 1;
        tokens.push({ kind: 'cstr', start, end: p, delim: '"' });
      }
      continue;
    }
    if (c === 67 /* C */ && t.charCodeAt(p + 1) === LBRACE) {
      p = delimited(t, p, 'C{', '}C', 'inline C source', tokens, err, misses);
      continue;
    }
    const two = t.slice(p, p + 2);
    if (OPS2.includes(two)) {
      p += 2;
      tokens.push({ kind: 'op', start, end: p });
      continue;
    }
    if (OPS1.includes(t[p])) {
      p += 1;
      tokens.push({ kind: 'op', start, end: p });
      continue;
    }
    if (isAlpha(c)) {
      p++;
      while (p < n && isIdent(t.charCodeAt(p))) p++;
      tokens.push({ kind: 'id', start, end: p });
      continue;
    }
    if (isDigit(c)) {
      while (p < n && isDigit(t.charCodeAt(p))) p++;
      if (t.charCodeAt(p) !== DOT) {
        tokens.push({ kind: 'cnum', start, end: p });
        continue;
      }
      p++;
      while (p < n && isDigit(t.charCodeAt(p))) p++;
      tokens.push({ kind: 'fnum', start, end: p });
      continue;
    }
    // Anything else: VCC says "Syntax error at". Characters in a row make one token and one error.
    p++;
    while (p < n && isBad(t, p)) p++;
    err('Syntax error at', start, p);
    tokens.push({ kind: 'bad', start, end: p });
  }
  return { tokens, errors };
}

/** `text.indexOf(s, from)`, remembering misses so that a search never rescans a tail known to lack `s`. */
function find(t: string, s: string, from: number, misses: Map<string, number>): number {
  const miss = misses.get(s);
  if (miss !== undefined && from >= miss) return -1;
  const at = t.indexOf(s, from);
  if (at < 0) misses.set(s, miss === undefined ? from : Math.min(miss, from));
  return at;
}

/** A character no token can start with. */
function isBad(t: string, p: number): boolean {
  const c = t.charCodeAt(p);
  if (isSpace(c) || isAlpha(c) || isDigit(c) || c === HASH || c === COLON || c === DQ) return false;
  if (c === SLASH) return false;
  if (OPS1.includes(t[p])) return false;
  return true;
}

function delimited(
  t: string,
  p: number,
  open: string,
  close: string,
  what: string,
  tokens: Token[],
  err: (m: string, s: number, e: number) => void,
  misses: Map<string, number>,
): number {
  const start = p;
  const at = find(t, close, p + open.length, misses);
  const kind = open === 'C{' ? 'csrc' : 'cstr';
  const delim = kind === 'cstr' ? (open as '"""' | '{"') : undefined;
  if (at < 0) {
    err(`Unterminated ${what}, starting at`, start, start + open.length);
    const end = recoveryEnd(t, p);
    tokens.push({ kind, start, end, delim, broken: true });
    return end;
  }
  const end = at + close.length;
  tokens.push(delim ? { kind, start, end, delim } : { kind, start, end });
  return end;
}

/** A BLOB literal `:base64:` (VCC decodes it in the lexer and reports its errors there). */
function blob(t: string, p: number, tokens: Token[], err: (m: string, s: number, e: number) => void): number {
  const start = p;
  let i = p + 1;
  const n = t.length;
  let count = 0;
  while (i < n && isB64(t.charCodeAt(i))) {
    i++;
    count++;
  }
  let bad: string | undefined;
  if (i < n && t.charCodeAt(i) === EQ) {
    // Padding: one or two '=' completing the last group of four.
    let pad = 0;
    while (i < n && t.charCodeAt(i) === EQ) {
      i++;
      pad++;
    }
    const rem = count % 4;
    if (!((rem === 2 && pad === 2) || (rem === 3 && pad === 1))) {
      bad = "Wrong padding ('=') in BLOB:";
    } else {
      // The bits the padding leaves unused must be zero.
      const last = b64val(t.charCodeAt(i - pad - 1));
      if ((rem === 2 && (last & 15) !== 0) || (rem === 3 && (last & 3) !== 0)) {
        bad = 'Illegal BLOB character:';
      }
    }
    count += pad;
  }
  if (!bad) {
    if (i >= n) {
      bad = 'Missing colon at end of BLOB:';
    } else if (t.charCodeAt(i) === COLON) {
      if (count % 4 !== 0) {
        bad = 'BLOB must have n*4 base64 characters';
      } else {
        tokens.push({ kind: 'blob', start, end: i + 1 });
        return i + 1;
      }
    } else {
      bad = 'Illegal BLOB character:';
    }
  }
  // Recovery: the literal runs to the next ':' on its line, else to the end of its run of non-blank characters.
  const le = lineEnd(t, i);
  let colon = i;
  while (colon < le && t.charCodeAt(colon) !== COLON) colon++;
  let end: number;
  if (colon < le) end = colon + 1;
  else {
    end = i;
    while (end < le && !isSpace(t.charCodeAt(end)) && t.charCodeAt(end) !== 59 && t.charCodeAt(end) !== RBRACE) end++;
  }
  if (end <= start) end = start + 1;
  // Varnish marks the whole literal.
  err(bad, start, end);
  tokens.push({ kind: 'blob', start, end, broken: true });
  return end;
}

/** The value of a string token: the text between its delimiters (VCC strings have no escapes). */
export function stringValue(text: string, tok: Token): string {
  const raw = text.slice(tok.start, tok.end);
  const open = tok.delim ?? '"';
  const close = open === '{"' ? '"}' : open;
  const body = raw.slice(open.length);
  return !tok.broken && body.endsWith(close) ? body.slice(0, body.length - close.length) : body;
}

/** VCC's name for a token in messages: `'text'`, `end of input`, `C{ ... }C`. */
export function describeToken(text: string, tok: Token | undefined): string {
  if (!tok) return 'end of input';
  if (tok.kind === 'csrc') return 'C{ ... }C';
  let s = text.slice(tok.start, tok.end);
  if (s.length > 60) s = s.slice(0, 57) + '...';
  return `'${s}'`;
}
