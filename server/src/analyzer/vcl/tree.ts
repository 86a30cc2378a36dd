// The VCL syntax tree: declarations, statements and expressions, every node with its [start, end) offsets.
// The token list (whitespace and comments included) is kept alongside, so nothing of the text is lost.
import type { Token } from './scanner';

/** A name as written, with its range: a declaration's name, a field, a return action, a unit. */
export interface Ident {
  text: string;
  start: number;
  end: number;
}

export interface VclError {
  message: string;
  range: { start: number; end: number };
}

// ---------------------------------------------------------------- expressions

/** One part of a dotted name: `req`, `http`, `X-Forwarded-For`; `quoted` for `req.http."a b"` (VCL 4.1). */
export interface NamePart extends Ident {
  quoted?: boolean;
}

/** A (possibly dotted) name: a variable (`req.http.Cookie`), a symbol (`std.log`, `purgers`, `rr.backend`). */
export interface NameExpr {
  type: 'name';
  /** The parts joined with '.', as VCC sees them (`req.http.X-Forwarded-For`, `req.http."a b"` → `req.http.a b`). */
  name: string;
  parts: NamePart[];
  start: number;
  end: number;
}

export interface StringExpr {
  type: 'string';
  /** The characters between the delimiters (VCL strings have no escapes). */
  value: string;
  /** `"` for a plain string, `{"` or `"""` for a long string. */
  delim: '"' | '{"' | '"""';
  start: number;
  end: number;
}

/** A number, with its unit when one follows: a DURATION (`10s`, `1.5m`) or BYTES (`10MB`). */
export interface NumberExpr {
  type: 'number';
  /** The digits as written (`10`, `1.5`); a leading `-` is included for negative literals. */
  raw: string;
  value: number;
  /** `ms`, `s`, `m`, `h`, `d`, `w`, `y`, or a BYTES unit (`B`, `KB`, `MB`, …, case-insensitive). */
  unit?: Ident;
  /** The value in seconds, for a duration unit. */
  seconds?: number;
  /** The value in bytes, for a BYTES unit. */
  bytes?: number;
  /** `fnum`: written with a decimal point. */
  real: boolean;
  start: number;
  end: number;
}

export interface BlobExpr {
  type: 'blob';
  start: number;
  end: number;
}

export interface BoolExpr {
  type: 'bool';
  value: boolean;
  start: number;
  end: number;
}

/** One argument: positional, or named (`std.ttl(d=5s)` style `name = value`). */
export interface Arg {
  name?: Ident;
  value: Expr;
  start: number;
  end: number;
}

/** A function or method call: `std.log("x")`, `regsub(req.url, "a", "b")`, `rr.backend()`. */
export interface CallExpr {
  type: 'call';
  callee: NameExpr | MemberExpr;
  args: Arg[];
  /** Offsets of `(` and of `)` (undefined when missing). */
  open: number;
  close?: number;
  start: number;
  end: number;
}

/** `.property` after a call or a parenthesised expression (`x.foo()` where `x` is not a plain name). */
export interface MemberExpr {
  type: 'member';
  object: Expr;
  property: Ident;
  start: number;
  end: number;
}

export interface UnaryExpr {
  type: 'unary';
  op: '!' | '-';
  operand: Expr;
  start: number;
  end: number;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr {
  type: 'binary';
  op: BinaryOp;
  opRange: { start: number; end: number };
  left: Expr;
  right: Expr;
  start: number;
  end: number;
}

export interface ParenExpr {
  type: 'paren';
  expr: Expr;
  start: number;
  end: number;
}

/** Stands for an expression that could not be parsed (an error was reported). */
export interface MissingExpr {
  type: 'missing';
  start: number;
  end: number;
}

export type Expr =
  | NameExpr
  | StringExpr
  | NumberExpr
  | BlobExpr
  | BoolExpr
  | CallExpr
  | MemberExpr
  | UnaryExpr
  | BinaryExpr
  | ParenExpr
  | MissingExpr;

// ---------------------------------------------------------------- statements

export interface Block {
  type: 'block';
  /** Offset of `{`. */
  open: number;
  /** Offset of the matching `}`, undefined when the block is not closed. */
  close?: number;
  body: Statement[];
  start: number;
  end: number;
}

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=';

export interface SetStmt {
  type: 'set';
  target: NameExpr;
  op: AssignOp;
  value: Expr;
  start: number;
  end: number;
}

export interface UnsetStmt {
  type: 'unset';
  target: NameExpr;
  start: number;
  end: number;
}

export interface CallStmt {
  type: 'call';
  /** The sub called (`call name;`), or the callee of `expr` (`call obj.method();`). */
  target: NameExpr;
  /** `call obj.method(…);`: a SUB-valued VMOD call (Varnish 7.1+). */
  expr?: Expr;
  start: number;
  end: number;
}

/** `return;` (no action), `return (pass);`, `return (synth(404, "x"));`, `return (pass(10s));`, `return (vcl(l));`. */
export interface ReturnStmt {
  type: 'return';
  action?: Ident;
  /** The arguments of `synth(…)`, `pass(…)`, `fail(…)`, `error(…)`, `vcl(…)`. */
  args: Expr[];
  start: number;
  end: number;
}

export interface IfBranch {
  /** `if`, `elseif`, `elsif`, `elif` or `else if` (range from `else` to `if`). */
  keyword: Ident;
  cond: Expr;
  body: Block;
  start: number;
  end: number;
}

export interface IfStmt {
  type: 'if';
  /** The `if` and each `elseif`/`elsif`/`elif`/`else if`, in order. */
  branches: IfBranch[];
  else?: Block;
  /** Range of the `else` keyword of the final else. */
  elseKeyword?: Ident;
  start: number;
  end: number;
}

/** `new name = vmod.object(args);` */
export interface NewStmt {
  type: 'new';
  name: Ident;
  value: Expr;
  start: number;
  end: number;
}

/** `hash_data(expr);`, `ban(expr);`, `synthetic(expr);` */
export interface ActionStmt {
  type: 'hash_data' | 'ban' | 'synthetic';
  arg: Expr;
  start: number;
  end: number;
}

/** A bare function or method call: `std.log("x");`, `rr.add_backend(b);`, `std.cache_req_body(1MB);`. */
export interface ExprStmt {
  type: 'expr';
  expr: CallExpr;
  start: number;
  end: number;
}

/**
 * A statement that starts with a name VCL has no action for: Varnish 2/3 forms (`remove req.http.X;`,
 * `error 404 "x";`, `esi;`, `purge;`), or a typo. Not a syntax error here: the name is checked later.
 */
export interface UnknownStmt {
  type: 'unknown';
  keyword: NameExpr;
  /** The expressions after the keyword, when they parse (`remove X` → [X]; `error 404 "x"` → [404, "x"]). */
  args: Expr[];
  start: number;
  end: number;
}

export interface InlineC {
  type: 'inline-c';
  start: number;
  end: number;
}

/** `include "file";` or `include +glob "pattern";` (top level or inside a sub: Varnish splices tokens). */
export interface IncludeNode {
  type: 'include';
  path?: StringExpr;
  glob: boolean;
  flags: { sign: '+' | '-'; name: Ident }[];
  start: number;
  end: number;
}

export type Statement =
  | Block
  | SetStmt
  | UnsetStmt
  | CallStmt
  | ReturnStmt
  | IfStmt
  | NewStmt
  | ActionStmt
  | ExprStmt
  | UnknownStmt
  | InlineC
  | IncludeNode;

// ---------------------------------------------------------------- declarations

/** `vcl 4.1;` */
export interface VersionDecl {
  type: 'vcl';
  /** As written (`4.1`); empty when missing. */
  version: string;
  versionRange: { start: number; end: number };
  start: number;
  end: number;
}

/** `import name;`, `import name as alias;`, `import name from "/path/libvmod_x.so";` */
export interface ImportDecl {
  type: 'import';
  name: Ident;
  /** `import name as alias;` */
  alias?: Ident;
  from?: StringExpr;
  start: number;
  end: number;
}

/** `.name = value;` in a backend or probe. `.request` may have several strings; `.probe` may be a block. */
export interface Field {
  name: Ident;
  values: Expr[];
  /** `.probe = { … }` */
  probe?: ProbeBody;
  start: number;
  end: number;
}

export interface ProbeBody {
  fields: Field[];
  open: number;
  close?: number;
  start: number;
  end: number;
}

export interface BackendDecl {
  type: 'backend';
  name: Ident;
  /** `backend name none;` */
  none: boolean;
  fields: Field[];
  open?: number;
  close?: number;
  start: number;
  end: number;
}

export interface ProbeDecl {
  type: 'probe';
  name: Ident;
  body: ProbeBody;
  start: number;
  end: number;
}

export interface AclEntry {
  type: 'acl-entry';
  negated: boolean;
  /** `( "name" )`: an unresolvable name is ignored instead of failing. */
  paren: boolean;
  addr: StringExpr;
  /** The mask, from `"a"/N` or from `"a/N"`. */
  mask?: number;
  start: number;
  end: number;
}

export interface AclDecl {
  type: 'acl';
  name: Ident;
  flags: { sign: '+' | '-'; name: Ident }[];
  entries: AclEntry[];
  /** `include "file";` inside the braces (Varnish splices the file's entries in). */
  includes: IncludeNode[];
  open?: number;
  close?: number;
  start: number;
  end: number;
}

export interface SubDecl {
  type: 'sub';
  name: Ident;
  body: Block;
  start: number;
  end: number;
}

/** Tokens at the top level that form no declaration (an error was reported). */
export interface JunkDecl {
  type: 'junk';
  start: number;
  end: number;
}

export type Decl = VersionDecl | ImportDecl | IncludeNode | BackendDecl | ProbeDecl | AclDecl | SubDecl | InlineC | JunkDecl;

/**
 * A parsed file. In `top` mode its items are declarations; in `body` mode (a file included inside a sub)
 * statements; in `acl` mode (a file included inside an acl) ACL entries and includes.
 */
export interface VclTree {
  text: string;
  mode: 'top' | 'body' | 'acl';
  items: (Decl | Statement | AclEntry)[];
  /** Every token, whitespace and comments included; their texts concatenate to `text`. */
  tokens: Token[];
  /** Ranges of the comments. */
  comments: { start: number; end: number }[];
  errors: VclError[];
}

// ---------------------------------------------------------------- walking

/** Calls `fn` on every statement depth-first (parents before children); return false to skip the children. */
export function walkStatements(stmts: readonly (Decl | Statement | AclEntry)[], fn: (s: Statement, parents: Statement[]) => boolean | void, parents: Statement[] = []): void {
  for (const s of stmts) {
    if (s.type === 'sub') {
      walkStatements([s.body], fn, parents);
      continue;
    }
    if (!isStatement(s)) continue;
    if (fn(s, parents) === false) continue;
    const inner = [...parents, s];
    if (s.type === 'block') walkStatements(s.body, fn, inner);
    else if (s.type === 'if') {
      for (const b of s.branches) walkStatements([b.body], fn, inner);
      if (s.else) walkStatements([s.else], fn, inner);
    }
  }
}

const STATEMENT_TYPES = new Set(['block', 'set', 'unset', 'call', 'return', 'if', 'new', 'hash_data', 'ban', 'synthetic', 'expr', 'unknown', 'inline-c', 'include']);

export function isStatement(n: Decl | Statement | AclEntry): n is Statement {
  return STATEMENT_TYPES.has(n.type);
}

/** The direct sub-expressions of an expression. */
export function exprChildren(e: Expr): Expr[] {
  switch (e.type) {
    case 'call':
      return [e.callee, ...e.args.map((a) => a.value)];
    case 'member':
      return [e.object];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'paren':
      return [e.expr];
    default:
      return [];
  }
}

/** Calls `fn` on `e` and every sub-expression, parents first; return false to skip the children. */
export function walkExpr(e: Expr, fn: (e: Expr) => boolean | void): void {
  if (fn(e) === false) return;
  for (const c of exprChildren(e)) walkExpr(c, fn);
}

/** The expressions directly held by a statement (conditions of an if included, bodies excluded). */
export function statementExprs(s: Statement): Expr[] {
  switch (s.type) {
    case 'set':
      return [s.target, s.value];
    case 'unset':
      return [s.target];
    case 'call':
      return s.expr ? [s.expr] : [s.target];
    case 'return':
      return s.args;
    case 'if':
      return s.branches.map((b) => b.cond);
    case 'new':
      return [s.value];
    case 'hash_data':
    case 'ban':
    case 'synthetic':
      return [s.arg];
    case 'expr':
      return [s.expr];
    case 'unknown':
      return [s.keyword, ...s.args];
    default:
      return [];
  }
}

/** Strips parentheses: `((x))` → `x`. */
export function unparen(e: Expr): Expr {
  while (e.type === 'paren') e = e.expr;
  return e;
}
