// Shared pieces of the compiler-grade VCL rules (vcl/missing-version, invalid-return, variable-not-in-scope,
// removed-syntax, undefined-reference, unused-declaration): what a sub's code is (its statements, through blocks
// and includes spliced into it), which built-in methods reach a custom sub through `call` (VCC checks returns and
// variables against every one of them), the VCL syntax in force, whether the program is a snippet, and which
// Varnish 2/3 forms vcl/removed-syntax owns (the other rules stay silent on those tokens).
import type { Range, VclFile, VclModel } from './model';
import {
  type CallExpr,
  type Expr,
  type IncludeNode,
  type NameExpr,
  type Statement,
} from './tree';
import {
  REMOVED_SYNTAX,
  RETURNS,
  methodsOf,
  rejectedIn,
  subroutineContext,
  type Access,
  type BuiltinMethod,
  type RemovedSyntax,
  type VarnishVersion,
  type VclSyntax,
} from './data';

// ---------------------------------------------------------------- the program

export function mainFile(model: VclModel): VclFile | undefined {
  return model.files.get(model.entries[0]);
}

/**
 * A snippet meant to be included by another VCL rather than a program: the main file has no `vcl` line, and
 * is not clearly a (Varnish 3) main file — one that declares a backend and also defines a `vcl_*` sub or
 * includes / imports other files. A file of only backends, ACLs or subs is for an including VCL: its
 * declarations are used there, and the names it uses may be defined there.
 */
export function isFragment(model: VclModel): boolean {
  const main = mainFile(model);
  if (!main || main.tree.mode !== 'top') return true;
  const items = main.tree.items;
  if (items.some((i) => i.type === 'vcl')) return false;
  const backend = items.some((i) => i.type === 'backend');
  const program = items.some((i) => (i.type === 'sub' && i.name.text.startsWith('vcl_')) || i.type === 'include' || i.type === 'import');
  return !(backend && program);
}

/** The VCL syntax the program is compiled with: the main file's `vcl` line governs every file (4.1 when absent). */
export function vclSyntax(model: VclModel): VclSyntax {
  return model.version?.value === '4.0' ? '4.0' : '4.1';
}

/** Some include was not found (or not followed): names may be defined, used or called there. */
export function includesIncomplete(model: VclModel): boolean {
  return model.includes.some((s) => s.missing) || model.problems.some((p) => p.kind === 'include-limit');
}

/** A name declared by the VCL (backend, ACL, probe, object, import alias or sub). */
export function isDeclared(model: VclModel, name: string): boolean {
  return model.backends.has(name) || model.acls.has(name) || model.probes.has(name) || model.objects.has(name) || model.imports.has(name) || model.subs.has(name);
}

// ---------------------------------------------------------------- statements

/**
 * Calls `fn` on every statement of `stmts` (parents first), through blocks, if branches and the files an
 * `include` splices into a sub; `file` is where the statement is written.
 */
export function forEachStatement(model: VclModel, stmts: readonly Statement[], file: string, fn: (s: Statement, file: string) => void, seen: Set<IncludeNode> = new Set()): void {
  for (const s of stmts) {
    fn(s, file);
    switch (s.type) {
      case 'block':
        forEachStatement(model, s.body, file, fn, seen);
        break;
      case 'if':
        for (const b of s.branches) forEachStatement(model, b.body.body, file, fn, seen);
        if (s.else) forEachStatement(model, s.else.body, file, fn, seen);
        break;
      case 'include': {
        if (seen.has(s)) break;
        seen.add(s);
        for (const f of model.bodyIncludes.get(s) ?? []) forEachStatement(model, f.tree.items.filter(isStatementNode), f.path, fn, seen);
        break;
      }
      default:
        break;
    }
  }
}

function isStatementNode(n: { type: string }): n is Statement {
  return ['block', 'set', 'unset', 'call', 'return', 'if', 'new', 'hash_data', 'ban', 'synthetic', 'expr', 'unknown', 'inline-c', 'include'].includes(n.type);
}

/** The user's definitions of a sub whose code runs: every one of a `vcl_*` sub (concatenated), the first otherwise. */
export function userBodies(model: VclModel, name: string): { body: Statement[]; file: string }[] {
  const defs = model.subs.get(name) ?? [];
  return (name.startsWith('vcl_') ? defs : defs.slice(0, 1)).map((d) => ({ body: d.node.body.body, file: d.file }));
}

/** Every statement of a sub as written by the user, with its file. */
export function subStatements(model: VclModel, name: string): { stmt: Statement; file: string }[] {
  const out: { stmt: Statement; file: string }[] = [];
  for (const b of userBodies(model, name)) forEachStatement(model, b.body, b.file, (stmt, file) => out.push({ stmt, file }));
  return out;
}

/** A variable (or other dotted name) used by a statement, and how: read, `set` or `unset`. */
export interface NameUse {
  name: NameExpr;
  access: Access;
}

/**
 * The names a statement uses as values, with their access: `set` targets are written, `unset` targets unset,
 * everything else read. Callees (`std.log`), ACL names after `~`, the label of `return (vcl(x))` and the
 * operands of statements VCL does not know (`remove x;`, reported by vcl/removed-syntax) are left out.
 */
export function nameUses(s: Statement): NameUse[] {
  const out: NameUse[] = [];
  const read = (e: Expr | undefined) => {
    if (e) readNames(e, (n) => out.push({ name: n, access: 'read' }));
  };
  switch (s.type) {
    case 'set':
      out.push({ name: s.target, access: 'write' });
      read(s.value);
      break;
    case 'unset':
      out.push({ name: s.target, access: 'unset' });
      break;
    case 'call':
      if (s.expr && s.expr.type === 'call') for (const a of s.expr.args) read(a.value);
      break;
    case 'return':
      if (s.action?.text !== 'vcl') for (const a of s.args) read(a);
      break;
    case 'if':
      for (const b of s.branches) read(b.cond);
      break;
    case 'new':
      read(s.value);
      break;
    case 'hash_data':
    case 'ban':
    case 'synthetic':
      read(s.arg);
      break;
    case 'expr':
      read(s.expr);
      break;
    default:
      break;
  }
  return out;
}

/** The HTTP objects, passed whole to VMOD functions (`std.rollback(req)`); never ENUM values. */
const HTTP_OBJECTS = new Set(['req', 'bereq', 'beresp', 'resp', 'obj', 'req_top']);

/** Every name read by an expression (not callees, not the ACL after `~`, not a bare word given to a VMOD function). */
export function readNames(e: Expr, fn: (n: NameExpr) => void): void {
  switch (e.type) {
    case 'name':
      fn(e);
      return;
    case 'call': {
      if (e.callee.type === 'member') readNames(e.callee.object, fn);
      // A bare word passed to a VMOD function may be an ENUM value (`vtc.workspace_alloc(client, 10)`).
      const vmod = e.callee.type === 'member' || e.callee.parts.length > 1;
      for (const a of e.args) if (!(vmod && a.value.type === 'name' && a.value.parts.length === 1 && !HTTP_OBJECTS.has(a.value.name))) readNames(a.value, fn);
      return;
    }
    case 'member':
      readNames(e.object, fn);
      return;
    case 'unary':
      readNames(e.operand, fn);
      return;
    case 'paren':
      readNames(e.expr, fn);
      return;
    case 'binary':
      readNames(e.left, fn);
      if ((e.op === '~' || e.op === '!~') && e.right.type === 'name') return;
      readNames(e.right, fn);
      return;
    default:
      return;
  }
}

/** Every function call in the expressions a statement holds (nested ones included). */
export function callsIn(s: Statement): CallExpr[] {
  const out: CallExpr[] = [];
  const visit = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.type) {
      case 'call':
        out.push(e);
        if (e.callee.type === 'member') visit(e.callee.object);
        for (const a of e.args) visit(a.value);
        return;
      case 'member':
        visit(e.object);
        return;
      case 'unary':
        visit(e.operand);
        return;
      case 'paren':
        visit(e.expr);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      default:
        return;
    }
  };
  switch (s.type) {
    case 'set':
      visit(s.value);
      break;
    case 'call':
      visit(s.expr);
      break;
    case 'return':
      s.args.forEach(visit);
      break;
    case 'if':
      for (const b of s.branches) visit(b.cond);
      break;
    case 'new':
      visit(s.value);
      break;
    case 'hash_data':
    case 'ban':
    case 'synthetic':
      visit(s.arg);
      break;
    case 'expr':
      visit(s.expr);
      break;
    case 'unknown':
      s.args.forEach(visit);
      break;
    default:
      break;
  }
  return out;
}

// ---------------------------------------------------------------- where a sub runs

/** One `call` on the way from a built-in method to a custom sub. */
export interface CallSite {
  caller: string;
  callee: string;
  file: string;
  range: Range;
}

/** A built-in method a sub runs in, and the calls that lead there from the method's own code. */
export interface SubContext {
  method: BuiltinMethod;
  /** Empty for a built-in sub (a method, or a helper such as vcl_req_cookie running in its method). */
  chain: CallSite[];
}

/** The `call name;` statements of every user sub. */
export function callSites(model: VclModel): Map<string, CallSite[]> {
  const out = new Map<string, CallSite[]>();
  for (const name of model.subs.keys()) {
    const list: CallSite[] = [];
    for (const { stmt, file } of subStatements(model, name)) {
      if (stmt.type === 'call' && !stmt.expr) list.push({ caller: name, callee: stmt.target.name, file, range: { start: stmt.target.start, end: stmt.target.end } });
    }
    out.set(name, list);
  }
  return out;
}

/**
 * The built-in methods every user sub runs in: a built-in sub its own (a helper its method's), a custom sub
 * every method from which a chain of `call`s reaches it (VCC checks its returns and variables against each),
 * with one shortest chain per method. A custom sub nothing calls has none.
 */
export function subContexts(model: VclModel, version: VarnishVersion, calls: Map<string, CallSite[]> = callSites(model)): Map<string, SubContext[]> {
  const out = new Map<string, SubContext[]>();
  const queue: { sub: string; ctx: SubContext }[] = [];
  for (const name of model.subs.keys()) {
    const m = subroutineContext(name, version);
    if (!m) continue;
    const ctx = { method: m, chain: [] };
    out.set(name, [ctx]);
    queue.push({ sub: name, ctx });
  }
  while (queue.length) {
    const { sub, ctx } = queue.shift()!;
    for (const site of calls.get(sub) ?? []) {
      const callee = site.callee;
      if (callee.startsWith('vcl_') || !model.subs.has(callee)) continue;
      const list = out.get(callee) ?? out.set(callee, []).get(callee)!;
      if (list.some((c) => c.method === ctx.method)) continue;
      const next = { method: ctx.method, chain: [...ctx.chain, site] };
      list.push(next);
      queue.push({ sub: callee, ctx: next });
    }
  }
  for (const list of out.values()) list.sort((a, b) => methodsOf(version).indexOf(a.method) - methodsOf(version).indexOf(b.method));
  return out;
}

/** Related information for a chain of calls: where each call is. */
export function chainRelated(chain: CallSite[], what: string): { path: string; range: Range; message: string }[] {
  return chain.map((c, i) => ({
    path: c.file,
    range: c.range,
    message: i === chain.length - 1 ? `${c.caller} calls ${c.callee} here${chain.length > 1 ? ` (from ${chain[0].caller})` : ''}: ${what}` : `${c.caller} calls ${c.callee} here`,
  }));
}

/** Legal return actions of a method in a version, in varnishd's order (alphabetical). */
export function legalReturnsOf(method: BuiltinMethod, version: VarnishVersion): string[] {
  return [...(RETURNS[version][method] ?? [])].sort();
}

export function quoteList(list: readonly string[]): string {
  return list.map((a) => `"${a}"`).join(' ');
}

/** `a`, `a and b`, `a, b and c`. */
export function andList(list: readonly string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

// ---------------------------------------------------------------- removed syntax (vcl/removed-syntax owns these)

function applies(e: RemovedSyntax, version: VarnishVersion, syntax: VclSyntax): boolean {
  return !e.deprecated && rejectedIn(e).includes(version) && (!e.syntax || e.syntax === syntax);
}

const OBJ_WRITE = REMOVED_SYNTAX.find((e) => e.id === 'obj.write');

/** Varnish 2/3 forms missing from data REMOVED_SYNTAX, in the same shape (found in the corpus: Turpentine, FOS). */
export const EXTRA_REMOVED: readonly RemovedSyntax[] = [
  {
    id: 'req.hash-append',
    kind: 'variable',
    old: 'req.hash',
    replacement: 'hash_data(…); in vcl_hash',
    removedIn: '3.0.0',
    example: { before: 'set req.hash += req.url;', after: 'hash_data(req.url);', in: 'vcl_hash' },
    note: 'Varnish 2 built the cache key with `set req.hash += …`; 3.0 replaced it with hash_data(), and req.hash is now the read-only digest.',
    evidence: "varnishd 7.1.1: Not available in subroutine 'vcl_hash'.",
  },
  {
    id: 'return-hash-vcl_hash',
    kind: 'return',
    old: 'hash',
    inSubs: ['vcl_hash'],
    replacement: 'return (lookup);',
    removedIn: '4.0.0',
    example: { before: 'return (hash);', after: 'return (lookup);', in: 'vcl_hash' },
    note: 'Varnish 3 ended vcl_hash with return (hash); since 4.0 vcl_hash returns lookup, and hash is what vcl_recv returns.',
    evidence: 'varnishd 7.1.1: Invalid return "hash"',
  },
];
const REQ_HASH_APPEND = EXTRA_REMOVED[0];

/**
 * The removed Varnish 2/3 variable a use refers to: the name itself (`req.request`) or a property of it
 * (`req.backend.healthy`), or a write / unset of `obj.*` (cached objects are read-only since 4.0).
 */
export function removedVariable(name: string, access: Access, version: VarnishVersion, syntax: VclSyntax): RemovedSyntax | undefined {
  for (const e of REMOVED_SYNTAX) {
    if (e.kind !== 'variable' || e === OBJ_WRITE || !applies(e, version, syntax)) continue;
    if (name === e.old || name.startsWith(`${e.old}.`)) return e;
  }
  if (OBJ_WRITE && access !== 'read' && name.startsWith('obj.') && applies(OBJ_WRITE, version, syntax)) return OBJ_WRITE;
  if (name === 'req.hash' && access === 'write') return REQ_HASH_APPEND;
  return undefined;
}

/** A removed statement keyword (`remove`, `esi`, `error`, `purge`, `restart`). */
export function removedStatement(keyword: string, version: VarnishVersion, syntax: VclSyntax): RemovedSyntax | undefined {
  return REMOVED_SYNTAX.find((e) => e.kind === 'statement' && e.old === keyword && applies(e, version, syntax));
}

/** A removed function (`purge(…)`, `purge_url(…)`, `ban_url(…)`, 8.0's `std.real2integer(…)`, …). */
export function removedFunction(name: string, version: VarnishVersion, syntax: VclSyntax): RemovedSyntax | undefined {
  return REMOVED_SYNTAX.find((e) => e.kind === 'function' && e.old === name && applies(e, version, syntax));
}

/** A removed subroutine name (`vcl_fetch`, `vcl_error`). */
export function removedSub(name: string, version: VarnishVersion, syntax: VclSyntax): RemovedSyntax | undefined {
  return REMOVED_SYNTAX.find((e) => e.kind === 'subroutine' && e.old === name && applies(e, version, syntax));
}

/**
 * A removed return action: `return (lookup)` in vcl_recv, `return (restart)` on the backend side, … —
 * when every sub it runs in is one the old form belonged to (`contexts`: the methods, or the sub's own name
 * for a Varnish 3 sub such as vcl_fetch). `hit_for_pass`, which no 4.x+ sub knows, matches anywhere.
 */
export function removedReturn(action: string, contexts: readonly string[], version: VarnishVersion, syntax: VclSyntax): RemovedSyntax | undefined {
  return [...REMOVED_SYNTAX, ...EXTRA_REMOVED].find(
    (e) =>
      e.kind === 'return' &&
      e.old === action &&
      applies(e, version, syntax) &&
      (e.old === 'hit_for_pass' || (contexts.length > 0 && contexts.every((c) => (e.inSubs ?? []).includes(c)))),
  );
}

/** The contexts removedReturn() compares: the methods a sub runs in, or its own name when it has none. */
export function returnContexts(name: string, contexts: readonly SubContext[] | undefined): string[] {
  if (contexts?.length) return contexts.map((c) => c.method);
  return name.startsWith('vcl_') ? [name] : [];
}

/** `synthetic {"…"};` / `synthetic "…";`: the Varnish 3 form without parentheses. */
export function isOldSynthetic(s: Statement, text: string): boolean {
  if (s.type !== 'synthetic') return false;
  let i = s.start + 'synthetic'.length;
  while (i < text.length && /\s/.test(text[i])) i++;
  return text[i] !== '(';
}

// ---------------------------------------------------------------- names

/** Edit distance, for "did you mean" suggestions (small strings only). */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest of `candidates` to `name` (1 edit for names up to 4 characters, 2 up to 8, else 3), if any. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  const max = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  let bestD = max + 1;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
