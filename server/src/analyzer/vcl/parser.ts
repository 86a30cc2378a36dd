// The error-tolerant VCL parser. It follows the grammar of Varnish's compiler (lib/libvcc, 7.1) closely enough
// to give its messages ("Expected ';' got '}'"), never throws, and recovers at ';', '}' and the next top-level
// declaration. Work is linear in the number of tokens; nesting is bounded.
import { describeToken, scanVcl, stringValue, Token } from './scanner';
import type {
  AclDecl,
  AclEntry,
  Arg,
  AssignOp,
  BackendDecl,
  BinaryOp,
  Block,
  CallExpr,
  Decl,
  Expr,
  Field,
  Ident,
  IfBranch,
  IfStmt,
  IncludeNode,
  MemberExpr,
  MissingExpr,
  NameExpr,
  NamePart,
  NumberExpr,
  ProbeBody,
  ProbeDecl,
  ReturnStmt,
  Statement,
  StringExpr,
  SubDecl,
  VclError,
  VclTree,
} from './tree';

export interface ParseOptions {
  /**
   * `top` (default): a VCL file of declarations. `body`: a file included inside a sub (statements).
   * `acl`: a file included inside an `acl { }` (entries).
   */
  mode?: 'top' | 'body' | 'acl';
  /** Names accepted in `return (name)`; others give "Expected return action name.". Default: every version's. */
  returnActions?: ReadonlySet<string>;
}

/** Return actions of Varnish 6.0 to 8.0 (`miss` is 6.0 only; `merge`, `obj_stale`, `beresp` are 8.0's vcl_backend_refresh). */
export const RETURN_ACTION_NAMES: ReadonlySet<string> = new Set([
  'abandon', 'deliver', 'error', 'fail', 'fetch', 'hash', 'lookup', 'miss', 'ok', 'pass', 'pipe', 'purge',
  'restart', 'retry', 'synth', 'vcl', 'merge', 'obj_stale', 'beresp',
]);

/** The Varnish state-machine subs, where `return;` without an action is not allowed. */
export const METHOD_SUBS: ReadonlySet<string> = new Set([
  'vcl_recv', 'vcl_pipe', 'vcl_pass', 'vcl_hash', 'vcl_purge', 'vcl_miss', 'vcl_hit', 'vcl_deliver', 'vcl_synth',
  'vcl_backend_fetch', 'vcl_backend_response', 'vcl_backend_error', 'vcl_init', 'vcl_fini', 'vcl_backend_refresh',
]);

export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000,
};
const BYTES_UNIT = /^([kmgtp]?)b?$/i;
const BYTES_SCALE: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

const TOP_KEYWORDS = new Set(['sub', 'acl', 'backend', 'probe', 'import']);
const STATEMENT_KEYWORDS = new Set(['set', 'unset', 'call', 'return', 'if', 'new', 'hash_data', 'ban', 'synthetic', 'include']);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=']);
const REL_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const ACL_FLAGS = new Set(['log', 'fold', 'pedantic', 'table']);
const MAX_DEPTH = 100;
/**
 * Operators one expression may chain (`a || b || …`, `"a" + "b" + …`, `o.f().g()…`). Chains build left-deep
 * trees that the model and the checks walk recursively, so their height is bounded like the nesting of blocks.
 */
const MAX_OPERATORS = 500;
const MAX_ERRORS = 1000;

type FieldKind = 'string' | 'strings' | 'duration' | 'uint' | 'blob' | 'probe';
const BACKEND_FIELDS: Record<string, FieldKind> = {
  host: 'string', port: 'string', path: 'string', host_header: 'string',
  connect_timeout: 'duration', first_byte_timeout: 'duration', between_bytes_timeout: 'duration',
  probe: 'probe', max_connections: 'uint', proxy_header: 'uint', preamble: 'blob',
};
const PROBE_FIELDS: Record<string, FieldKind> = {
  url: 'string', request: 'strings', expected_response: 'uint', timeout: 'duration', interval: 'duration',
  window: 'uint', threshold: 'uint', initial: 'uint',
};

export function parseVcl(text: string, opts: ParseOptions = {}): VclTree {
  return new Parser(text, opts).parse();
}

class Parser {
  private readonly tokens: Token[];
  /** Significant tokens: no whitespace, comments or unrecognised characters. */
  private readonly sig: Token[];
  private i = 0;
  private readonly errors: VclError[] = [];
  private readonly errorStarts = new Set<number>();
  /** Errors attempted (reported or muted): tells a caller whether a sub-parse failed. */
  private errCount = 0;
  private mute = 0;
  private depth = 0;
  /** Operators of the chains open around the expression being parsed (bounded by MAX_OPERATORS). */
  private height = 0;
  private eofReported = false;
  private curSub: string | undefined;
  private readonly actions: ReadonlySet<string>;

  constructor(private readonly text: string, private readonly opts: ParseOptions) {
    const { tokens, errors } = scanVcl(text);
    this.tokens = tokens;
    this.sig = tokens.filter((t) => t.kind !== 'ws' && t.kind !== 'comment' && t.kind !== 'bad');
    for (const e of errors) this.error(e.message, e.start, e.end);
    this.actions = opts.returnActions ?? RETURN_ACTION_NAMES;
  }

  parse(): VclTree {
    const items: (Decl | Statement | AclEntry)[] = [];
    const mode = this.opts.mode ?? 'top';
    while (this.cur()) {
      const before = this.i;
      if (mode === 'acl' && !this.isTopKeyword()) {
        if (this.isId(this.cur(), 'include')) items.push(this.include());
        else {
          const e = this.aclEntry();
          if (e) items.push(e);
        }
      } else if (mode === 'body' && !this.isTopKeyword()) {
        const t = this.cur()!;
        if (this.isOp(t, '}')) {
          this.errorAt(t, "Unexpected '}': no block is open here");
          this.i++;
        } else {
          const s = this.statement();
          if (s) items.push(s);
        }
      } else {
        const d = this.decl();
        if (d) items.push(d);
      }
      if (this.i === before) this.i++;
    }
    this.errors.sort((a, b) => a.range.start - b.range.start);
    const comments = this.tokens.filter((t) => t.kind === 'comment').map((t) => ({ start: t.start, end: t.end }));
    return { text: this.text, mode, items, tokens: this.tokens, comments, errors: this.errors };
  }

  // ------------------------------------------------------------ token helpers

  private cur(): Token | undefined {
    return this.sig[this.i];
  }
  private peek(k: number): Token | undefined {
    return this.sig[this.i + k];
  }
  private tx(t: Token): string {
    return this.text.slice(t.start, t.end);
  }
  private isOp(t: Token | undefined, s: string): boolean {
    return !!t && t.kind === 'op' && t.end - t.start === s.length && this.text.startsWith(s, t.start);
  }
  private isId(t: Token | undefined, s?: string): boolean {
    return !!t && t.kind === 'id' && (s === undefined || (t.end - t.start === s.length && this.text.startsWith(s, t.start)));
  }
  private advance(): Token {
    return this.sig[this.i++];
  }
  /** End of the last consumed token. */
  private prevEnd(): number {
    return this.i > 0 ? this.sig[this.i - 1].end : 0;
  }
  private ident(t: Token): Ident {
    return { text: this.tx(t), start: t.start, end: t.end };
  }
  private describe(t: Token | undefined): string {
    return describeToken(this.text, t);
  }

  private error(message: string, start: number, end: number): void {
    this.errCount++;
    if (this.mute > 0 || this.errorStarts.has(start) || this.errors.length > MAX_ERRORS) return;
    this.errorStarts.add(start);
    if (this.errors.length === MAX_ERRORS) {
      this.errors.push({ message: `More than ${MAX_ERRORS} syntax errors; the rest are not reported`, range: { start, end: Math.max(start, end) } });
      return;
    }
    this.errors.push({ message, range: { start, end: Math.max(start, end) } });
  }
  private errorAt(t: Token | undefined, message: string): void {
    if (t) this.error(message, t.start, t.end);
    else this.error(message, this.text.length, this.text.length);
  }
  /** Consumes `s` or reports "Expected 's' got …" (consuming nothing). */
  private expectOp(s: string): Token | undefined {
    const t = this.cur();
    if (this.isOp(t, s)) return this.advance();
    this.errorAt(t, `Expected '${s}' got ${this.describe(t)}`);
    return undefined;
  }

  /** A top-level declaration keyword starts at token `k`: `sub x`, `backend x`, `acl x`, `probe x`, `import x`, `vcl 4.1`. */
  private isTopKeyword(k = this.i): boolean {
    const t = this.sig[k];
    if (!t || t.kind !== 'id') return false;
    const prev = this.sig[k - 1];
    if (prev && this.isOp(prev, '.')) return false;
    const w = this.tx(t);
    const next = this.sig[k + 1];
    if (w === 'vcl') return !!next && (next.kind === 'fnum' || next.kind === 'cnum');
    return TOP_KEYWORDS.has(w) && !!next && next.kind === 'id';
  }

  private newlineBefore(t: Token): boolean {
    const from = this.prevEnd();
    return from < t.start && /[\r\n]/.test(this.text.slice(from, t.start));
  }

  /**
   * Skips the rest of a statement after an error: up to and including ';', or up to (not including) a '}' that
   * closes the enclosing block, or over one balanced `{ … }`; stops before a top-level declaration.
   */
  private skipStatement(): void {
    let depth = 0;
    while (this.cur()) {
      if (this.isTopKeyword()) return;
      const t = this.cur()!;
      if (this.isOp(t, '{')) {
        depth++;
        this.i++;
        continue;
      }
      if (this.isOp(t, '}')) {
        if (depth === 0) return;
        depth--;
        this.i++;
        if (depth === 0) return;
        continue;
      }
      this.i++;
      if (depth === 0 && this.isOp(t, ';')) return;
    }
  }

  /** Skips to the `)` closing the current parenthesis (consumed), stopping before `{`, `}` or `;`. */
  private skipToCloseParen(): void {
    let depth = 0;
    while (this.cur()) {
      const t = this.cur()!;
      if (this.isOp(t, '{') || this.isOp(t, '}') || this.isOp(t, ';') || this.isTopKeyword()) return;
      this.i++;
      if (this.isOp(t, '(')) depth++;
      else if (this.isOp(t, ')')) {
        if (depth === 0) return;
        depth--;
      }
    }
  }

  /** Consumes ';' or reports "Expected ';' got …" and recovers. */
  private semi(): void {
    const t = this.cur();
    if (this.isOp(t, ';')) {
      this.i++;
      return;
    }
    this.errorAt(t, `Expected ';' got ${this.describe(t)}`);
    if (!t || this.isOp(t, '}')) return;
    // A statement keyword on a new line: the ';' is missing, the next statement is intact.
    if (t.kind === 'id' && STATEMENT_KEYWORDS.has(this.tx(t)) && this.newlineBefore(t)) return;
    this.skipStatement();
  }

  // ------------------------------------------------------------ declarations

  private decl(): Decl | Statement | undefined {
    const t = this.cur()!;
    if (t.kind === 'csrc') {
      this.i++;
      return { type: 'inline-c', start: t.start, end: t.end };
    }
    if (t.kind === 'id') {
      switch (this.tx(t)) {
        case 'vcl':
          return this.version();
        case 'import':
          return this.importDecl();
        case 'include':
          return this.include();
        case 'backend':
          return this.backend();
        case 'probe':
          return this.probe();
        case 'acl':
          return this.acl();
        case 'sub':
          return this.sub();
      }
    }
    this.errorAt(t, `Expected one of 'acl', 'sub', 'backend', 'probe', 'import', or 'vcl'. Found: ${this.describe(t)}`);
    return this.junk();
  }

  /** Skips tokens that form no declaration (at least one), to the next declaration. */
  private junk(): Decl {
    if (!this.cur()) return { type: 'junk', start: this.prevEnd(), end: this.prevEnd() };
    const start = this.cur()!.start;
    let depth = 0;
    let first = true;
    while (this.cur()) {
      if (!first && this.isTopKeyword()) break;
      const t = this.advance();
      first = false;
      if (this.isOp(t, '{')) depth++;
      else if (this.isOp(t, '}')) {
        if (depth === 0 || --depth === 0) break;
      } else if (depth === 0 && this.isOp(t, ';')) break;
    }
    return { type: 'junk', start, end: this.prevEnd() };
  }

  private version(): Decl {
    const kw = this.advance();
    const t = this.cur();
    let version = '';
    let versionRange = { start: kw.end, end: kw.end };
    if (t && t.kind === 'fnum') {
      this.i++;
      version = this.tx(t);
      versionRange = { start: t.start, end: t.end };
      if (!/^\d\.\d$/.test(version)) this.errorAt(t, "Don't play silly buggers with VCL version numbers");
      else if (version !== '4.0' && version !== '4.1') this.error(`VCL version ${version} not supported.`, kw.start, t.end);
    } else {
      this.errorAt(t, `Expected FNUM got ${this.describe(t)}`);
      if (t && t.kind === 'cnum') {
        this.i++;
        version = this.tx(t);
        versionRange = { start: t.start, end: t.end };
      }
    }
    if (this.isOp(this.cur(), ';')) this.i++;
    else this.error("Expected 'vcl N.N;' found no semi-colon", kw.start, this.prevEnd());
    return { type: 'vcl', version, versionRange, start: kw.start, end: this.prevEnd() };
  }

  private importDecl(): Decl {
    const kw = this.advance();
    const t = this.cur();
    if (!t || t.kind !== 'id') {
      this.errorAt(t, `Expected ID got ${this.describe(t)}`);
      this.skipStatement();
      return { type: 'junk', start: kw.start, end: this.prevEnd() };
    }
    const name = this.ident(this.advance());
    let alias: Ident | undefined;
    let from: StringExpr | undefined;
    if (this.isId(this.cur(), 'as')) {
      this.i++;
      const a = this.cur();
      if (a && a.kind === 'id') alias = this.ident(this.advance());
      else this.errorAt(a, `Expected ID got ${this.describe(a)}`);
    }
    if (this.isOp(this.cur(), ';')) this.i++;
    else if (this.isId(this.cur(), 'from')) {
      this.i++;
      const s = this.cur();
      if (s && s.kind === 'cstr') from = this.string();
      else this.errorAt(s, `Expected CSTR got ${this.describe(s)}`);
      this.semi();
    } else {
      this.errorAt(this.cur(), "Expected 'from path ...'");
      this.skipStatement();
    }
    return { type: 'import', name, alias, from, start: kw.start, end: this.prevEnd() };
  }

  private include(): IncludeNode {
    const kw = this.advance();
    const node: IncludeNode = { type: 'include', glob: false, flags: [], start: kw.start, end: kw.end };
    while (this.isOp(this.cur(), '+') || this.isOp(this.cur(), '-')) {
      const sign = this.advance();
      const f = this.cur();
      if (!f || f.start !== sign.end || f.kind !== 'id') {
        this.errorAt(sign, 'Expected a flag at:');
        break;
      }
      this.i++;
      const name = this.ident(f);
      node.flags.push({ sign: this.tx(sign) as '+' | '-', name });
      if (name.text === 'glob') node.glob = this.tx(sign) === '+';
      else this.errorAt(f, 'Unknown include flag:');
    }
    const s = this.cur();
    if (!s || s.kind !== 'cstr') {
      this.errorAt(s, 'include not followed by string constant.');
      if (this.isOp(s, ';')) this.i++;
      node.end = this.prevEnd();
      return node;
    }
    node.path = this.string();
    if (this.isOp(this.cur(), ';')) this.i++;
    else this.error('include <string> not followed by semicolon.', s.start, s.end);
    node.end = this.prevEnd();
    return node;
  }

  /** The name after `backend`, `probe`, `acl` or `sub` (VCC's vcc_ExpectVid): an ID without dots. */
  private declName(what: string): Ident | undefined {
    const t = this.cur();
    if (!t || t.kind !== 'id') {
      this.errorAt(t, `Expected ID got ${this.describe(t)}`);
      return undefined;
    }
    this.i++;
    const name = this.ident(t);
    if (this.isOp(this.cur(), '.') && this.isId(this.peek(1))) {
      let end = t.end;
      while (this.isOp(this.cur(), '.') && this.isId(this.peek(1))) {
        this.i += 2;
        end = this.prevEnd();
      }
      this.error(`Name of ${what}, '${this.text.slice(t.start, end)}', contains illegal character '.'`, t.start, end);
    }
    return name;
  }

  /** A declaration whose name is missing: the rest of it, from its keyword, as junk. */
  private junkFrom(kw: Token): Decl {
    const j = this.junk();
    return { ...j, start: kw.start };
  }

  /** Whether a `{` opens the declaration's block here; otherwise reports it and skips to the next declaration. */
  private blockOpens(): boolean {
    const t = this.cur();
    if (this.isOp(t, '{')) return true;
    this.errorAt(t, `Expected '{' got ${this.describe(t)}`);
    if (t && !this.isTopKeyword()) this.junk();
    return false;
  }

  private backend(): Decl {
    const kw = this.advance();
    const name = this.declName('backend');
    if (!name) return this.junkFrom(kw);
    const node: BackendDecl = { type: 'backend', name, none: false, fields: [], start: kw.start, end: name.end };
    const t = this.cur();
    if (this.isId(t, 'none') || this.isId(t, 'None')) {
      this.i++;
      node.none = true;
      this.semi();
      node.end = this.prevEnd();
      return node;
    }
    if (!this.blockOpens()) {
      node.end = this.prevEnd();
      return node;
    }
    node.open = this.advance().start;
    if (this.isId(this.cur(), 'set')) {
      this.errorAt(this.cur(), 'NB: Backend Syntax has changed: Remove "set" and "backend" in front of backend fields.');
    }
    const { fields, close, clean } = this.fields(BACKEND_FIELDS, node.open);
    node.fields = fields;
    node.close = close;
    node.end = this.prevEnd();
    if (clean && close !== undefined && !fields.some((f) => f.name.text === 'host' || f.name.text === 'path')) {
      this.error('Expected .host or .path.', name.start, name.end);
    }
    return node;
  }

  private probe(): Decl {
    const kw = this.advance();
    const name = this.declName('backend probe');
    if (!name) return this.junkFrom(kw);
    if (!this.blockOpens()) {
      const body: ProbeBody = { fields: [], open: this.prevEnd(), start: this.prevEnd(), end: this.prevEnd() };
      return { type: 'probe', name, body, start: kw.start, end: this.prevEnd() };
    }
    const body = this.probeBody();
    const node: ProbeDecl = { type: 'probe', name, body, start: kw.start, end: this.prevEnd() };
    return node;
  }

  private probeBody(): ProbeBody {
    const open = this.advance().start;
    const { fields, close } = this.fields(PROBE_FIELDS, open);
    return { fields, open, close, start: open, end: this.prevEnd() };
  }

  /** `.name = value;` fields up to the closing '}' (consumed). */
  private fields(spec: Record<string, FieldKind>, open: number): { fields: Field[]; close?: number; clean: boolean } {
    const fields: Field[] = [];
    const seen = new Map<string, Field>();
    const e0 = this.errCount;
    for (;;) {
      const t = this.cur();
      if (!t) {
        this.error("Expected '}' got end of input", open, open + 1);
        return { fields, clean: false };
      }
      if (this.isOp(t, '}')) {
        this.i++;
        return { fields, close: t.start, clean: this.errCount === e0 };
      }
      if (this.isTopKeyword()) {
        this.errorAt(t, `Expected '}' got ${this.describe(t)}`);
        return { fields, clean: false };
      }
      const before = this.i;
      const f = this.field(spec, seen);
      if (f) fields.push(f);
      if (this.i === before) this.i++;
    }
  }

  private field(spec: Record<string, FieldKind>, seen: Map<string, Field>): Field | undefined {
    const dot = this.cur()!;
    if (!this.isOp(dot, '.')) {
      this.errorAt(dot, `Expected '.' got ${this.describe(dot)}`);
      this.skipStatement();
      return undefined;
    }
    this.i++;
    const nt = this.cur();
    if (!nt || nt.kind !== 'id') {
      this.errorAt(nt, `Expected ID got ${this.describe(nt)}`);
      this.skipStatement();
      return undefined;
    }
    this.i++;
    const name = this.ident(nt);
    const kind = Object.prototype.hasOwnProperty.call(spec, name.text) ? spec[name.text] : undefined;
    const field: Field = { name, values: [], start: dot.start, end: nt.end };
    if (!kind) {
      this.errorAt(nt, `Unknown field: '${name.text}' at`);
      this.skipStatement();
      field.end = this.prevEnd();
      return field;
    }
    const group = name.text === 'host' || name.text === 'path' ? 'Address' : name.text === 'url' || name.text === 'request' ? 'Probe request' : undefined;
    const prior = group ? [...seen.values()].find((f) => (group === 'Address' ? /^(host|path)$/ : /^(url|request)$/).test(f.name.text)) : seen.get(name.text);
    if (prior) {
      if (group) this.error(`${group} redefinition at:`, name.start, name.end);
      else this.error(`Field '${name.text}' redefined at:`, name.start, name.end);
    }
    seen.set(name.text, field);
    if (!this.expectOp('=')) {
      this.skipStatement();
      field.end = this.prevEnd();
      return field;
    }
    const v = this.cur();
    let ok = true;
    switch (kind) {
      case 'string':
      case 'strings':
        if (v && v.kind === 'cstr') {
          field.values.push(this.string());
          while (kind === 'strings' && this.cur()?.kind === 'cstr') field.values.push(this.string());
        } else ok = this.fail(v, 'CSTR');
        break;
      case 'duration':
        if (v && (v.kind === 'cnum' || v.kind === 'fnum')) {
          const n = this.number(false, true);
          field.values.push(n);
          if (!n.unit) ok = this.fail(this.cur(), 'ID');
        } else ok = this.fail(v, 'CNUM');
        break;
      case 'uint':
        if (v && v.kind === 'cnum') {
          this.i++;
          field.values.push({ type: 'number', raw: this.tx(v), value: Number(this.tx(v)), real: false, start: v.start, end: v.end });
        } else ok = this.fail(v, 'CNUM');
        break;
      case 'blob':
        if (v && v.kind === 'blob') {
          this.i++;
          field.values.push({ type: 'blob', start: v.start, end: v.end });
        } else ok = this.fail(v, 'CBLOB');
        break;
      case 'probe':
        if (this.isOp(v, '{')) {
          field.probe = this.probeBody();
          field.end = this.prevEnd();
          // VCC takes no ';' after an inline probe: a ';' there is "Expected '.' got ';'" at the next field.
          return field;
        }
        if (v && v.kind === 'id') field.values.push(this.name());
        else {
          this.errorAt(v, `Expected '{' or name of probe, got ${this.describe(v)} at`);
          ok = false;
        }
        break;
    }
    if (ok) this.semi();
    else this.skipStatement();
    field.end = this.prevEnd();
    return field;
  }

  private fail(t: Token | undefined, what: string): false {
    this.errorAt(t, `Expected ${what} got ${this.describe(t)}`);
    return false;
  }

  private acl(): Decl {
    const kw = this.advance();
    const name = this.declName('ACL');
    if (!name) return this.junkFrom(kw);
    const node: AclDecl = { type: 'acl', name, flags: [], entries: [], includes: [], start: kw.start, end: name.end };
    while (this.isOp(this.cur(), '+') || this.isOp(this.cur(), '-')) {
      const sign = this.advance();
      const f = this.cur();
      if (!f || f.start !== sign.end) {
        this.errorAt(sign, 'Expected a flag at:');
        break;
      }
      this.i++;
      if (f.kind === 'id' && ACL_FLAGS.has(this.tx(f))) node.flags.push({ sign: this.tx(sign) as '+' | '-', name: this.ident(f) });
      else this.errorAt(f, 'Unknown ACL flag:');
    }
    const t = this.cur();
    if (!this.isOp(t, '{')) {
      this.errorAt(t, `Expected '{' got ${this.describe(t)}`);
      // Look for the '{' of this declaration further on.
      while (this.cur() && !this.isOp(this.cur(), '{') && !this.isOp(this.cur(), ';') && !this.isTopKeyword()) this.i++;
      if (!this.isOp(this.cur(), '{')) {
        if (this.isOp(this.cur(), ';')) this.i++;
        node.end = this.prevEnd();
        return node;
      }
    }
    node.open = this.advance().start;
    for (;;) {
      const c = this.cur();
      if (!c) {
        this.error("Expected '}' got end of input", node.open, node.open + 1);
        break;
      }
      if (this.isOp(c, '}')) {
        this.i++;
        node.close = c.start;
        break;
      }
      if (this.isTopKeyword()) {
        this.errorAt(c, `Expected '}' got ${this.describe(c)}`);
        break;
      }
      const before = this.i;
      if (this.isId(c, 'include')) node.includes.push(this.include());
      else {
        const e = this.aclEntry();
        if (e) node.entries.push(e);
      }
      if (this.i === before) this.i++;
    }
    node.end = this.prevEnd();
    return node;
  }

  private aclEntry(): AclEntry | undefined {
    const start = this.cur()!.start;
    let negated = false;
    let paren = false;
    if (this.isOp(this.cur(), '!')) {
      negated = true;
      this.i++;
    }
    if (this.isOp(this.cur(), '(')) {
      paren = true;
      this.i++;
    }
    if (!negated && this.isOp(this.cur(), '!')) {
      negated = true;
      this.i++;
    }
    const s = this.cur();
    if (!s || s.kind !== 'cstr') {
      this.fail(s, 'CSTR');
      this.skipStatement();
      return undefined;
    }
    const addr = this.string();
    const entry: AclEntry = { type: 'acl-entry', negated, paren, addr, start, end: addr.end };
    const slash = addr.value.indexOf('/');
    if (slash >= 0) {
      const m = addr.value.slice(slash + 1);
      if (!/^\d+$/.test(m)) this.error('.../mask is not numeric.', addr.start, addr.end);
      else entry.mask = Number(m);
      if (this.isOp(this.cur(), '/')) {
        this.errorAt(this.cur(), '/mask only allowed once.');
        this.i++;
        if (this.cur()?.kind === 'cnum') this.i++;
      }
    } else if (this.isOp(this.cur(), '/')) {
      this.i++;
      const m = this.cur();
      if (m && m.kind === 'cnum') {
        this.i++;
        entry.mask = Number(this.tx(m));
      } else {
        this.fail(m, 'CNUM');
        this.skipStatement();
        entry.end = this.prevEnd();
        return entry;
      }
    }
    if (paren && !this.expectOp(')')) {
      this.skipStatement();
      entry.end = this.prevEnd();
      return entry;
    }
    this.semi();
    entry.end = this.prevEnd();
    return entry;
  }

  private sub(): Decl {
    const kw = this.advance();
    const name = this.declName('subroutine');
    if (!name) return this.junkFrom(kw);
    if (!this.blockOpens()) {
      const body: Block = { type: 'block', open: this.prevEnd(), body: [], start: this.prevEnd(), end: this.prevEnd() };
      return { type: 'sub', name, body, start: kw.start, end: this.prevEnd() };
    }
    this.curSub = name.text;
    const body = this.block();
    this.curSub = undefined;
    const node: SubDecl = { type: 'sub', name, body, start: kw.start, end: body.end };
    return node;
  }

  // ------------------------------------------------------------ statements

  private block(): Block {
    const open = this.advance();
    const block: Block = { type: 'block', open: open.start, body: [], start: open.start, end: open.end };
    if (this.depth >= MAX_DEPTH) {
      this.errorAt(open, 'Blocks nested too deeply');
      this.i--;
      this.skipStatement();
      block.end = this.prevEnd();
      return block;
    }
    this.depth++;
    for (;;) {
      const t = this.cur();
      if (!t) {
        if (!this.eofReported) this.error('End of input while in compound statement', open.start, open.end);
        this.eofReported = true;
        break;
      }
      if (this.isOp(t, '}')) {
        this.i++;
        block.close = t.start;
        break;
      }
      if (this.isTopKeyword()) {
        this.errorAt(t, `Expected '}' got ${this.describe(t)}`);
        break;
      }
      const before = this.i;
      const s = this.statement();
      if (s) block.body.push(s);
      if (this.i === before) this.i++;
    }
    this.depth--;
    block.end = this.prevEnd();
    return block;
  }

  private statement(): Statement | undefined {
    const t = this.cur()!;
    if (this.isOp(t, '{')) return this.block();
    if (t.kind === 'csrc') {
      this.i++;
      return { type: 'inline-c', start: t.start, end: t.end };
    }
    if (t.kind === 'id') {
      switch (this.tx(t)) {
        case 'set':
          return this.setStmt();
        case 'unset':
        case 'call':
          return this.targetStmt(this.tx(t) as 'unset' | 'call');
        case 'return':
          return this.returnStmt();
        case 'if':
          return this.ifStmt();
        case 'new':
          return this.newStmt();
        case 'hash_data':
        case 'ban':
        case 'synthetic':
          return this.actionStmt(this.tx(t) as 'hash_data' | 'ban' | 'synthetic');
        case 'include':
          return this.include();
        case 'else':
        case 'elseif':
        case 'elsif':
        case 'elif':
          this.errorAt(t, `Symbol not found: '${this.tx(t)}' (no 'if' before it)`);
          this.i++;
          if (this.isOp(this.cur(), '(')) {
            this.i++;
            this.skipToCloseParen();
          }
          if (this.isOp(this.cur(), '{')) this.block();
          return undefined;
      }
    }
    if (t.kind === 'id') return this.nameStatement();
    this.errorAt(t, "Expected an action, 'if', '{' or '}'");
    if (this.isOp(t, ';')) this.i++;
    else this.skipStatement();
    return undefined;
  }

  /** The name after `set`, `unset`, `call`; reports "Expected ID got …" when there is none. */
  private target(): NameExpr | undefined {
    const t = this.cur();
    if (!t || t.kind !== 'id') {
      this.errorAt(t, `Expected ID got ${this.describe(t)}`);
      return undefined;
    }
    return this.name();
  }

  private missing(at = this.prevEnd()): MissingExpr {
    return { type: 'missing', start: at, end: at };
  }

  private setStmt(): Statement | undefined {
    const kw = this.advance();
    const target = this.target();
    if (!target) {
      this.skipStatement();
      return undefined;
    }
    const opTok = this.cur();
    const op = opTok && opTok.kind === 'op' ? this.tx(opTok) : '';
    if (!ASSIGN_OPS.has(op)) {
      this.errorAt(opTok, `Expected '=' got ${this.describe(opTok)}`);
      this.skipStatement();
      return { type: 'set', target, op: '=', value: this.missing(), start: kw.start, end: this.prevEnd() };
    }
    this.i++;
    const e0 = this.errCount;
    const value = this.expr();
    if (this.errCount > e0) this.skipStatement();
    else this.semi();
    return { type: 'set', target, op: op as AssignOp, value, start: kw.start, end: this.prevEnd() };
  }

  private targetStmt(type: 'unset' | 'call'): Statement | undefined {
    const kw = this.advance();
    const target = this.target();
    if (!target) {
      this.skipStatement();
      return undefined;
    }
    if (type === 'call' && this.isOp(this.cur(), '(')) {
      // `call obj.method();`: a SUB returned by a VMOD (7.1+).
      const e0 = this.errCount;
      const expr = this.postfixFrom(this.call(target));
      if (this.errCount > e0) this.skipStatement();
      else this.semi();
      return { type, target, expr, start: kw.start, end: this.prevEnd() };
    }
    this.semi();
    return { type, target, start: kw.start, end: this.prevEnd() };
  }

  private returnStmt(): ReturnStmt {
    const kw = this.advance();
    const node: ReturnStmt = { type: 'return', args: [], start: kw.start, end: kw.end };
    const t = this.cur();
    if (this.isOp(t, ';')) {
      if (this.curSub && METHOD_SUBS.has(this.curSub)) this.errorAt(t, "Expected '(' got ';'");
      this.i++;
      node.end = this.prevEnd();
      return node;
    }
    if (!this.expectOp('(')) {
      this.skipStatement();
      node.end = this.prevEnd();
      return node;
    }
    const a = this.cur();
    if (!a || a.kind !== 'id') {
      this.errorAt(a, `Expected ID got ${this.describe(a)}`);
      this.skipToCloseParen();
      this.semi();
      node.end = this.prevEnd();
      return node;
    }
    this.i++;
    const action = this.ident(a);
    node.action = action;
    if (!this.actions.has(action.text)) this.errorAt(a, 'Expected return action name.');
    const e0 = this.errCount;
    if (this.isOp(this.cur(), '(')) {
      const open = this.advance();
      switch (action.text) {
        case 'synth':
        case 'error':
          node.args.push(this.expr());
          if (this.isOp(this.cur(), ',')) {
            this.i++;
            node.args.push(this.expr());
          }
          break;
        case 'vcl': {
          const v = this.target();
          if (v) node.args.push(v);
          break;
        }
        case 'pass':
        case 'fail':
          node.args.push(this.expr());
          break;
        default:
          if (this.actions.has(action.text)) this.errorAt(open, 'Arguments not allowed.');
          this.mute++;
          while (this.cur() && !this.isOp(this.cur(), ')') && !this.isOp(this.cur(), ';')) {
            const before = this.i;
            node.args.push(this.expr());
            if (this.isOp(this.cur(), ',')) this.i++;
            else if (this.i === before) break;
          }
          this.mute--;
      }
      if (this.errCount > e0) this.skipToCloseParen();
      else if (!this.expectOp(')')) this.skipToCloseParen();
    } else if (action.text === 'synth' || action.text === 'vcl') {
      this.errorAt(this.cur(), 'Missing argument.');
    }
    if (!this.expectOp(')')) {
      this.skipStatement();
      node.end = this.prevEnd();
      return node;
    }
    this.semi();
    node.end = this.prevEnd();
    return node;
  }

  private condition(): Expr {
    const t = this.cur();
    if (!this.isOp(t, '(')) {
      this.errorAt(t, `Expected '(' got ${this.describe(t)}`);
      if (!t || this.isOp(t, '{') || this.isOp(t, '}') || this.isOp(t, ';')) return this.missing();
      this.mute++;
      const e = this.expr('BOOL');
      this.mute--;
      this.skipToCloseParen();
      return e;
    }
    this.i++;
    const e0 = this.errCount;
    const e = this.expr('BOOL');
    if (this.errCount > e0) this.skipToCloseParen();
    else if (!this.expectOp(')')) this.skipToCloseParen();
    return e;
  }

  /** The `{ … }` of an if branch; without braces, one statement stands in for the body (after an error). */
  private branchBody(): Block {
    const t = this.cur();
    if (this.isOp(t, '{')) return this.block();
    this.errorAt(t, `Expected '{' got ${this.describe(t)}`);
    const at = this.prevEnd();
    const block: Block = { type: 'block', open: at, body: [], start: at, end: at };
    if (t && t.kind === 'id' && !this.isTopKeyword()) {
      const s = this.statement();
      if (s) {
        // The block spans from where its `{` was expected (open) to the end of the statement standing in.
        block.body.push(s);
        block.end = s.end;
      }
    }
    return block;
  }

  private ifStmt(): IfStmt {
    const kw = this.advance();
    const cond = this.condition();
    const body = this.branchBody();
    const first: IfBranch = { keyword: this.ident(kw), cond, body, start: kw.start, end: body.end };
    const node: IfStmt = { type: 'if', branches: [first], start: kw.start, end: body.end };
    for (;;) {
      const t = this.cur();
      if (!t || t.kind !== 'id') break;
      const w = this.tx(t);
      if (w === 'else') {
        this.i++;
        if (this.isOp(this.cur(), '{')) {
          node.elseKeyword = this.ident(t);
          node.else = this.block();
          break;
        }
        if (!this.isId(this.cur(), 'if')) {
          this.errorAt(this.cur(), "'else' must be followed by 'if' or '{'");
          break;
        }
        const ifTok = this.advance();
        const c = this.condition();
        const b = this.branchBody();
        node.branches.push({ keyword: { text: 'else if', start: t.start, end: ifTok.end }, cond: c, body: b, start: t.start, end: b.end });
        continue;
      }
      if (w === 'elseif' || w === 'elsif' || w === 'elif') {
        this.i++;
        const c = this.condition();
        const b = this.branchBody();
        node.branches.push({ keyword: this.ident(t), cond: c, body: b, start: t.start, end: b.end });
        continue;
      }
      break;
    }
    node.end = this.prevEnd();
    return node;
  }

  private newStmt(): Statement | undefined {
    const kw = this.advance();
    const name = this.declName('VCL object');
    if (!name) {
      this.skipStatement();
      return undefined;
    }
    if (!this.expectOp('=')) {
      this.skipStatement();
      return { type: 'new', name, value: this.missing(), start: kw.start, end: this.prevEnd() };
    }
    const e0 = this.errCount;
    const value = this.expr();
    if (this.errCount > e0) this.skipStatement();
    else this.semi();
    return { type: 'new', name, value, start: kw.start, end: this.prevEnd() };
  }

  private actionStmt(type: 'hash_data' | 'ban' | 'synthetic'): Statement | undefined {
    const kw = this.advance();
    if (!this.expectOp('(')) {
      this.skipStatement();
      return { type, arg: this.missing(), start: kw.start, end: this.prevEnd() };
    }
    const e0 = this.errCount;
    const arg = this.expr();
    if (this.errCount > e0) {
      this.skipToCloseParen();
      if (this.isOp(this.cur(), ';')) this.i++;
    } else if (!this.expectOp(')')) this.skipStatement();
    else this.semi();
    return { type, arg, start: kw.start, end: this.prevEnd() };
  }

  /** A statement starting with a name: a call (`std.log("x");`) or a name VCL has no action for. */
  private nameStatement(): Statement | undefined {
    const start = this.cur()!.start;
    const keyword = this.name();
    if (this.isOp(this.cur(), '.')) {
      // `x.` followed by something that is not a name.
      const after = this.peek(1);
      this.errorAt(after, `Expected ID got ${this.describe(after)}`);
      this.skipStatement();
      return undefined;
    }
    if (keyword.parts.length > 1 && !this.isOp(this.cur(), '(')) {
      // A dotted name starts a statement only as a function or method call (`std.log(…);`).
      const t = this.cur();
      if (t && t.kind === 'op' && ASSIGN_OPS.has(this.tx(t))) this.error(`Symbol cannot be used here ('${keyword.name}' is assigned with 'set')`, keyword.start, keyword.end);
      else this.errorAt(t, `Expected '(' got ${this.describe(t)}`);
      this.skipStatement();
      return undefined;
    }
    if (this.isOp(this.cur(), '(')) {
      const e0 = this.errCount;
      const call = this.postfixFrom(this.call(keyword));
      if (this.errCount > e0) this.skipStatement();
      else this.semi();
      if (call.type === 'call') return { type: 'expr', expr: call, start, end: this.prevEnd() };
      return { type: 'unknown', keyword, args: [call], start, end: this.prevEnd() };
    }
    // Not a VCL action: keep what follows as expressions when it parses; the name is checked later.
    const args: Expr[] = [];
    this.mute++;
    const e0 = this.errCount;
    while (this.cur() && !this.isOp(this.cur(), ';') && !this.isOp(this.cur(), '}') && !this.isOp(this.cur(), '{') && !this.isTopKeyword()) {
      const t = this.cur()!;
      if (t.kind === 'id' && STATEMENT_KEYWORDS.has(this.tx(t)) && this.newlineBefore(t)) break;
      const before = this.i;
      args.push(this.expr());
      if (this.isOp(this.cur(), ',')) this.i++;
      else if (this.i === before || this.errCount > e0) break;
    }
    this.mute--;
    const failed = this.errCount > e0;
    this.errCount = e0;
    // Whatever the name, what follows must be expressions up to ';' (no VCL statement has another shape).
    this.semi();
    return { type: 'unknown', keyword, args: failed ? [] : args, start, end: this.prevEnd() };
  }

  // ------------------------------------------------------------ expressions

  /** A dotted name: ID ('.' ID)*; after `http`, a quoted header name is allowed (`req.http."x y"`). */
  private name(): NameExpr {
    const first = this.advance();
    const parts: NamePart[] = [this.ident(first)];
    while (this.isOp(this.cur(), '.')) {
      const nx = this.peek(1);
      if (nx && nx.kind === 'id') {
        this.i += 2;
        parts.push(this.ident(nx));
      } else if (nx && nx.kind === 'cstr' && parts[parts.length - 1].text.toLowerCase() === 'http') {
        this.i += 2;
        parts.push({ text: stringValue(this.text, nx), start: nx.start, end: nx.end, quoted: true });
      } else break;
    }
    return { type: 'name', name: parts.map((p) => p.text).join('.'), parts, start: first.start, end: this.prevEnd() };
  }

  private string(): StringExpr {
    const t = this.advance();
    return { type: 'string', value: stringValue(this.text, t), delim: t.delim ?? '"', start: t.start, end: t.end };
  }

  /** A number and the unit that follows it, as VCC reads them (`10s`, `10 s`, `1.5m`, `100KB`). */
  private number(negative: boolean, durationOnly = false, start?: number): NumberExpr {
    const t = this.advance();
    const digits = this.tx(t);
    const real = t.kind === 'fnum';
    if (!real && digits.length > 15) this.errorAt(t, 'Too many digits for integer.');
    if (real) {
      const [ip, fp] = digits.split('.');
      if (ip.length > 12 || fp.length > 3) this.errorAt(t, 'Too many digits for real.');
    }
    const value = (negative ? -1 : 1) * Number(digits);
    const node: NumberExpr = { type: 'number', raw: (negative ? '-' : '') + digits, value, real, start: start ?? t.start, end: t.end };
    const u = this.cur();
    if (u && u.kind === 'id') {
      this.i++;
      const unit = this.ident(u);
      node.unit = unit;
      node.end = u.end;
      const scale = Object.prototype.hasOwnProperty.call(DURATION_UNITS, unit.text) ? DURATION_UNITS[unit.text] : undefined;
      const bytes = durationOnly ? null : BYTES_UNIT.exec(unit.text);
      if (scale !== undefined) node.seconds = value * scale;
      else if (bytes) node.bytes = value * BYTES_SCALE[bytes[1].toLowerCase()];
      else {
        this.errorAt(u, `Unknown duration unit '${unit.text}' (legal duration units are 'ms', 's', 'm', 'h', 'd', 'w' and 'y')`);
      }
    }
    return node;
  }

  /** Any expression. `want` names what VCC looks for, for "Unknown token … when looking for …". */
  private expr(want?: string): Expr {
    return this.cor(want);
  }

  /** Counts one more chained operator, at `op`; false (after an error) when the expression holds too many. */
  private chainStep(op: Token): boolean {
    if (this.height >= MAX_OPERATORS) {
      this.errorAt(op, `Expression too long: more than ${MAX_OPERATORS} operators`);
      return false;
    }
    this.height++;
    return true;
  }

  private binary(op: string, opTok: Token, left: Expr, right: Expr): Expr {
    return { type: 'binary', op: op as BinaryOp, opRange: { start: opTok.start, end: opTok.end }, left, right, start: left.start, end: right.end };
  }

  private cor(want?: string): Expr {
    const h = this.height;
    let left = this.cand(want);
    while (this.isOp(this.cur(), '||') && this.chainStep(this.cur()!)) {
      const op = this.advance();
      left = this.binary('||', op, left, this.cand('BOOL'));
    }
    this.height = h;
    return left;
  }

  private cand(want?: string): Expr {
    const h = this.height;
    let left = this.not(want);
    while (this.isOp(this.cur(), '&&') && this.chainStep(this.cur()!)) {
      const op = this.advance();
      left = this.binary('&&', op, left, this.not('BOOL'));
    }
    this.height = h;
    return left;
  }

  private not(want?: string): Expr {
    const t = this.cur();
    if (this.isOp(t, '!')) {
      this.i++;
      const operand = this.cmp('BOOL');
      return { type: 'unary', op: '!', operand, start: t!.start, end: operand.end };
    }
    return this.cmp(want);
  }

  private cmp(want?: string): Expr {
    const left = this.add(want);
    const t = this.cur();
    if (!t || t.kind !== 'op') return left;
    const op = this.tx(t);
    if (REL_OPS.has(op)) {
      this.i++;
      return this.binary(op, t, left, this.add());
    }
    if (op === '~' || op === '!~') {
      this.i++;
      return this.binary(op, t, left, this.regexOrAcl());
    }
    return left;
  }

  /** After `~`: a regex (a string, or strings joined with '+'), or an ACL name. */
  private regexOrAcl(): Expr {
    const t = this.cur();
    if (t && t.kind === 'cstr') {
      let e: Expr = this.string();
      const h = this.height;
      while (this.isOp(this.cur(), '+') && this.chainStep(this.cur()!)) {
        const plus = this.advance();
        const r = this.cur();
        if (!r || r.kind !== 'cstr') {
          this.fail(r, 'CSTR');
          break;
        }
        e = this.binary('+', plus, e, this.string());
      }
      this.height = h;
      return e;
    }
    if (t && t.kind === 'id') return this.postfix('ACL');
    if (this.isOp(t, '(')) return this.postfix('REGEX');
    this.errorAt(t, `Unknown token ${this.describe(t)} when looking for REGEX`);
    return this.missing();
  }

  private add(want?: string): Expr {
    const h = this.height;
    let left = this.mul(want);
    while ((this.isOp(this.cur(), '+') || this.isOp(this.cur(), '-')) && this.chainStep(this.cur()!)) {
      const op = this.advance();
      left = this.binary(this.tx(op), op, left, this.mul());
    }
    this.height = h;
    return left;
  }

  private mul(want?: string): Expr {
    const h = this.height;
    let left = this.postfix(want);
    while ((this.isOp(this.cur(), '*') || this.isOp(this.cur(), '/') || this.isOp(this.cur(), '%')) && this.chainStep(this.cur()!)) {
      const op = this.advance();
      left = this.binary(this.tx(op), op, left, this.postfix());
    }
    this.height = h;
    return left;
  }

  private postfix(want?: string): Expr {
    return this.postfixFrom(this.primary(want));
  }

  /** `.property` and `.method(args)` after a call or a parenthesised expression. */
  private postfixFrom(e: Expr): Expr {
    const h = this.height;
    while (this.isOp(this.cur(), '.') && this.chainStep(this.cur()!)) {
      this.i++;
      const p = this.cur();
      if (!p || p.kind !== 'id') {
        this.errorAt(p, `Expected ID got ${this.describe(p)}`);
        break;
      }
      this.i++;
      const member: MemberExpr = { type: 'member', object: e, property: this.ident(p), start: e.start, end: p.end };
      e = this.isOp(this.cur(), '(') ? this.call(member) : member;
    }
    this.height = h;
    return e;
  }

  private primary(want?: string): Expr {
    const t = this.cur();
    if (!t) {
      this.errorAt(t, `Unknown token end of input when looking for ${want ?? 'an expression'}`);
      return this.missing();
    }
    switch (t.kind) {
      case 'id': {
        const w = this.tx(t);
        if ((w === 'true' || w === 'false') && !this.isOp(this.peek(1), '.') && !this.isOp(this.peek(1), '(')) {
          this.i++;
          return { type: 'bool', value: w === 'true', start: t.start, end: t.end };
        }
        const n = this.name();
        return this.isOp(this.cur(), '(') ? this.call(n) : n;
      }
      case 'cstr':
        return this.string();
      case 'cnum':
      case 'fnum':
        return this.number(false);
      case 'blob':
        this.i++;
        return { type: 'blob', start: t.start, end: t.end };
      case 'op':
        if (this.isOp(t, '(')) {
          if (this.depth >= MAX_DEPTH) {
            this.errorAt(t, 'Expression nested too deeply');
            return this.missing();
          }
          this.i++;
          this.depth++;
          const inner = this.cor(want);
          this.depth--;
          const close = this.cur();
          if (this.isOp(close, ')')) this.i++;
          else this.errorAt(close, `Expected ')' got ${this.describe(close)}`);
          return { type: 'paren', expr: inner, start: t.start, end: this.prevEnd() };
        }
        if (this.isOp(t, '-')) {
          this.i++;
          const n = this.cur();
          if (n && (n.kind === 'cnum' || n.kind === 'fnum')) return this.number(true, false, t.start);
          if (this.depth >= MAX_DEPTH) {
            this.errorAt(t, 'Expression nested too deeply');
            return this.missing();
          }
          this.depth++;
          const operand = this.cor(want);
          this.depth--;
          return { type: 'unary', op: '-', operand, start: t.start, end: operand.end };
        }
        break;
    }
    this.errorAt(t, `Unknown token ${this.describe(t)} when looking for ${want ?? 'an expression'}`);
    // Where the expression was expected: the unexpected token is not consumed, so it belongs to no node here.
    return this.missing();
  }

  /** Arguments after a callee: `(` [arg (',' arg)*] [','] `)`; an argument is `expr` or `name = expr`. */
  private call(callee: NameExpr | MemberExpr): CallExpr {
    const open = this.advance();
    const node: CallExpr = { type: 'call', callee, args: [], open: open.start, start: callee.start, end: open.end };
    if (this.depth >= MAX_DEPTH) {
      this.errorAt(open, 'Expression nested too deeply');
      this.skipToCloseParen();
      node.end = this.prevEnd();
      return node;
    }
    this.depth++;
    const e0 = this.errCount;
    while (this.cur() && !this.isOp(this.cur(), ')')) {
      const t = this.cur()!;
      let arg: Arg;
      if (t.kind === 'id' && this.isOp(this.peek(1), '=')) {
        this.i += 2;
        const value = this.expr();
        arg = { name: this.ident(t), value, start: t.start, end: value.end };
      } else {
        const value = this.expr();
        arg = { value, start: value.start, end: value.end };
      }
      node.args.push(arg);
      if (this.errCount > e0) break;
      if (this.isOp(this.cur(), ',')) {
        this.i++;
        continue;
      }
      break;
    }
    this.depth--;
    const close = this.cur();
    if (this.isOp(close, ')')) {
      this.i++;
      node.close = close!.start;
    } else {
      if (this.errCount === e0) this.errorAt(close, `Expected ')' got ${this.describe(close)}`);
      this.skipToCloseParen();
    }
    node.end = this.prevEnd();
    return node;
  }
}
