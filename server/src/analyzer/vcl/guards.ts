// Guard predicates for VCL policy rules: "does this taken condition test req.http.Cookie", "is this request
// from an ACL", "is this a method check", "does this condition narrow the requests at all", the statements
// that invalidate the cache (purge, ban, hash_always_miss), a reachability search that also stops at
// statements (an `unset req.http.Cookie` guards what follows it), and the edits that add a guard.
//
// Conditions arrive as flow.ts gives them: an `if` expression with the polarity it was taken with. Every
// predicate here follows the boolean structure (`!`, `&&`, `||`), so `if (!(client.ip ~ a) || x) {…} else {…}`
// is judged on the branch actually taken.
import { indentAt, insertLineBefore, type EditableFile } from '../fixes';
import type { TextEdit } from '../types';
import { reaches, type Condition, type FlowOptions, type FlowPath, type FlowStep, type Guard } from './flow';
import { subBodies, type VclFile, type VclModel } from './model';
import { subroutineContext, type VarnishVersion } from './data';
import { statementExprs, unparen, walkExpr, walkStatements, type CallExpr, type Expr, type IfStmt, type NameExpr, type Statement } from './tree';

// ---------------------------------------------------------------- names

/** `req.http.Cookie` → `{ obj: 'req', header: 'cookie' }` (header names are case-insensitive). */
export function headerRef(e: Expr): { obj: string; header: string } | undefined {
  const x = unparen(e);
  if (x.type !== 'name' || x.parts.length !== 3 || x.parts[1].text !== 'http') return undefined;
  return { obj: x.parts[0].text, header: x.parts[2].text.toLowerCase() };
}

/** Whether `e` is the variable `name` (`req.url`, `client.ip`; `req.http.cookie` matches `req.http.Cookie`). */
export function isVariable(e: Expr, name: string): boolean {
  const x = unparen(e);
  if (x.type !== 'name') return false;
  const h = headerRef(x);
  if (h) {
    const want = name.split('.');
    return want.length === 3 && want[1] === 'http' && want[0] === h.obj && want[2].toLowerCase() === h.header;
  }
  return x.name === name;
}

/** The name under which a call is made (`std.ban`, `regsub`), or undefined for a method of an expression. */
export function calleeName(c: CallExpr): string | undefined {
  return c.callee.type === 'name' ? c.callee.name : undefined;
}

/** Whether `c` calls function `fn` of the VMOD `vmod` (under whatever alias it was imported as). */
export function isVmodCall(model: VclModel, c: CallExpr, vmod: string, fn: string): boolean {
  if (c.callee.type !== 'name' || c.callee.parts.length !== 2 || c.callee.parts[1].text !== fn) return false;
  const alias = c.callee.parts[0].text;
  const imp = model.imports.get(alias);
  if (imp?.length) return imp[0].node.name.text === vmod;
  // Not imported (the VCL would not compile): go by the name as written.
  return alias === vmod;
}

/**
 * Whether an expression uses a name satisfying `pred`. `skipCall` prunes call arguments (e.g. inside `regsub`
 * a raw header is normalised); the callee's own name is not a use.
 */
export function mentions(e: Expr, pred: (n: NameExpr) => boolean, skipCall?: (c: CallExpr) => boolean): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (found) return false;
    if (x.type === 'call') {
      if (skipCall?.(x)) return false;
      for (const a of x.args) if (mentions(a.value, pred, skipCall)) found = true;
      if (x.callee.type === 'member' && mentions(x.callee.object, pred, skipCall)) found = true;
      return false;
    }
    if (x.type === 'name' && pred(x)) found = true;
    return !found;
  });
  return found;
}

/** Whether an expression uses the variable `name` (headers case-insensitively). */
export function mentionsVariable(e: Expr, name: string): boolean {
  return mentions(e, (n) => isVariable(n, name));
}

/** Whether an expression uses any of the request headers (`['cookie', 'authorization']`, lower case) of `obj`. */
export function mentionsHeader(e: Expr, headers: readonly string[], obj = 'req'): boolean {
  const want = headers.map((h) => h.toLowerCase());
  return mentions(e, (n) => {
    const h = headerRef(n);
    return !!h && h.obj === obj && want.includes(h.header);
  });
}

/** Whether an expression calls a function satisfying `pred` (anywhere inside it). */
export function findCall(e: Expr, pred: (c: CallExpr) => boolean): CallExpr | undefined {
  let hit: CallExpr | undefined;
  walkExpr(e, (x) => {
    if (hit) return false;
    if (x.type === 'call' && pred(x)) hit = x;
    return !hit;
  });
  return hit;
}

// ---------------------------------------------------------------- conditions

/**
 * Whether a condition taken with `polarity` guarantees an atomic comparison satisfying `atom`: `a && b` taken
 * true guarantees what either side guarantees, `a || b` taken true only what both do (and the other way round
 * for polarity false); `!a` flips the polarity.
 */
export function guarantees(expr: Expr, polarity: boolean, atom: (e: Expr, polarity: boolean) => boolean): boolean {
  const e = unparen(expr);
  if (e.type === 'unary' && e.op === '!') return guarantees(e.operand, !polarity, atom);
  if (e.type === 'binary' && (e.op === '&&' || e.op === '||')) {
    const both = (e.op === '&&') === polarity;
    const l = guarantees(e.left, polarity, atom);
    const r = guarantees(e.right, polarity, atom);
    return both ? l || r : l && r;
  }
  return atom(e, polarity);
}

/** `x ~ acl` held (or `x !~ acl` failed): the client is in an ACL. Any left side: client.ip, std.ip(…), local.ip. */
export function isAclMatch(e: Expr, polarity: boolean): boolean {
  const x = unparen(e);
  if (x.type !== 'binary' || (x.op !== '~' && x.op !== '!~')) return false;
  const r = unparen(x.right);
  if (r.type !== 'name' || r.parts.length !== 1) return false;
  return (x.op === '~') === polarity;
}

/** The ACL named in an ACL match (`client.ip ~ purgers` → `purgers`), whatever the polarity. */
export function aclName(e: Expr): string | undefined {
  const x = unparen(e);
  if (x.type !== 'binary' || (x.op !== '~' && x.op !== '!~')) return undefined;
  const r = unparen(x.right);
  return r.type === 'name' && r.parts.length === 1 ? r.name : undefined;
}

/** `req.http.X-Purge-Token == "secret"` held (or `!=` failed): a shared-secret check on a request header (not Host). */
export function isTokenCheck(e: Expr, polarity: boolean): boolean {
  const x = unparen(e);
  if (x.type !== 'binary' || (x.op !== '==' && x.op !== '!=') || (x.op === '==') !== polarity) return false;
  const [a, b] = [unparen(x.left), unparen(x.right)];
  const pair = (h: Expr, s: Expr) => {
    const r = headerRef(h);
    return !!r && (r.obj === 'req' || r.obj === 'bereq') && r.header !== 'host' && s.type === 'string' && s.value !== '';
  };
  return pair(a, b) || pair(b, a);
}

/** Counters that are 0 on a plain client request: a condition that excludes 0 selects internal re-runs. */
const RERUN_COUNTERS = new Set(['req.restarts', 'req.esi_level', 'bereq.retries']);

function numberCompare(op: string, a: number, b: number): boolean | undefined {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return undefined;
  }
}

/**
 * For `req.restarts > 0`-style comparisons: whether a plain first request (counter 0) passes the condition;
 * undefined when `e` is not such a comparison.
 */
export function admitsFirstRun(e: Expr, polarity: boolean): boolean | undefined {
  const x = unparen(e);
  if (x.type !== 'binary') return undefined;
  const [l, r] = [unparen(x.left), unparen(x.right)];
  let sat: boolean | undefined;
  if (l.type === 'name' && RERUN_COUNTERS.has(l.name) && r.type === 'number') sat = numberCompare(x.op, 0, r.value);
  else if (r.type === 'name' && RERUN_COUNTERS.has(r.name) && l.type === 'number') sat = numberCompare(x.op, l.value, 0);
  if (sat === undefined) return undefined;
  return sat === polarity;
}

/** A restart / ESI / retry re-run was selected (`req.restarts > 0`): not something a client triggers directly. */
export function isRerunCheck(e: Expr, polarity: boolean): boolean {
  return admitsFirstRun(e, polarity) === false;
}

/** A function of a VMOD other than std in the condition: it may authenticate; its meaning is unknown. */
export function isOpaqueVmodTest(e: Expr): boolean {
  return !!findCall(e, (c) => {
    const n = calleeName(c);
    return !!n && n.includes('.') && !n.startsWith('std.');
  });
}

/** `req.method == "BAN"` held (or `!=` failed), `req.method ~ "^(PURGE|BAN)$"` held; also on bereq.method. */
export function isMethodCheck(e: Expr, polarity: boolean): boolean {
  const x = unparen(e);
  if (x.type !== 'binary') return false;
  const l = unparen(x.left);
  if (!(isVariable(l, 'req.method') || isVariable(l, 'bereq.method'))) return false;
  return x.op === '==' || x.op === '~' ? polarity : x.op === '!=' || x.op === '!~' ? !polarity : false;
}

/** Methods nearly every request uses: a check that selects them selects "every request". */
const COMMON_METHODS = /^\^?\(?(GET|HEAD)(\|(GET|HEAD))*\)?\$?$/i;

/**
 * Whether an atomic condition, taken with `polarity`, selects a subset of requests rather than (nearly) all of
 * them: `==`/`~`/a present header when true, `!=`/`!~` when false, an absent header does not narrow, `req.method
 * == "GET"` does not, `req.restarts == 0` does not; ordering comparisons and VMOD tests are taken to narrow.
 */
export function atomNarrows(e: Expr, polarity: boolean): boolean {
  const x = unparen(e);
  switch (x.type) {
    case 'bool':
      return x.value !== polarity;
    case 'name':
      return polarity;
    case 'binary': {
      const first = admitsFirstRun(x, polarity);
      if (first !== undefined) return !first;
      const r = unparen(x.right);
      const equal = ((x.op === '==' || x.op === '~') && polarity) || ((x.op === '!=' || x.op === '!~') && !polarity);
      if (equal && (isVariable(x.left, 'req.method') || isVariable(x.left, 'bereq.method')) && r.type === 'string' && COMMON_METHODS.test(r.value)) return false;
      if (x.op === '==' || x.op === '~') return polarity;
      if (x.op === '!=' || x.op === '!~') return !polarity;
      return true;
    }
    default:
      return true;
  }
}

/** Whether a taken condition narrows the requests (see atomNarrows); `atomOk` can rule out kinds of atoms. */
export function narrows(expr: Expr, polarity: boolean, atomOk: (e: Expr, polarity: boolean) => boolean = () => true): boolean {
  return guarantees(expr, polarity, (e, p) => atomNarrows(e, p) && atomOk(e, p));
}

// ---------------------------------------------------------------- guards for flow.reaches

/** A guard: the taken condition tests one of these request headers (either way: `if (req.http.Cookie)`, `!~ …`). */
export function headerTestGuard(headers: readonly string[], obj = 'req'): Guard {
  return (expr) => mentionsHeader(expr, headers, obj);
}

/**
 * A guard: the taken condition restricts who may invalidate — an ACL match, a shared-secret header check, a
 * restart/ESI re-run, or a VMOD test whose meaning is unknown.
 */
export const accessGuard: Guard = (expr, polarity) => checksAccess(expr, polarity);

/** See accessGuard. */
export function checksAccess(expr: Expr, polarity: boolean): boolean {
  return guarantees(expr, polarity, (e, p) => isAclMatch(e, p) || isTokenCheck(e, p) || isRerunCheck(e, p) || isOpaqueVmodTest(e));
}

/** A guard: the taken condition narrows the requests (any kind of test, an ACL included). */
export const narrowingGuard: Guard = (expr, polarity) => narrows(expr, polarity);

/** A guard: the taken condition narrows the requests by what they are (method, URL, headers), not only by who sends them (an ACL). */
export const requestNarrowingGuard: Guard = (expr, polarity) => narrows(expr, polarity, (e, p) => !isAclMatch(e, p) && aclName(e) === undefined);

/** A guard: a method check (`req.method == "BAN"`). */
export const methodGuard: Guard = (expr, polarity) => checksMethod(expr, polarity);

/** Whether a taken condition guarantees a method check (see isMethodCheck). */
export function checksMethod(expr: Expr, polarity: boolean): boolean {
  return guarantees(expr, polarity, isMethodCheck);
}

/**
 * Whether `stmt` sits, in its file, inside an `if` branch whose condition (taken true, or false for the
 * `else` and the later branches) satisfies `test`. Syntactic: callers are not looked at.
 */
export function nestedUnder(file: VclFile, stmt: Statement, test: (expr: Expr, polarity: boolean) => boolean): boolean {
  let found = false;
  const visit = (stmts: readonly Statement[], held: boolean): void => {
    for (const s of stmts) {
      if (found) return;
      if (s === stmt) {
        found = held;
        if (found) return;
      }
      if (s.type === 'block') visit(s.body, held);
      else if (s.type === 'if') {
        let prior = held;
        for (const b of s.branches) {
          visit(b.body.body, prior || test(b.cond, true));
          prior = prior || test(b.cond, false);
        }
        if (s.else) visit(s.else.body, prior);
      }
    }
  };
  visit(file.tree.items.filter(isStatementItem), false);
  for (const it of file.tree.items) if (it.type === 'sub') visit(it.body.body, false);
  return found;
}

// ---------------------------------------------------------------- statements

/** `set`/`unset` of the variable `name` (headers case-insensitively), or undefined. */
export function assignmentTo(stmt: Statement, name: string): 'set' | 'unset' | undefined {
  if (stmt.type === 'set' && isVariable(stmt.target, name)) return 'set';
  if (stmt.type === 'unset' && isVariable(stmt.target, name)) return 'unset';
  return undefined;
}

/** Functions that read a header without changing what it means for caching. */
const NEUTRAL_CALLS = new Set(['std.log', 'std.syslog', 'std.collect', 'std.timestamp']);

/**
 * Whether a statement changes one of the request headers: `set`/`unset`, or a VMOD call given the header
 * (`cookie.parse(req.http.Cookie)`, `header.remove(req.http.Cookie, …)`), std.log and std.collect excepted.
 */
export function changesHeader(stmt: Statement, headers: readonly string[], obj = 'req'): boolean {
  const want = headers.map((h) => h.toLowerCase());
  if (stmt.type === 'set' || stmt.type === 'unset') {
    const h = headerRef(stmt.target);
    return !!h && h.obj === obj && want.includes(h.header);
  }
  if (stmt.type === 'expr') {
    const n = calleeName(stmt.expr);
    if (n && NEUTRAL_CALLS.has(n)) return false;
    return stmt.expr.args.some((a) => mentionsHeader(a.value, want, obj));
  }
  return false;
}

/**
 * A step whose effect cannot be followed: inline C, a `call` that was not resolved (a VMOD SUB, a missing sub)
 * or not followed (recursion), a statement VCL 4 does not know.
 */
export function isOpaqueStep(step: FlowStep): boolean {
  const s = step.stmt;
  return s.type === 'inline-c' || s.type === 'unknown' || (s.type === 'call' && (!!step.unresolved || !!step.recursive));
}

/**
 * Whether the program is all there and parsed: every include was found (none left out for depth or count) and
 * no file has a syntax error (the flow of a half-parsed sub is not the one Varnish would run, if any).
 */
export function programComplete(model: VclModel): boolean {
  if (model.problems.some((p) => p.kind === 'include-missing' || p.kind === 'include-limit')) return false;
  for (const f of model.files.values()) if (f.tree.errors.length) return false;
  return true;
}

/**
 * Whether vcl_hash can run at all: some path through vcl_recv (built-in included) may return hash or purge.
 * False when vcl_recv always answers otherwise (`return (vcl(label))` to other VCLs, synth, pass).
 */
export function hashRuns(model: VclModel): boolean {
  return !endsOnlyWithout(model, 'vcl_recv', ['hash', 'purge']);
}

// ---------------------------------------------------------------- reachability with statement guards

export interface ReachWithoutOptions {
  /** The statements looked for (built-in code is never a target unless this says so). */
  target: (step: FlowStep) => boolean;
  /** A taken condition that guards what follows it (the path is cut there). */
  guard?: Guard;
  /** An executed statement that guards what follows it (`unset req.http.Cookie`): the path is cut there. */
  cut?: (step: FlowStep) => boolean;
  /** Cut at steps whose effect is unknown (inline C, unresolved calls): default true, so unknown code never leads to a finding. */
  cutOpaque?: boolean;
  /**
   * A target inside a condition (a `std.ban()` used as an `if` test): return it, and the condition is recorded
   * when it is evaluated on an unguarded path — unless an operand evaluated before it guards it
   * (`client.ip ~ purgers && std.ban(…)`).
   */
  targetCondition?: (cond: Condition) => Expr | undefined;
  flow?: FlowOptions;
}

export interface ReachedStep {
  step: FlowStep;
  /** One path to it on which no guard held. */
  path: FlowPath;
}

export interface ReachWithoutResult {
  steps: ReachedStep[];
  conditions: Condition[];
  /** False when the search hit a limit: the lists are then partial and a rule should stay silent. */
  complete: boolean;
}

/**
 * The target statements (and conditions) of `subName` reachable on a path where no taken condition satisfies
 * `guard` and no executed statement satisfies `cut` — e.g. `return (hash)` reached with no test of
 * req.http.Cookie and no `unset req.http.Cookie` before it. Calls are followed, includes spliced, the built-in
 * code of a `vcl_*` sub run after a fall-through (see flow.ts).
 */
export function reachWithout(model: VclModel, subName: string, opts: ReachWithoutOptions): ReachWithoutResult {
  const cutOpaque = opts.cutOpaque !== false;
  const conditions: Condition[] = [];
  const seenConds = new Set<Expr>();
  const guard: Guard = (expr, polarity, cond) => {
    if (polarity && opts.targetCondition && !seenConds.has(expr)) {
      const inner = opts.targetCondition(cond);
      if (inner && !(opts.guard && guardedOperand(expr, inner, (e, p) => opts.guard!(e, p, cond)))) {
        seenConds.add(expr);
        conditions.push(cond);
      }
    }
    return opts.guard?.(expr, polarity, cond) ?? false;
  };
  // reaches() ends a path at its first match: search again with the targets found passed through, until no
  // new target turns up (a second hash_data after a first one, a ban after a ban).
  const found = new Set<Statement>();
  const steps: ReachedStep[] = [];
  const isTarget = (step: FlowStep) => !found.has(step.stmt) && opts.target(step);
  const match = (step: FlowStep) => isTarget(step) || (cutOpaque && isOpaqueStep(step)) || (opts.cut?.(step) ?? false);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const r = reaches(model, subName, match, guard, opts.flow);
    if (!r.complete) return { steps, conditions, complete: false };
    const fresh = r.matches.filter((m) => isTarget(m.step));
    if (!fresh.length) return { steps, conditions, complete: true };
    for (const m of fresh) {
      found.add(m.step.stmt);
      steps.push({ step: m.step, path: m.path });
    }
  }
  return { steps, conditions, complete: false };
}

/** Searches per reachWithout() call (each finds at least one more target). */
const MAX_ROUNDS = 64;

/**
 * Whether every way out of `subName` (the built-in code included) avoids the return `actions`: no such return
 * is reachable, and no unknown code (inline C, an unresolved call) is either. False when the search is incomplete.
 */
export function endsOnlyWithout(model: VclModel, subName: string, actions: readonly string[], flow?: FlowOptions): boolean {
  const r = reachWithout(model, subName, {
    target: (st) => isOpaqueStep(st) || (st.stmt.type === 'return' && !!st.stmt.action && actions.includes(st.stmt.action.text)),
    cutOpaque: false,
    flow,
  });
  return r.complete && r.steps.length === 0;
}

/**
 * Whether `inner`, a sub-expression of `expr`, is only evaluated after an operand that satisfies `guard`:
 * the left side of `&&` (taken true) or of `||` (taken false), short-circuit evaluation.
 */
export function guardedOperand(expr: Expr, inner: Expr, guard: (e: Expr, polarity: boolean) => boolean): boolean {
  const e = unparen(expr);
  if (e === inner) return false;
  const within = (x: Expr) => inner.start >= x.start && inner.end <= x.end;
  if (e.type === 'unary') return guardedOperand(e.operand, inner, guard);
  if (e.type === 'binary' && (e.op === '&&' || e.op === '||')) {
    if (within(e.right)) return guard(e.left, e.op === '&&') || guardedOperand(e.right, inner, guard);
    return guardedOperand(e.left, inner, guard);
  }
  return false;
}

/** The `call` steps leading from the analysed sub to `step` on `path` (outermost first). */
export function callChain(path: FlowPath, step: FlowStep): FlowStep[] {
  const chain: FlowStep[] = [];
  let depth = step.callDepth;
  for (let i = path.steps.length - 1; i >= 0 && depth > 0; i--) {
    const s = path.steps[i];
    if (s.stmt.type === 'call' && s.callDepth === depth - 1 && !s.unresolved && !s.recursive) {
      chain.unshift(s);
      depth--;
    }
  }
  return chain;
}

// ---------------------------------------------------------------- where code runs

/** The Varnish methods a request-driven rule walks from (client side, then backend side). */
export function entryMethods(version: VarnishVersion): string[] {
  const client = ['vcl_recv', 'vcl_pipe', 'vcl_pass', 'vcl_hash', 'vcl_purge', 'vcl_miss', 'vcl_hit', 'vcl_deliver', 'vcl_synth'];
  const backend = version === '8.0' ? ['vcl_backend_fetch', 'vcl_backend_refresh', 'vcl_backend_response', 'vcl_backend_error'] : ['vcl_backend_fetch', 'vcl_backend_response', 'vcl_backend_error'];
  return [...client, ...backend];
}

/**
 * The methods that run for ordinary requests: all of entryMethods() but vcl_synth and vcl_purge, which only
 * run for requests vcl_recv (or an error) sent there — already selected.
 */
export function everyRequestMethods(version: VarnishVersion): string[] {
  return entryMethods(version).filter((m) => m !== 'vcl_synth' && m !== 'vcl_purge');
}

/**
 * Whether the code of `sub` only ever runs in the task of `method`: the method itself, a built-in helper of it
 * (`vcl_req_cookie` for vcl_recv), or a custom sub every caller of which only runs there.
 */
export function onlyRunsIn(model: VclModel, sub: string, method: string, version: VarnishVersion, seen = new Set<string>()): boolean {
  if (sub === method) return true;
  if (sub.startsWith('vcl_')) return subroutineContext(sub, version) === method;
  if (seen.has(sub)) return false;
  seen.add(sub);
  const callers = model.references.filter((r) => r.kind === 'sub' && r.name === sub);
  return callers.length > 0 && callers.every((r) => r.sub !== undefined && onlyRunsIn(model, r.sub, method, version, seen));
}

/** Every user-written statement of a sub and of the subs it calls (includes spliced), each once. */
export function userStatements(model: VclModel, sub: string): { stmt: Statement; file: string; sub: string }[] {
  const out: { stmt: Statement; file: string; sub: string }[] = [];
  const seen = new Set<string>();
  const visitSub = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const b of subBodies(model, name)) if (!b.builtin) visit(b.body, b.file, name);
  };
  const visit = (stmts: readonly Statement[], file: string, name: string) => {
    walkStatements(stmts, (s) => {
      out.push({ stmt: s, file, sub: name });
      if (s.type === 'call' && !s.expr) visitSub(s.target.name);
      if (s.type === 'include') for (const f of model.bodyIncludes.get(s) ?? []) visit(f.tree.items.filter(isStatementItem), f.path, name);
    });
  };
  visitSub(sub);
  return out;
}

function isStatementItem(n: { type: string }): n is Statement {
  return !['vcl', 'import', 'backend', 'probe', 'acl', 'sub', 'junk', 'acl-entry'].includes(n.type);
}

/** The `if` statement whose branch condition is `cond` (for a target found in a condition). */
export function ifOfCondition(file: VclFile, cond: Expr): IfStmt | undefined {
  let hit: IfStmt | undefined;
  walkStatements(file.tree.items, (s) => {
    if (hit) return false;
    if (s.type === 'if' && s.branches.some((b) => b.cond === cond)) hit = s;
  });
  return hit;
}

/** The statement list that directly holds `stmt` (a sub body, a block, an if branch, an included file's items). */
export function enclosingList(file: VclFile, stmt: Statement): readonly Statement[] | undefined {
  let hit: readonly Statement[] | undefined;
  const top = file.tree.items.filter(isStatementItem);
  if (top.includes(stmt)) return top;
  walkStatements(file.tree.items, (s) => {
    if (hit) return false;
    const lists: (readonly Statement[])[] = s.type === 'block' ? [s.body] : s.type === 'if' ? [...s.branches.map((b) => b.body.body), ...(s.else ? [s.else.body] : [])] : [];
    for (const l of lists) if (l.includes(stmt)) hit = l;
  });
  if (hit) return hit;
  for (const it of file.tree.items) if (it.type === 'sub' && it.body.body.includes(stmt)) return it.body.body;
  return undefined;
}

// ---------------------------------------------------------------- cache invalidation

export type InvalidationKind = 'purge' | 'ban' | 'std.ban' | 'hash_always_miss';

export interface Invalidation {
  kind: InvalidationKind;
  file: string;
  /** The sub the code is written in. */
  sub: string;
  /** The statement doing it; for a std.ban() inside a condition, the `if` statement. */
  stmt: Statement;
  /** The exact token range: the return, the ban statement, the std.ban() call, the set. */
  range: { start: number; end: number };
  /** The method the finding was reached from. */
  entry: string;
  /** A path on which it runs unguarded (absent for a std.ban() in a condition). */
  path?: FlowPath;
  step?: FlowStep;
}

/** What invalidates in a user step: `return (purge)`, `ban(…)`, `std.ban(…)`, `set req.hash_always_miss = <not false>`. */
export function invalidationIn(model: VclModel, step: FlowStep): { kind: InvalidationKind; range: { start: number; end: number } } | undefined {
  if (step.builtin) return undefined;
  const s = step.stmt;
  if (s.type === 'return' && s.action?.text === 'purge') return { kind: 'purge', range: { start: s.start, end: s.end } };
  if (s.type === 'ban') return { kind: 'ban', range: { start: s.start, end: s.end } };
  if (s.type === 'set' && isVariable(s.target, 'req.hash_always_miss')) {
    const v = unparen(s.value);
    if (v.type === 'bool' && !v.value) return undefined;
    return { kind: 'hash_always_miss', range: { start: s.start, end: s.end } };
  }
  if (s.type === 'if') return undefined;
  for (const e of statementExprs(s)) {
    const c = findCall(e, (x) => isVmodCall(model, x, 'std', 'ban'));
    if (c) return { kind: 'std.ban', range: { start: c.start, end: c.end } };
  }
  return undefined;
}

/**
 * The invalidations reachable from `entry` without a condition satisfying `guard` (stops at unknown code;
 * a std.ban() used as a condition counts when that condition is evaluated unguarded).
 */
export function unguardedInvalidations(model: VclModel, entry: string, guard: Guard, kinds?: readonly InvalidationKind[], flow?: FlowOptions): { found: Invalidation[]; complete: boolean } {
  const want = (k: InvalidationKind) => !kinds || kinds.includes(k);
  const r = reachWithout(model, entry, {
    target: (st) => {
      const inv = invalidationIn(model, st);
      return !!inv && want(inv.kind);
    },
    guard,
    targetCondition: want('std.ban') ? (c) => (c.builtin ? undefined : findCall(c.expr, (x) => isVmodCall(model, x, 'std', 'ban'))) : undefined,
    flow,
  });
  const found: Invalidation[] = [];
  for (const m of r.steps) {
    const inv = invalidationIn(model, m.step)!;
    // `set req.hash_always_miss = (req.http.X-Refresh == "1");` is a condition of its own.
    if (inv.kind === 'hash_always_miss' && m.step.stmt.type === 'set') {
      const v = m.step.stmt.value;
      const cond: Condition = { expr: v, polarity: true, file: m.step.file, sub: m.step.sub, builtin: false };
      if (unparen(v).type !== 'bool' && guard(v, true, cond)) continue;
    }
    found.push({ kind: inv.kind, file: m.step.file, sub: m.step.sub, stmt: m.step.stmt, range: inv.range, entry, path: m.path, step: m.step });
  }
  for (const c of r.conditions) {
    const file = model.files.get(c.file);
    const ifs = file && ifOfCondition(file, c.expr);
    const call = findCall(c.expr, (x) => isVmodCall(model, x, 'std', 'ban'))!;
    if (ifs) found.push({ kind: 'std.ban', file: c.file, sub: c.sub, stmt: ifs, range: { start: call.start, end: call.end }, entry });
  }
  return { found, complete: r.complete };
}

/** Whether any user condition in the program checks who the client is (an ACL match or a secret header, either way). */
export function programChecksAccess(model: VclModel): boolean {
  const client = (e: Expr, p: boolean) => isAclMatch(e, p) || isTokenCheck(e, p);
  for (const f of model.files.values()) {
    let hit = false;
    walkStatements(f.tree.items, (s) => {
      if (hit) return false;
      if (s.type === 'if') for (const b of s.branches) if (guarantees(b.cond, true, client) || guarantees(b.cond, false, client)) hit = true;
    });
    if (hit) return true;
  }
  return false;
}

// ---------------------------------------------------------------- fixes

/** One indentation step, in the file's style (a tab when the line uses tabs, else four spaces). */
export function indentUnit(file: EditableFile, offset: number): string {
  return indentAt(file, offset).includes('\t') ? '\t' : '    ';
}

function aloneOnLines(file: EditableFile, start: number, end: number): boolean {
  const l1 = file.lines.positionAt(start).line;
  const l2 = file.lines.positionAt(end).line;
  const before = file.text.slice(file.lines.lineStart(l1), start);
  const after = file.text.slice(end, file.lines.lineEnd(l2));
  return /^[ \t]*$/.test(before) && /^[ \t]*(#.*|\/\/.*)?$/.test(after);
}

/** Inserts `code` before the statement at `start`: on its own line when the statement starts its line, else inline. */
export function insertBeforeStatement(file: EditableFile, start: number, code: string): TextEdit {
  const lineStart = file.lines.lineStart(file.lines.positionAt(start).line);
  if (/^[ \t]*$/.test(file.text.slice(lineStart, start))) return insertLineBefore(file, start, code);
  return { path: file.path, start, end: start, newText: code + ' ' };
}

/**
 * Inserts statements before the one at `start`: one per line with its indentation when it starts its line,
 * else inline.
 */
export function insertStatementsBefore(file: EditableFile, start: number, stmts: readonly string[]): TextEdit {
  const lineStart = file.lines.lineStart(file.lines.positionAt(start).line);
  if (/^[ \t]*$/.test(file.text.slice(lineStart, start))) return insertLineBefore(file, start, stmts.join(file.lines.eol() + indentAt(file, start)));
  return { path: file.path, start, end: start, newText: stmts.join(' ') + ' ' };
}

/**
 * Wraps the statements `[start, end)` in `head { … }` (e.g. `if (req.method == "BAN")`), with `prefix` lines
 * first inside. Multi-line when the statements stand alone on their lines (re-indented one step), else inline.
 */
export function wrapStatements(file: EditableFile, start: number, end: number, head: string, prefix: readonly string[] = []): TextEdit {
  const body = file.text.slice(start, end);
  if (!aloneOnLines(file, start, end)) {
    return { path: file.path, start, end, newText: `${head} { ${[...prefix, body].join(' ')} }` };
  }
  const eol = file.lines.eol();
  const indent = indentAt(file, start);
  const unit = indentUnit(file, start);
  const bodyLines = body.split(/\r\n|\n|\r/).map((l, i) => (i === 0 ? indent + unit + l : l.trim() === '' ? l : unit + l));
  const lines = [head + ' {', ...prefix.map((p) => indent + unit + p), ...bodyLines, indent + '}'];
  return { path: file.path, start, end, newText: lines.join(eol) };
}

/** Names of the ACLs that look like they are meant for cache invalidation. */
const INVALIDATOR_ACL = /purg|ban|invalidat|refresh/i;

/**
 * The ACL a guard fix should use, and the edit that declares it when it must be added: an existing ACL whose
 * name says it is for purging/banning, else a new `acl purgers` (localhost only) right after the main file's
 * `vcl` line, so it is declared before any use. The same edit for every finding: fix-all adds it once.
 */
export function invalidatorAcl(model: VclModel): { name: string; edits: TextEdit[] } {
  for (const [name] of model.acls) if (INVALIDATOR_ACL.test(name)) return { name, edits: [] };
  const taken = (n: string) => model.acls.has(n) || model.backends.has(n) || model.probes.has(n) || model.subs.has(n) || model.objects.has(n) || model.imports.has(n);
  let name = 'purgers';
  for (let i = 2; taken(name); i++) name = `purgers${i}`;
  const main = model.files.get(model.entries[0]);
  if (!main) return { name, edits: [] };
  const eol = main.lines.eol();
  const acl = [`acl ${name} {`, '    "127.0.0.1";', '    "::1";', '}'].join(eol);
  const v = main.tree.items.find((it) => it.type === 'vcl');
  if (v) {
    const at = main.lines.lineEnd(main.lines.positionAt(v.end).line);
    return { name, edits: [{ path: main.path, start: at, end: at, newText: eol + eol + acl }] };
  }
  return { name, edits: [{ path: main.path, start: 0, end: 0, newText: acl + eol + eol }] };
}

/** The guard line that turns away clients outside `acl` (legal wherever `return (synth(…))` is: vcl_recv). */
export function denyUnlessAcl(acl: string): string {
  return `if (client.ip !~ ${acl}) { return (synth(405, "Not allowed")); }`;
}
