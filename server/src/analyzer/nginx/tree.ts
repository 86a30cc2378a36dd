// The lossless nginx syntax tree: directives with their words, blocks and comments, all with offsets.

/** One argument or name as written. `[offset, end)` covers the raw text including quotes. */
export interface Word {
  offset: number;
  end: number;
  /** Source text, quotes and escapes included. */
  raw: string;
  /** The value nginx sees: quotes removed, `\"`, `\'`, `\\`, `\t`, `\r`, `\n` resolved. */
  value: string;
  quote?: '"' | "'";
  /** A template placeholder (`{{ … }}`, `{% … %}`, `${VAR}`) appears in the word. */
  template?: boolean;
}

export interface Comment {
  type: 'comment';
  offset: number;
  end: number;
  /** Text after `#`. */
  text: string;
}

export interface Block {
  /** Offset of `{`. */
  open: number;
  /** Offset of the matching `}`, undefined when the block is not closed. */
  close?: number;
  children: Node[];
  /** Raw bodies (`*_by_lua_block`) are not parsed into directives. */
  raw?: boolean;
}

export interface Directive {
  type: 'directive';
  name: Word;
  args: Word[];
  block?: Block;
  /** Offset of the terminating `;`, undefined when missing or when the statement has a block. */
  semicolon?: number;
  offset: number;
  /** End of the statement: after `;` or `}`, or after the last word when unterminated. */
  end: number;
  /** The enclosing block directive (undefined at the top level of a file). */
  parent?: Directive;
  /** Children of this block are data entries (map/geo/types/…), not directives. */
  dataBlock?: boolean;
}

/** A template statement on its own (`{% if x %}`), kept so the rest of the file still parses. */
export interface TemplateStatement {
  type: 'template';
  offset: number;
  end: number;
}

export type Node = Directive | Comment | TemplateStatement;

export interface SyntaxError {
  offset: number;
  end: number;
  message: string;
  /** `syntax` for errors nginx would reject; `template` for template placeholders. */
  kind: 'syntax' | 'template';
}

export interface NginxTree {
  text: string;
  children: Node[];
  errors: SyntaxError[];
}

/** Calls `fn` on every directive depth-first (parents before children); stop descending by returning false. */
export function walkDirectives(nodes: Node[], fn: (d: Directive) => boolean | void): void {
  for (const n of nodes) {
    if (n.type !== 'directive') continue;
    if (fn(n) === false) continue;
    if (n.block && !n.block.raw) walkDirectives(n.block.children, fn);
  }
}

/** The innermost directive whose statement contains `offset`. */
export function directiveAt(nodes: Node[], offset: number): Directive | undefined {
  for (const n of nodes) {
    if (n.type !== 'directive' || offset < n.offset || offset > n.end) continue;
    if (n.block && !n.block.raw && offset > n.block.open) {
      const inner = directiveAt(n.block.children, offset);
      if (inner) return inner;
    }
    return n;
  }
  return undefined;
}

/** The word (name or argument) of `d` that contains `offset`. */
export function wordAt(d: Directive, offset: number): Word | undefined {
  if (offset >= d.name.offset && offset <= d.name.end) return d.name;
  return d.args.find((w) => offset >= w.offset && offset <= w.end);
}
