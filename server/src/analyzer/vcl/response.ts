// Shared helpers of the response-side VCL cache-policy rules (vcl_backend_response, vcl_deliver, the built-in
// helper subs): variable and header predicates, literal durations, and `explore`, a path search that carries
// a small abstract state along each path (flow.ts `paths` enumerates every path, which explodes on long subs;
// `reaches` forgets what happened before a branch point). Pure: no I/O.
import { subBodies, type VclFile, type VclModel } from './model';
import type { Condition, FlowStep, PathEnd } from './flow';
import { walkExpr, walkStatements, unparen, type Expr, type IncludeNode, type NameExpr, type Statement } from './tree';
import { indentAt } from '../fixes';
import type { TextEdit } from '../types';
import type { VarnishVersion } from './data';

// ---------------------------------------------------------------- names and values

/** `obj.http.Header` (header compared case-insensitively), e.g. isHeader(e, 'beresp', 'set-cookie'). */
export function isHeader(e: Expr, obj: string, header?: string): e is NameExpr {
  if (e.type !== 'name' || e.parts.length !== 3) return false;
  if (e.parts[0].text !== obj || e.parts[1].text.toLowerCase() !== 'http') return false;
  return header === undefined || e.parts[2].text.toLowerCase() === header.toLowerCase();
}

/** A variable by its exact (lower-case compared) name: `beresp.ttl`, `bereq.uncacheable`. */
export function isVar(e: Expr, name: string): e is NameExpr {
  return e.type === 'name' && e.name.toLowerCase() === name.toLowerCase();
}

/** Whether an expression uses a name satisfying `pred` anywhere inside it. */
export function mentions(e: Expr, pred: (n: NameExpr) => boolean): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (found) return false;
    if (x.type === 'name' && pred(x)) found = true;
  });
  return found;
}

/** Whether any expression a statement holds (an if's conditions included) uses a name satisfying `pred`. */
export function stmtMentions(s: Statement, pred: (n: NameExpr) => boolean): boolean {
  const exprs: Expr[] = [];
  switch (s.type) {
    case 'set':
      exprs.push(s.target, s.value);
      break;
    case 'unset':
      exprs.push(s.target);
      break;
    case 'return':
      exprs.push(...s.args);
      break;
    case 'if':
      exprs.push(...s.branches.map((b) => b.cond));
      break;
    case 'call':
      if (s.expr) exprs.push(s.expr);
      break;
    case 'new':
      exprs.push(s.value);
      break;
    case 'hash_data':
    case 'ban':
    case 'synthetic':
      exprs.push(s.arg);
      break;
    case 'expr':
      exprs.push(s.expr);
      break;
    case 'unknown':
      exprs.push(s.keyword, ...s.args);
      break;
    default:
      break;
  }
  return exprs.some((e) => mentions(e, pred));
}

/** The value in seconds of a literal duration (`0s`, `-1s`, `(10m)`), else undefined. */
export function literalSeconds(e: Expr): number | undefined {
  const x = unparen(e);
  if (x.type === 'number') return x.seconds;
  if (x.type === 'unary' && x.op === '-') {
    const v = literalSeconds(x.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** `set beresp.uncacheable = true;` */
export function setsUncacheable(s: Statement): boolean {
  if (s.type !== 'set' || !isVar(s.target, 'beresp.uncacheable')) return false;
  const v = unparen(s.value);
  return v.type === 'bool' && v.value;
}

/** The string literals of an expression, except regex patterns (the 2nd argument of regsub/regsuball). */
export function stringLiterals(e: Expr): { value: string; start: number; end: number }[] {
  const out: { value: string; start: number; end: number }[] = [];
  const visit = (x: Expr): void => {
    if (x.type === 'string') {
      out.push({ value: x.value, start: x.start, end: x.end });
      return;
    }
    if (x.type === 'call' && x.callee.type === 'name' && /^(regsub|regsuball)$/.test(x.callee.name)) {
      x.args.forEach((a, i) => {
        if (i !== 1) visit(a.value);
      });
      return;
    }
    if (x.type === 'binary' && (x.op === '~' || x.op === '!~')) {
      visit(x.left);
      return;
    }
    if (x.type === 'call') {
      for (const a of x.args) visit(a.value);
      return;
    }
    if (x.type === 'member') return visit(x.object);
    if (x.type === 'unary') return visit(x.operand);
    if (x.type === 'paren') return visit(x.expr);
    if (x.type === 'binary') {
      visit(x.left);
      visit(x.right);
    }
  };
  visit(e);
  return out;
}

/** Whether a step can do things the analysis cannot see: inline C, a VMOD SUB call, a missing sub or include. */
export function opaqueStep(st: FlowStep): boolean {
  return !!st.unresolved || st.stmt.type === 'inline-c';
}

/** Whether any user statement in the program satisfies `pred` (every file, every sub, top-level included). */
export function anyUserStatement(model: VclModel, pred: (s: Statement, sub: string | undefined) => boolean): boolean {
  let found = false;
  for (const f of model.files.values()) {
    for (const it of f.tree.items) {
      if (found) return true;
      const sub = it.type === 'sub' ? it.name.text : undefined;
      walkStatements([it], (s) => {
        if (found) return false;
        if (pred(s, sub)) found = true;
      });
    }
  }
  return found;
}

/** The import of a VMOD under any alias (`import cookie;`). */
export function importsVmod(model: VclModel, vmod: string): boolean {
  for (const list of model.imports.values()) for (const i of list) if (i.node.name.text === vmod) return true;
  return false;
}

// ---------------------------------------------------------------- exploring paths with a state

export interface Walker<S> {
  init: S;
  /** The part of the state that matters: equal keys at the same point are explored once. */
  key(s: S): string;
  /** A taken condition (user or built-in); undefined cuts the path. */
  cond?(s: S, c: Condition): S | undefined;
  /** A statement executed (not if/block/include; a missing include is an `unresolved` step); undefined cuts the path. */
  step?(s: S, st: FlowStep): S | undefined;
  /** A path ends: `return (action)` or falling off the end (of the built-in code too when it ran). */
  end?(s: S, end: PathEnd): void;
}

export interface ExploreResult {
  /** The sub is defined (by the user or the built-in VCL). */
  defined: boolean;
  /** False when the work limit was reached: then some paths were not explored. */
  complete: boolean;
}

interface Item {
  stmt: Statement;
  file: string;
  builtin: boolean;
  sub: string;
}

interface Frame {
  items: Item[];
  id: number;
  idx: number;
  isSub: boolean;
  sub: string;
  callDepth: number;
  next: Frame | undefined;
  /** The key of this frame and those below it, computed on first use (frames never change). */
  key?: string;
}

/**
 * Every path through `subName` as Varnish enters it (calls inlined, includes spliced, the built-in code after a
 * `vcl_*` sub falls through unless `builtin: false`), with a state carried along. A branch point reached again
 * with the same state key (and the same return addresses) is not explored again.
 */
export function explore<S>(model: VclModel, subName: string, w: Walker<S>, opts: { builtin?: boolean; maxWork?: number } = {}): ExploreResult {
  const maxWork = opts.maxWork ?? 200_000;
  let work = 0;
  let nextId = 1;
  const subItems = new Map<string, { items: Item[]; id: number } | null>();
  const blockIds = new WeakMap<readonly Statement[], { items: Item[]; id: number }>();
  const includeIds = new Map<IncludeNode, { items: Item[]; id: number }>();
  const missing = new Set<IncludeNode>(model.includes.filter((s) => s.missing || s.cycles.length).map((s) => s.node));
  const sub = (name: string) => {
    const c = subItems.get(name);
    if (c !== undefined) return c ?? undefined;
    const bodies = subBodies(model, name).filter((b) => opts.builtin !== false || !b.builtin);
    let r: { items: Item[]; id: number } | null = null;
    if (bodies.length) {
      const items: Item[] = [];
      for (const b of bodies) for (const stmt of b.body) items.push({ stmt, file: b.file, builtin: b.builtin, sub: name });
      r = { items, id: nextId++ };
    }
    subItems.set(name, r);
    return r ?? undefined;
  };
  const block = (stmts: readonly Statement[], like: Item) => {
    let r = blockIds.get(stmts);
    if (!r) {
      r = { items: stmts.map((stmt) => ({ stmt, file: like.file, builtin: like.builtin, sub: like.sub })), id: nextId++ };
      blockIds.set(stmts, r);
    }
    return r;
  };
  const include = (node: IncludeNode, like: Item) => {
    let r = includeIds.get(node);
    if (!r) {
      const items: Item[] = [];
      for (const f of model.bodyIncludes.get(node) ?? []) {
        for (const it of f.tree.items) if (isStmt(it)) items.push({ stmt: it, file: f.path, builtin: like.builtin, sub: like.sub });
      }
      r = { items, id: nextId++ };
      includeIds.set(node, r);
    }
    return r;
  };
  const key = (f: Frame | undefined): string => {
    if (!f) return '';
    if (f.key === undefined) f.key = `${f.id}:${f.idx}/${key(f.next)}`;
    return f.key;
  };
  const onStack = (f: Frame | undefined, name: string) => {
    for (let c = f; c; c = c.next) if (c.isSub && c.sub === name) return true;
    return false;
  };

  const start = sub(subName);
  if (!start) return { defined: false, complete: true };
  const seen = new Map<string, Set<string>>();
  const todo: { frame: Frame | undefined; state: S }[] = [{ frame: { items: start.items, id: start.id, idx: 0, isSub: true, sub: subName, callDepth: 0, next: undefined, key: undefined }, state: w.init }];
  while (todo.length) {
    let { frame, state } = todo.pop()!;
    for (;;) {
      if (!frame) {
        w.end?.(state, { kind: 'end' });
        break;
      }
      if (frame.idx >= frame.items.length) {
        frame = frame.next;
        continue;
      }
      if (++work > maxWork) return { defined: true, complete: false };
      const item = frame.items[frame.idx];
      const after: Frame = { items: frame.items, id: frame.id, idx: frame.idx + 1, isSub: frame.isSub, sub: frame.sub, callDepth: frame.callDepth, next: frame.next, key: undefined };
      const stmt = item.stmt;
      const mk = (extra?: Partial<FlowStep>): FlowStep => ({ stmt, file: item.file, sub: item.sub, builtin: item.builtin, callDepth: frame!.callDepth, ...extra });
      const doStep = (st: FlowStep): boolean => {
        if (!w.step) return true;
        const n = w.step(state, st);
        if (n === undefined) return false;
        state = n;
        return true;
      };
      if (stmt.type === 'block') {
        const b = block(stmt.body, item);
        frame = { items: b.items, id: b.id, idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined };
        continue;
      }
      if (stmt.type === 'if') {
        // Seen before at this point with this state: the paths from here are already explored.
        const fk = key(frame);
        let states = seen.get(fk);
        if (!states) seen.set(fk, (states = new Set()));
        const sk = w.key(state);
        if (states.has(sk)) break;
        states.add(sk);
        let prior: S | undefined = state;
        const next: { frame: Frame | undefined; state: S }[] = [];
        const take = (s: S, expr: Expr, polarity: boolean): S | undefined =>
          w.cond ? w.cond(s, { expr, polarity, file: item.file, sub: item.sub, builtin: item.builtin }) : s;
        for (const br of stmt.branches) {
          if (prior === undefined) break;
          const t = take(prior, br.cond, true);
          if (t !== undefined) {
            const b = block(br.body.body, item);
            next.push({ frame: { items: b.items, id: b.id, idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined }, state: t });
          }
          prior = take(prior, br.cond, false);
        }
        if (prior !== undefined) {
          if (stmt.else) {
            const b = block(stmt.else.body, item);
            next.push({ frame: { items: b.items, id: b.id, idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined }, state: prior });
          } else next.push({ frame: after, state: prior });
        }
        for (let i = next.length - 1; i >= 0; i--) todo.push(next[i]);
        break;
      }
      if (stmt.type === 'include') {
        if (missing.has(stmt)) {
          if (!doStep(mk({ unresolved: true }))) break;
          frame = after;
          continue;
        }
        const b = include(stmt, item);
        frame = { items: b.items, id: b.id, idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined };
        continue;
      }
      if (stmt.type === 'return') {
        const st = mk();
        if (!doStep(st)) break;
        if (stmt.action) {
          w.end?.(state, { kind: 'return', action: stmt.action.text, step: st });
          break;
        }
        let f: Frame | undefined = after;
        while (f && !f.isSub) f = f.next;
        frame = f?.next;
        continue;
      }
      if (stmt.type === 'call') {
        if (stmt.expr) {
          if (!doStep(mk({ unresolved: true }))) break;
          frame = after;
          continue;
        }
        const name = stmt.target.name;
        const recursive = onStack(frame, name);
        const target = recursive ? undefined : sub(name);
        if (!doStep(mk(recursive ? { recursive: true } : target ? undefined : { unresolved: true }))) break;
        frame = target ? { items: target.items, id: target.id, idx: 0, isSub: true, sub: name, callDepth: frame.callDepth + 1, next: after, key: undefined } : after;
        continue;
      }
      if (!doStep(mk())) break;
      frame = after;
    }
  }
  return { defined: true, complete: true };
}

function isStmt(n: { type: string }): n is Statement {
  return !['vcl', 'import', 'backend', 'probe', 'acl', 'sub', 'junk', 'acl-entry'].includes(n.type);
}

// ---------------------------------------------------------------- the ttl ≤ 0 outcomes (shared by two rules)

export interface TtlZeroOutcome {
  /** The `set beresp.ttl = <= 0` statement and its file. */
  stmt: Statement & { type: 'set' };
  file: string;
  seconds: number;
  /** User `return (deliver)`s reached with that ttl still in force and the object not marked uncacheable. */
  delivers: FlowStep[];
  /** Falls through to the built-in code (which turns it into a hit-for-miss) with that ttl in force. */
  fallsThrough: boolean;
  /** Some path from it crossed code the analysis cannot see. */
  opaque: boolean;
}

interface TtlState {
  zero?: { step: FlowStep; seconds: number };
  uncacheable: boolean;
  pass: boolean;
  opaque: boolean;
}

const ttlCache = new WeakMap<VclModel, { outcomes: TtlZeroOutcome[]; complete: boolean }>();

/** What happens after each `set beresp.ttl = <= 0s` in vcl_backend_response (user code only). */
export function ttlZeroOutcomes(model: VclModel): { outcomes: TtlZeroOutcome[]; complete: boolean } {
  const cached = ttlCache.get(model);
  if (cached) return cached;
  const hints = passHints(model);
  const byStmt = new Map<Statement, TtlZeroOutcome>();
  const get = (z: { step: FlowStep; seconds: number }) => {
    let o = byStmt.get(z.step.stmt);
    if (!o) {
      o = { stmt: z.step.stmt as Statement & { type: 'set' }, file: z.step.file, seconds: z.seconds, delivers: [], fallsThrough: false, opaque: false };
      byStmt.set(z.step.stmt, o);
    }
    return o;
  };
  const r = explore<TtlState>(
    model,
    'vcl_backend_response',
    {
      init: { uncacheable: false, pass: false, opaque: false },
      key: (s) => `${s.zero ? s.zero.step.stmt.start + s.zero.step.file : ''}|${s.uncacheable}|${s.pass}|${s.opaque}`,
      cond: (s, c) => (!s.pass && notStored(c.expr, c.polarity, hints) === 'hard' ? { ...s, pass: true } : s),
      step: (s, st) => {
        if (opaqueStep(st)) return { ...s, opaque: true };
        const x = st.stmt;
        if (setsUncacheable(x)) return { ...s, uncacheable: true };
        if (x.type === 'set' && isVar(x.target, 'beresp.ttl')) {
          const v = literalSeconds(x.value);
          if (x.op === '=' && v !== undefined && v <= 0) return { ...s, zero: { step: st, seconds: v } };
          return { ...s, zero: undefined };
        }
        return s;
      },
      end: (s, end) => {
        if (!s.zero) return;
        const o = get(s.zero);
        if (s.opaque) {
          o.opaque = true;
          return;
        }
        if (s.uncacheable || s.pass) return;
        if (end.kind === 'return' && end.action === 'deliver' && !end.step.builtin) {
          if (!o.delivers.some((d) => d.stmt === end.step.stmt)) o.delivers.push(end.step);
        } else if (end.kind === 'end') o.fallsThrough = true;
      },
    },
    { builtin: false },
  );
  const res = { outcomes: [...byStmt.values()], complete: r.complete };
  ttlCache.set(model, res);
  return res;
}

// ---------------------------------------------------------------- how vcl_backend_response ends

/** Statuses the core caches by default (cache_rfc2616.c); 302/307 only with explicit freshness. */
const CACHEABLE_STATUS = new Set([200, 203, 204, 300, 301, 302, 304, 307, 404, 410, 414]);

/**
 * Whether a taken fact confines the response to a status the core never caches by default (ttl −1 before VCL
 * runs): `beresp.status >= 500`, `beresp.status == 503`, `beresp.status != 200` is not one.
 */
export function uncacheableStatusFact(e: Expr, polarity: boolean): boolean {
  const x = unparen(e);
  if (x.type !== 'binary' || !polarity) return false;
  const l = unparen(x.left);
  const r = unparen(x.right);
  if (!isVar(l, 'beresp.status') || r.type !== 'number') return false;
  const n = r.value;
  switch (x.op) {
    case '==':
      return !CACHEABLE_STATUS.has(n);
    case '>=':
      return n >= 415;
    case '>':
      return n >= 414;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- conditions that imply "not stored"

/**
 * What vcl_recv (and the other client subs) pass to the backend uncached, as seen in the conditions of the
 * branches that `return (pass)`: request headers whose mere presence passes (`req.http.Authorization`), and
 * the words of the regexes/strings that a header or the URL is matched against there (`wp-login`, `admin`).
 * A heuristic for correlating a vcl_backend_response condition with a pass decided in vcl_recv.
 */
export interface PassHints {
  present: Set<string>;
  words: Map<string, Set<string>>;
}

const hintsCache = new WeakMap<VclModel, PassHints>();

/** Lower-case words of 4+ letters in a regex or string. */
function words(s: string): string[] {
  return (s.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((w) => !['http', 'https'].includes(w));
}

/** `url` for req.url/bereq.url, the lower-case header name for (be)req.http.X. */
function requestKey(e: Expr, side: 'req' | 'bereq'): string | undefined {
  const x = unparen(e);
  if (x.type !== 'name') return undefined;
  if (x.name.toLowerCase() === `${side}.url`) return 'url';
  if (isHeader(x, side)) return x.parts[2].text.toLowerCase();
  return undefined;
}

/** Positive atoms of a condition taken true: each disjunct of `a || b`, both sides of `a && b`. */
function positiveAtoms(e: Expr, polarity: boolean, out: { expr: Expr; polarity: boolean }[]): void {
  const x = unparen(e);
  if (x.type === 'unary' && x.op === '!') return positiveAtoms(x.operand, !polarity, out);
  if (x.type === 'binary' && (x.op === '&&' || x.op === '||')) {
    positiveAtoms(x.left, polarity, out);
    positiveAtoms(x.right, polarity, out);
    return;
  }
  out.push({ expr: x, polarity });
}

/** A match of a request property against a string that is positive: `~ "s"` or `== "s"` true, `!~`/`!=` false. */
function positiveMatch(e: Expr, polarity: boolean, side: 'req' | 'bereq'): { key: string; value: string } | undefined {
  const x = unparen(e);
  if (x.type !== 'binary' || !['~', '!~', '==', '!='].includes(x.op)) return undefined;
  const positive = (x.op === '~' || x.op === '==') === polarity;
  const key = requestKey(x.left, side);
  const r = unparen(x.right);
  if (!positive || !key || r.type !== 'string') return undefined;
  return { key, value: r.value };
}

export function passHints(model: VclModel): PassHints {
  const cached = hintsCache.get(model);
  if (cached) return cached;
  const hints: PassHints = { present: new Set(), words: new Map() };
  // The built-in passes requests with Authorization or Cookie, unless the helper is overridden.
  if (!model.subs.has('vcl_req_authorization')) hints.present.add('authorization');
  if (!model.subs.has('vcl_req_cookie')) hints.present.add('cookie');
  const hasPass = (stmts: readonly Statement[]): boolean => {
    let yes = false;
    walkStatements(stmts, (x) => {
      if (x.type === 'return' && x.action?.text === 'pass' && !x.args.length) yes = true;
    });
    return yes;
  };
  for (const f of model.files.values()) {
    walkStatements(f.tree.items, (s) => {
      if (s.type !== 'if') return;
      for (const b of s.branches) {
        if (!hasPass(b.body.body)) continue;
        const atoms: { expr: Expr; polarity: boolean }[] = [];
        positiveAtoms(b.cond, true, atoms);
        for (const a of atoms) {
          const m = positiveMatch(a.expr, a.polarity, 'req');
          if (m) {
            const set = hints.words.get(m.key) ?? new Set<string>();
            words(m.value).forEach((w) => set.add(w));
            hints.words.set(m.key, set);
            continue;
          }
          const k = a.polarity ? requestKey(a.expr, 'req') : undefined;
          if (k && k !== 'url') hints.present.add(k);
        }
      }
    });
  }
  hintsCache.set(model, hints);
  return hints;
}

/** Why a taken condition means the object will not be stored: `hard` for good, `dead` until a TTL is set. */
export type NotStored = 'hard' | 'dead' | undefined;

function allOf(a: NotStored, b: NotStored): NotStored {
  return a && b ? (a === 'dead' || b === 'dead' ? 'dead' : 'hard') : undefined;
}

function atomNotStored(e: Expr, polarity: boolean, hints?: PassHints): NotStored {
  const x = unparen(e);
  // A pass fetch (also a flag set by VCL on a response it already made uncacheable).
  if ((isVar(x, 'bereq.uncacheable') || isVar(x, 'beresp.uncacheable')) && polarity) return 'hard';
  if (uncacheableStatusFact(x, polarity)) return 'dead';
  if (x.type === 'binary') {
    const l = unparen(x.left);
    const r = unparen(x.right);
    // beresp.ttl <= 0s, < 0s, == 0s (and > 0s taken false).
    if (isVar(l, 'beresp.ttl')) {
      const v = literalSeconds(r);
      if (v !== undefined && v <= 0) {
        const le = x.op === '<=' || x.op === '<' || x.op === '==';
        if ((le && polarity) || (x.op === '>' && v === 0 && !polarity)) return 'dead';
      }
    }
    // A fetch for the cache is always a GET (Varnish turns HEAD into GET): another method is a pass.
    if (isVar(l, 'bereq.method') && r.type === 'string') {
      const get = r.value.toUpperCase() === 'GET';
      if ((x.op === '==' && polarity && !get) || (x.op === '==' && !polarity && get) || (x.op === '!=' && polarity && get)) return 'hard';
    }
  }
  if (hints) {
    const m = positiveMatch(x, polarity, 'bereq');
    if (m) {
      const known = hints.words.get(m.key);
      if (hints.present.has(m.key) && m.key !== 'url') return 'hard';
      if (known && words(m.value).some((w) => known.has(w))) return 'hard';
    }
    const k = polarity ? requestKey(x, 'bereq') : undefined;
    if (k && k !== 'url' && hints.present.has(k)) return 'hard';
  }
  return undefined;
}

/**
 * Whether a taken condition means the response will not be stored: a pass fetch (`bereq.uncacheable`, a
 * method other than GET, a request vcl_recv passes), or a TTL that is ≤ 0 (by status or by test). Works
 * through `!`, `&&` and `||` (`ttl > 0s && method == "GET"` taken false: either way not stored).
 */
export function notStored(e: Expr, polarity: boolean, hints?: PassHints): NotStored {
  const r = notStoredUnless(e, polarity, hints);
  return r.unless ? undefined : r.kind;
}

/** The status a fact pins `beresp.status` to: `== N` true or `!= N` false. */
export function statusIs(e: Expr, polarity: boolean): number | undefined {
  const x = unparen(e);
  if (x.type !== 'binary' || !isVar(unparen(x.left), 'beresp.status')) return undefined;
  const r = unparen(x.right);
  if (r.type !== 'number') return undefined;
  return (x.op === '==' && polarity) || (x.op === '!=' && !polarity) ? r.value : undefined;
}

/** The status a fact excludes: `!= N` true or `== N` false. */
export function statusIsNot(e: Expr, polarity: boolean): number | undefined {
  return statusIs(e, !polarity);
}

/**
 * Like `notStored`, with the alternatives where it does not hold when those are only particular statuses:
 * `(url !~ "login" && status != 302)` taken false is "not stored, unless the status is 302" (then a later
 * `status == 404` settles it).
 */
export function notStoredUnless(e: Expr, polarity: boolean, hints?: PassHints): { kind: NotStored; unless?: number[] } {
  const x = unparen(e);
  if (x.type === 'unary' && x.op === '!') return notStoredUnless(x.operand, !polarity, hints);
  if (x.type === 'binary' && (x.op === '&&' || x.op === '||')) {
    const a = notStoredUnless(x.left, polarity, hints);
    const b = notStoredUnless(x.right, polarity, hints);
    if ((x.op === '&&') === polarity) {
      // Both facts hold: either one suffices; an unconditional one first.
      for (const k of ['hard', 'dead'] as const) for (const r of [a, b]) if (r.kind === k && !r.unless) return r;
      return a.kind ? a : b;
    }
    // One of the two alternatives holds: each must mean "not stored", except a pinned status.
    const alt = (r: { kind: NotStored; unless?: number[] }, side: Expr) => {
      if (r.kind) return r;
      const st = statusIs(side, polarity);
      return st !== undefined ? { kind: 'hard' as NotStored, unless: [st] } : r;
    };
    const ra = alt(a, x.left);
    const rb = alt(b, x.right);
    const kind = allOf(ra.kind, rb.kind);
    if (!kind) return { kind: undefined };
    const unless = [...(ra.unless ?? []), ...(rb.unless ?? [])];
    // Both alternatives only pinned statuses: that is no information.
    if (ra.unless && rb.unless && !a.kind && !b.kind) return { kind: undefined };
    return unless.length ? { kind: a.kind && b.kind ? kind : (a.kind ?? b.kind), unless } : { kind };
  }
  return { kind: atomNotStored(x, polarity, hints) };
}

/** A way vcl_backend_response ends, with what the path did. */
export interface BackendEnd {
  /** `deliver`, `pass` (hit-for-pass), `end` (fell through to the built-in), or another action (`retry`, `abandon`, …). */
  kind: string;
  /** The user `return` that ended it. */
  step?: FlowStep;
  /** `bereq.uncacheable` was true on the path: a pass, nothing is stored whatever VCL does. */
  passFetch: boolean;
  /** The first `set beresp.uncacheable = true` on the path. */
  uncacheable?: FlowStep;
  /** The last `set beresp.grace` on the path and its literal value (undefined for a computed one). */
  grace?: { step: FlowStep; seconds: number | undefined };
  /** The path crossed code the analysis cannot see. */
  opaque: boolean;
}

interface EndState {
  passFetch: boolean;
  uncacheable?: FlowStep;
  grace?: { step: FlowStep; seconds: number | undefined };
  opaque: boolean;
}

const endsCache = new WeakMap<VclModel, { ends: BackendEnd[]; complete: boolean; defined: boolean }>();

/** The distinct ways the user code of vcl_backend_response ends (the built-in code not run). */
export function backendEnds(model: VclModel): { ends: BackendEnd[]; complete: boolean; defined: boolean } {
  const cached = endsCache.get(model);
  if (cached) return cached;
  const ends: BackendEnd[] = [];
  const k = (st: FlowStep | undefined) => (st ? `${st.file}:${st.stmt.start}` : '');
  const r = explore<EndState>(
    model,
    'vcl_backend_response',
    {
      init: { passFetch: false, opaque: false },
      key: (s) => `${s.passFetch}|${k(s.uncacheable)}|${s.grace ? k(s.grace.step) : ''}|${s.opaque}`,
      cond: (s, c) => (!s.passFetch && notStored(c.expr, c.polarity) === 'hard' ? { ...s, passFetch: true } : s),
      step: (s, st) => {
        if (opaqueStep(st)) return { ...s, opaque: true };
        const x = st.stmt;
        if (setsUncacheable(x) && !s.uncacheable) return { ...s, uncacheable: st };
        if (x.type === 'set' && isVar(x.target, 'beresp.grace')) return { ...s, grace: { step: st, seconds: x.op === '=' ? literalSeconds(x.value) : undefined } };
        return s;
      },
      end: (s, end) => {
        if (end.kind === 'match') return;
        const kind = end.kind === 'end' ? 'end' : end.step.builtin ? 'end' : end.action;
        ends.push({ kind, step: end.kind === 'return' ? end.step : undefined, ...s });
      },
    },
    { builtin: false },
  );
  const res = { ends, complete: r.complete, defined: r.defined };
  endsCache.set(model, res);
  return res;
}

/** Ends that produce a response that may be stored: deliver or falling through, not on a pass fetch. */
export function storingEnds(ends: BackendEnd[]): BackendEnd[] {
  return ends.filter((e) => (e.kind === 'deliver' || e.kind === 'end') && !e.passFetch);
}

const nestedCache = new WeakMap<VclFile, Set<Statement>>();

/** Whether a statement sits inside an if branch (or else) of its sub or included file. */
export function nestedInIf(file: VclFile, stmt: Statement): boolean {
  let set = nestedCache.get(file);
  if (!set) {
    const s = new Set<Statement>();
    walkStatements(file.tree.items, (x, parents) => {
      if (parents.some((p) => p.type === 'if')) s.add(x);
    });
    nestedCache.set(file, s);
    set = s;
  }
  return set.has(stmt);
}

/**
 * The statements to report among several that together cover every path: those not nested in an if (the
 * catch-all ones), or all of them when each is nested (one per branch).
 */
export function catchAll(model: VclModel, steps: readonly FlowStep[]): FlowStep[] {
  const uniq = [...new Map(steps.map((s) => [s.stmt, s])).values()];
  // In a file included inside a sub, the include sites decide (any of them nested: nested).
  const nested = (path: string, stmt: Statement, depth: number): boolean => {
    const f = model.files.get(path);
    if (!f || nestedInIf(f, stmt)) return true;
    if (f.tree.mode !== 'body' || depth > 16) return false;
    return model.includes.some((site) => site.context === 'body' && site.targets.includes(path) && nested(site.file, site.node, depth + 1));
  };
  const top = uniq.filter((s) => !nested(s.file, s.stmt, 0));
  return top.length ? top : uniq;
}

/** The path of a finding's statement reached through `call`s: the user's call sites, outermost first, as related info. */
export function callChain(steps: readonly FlowStep[], target: FlowStep): FlowStep[] {
  const chain: FlowStep[] = [];
  let sub = target.sub;
  let depth = target.callDepth;
  for (let i = steps.length - 1; i >= 0 && depth > 0; i--) {
    const s = steps[i];
    if (s.stmt.type === 'call' && !s.stmt.expr && s.stmt.target.name === sub && s.callDepth === depth - 1) {
      if (!s.builtin) chain.unshift(s);
      sub = s.sub;
      depth = s.callDepth;
    }
  }
  return chain;
}

// ---------------------------------------------------------------- edits

/** One indentation step as the file uses it (a tab, or the smallest run of leading spaces; default 4). */
export function indentUnit(file: VclFile): string {
  let best: string | undefined;
  for (const m of file.text.matchAll(/^([ \t]+)\S/gm)) {
    const ws = m[1];
    if (ws.startsWith('\t')) return '\t';
    if (!best || ws.length < best.length) best = ws;
  }
  return best ?? '    ';
}

/**
 * Inserts a block of lines (given without indentation; nested lines start with `\t` per level) before the
 * statement at `at`, indented like that statement's line when the statement starts its line; otherwise right
 * before it on the same line.
 */
export function insertBlockBefore(file: VclFile, at: number, lines: string[]): TextEdit {
  const eol = file.lines.eol();
  const lineStart = file.lines.lineStart(file.lines.positionAt(at).line);
  const firstOnLine = /^[ \t]*$/.test(file.text.slice(lineStart, at));
  const indent = indentAt(file, at);
  const unit = indentUnit(file);
  const body = lines.map((l) => indent + l.replace(/^\t+/, (t) => unit.repeat(t.length)));
  if (firstOnLine) return { path: file.path, start: lineStart, end: lineStart, newText: body.join(eol) + eol };
  return { path: file.path, start: at, end: at, newText: body.map((l, i) => (i === 0 ? l.trimStart() : l)).join(eol) + eol + indent };
}

/** Inserts a block of lines after the statement ending at `end`, indented like the line of `start`. */
export function insertBlockAfter(file: VclFile, start: number, end: number, lines: string[]): TextEdit {
  const eol = file.lines.eol();
  const indent = indentAt(file, start);
  const unit = indentUnit(file);
  const body = lines.map((l) => indent + l.replace(/^\t+/, (t) => unit.repeat(t.length)));
  // After a trailing comment when only a comment follows on the line.
  const lineEnd = file.lines.lineEnd(file.lines.positionAt(end).line);
  const at = /^\s*(#.*|\/\/.*)?$/.test(file.text.slice(end, lineEnd)) ? lineEnd : end;
  return { path: file.path, start: at, end: at, newText: eol + body.join(eol) };
}

/** Inserts a block of lines as the first statements of a `{ … }` body whose `{` is at `open`. */
export function insertBlockAtStart(file: VclFile, open: number, firstStmt: Statement | undefined, lines: string[]): TextEdit {
  const eol = file.lines.eol();
  const unit = indentUnit(file);
  if (firstStmt) return insertBlockBefore(file, firstStmt.start, lines);
  const indent = indentAt(file, open) + unit;
  const body = lines.map((l) => indent + l.replace(/^\t+/, (t) => unit.repeat(t.length)));
  return { path: file.path, start: open + 1, end: open + 1, newText: eol + body.join(eol) };
}

/** Appends a new `sub name { … }` at the end of a file. */
export function appendSub(file: VclFile, name: string, lines: string[]): TextEdit {
  const eol = file.lines.eol();
  const unit = indentUnit(file);
  const body = lines.map((l) => unit + l.replace(/^\t+/, (t) => unit.repeat(t.length)));
  const sep = file.text.length === 0 || file.text.endsWith('\n') ? eol : eol + eol;
  return { path: file.path, start: file.text.length, end: file.text.length, newText: `${sep}sub ${name} {${eol}${body.join(eol)}${eol}}${eol}` };
}

/** The hit-for-miss TTL the built-in VCL of a version uses. */
export function hitForMissTtl(version: VarnishVersion): string {
  return version === '8.0' ? 'param.uncacheable_ttl' : '120s';
}

/** The first user definition of a sub, if any. */
export function firstUserSub(model: VclModel, name: string) {
  return model.subs.get(name)?.[0];
}

