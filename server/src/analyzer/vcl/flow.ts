// Control flow through a sub: the execution paths through if/elseif/else, with the `call`ed subs inlined
// (recursion-guarded), `include`s spliced, and — for a `vcl_*` sub that falls off its end — Varnish's built-in
// code of that sub (when the model was given the built-in VCL). Work is bounded: past the limits the answer
// says it is incomplete.
import { subBodies, type VclModel } from './model';
import { unparen, type Expr, type IncludeNode, type ReturnStmt, type Statement } from './tree';

/** A condition taken on a path: the `if` expression and whether it was true or false there. */
export interface Condition {
  expr: Expr;
  polarity: boolean;
  file: string;
  sub: string;
  /** The condition is in Varnish's built-in code. */
  builtin: boolean;
}

/** A statement executed on a path. `if` and block statements are not steps (their conditions are). */
export interface FlowStep {
  stmt: Statement;
  file: string;
  /** The sub whose code this is (a called sub, for inlined code). */
  sub: string;
  builtin: boolean;
  /** Number of `call`s between the analysed sub and this statement. */
  callDepth: number;
  /** For a `call`: not followed, because the sub is already being executed (VCC rejects recursion). */
  recursive?: boolean;
  /** For a `call`: no definition of that sub was found (or it is a VMOD's SUB, which is opaque). */
  unresolved?: boolean;
}

export type PathEnd =
  /** A `return (action)`: the sub — and, when it was called, the whole VCL state — ends here. */
  | { kind: 'return'; action: string; step: FlowStep }
  /** Fell off the end (of the built-in code too when it ran). Varnish then uses the state's default action. */
  | { kind: 'end' }
  /** `reaches()`: the path stops at the matching statement. */
  | { kind: 'match'; step: FlowStep };

export interface FlowPath {
  conditions: Condition[];
  steps: FlowStep[];
  end: PathEnd;
}

export interface FlowOptions {
  /** Stop enumerating after this many paths (default 2000). */
  maxPaths?: number;
  /** Stop after this much work: statements executed plus the lengths of the paths returned (default 1000000). */
  maxWork?: number;
  /** Run the built-in code after a `vcl_*` sub falls off its end (default true; needs `model.builtin`). */
  builtin?: boolean;
}

export interface PathsResult {
  /** The sub is defined (by the user, or in the built-in VCL). */
  defined: boolean;
  paths: FlowPath[];
  /** False when a limit was reached: `paths` is then a prefix of all paths, and `limit` says which. */
  complete: boolean;
  limit?: string;
  /** Built-in code was run on some path (after a `vcl_*` sub's user code; needs `model.builtin`). */
  builtinRan: boolean;
}

export interface ReachMatch {
  step: FlowStep;
  /** One path to the statement on which no condition satisfies the guard. */
  path: FlowPath;
}

export interface ReachResult {
  /** A matching statement is reachable with no taken condition satisfying the guard. */
  reachable: boolean;
  /** Every such statement (once each), with one witness path. */
  matches: ReachMatch[];
  /**
   * False when a limit was reached before the search finished: `reachable` is then true whether or not a match
   * was found (the conservative answer, "maybe reachable"), and `limit` says why.
   */
  complete: boolean;
  limit?: string;
}

/** A guard over a taken condition: `(expression, polarity)`; polarity false means the condition was false. */
export type Guard = (expr: Expr, polarity: boolean, cond: Condition) => boolean;

/** All execution paths through `subName` (entered as Varnish enters a state's sub). */
export function paths(model: VclModel, subName: string, opts: FlowOptions = {}): PathsResult {
  const eng = new Engine(model, opts);
  const start = eng.entry(subName);
  const result: PathsResult = { defined: !!start, paths: [], complete: true, builtinRan: eng.builtinRan };
  if (!start) return result;
  const maxPaths = opts.maxPaths ?? 2000;
  const work: State[] = [start];
  while (work.length) {
    const s = work.pop()!;
    const out = eng.run(s);
    if (out === 'limit') {
      result.complete = false;
      result.limit = `more than ${eng.maxWork} statements executed over all paths`;
      break;
    }
    if (out.kind === 'branch') {
      for (let i = out.next.length - 1; i >= 0; i--) work.push(out.next[i]);
      continue;
    }
    const path = materialize(out.state, out.end);
    result.paths.push(path);
    // Long paths cost their length: count it against the work budget.
    if (eng.charge(path.steps.length + path.conditions.length)) {
      if (work.length) {
        result.complete = false;
        result.limit = `more than ${eng.maxWork} statements executed over all paths`;
      }
      break;
    }
    if (result.paths.length >= maxPaths && work.length) {
      result.complete = false;
      result.limit = `more than ${maxPaths} paths`;
      break;
    }
  }
  result.builtinRan = eng.builtinRan;
  return result;
}

/**
 * Is a statement matching `match` reachable in `subName` on a path where no taken condition satisfies `guard`?
 * Paths through a guarding condition are cut there. E.g. "is `return (hash)` reachable without an Authorization
 * check": match = a return with action hash; guard = (e, p) => p === false && e mentions req.http.Authorization.
 */
export function reaches(model: VclModel, subName: string, match: (step: FlowStep) => boolean, guard: Guard, opts: FlowOptions = {}): ReachResult {
  const eng = new Engine(model, opts);
  eng.match = match;
  eng.guard = guard;
  const result: ReachResult = { reachable: false, matches: [], complete: true };
  const start = eng.entry(subName);
  if (!start) return result;
  const seenPoints = new Set<string>();
  const matched = new Set<Statement>();
  const work: State[] = [start];
  while (work.length) {
    const s = work.pop()!;
    const out = eng.run(s, seenPoints);
    if (out === 'limit') {
      result.complete = false;
      result.limit = `more than ${eng.maxWork} statements executed`;
      result.reachable = true;
      break;
    }
    if (out.kind === 'branch') {
      for (let i = out.next.length - 1; i >= 0; i--) work.push(out.next[i]);
      continue;
    }
    if (out.end.kind === 'match' && !matched.has(out.end.step.stmt)) {
      matched.add(out.end.step.stmt);
      result.matches.push({ step: out.end.step, path: materialize(out.state, out.end) });
      result.reachable = true;
    }
  }
  return result;
}

/**
 * The atomic facts a taken condition guarantees: `!a` false → a true; `a && b` true → a true and b true;
 * `a || b` false → a false and b false. Anything else is one fact (the expression with the polarity).
 */
export function facts(expr: Expr, polarity: boolean): { expr: Expr; polarity: boolean }[] {
  const e = unparen(expr);
  if (e.type === 'unary' && e.op === '!') return facts(e.operand, !polarity);
  if (e.type === 'binary' && ((e.op === '&&' && polarity) || (e.op === '||' && !polarity))) {
    return [...facts(e.left, polarity), ...facts(e.right, polarity)];
  }
  return [{ expr: e, polarity }];
}

/**
 * The actions `subName` can end with (`undefined` for a path that falls off the end). Exact when the paths
 * could all be enumerated; otherwise a superset, from every `return` in the sub and the subs it calls.
 */
export function possibleReturns(model: VclModel, subName: string, opts: FlowOptions = {}): { actions: Set<string | undefined>; complete: boolean; limit?: string } {
  const r = paths(model, subName, opts);
  if (r.complete) {
    const actions = new Set<string | undefined>();
    for (const p of r.paths) actions.add(p.end.kind === 'return' ? p.end.action : undefined);
    return { actions, complete: true };
  }
  // Conservative: every return syntactically reachable through calls, and a fall-through.
  const actions = new Set<string | undefined>([undefined]);
  const seen = new Set<string>();
  const visitSub = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const b of subBodies(model, name)) if (opts.builtin !== false || !b.builtin) visitStmts(b.body);
  };
  const visitStmts = (stmts: readonly Statement[]): void => {
    for (const s of stmts) {
      if (s.type === 'return' && s.action) actions.add(s.action.text);
      else if (s.type === 'block') visitStmts(s.body);
      else if (s.type === 'if') {
        for (const b of s.branches) visitStmts(b.body.body);
        if (s.else) visitStmts(s.else.body);
      } else if (s.type === 'call' && !s.expr) visitSub(s.target.name);
      else if (s.type === 'include') for (const f of model.bodyIncludes.get(s) ?? []) visitStmts(f.tree.items.filter(isStmt));
    }
  };
  visitSub(subName);
  return { actions, complete: false, limit: r.limit };
}

// ---------------------------------------------------------------- engine

interface Item {
  stmt: Statement;
  file: string;
  builtin: boolean;
  sub: string;
}

interface Seq {
  id: number;
  items: Item[];
}

/** An immutable frame stack: a sequence being executed and the position in it. */
interface Frame {
  seq: Seq;
  idx: number;
  /** A sub's body (a `return;` leaves it) rather than a nested block. */
  isSub: boolean;
  sub: string;
  callDepth: number;
  next: Frame | undefined;
  /** The key of this frame and those below it, computed on first use (frames never change). */
  key?: string;
}

/** Immutable singly-linked lists, shared between the paths that branch off one another. */
interface List<T> {
  head: T;
  tail: List<T> | undefined;
}

interface State {
  frame: Frame | undefined;
  conds: List<Condition> | undefined;
  steps: List<FlowStep> | undefined;
}

type RunResult = 'limit' | { kind: 'branch'; next: State[] } | { kind: 'end'; state: State; end: PathEnd };

function toArray<T>(l: List<T> | undefined): T[] {
  const out: T[] = [];
  for (let c = l; c; c = c.tail) out.push(c.head);
  return out.reverse();
}

function materialize(s: State, end: PathEnd): FlowPath {
  return { conditions: toArray(s.conds), steps: toArray(s.steps), end };
}

function isStmt(n: { type: string }): n is Statement {
  return n.type !== 'vcl' && n.type !== 'import' && n.type !== 'backend' && n.type !== 'probe' && n.type !== 'acl' && n.type !== 'sub' && n.type !== 'junk' && n.type !== 'acl-entry';
}

class Engine {
  readonly maxWork: number;
  private work = 0;
  private nextId = 1;
  private readonly subSeqs = new Map<string, Seq | null>();
  private readonly blockSeqs = new WeakMap<readonly Statement[], Seq>();
  private readonly includeSeqs = new Map<IncludeNode, Seq>();
  builtinRan = false;
  match: ((step: FlowStep) => boolean) | undefined;
  guard: Guard | undefined;

  constructor(private readonly model: VclModel, private readonly opts: FlowOptions) {
    this.maxWork = opts.maxWork ?? 1_000_000;
  }

  /** Adds to the work done; true when the budget is exhausted. */
  charge(n: number): boolean {
    this.work += n;
    return this.work > this.maxWork;
  }

  entry(sub: string): State | undefined {
    const seq = this.subSeq(sub);
    if (!seq) return undefined;
    return { frame: { seq, idx: 0, isSub: true, sub, callDepth: 0, next: undefined, key: undefined }, conds: undefined, steps: undefined };
  }

  /** A sub's code: its definitions concatenated, then the built-in code of a `vcl_*` sub. */
  private subSeq(name: string): Seq | undefined {
    const cached = this.subSeqs.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const bodies = subBodies(this.model, name).filter((b) => this.opts.builtin !== false || !b.builtin);
    let seq: Seq | null = null;
    if (bodies.length) {
      const items: Item[] = [];
      for (const b of bodies) {
        if (b.builtin) this.builtinRan = true;
        for (const stmt of b.body) items.push({ stmt, file: b.file, builtin: b.builtin, sub: name });
      }
      seq = { id: this.nextId++, items };
    }
    this.subSeqs.set(name, seq);
    return seq ?? undefined;
  }

  private blockSeq(stmts: readonly Statement[], like: Item): Seq {
    let seq = this.blockSeqs.get(stmts);
    if (!seq) {
      seq = { id: this.nextId++, items: stmts.map((stmt) => ({ stmt, file: like.file, builtin: like.builtin, sub: like.sub })) };
      this.blockSeqs.set(stmts, seq);
    }
    return seq;
  }

  private includeSeq(node: IncludeNode, like: Item): Seq {
    let seq = this.includeSeqs.get(node);
    if (!seq) {
      const items: Item[] = [];
      for (const f of this.model.bodyIncludes.get(node) ?? []) {
        for (const it of f.tree.items) if (isStmt(it)) items.push({ stmt: it, file: f.path, builtin: like.builtin, sub: like.sub });
      }
      seq = { id: this.nextId++, items };
      this.includeSeqs.set(node, seq);
    }
    return seq;
  }

  private static key(f: Frame | undefined): string {
    if (!f) return '';
    if (f.key === undefined) f.key = `${f.seq.id}:${f.idx}/${Engine.key(f.next)}`;
    return f.key;
  }

  private onStack(f: Frame | undefined, sub: string): boolean {
    for (let c = f; c; c = c.next) if (c.isSub && c.sub === sub) return true;
    return false;
  }

  /**
   * Runs a state forward until it branches or ends. With `seen` (reachability search), a branch point already
   * explored from an equivalent position is not explored again: everything after it has been seen.
   */
  run(s: State, seen?: Set<string>): RunResult {
    let { frame, conds, steps } = s;
    for (;;) {
      if (!frame) return { kind: 'end', state: { frame, conds, steps }, end: { kind: 'end' } };
      if (frame.idx >= frame.seq.items.length) {
        frame = frame.next;
        continue;
      }
      if (++this.work > this.maxWork) return 'limit';
      const item = frame.seq.items[frame.idx];
      const after: Frame = { seq: frame.seq, idx: frame.idx + 1, isSub: frame.isSub, sub: frame.sub, callDepth: frame.callDepth, next: frame.next, key: undefined };
      const stmt = item.stmt;
      const step = (extra?: Partial<FlowStep>): FlowStep => ({ stmt, file: item.file, sub: item.sub, builtin: item.builtin, callDepth: frame!.callDepth, ...extra });
      switch (stmt.type) {
        case 'block':
          frame = { seq: this.blockSeq(stmt.body, item), idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined };
          continue;
        case 'if': {
          if (seen) {
            const k = Engine.key(frame);
            if (seen.has(k)) return { kind: 'branch', next: [] };
            seen.add(k);
          }
          const next: State[] = [];
          let prior = conds;
          let blocked = false;
          const take = (c: List<Condition> | undefined, expr: Expr, polarity: boolean): List<Condition> | undefined => {
            const cond: Condition = { expr, polarity, file: item.file, sub: item.sub, builtin: item.builtin };
            if (this.guard && this.guard(expr, polarity, cond)) blocked = true;
            return { head: cond, tail: c };
          };
          for (const b of stmt.branches) {
            blocked = false;
            const here = take(prior, b.cond, true);
            const wasBlocked = blocked;
            if (!wasBlocked) {
              const inner: Frame = { seq: this.blockSeq(b.body.body, item), idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined };
              next.push({ frame: inner, conds: here, steps });
            }
            blocked = false;
            prior = take(prior, b.cond, false);
            if (blocked) return { kind: 'branch', next };
          }
          const rest: Frame = stmt.else ? { seq: this.blockSeq(stmt.else.body, item), idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined } : after;
          next.push({ frame: rest, conds: prior, steps });
          return { kind: 'branch', next };
        }
        case 'include':
          frame = { seq: this.includeSeq(stmt, item), idx: 0, isSub: false, sub: item.sub, callDepth: frame.callDepth, next: after, key: undefined };
          continue;
        case 'return': {
          const st = step();
          if (this.match?.(st)) return { kind: 'end', state: { frame, conds, steps }, end: { kind: 'match', step: st } };
          steps = { head: st, tail: steps };
          const r = stmt as ReturnStmt;
          if (r.action) {
            if (this.match) return { kind: 'branch', next: [] };
            return { kind: 'end', state: { frame: after, conds, steps }, end: { kind: 'return', action: r.action.text, step: st } };
          }
          // `return;` leaves the current sub and continues in its caller.
          let f: Frame | undefined = after;
          while (f && !f.isSub) f = f.next;
          frame = f?.next;
          continue;
        }
        case 'call': {
          if (stmt.expr) {
            const st = step({ unresolved: true });
            if (this.match?.(st)) return { kind: 'end', state: { frame, conds, steps }, end: { kind: 'match', step: st } };
            steps = { head: st, tail: steps };
            frame = after;
            continue;
          }
          const name = stmt.target.name;
          const recursive = this.onStack(frame, name);
          const seq = recursive ? undefined : this.subSeq(name);
          const st = step(recursive ? { recursive: true } : seq ? undefined : { unresolved: true });
          if (this.match?.(st)) return { kind: 'end', state: { frame, conds, steps }, end: { kind: 'match', step: st } };
          steps = { head: st, tail: steps };
          frame = seq ? { seq, idx: 0, isSub: true, sub: name, callDepth: frame.callDepth + 1, next: after, key: undefined } : after;
          continue;
        }
        default: {
          const st = step();
          if (this.match?.(st)) return { kind: 'end', state: { frame, conds, steps }, end: { kind: 'match', step: st } };
          steps = { head: st, tail: steps };
          frame = after;
        }
      }
    }
  }
}
