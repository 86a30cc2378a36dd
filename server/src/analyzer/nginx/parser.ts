// The error-tolerant nginx parser: returns a lossless tree and every syntax error, never throws.
import { Scanner, Token, unescapeWord } from './scanner';
import { intern } from '../text/intern';
import type { Block, Comment, Directive, NginxTree, Node, SyntaxError, Word } from './tree';

export interface ParseOptions {
  /** Known directive names; a line break followed by one ends an unterminated statement (recovery). */
  isKnownDirective?: (name: string) => boolean;
}

/** Block directives whose bodies hold data entries with arbitrary keys, not directives. */
const DATA_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match']);

/**
 * Blocks nested deeper than this are skipped (an error is reported): real configs nest a few levels, and the
 * tree's consumers walk it recursively, so an unbounded depth would exhaust the stack.
 */
export const MAX_DEPTH = 100;

/** Whether `name` takes a Lua body (`content_by_lua_block { … }`). */
export function isLuaBlockDirective(name: string): boolean {
  return name.endsWith('_by_lua_block');
}

export function isDataBlockDirective(name: string): boolean {
  return DATA_BLOCKS.has(name);
}

export function parseNginx(text: string, opts: ParseOptions = {}): NginxTree {
  return new Parser(text, opts).parse();
}

class Parser {
  private readonly sc: Scanner;
  private readonly errors: SyntaxError[] = [];
  private peeked: Token | undefined;
  /** Blocks open around the statement being parsed. */
  private depth = 0;

  constructor(private readonly text: string, private readonly opts: ParseOptions) {
    this.sc = new Scanner(text, (p) => this.errors.push({ ...p, kind: 'syntax' }));
  }

  parse(): NginxTree {
    const children: Node[] = [];
    this.body(children, undefined, false);
    this.errors.sort((a, b) => a.offset - b.offset);
    return { text: this.text, children, errors: this.errors };
  }

  private next(): Token | undefined {
    const t = this.peeked;
    if (t) {
      this.peeked = undefined;
      return t;
    }
    return this.sc.next();
  }

  private error(offset: number, end: number, message: string, kind: SyntaxError['kind'] = 'syntax'): void {
    this.errors.push({ offset, end, message, kind });
  }

  private word(tok: Token): Word {
    const raw = this.text.slice(tok.start, tok.end);
    const w: Word = { offset: tok.start, end: tok.end, raw, value: unescapeWord(raw, tok.quote, tok.escaped) };
    if (tok.quote) w.quote = tok.quote;
    if (tok.template) {
      w.template = true;
      this.error(tok.start, tok.end, `template placeholder "${raw.length > 60 ? raw.slice(0, 57) + '…' : raw}": this file is a template, its real value is unknown until rendered`, 'template');
    }
    return w;
  }

  /** Parses statements into `out` until `}` (returned) or the end of the text (undefined). */
  private body(out: Node[], parent: Directive | undefined, data: boolean): number | undefined {
    for (;;) {
      const tok = this.next();
      if (!tok) return undefined;
      switch (tok.kind) {
        case 'ws':
        case 'nl':
          continue;
        case 'comment':
          out.push(this.comment(tok));
          continue;
        case 'template':
          out.push({ type: 'template', offset: tok.start, end: tok.end });
          this.error(tok.start, tok.end, 'template tag: this file is a template, its rendered form is unknown', 'template');
          continue;
        case 'rbrace':
          if (parent) return tok.start;
          this.error(tok.start, tok.end, 'unexpected "}": no block is open here');
          continue;
        case 'semi':
          this.error(tok.start, tok.end, 'unexpected ";": no directive before it');
          continue;
        case 'lbrace': {
          this.error(tok.start, tok.end, 'unexpected "{": a block needs a directive name before it');
          if (this.depth >= MAX_DEPTH) {
            this.skipBlock(tok);
            continue;
          }
          // Parse the stray block so that its contents are still checked and its "}" is consumed.
          const stray: Node[] = [];
          this.depth++;
          this.body(stray, parent, data);
          this.depth--;
          for (const n of stray) out.push(n);
          continue;
        }
        case 'word':
        case 'raw':
          this.directive(tok, parent, data, out);
          continue;
      }
    }
  }

  private comment(tok: Token): Comment {
    return { type: 'comment', offset: tok.start, end: tok.end, text: this.text.slice(tok.start + 1, tok.end) };
  }

  private directive(nameTok: Token, parent: Directive | undefined, data: boolean, out: Node[]): void {
    const name = this.word(nameTok);
    // Names repeat throughout a file and are looked up everywhere: keep one canonical string per name.
    if (!data && !name.quote && !name.template && name.value === name.raw) name.value = name.raw = intern(name.raw);
    const d: Directive = { type: 'directive', name, args: [], offset: nameTok.start, end: nameTok.end, parent };
    out.push(d);
    if (data) d.dataBlock = undefined;
    let sawNewline = false;
    let lastEnd = nameTok.end;
    let lastStart = nameTok.start;
    const trailing: Comment[] = [];
    for (;;) {
      const tok = this.next();
      if (!tok) {
        this.error(lastStart, lastEnd, `missing ";" after "${this.text.slice(d.offset, lastEnd).slice(0, 60)}"`);
        break;
      }
      if (tok.kind === 'ws') continue;
      if (tok.kind === 'nl') {
        sawNewline = true;
        continue;
      }
      if (tok.kind === 'comment') {
        trailing.push(this.comment(tok));
        continue;
      }
      if (tok.kind === 'word' || tok.kind === 'template') {
        if (sawNewline && !data && this.startsStatement(tok)) {
          this.error(lastStart, lastEnd, `missing ";" after "${this.text.slice(d.offset, lastEnd).slice(0, 60)}"`);
          this.peeked = tok;
          break;
        }
        const w = tok.kind === 'template' ? this.word({ ...tok, kind: 'word', template: true }) : this.word(tok);
        d.args.push(w);
        lastStart = tok.start;
        lastEnd = d.end = tok.end;
        sawNewline = false;
        continue;
      }
      if (tok.kind === 'semi') {
        d.semicolon = tok.start;
        d.end = tok.end;
        break;
      }
      if (tok.kind === 'lbrace') {
        d.block = this.block(d, tok);
        break;
      }
      // '}' ends the enclosing block: the statement lacks its ';'.
      this.error(lastStart, lastEnd, `missing ";" after "${this.text.slice(d.offset, lastEnd).slice(0, 60)}"`);
      this.peeked = tok;
      break;
    }
    for (const c of trailing) out.push(c);
  }

  private block(d: Directive, open: Token): Block {
    if (isLuaBlockDirective(d.name.value)) {
      const close = this.sc.readLuaBody();
      if (close < 0) {
        this.error(open.start, open.end, `"${d.name.value}" block is not closed: missing "}"`);
        d.end = this.text.length;
        return { open: open.start, children: [], raw: true };
      }
      this.sc.pos = close + 1;
      d.end = close + 1;
      return { open: open.start, close, children: [], raw: true };
    }
    if (this.depth >= MAX_DEPTH) {
      const close = this.skipBlock(open);
      d.end = close === undefined ? this.text.length : close + 1;
      return close === undefined ? { open: open.start, children: [] } : { open: open.start, close, children: [] };
    }
    const data = isDataBlockDirective(d.name.value);
    if (data) d.dataBlock = true;
    const children: Node[] = [];
    this.depth++;
    const close = this.body(children, d, data);
    this.depth--;
    if (close === undefined) {
      this.error(open.start, open.end, `"${d.name.value}" block is not closed: missing "}"`);
      d.end = this.text.length;
      return { open: open.start, children };
    }
    d.end = close + 1;
    return { open: open.start, close, children };
  }

  /**
   * Skips a block opened by `open` that is nested too deeply, without recursion: returns the offset of its
   * matching `}` (consumed), or undefined when the text ends first.
   */
  private skipBlock(open: Token): number | undefined {
    this.error(open.start, open.end, `blocks nested more than ${MAX_DEPTH} deep: this block is not analysed`);
    let depth = 1;
    for (let tok = this.next(); tok; tok = this.next()) {
      if (tok.kind === 'lbrace') depth++;
      else if (tok.kind === 'rbrace' && --depth === 0) return tok.start;
    }
    return undefined;
  }

  /**
   * After a line break inside an unterminated statement: does `tok` start a new statement? True for a known
   * directive name whose line ends like a statement (`;` or `{`), so a missing `;` does not swallow it.
   */
  private startsStatement(tok: Token): boolean {
    if (tok.kind !== 'word' || tok.quote || !this.opts.isKnownDirective) return false;
    const name = this.text.slice(tok.start, tok.end);
    if (!this.opts.isKnownDirective(name)) return false;
    let i = tok.end;
    const t = this.text;
    let last = -1;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 10 || c === 13) break;
      if (c === 35 && (i === tok.end || t.charCodeAt(i - 1) === 32 || t.charCodeAt(i - 1) === 9)) break;
      if (c !== 32 && c !== 9) last = c;
      i++;
    }
    return last === 59 || last === 123;
  }
}
