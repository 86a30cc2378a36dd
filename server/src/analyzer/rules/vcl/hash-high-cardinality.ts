// vcl/hash-high-cardinality: hash_data() of a per-client or per-request value: one cache object per client
// (client.ip, raw Cookie, User-Agent, X-Forwarded-For) or per second / per request (now, req.xid).
import { defineVclRule } from '../rule';
import type { FlowStep } from '../../vcl/flow';
import { calleeName, changesHeader, hashRuns, headerRef, isVmodCall, mentions, narrows, programComplete, reachWithout, userStatements } from '../../vcl/guards';
import { walkExpr, type CallExpr, type Expr, type NameExpr } from '../../vcl/tree';
import type { VclModel } from '../../vcl/model';

/** Request headers that carry per-client values unless the VCL rewrites them. */
const RAW_HEADERS: Record<string, string> = {
  cookie: 'the raw Cookie header differs per session and per analytics cookie: one object per visitor',
  'user-agent': 'User-Agent strings come in thousands of variants: one object per browser build',
  'x-forwarded-for': 'X-Forwarded-For holds the client address chain: one object per client',
};

/** Calls whose result is a rewritten (normalised) value. */
const NORMALISERS = new Set(['regsub', 'regsuball']);

interface Source {
  node: NameExpr | CallExpr;
  label: string;
  why: string;
  error: boolean;
  /** A request header whose rawness depends on what the VCL did to it. */
  header?: string;
  /** A custom header tainted by a raw source. */
  via?: string;
}

export default defineVclRule({
  id: 'vcl/hash-high-cardinality',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: {
      summary: '`hash_data()` of a value that differs per client or per request: `client.ip`, the raw `Cookie`, `User-Agent` or `X-Forwarded-For` header (warning), `now`, `req.xid` or `std.random()` (error).',
      why: 'Everything hashed is part of the cache key. A per-client value gives one object per client, so almost every request is a miss (verified on Varnish 7.1.1: two client addresses, two misses for the same URL); `now` changes every second and `req.xid` on every request, so nothing is ever a hit. Hash a normalised value instead: a device class or a country set in vcl_recv, or one cookie extracted with regsub. A header rewritten earlier (from regsub or an if-chain of constants) is not reported.',
      bad: 'sub vcl_hash {\n    hash_data(req.http.User-Agent);\n}',
      good: 'sub vcl_recv {\n    if (req.http.User-Agent ~ "(?i)mobile") {\n        set req.http.X-Device = "mobile";\n    } else {\n        set req.http.X-Device = "desktop";\n    }\n}\n\nsub vcl_hash {\n    hash_data(req.http.X-Device);\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.subs.has('vcl_hash') || !hashRuns(model)) return;
    const tainted = taintedHeaders(model);
    // A per-client key for a narrow class of requests is a deliberate choice (a per-session lookup, a
    // per-user account page): only hash_data() reached without such a test counts. A test of the hashed
    // value itself (`if (req.http.Cookie)`) does not narrow anything.
    const perClient = (e: Expr) => rawSources(model, e, tainted).length > 0 || mentions(e, (n) => !!headerRef(n) && !!RAW_HEADERS[headerRef(n)!.header]);
    const hashes = reachWithout(model, 'vcl_hash', {
      target: (st) => !st.builtin && st.stmt.type === 'hash_data',
      guard: (expr, polarity) => narrows(expr, polarity, (atom) => !perClient(atom)),
    });
    if (!hashes.complete || !hashes.steps.length) return;
    const rawInHash = new Map<string, Set<FlowStep['stmt']>>();
    const rawAtLookup = new Map<string, boolean>();
    const rawAt = (header: string, step: FlowStep): boolean => {
      // Raw in vcl_hash up to this hash_data (no rewrite of the header on some path there)…
      if (!rawInHash.has(header)) {
        const r = reachWithout(model, 'vcl_hash', {
          target: (st) => !st.builtin && st.stmt.type === 'hash_data',
          guard: (expr, polarity) => narrows(expr, polarity, (atom) => !perClient(atom)),
          cut: (st) => changesHeader(st.stmt, [header]),
        });
        rawInHash.set(header, new Set(r.complete ? r.steps.map((m) => m.step.stmt) : []));
      }
      if (!rawInHash.get(header)!.has(step.stmt)) return false;
      // …and vcl_recv reaches the lookup on some path that does not rewrite it into something else.
      if (!rawAtLookup.has(header)) {
        const r = reachWithout(model, 'vcl_recv', {
          target: (st) => st.stmt.type === 'return' && (st.stmt.action?.text === 'hash' || st.stmt.action?.text === 'purge'),
          cut: (st) => changesHeader(st.stmt, [header]) && !(st.stmt.type === 'set' && rawSources(model, st.stmt.value, tainted).length > 0),
        });
        rawAtLookup.set(header, r.complete && r.steps.length > 0);
      }
      return rawAtLookup.get(header)!;
    };
    for (const m of hashes.steps) {
      const stmt = m.step.stmt;
      if (stmt.type !== 'hash_data') continue;
      for (const src of rawSources(model, stmt.arg, tainted)) {
        if (src.header && !rawAt(src.header, m.step)) continue;
        const range = { start: src.node.start, end: src.node.end };
        const fix = src.error ? 'Hash something stable instead (or nothing: the built-in hashes URL and host).' : 'Hash a normalised value instead: a device class or country set in vcl_recv, or a single cookie extracted with regsub().';
        ctx.report({
          path: m.step.file,
          range,
          severity: src.error ? 'error' : undefined,
          message: `hash_data() of ${src.label}${src.via ? ` (set from ${src.via})` : ''} puts a per-${src.error ? 'request' : 'client'} value into the cache key: ${src.why}, so ${src.error ? 'nothing is ever a hit' : 'almost every request is a miss'}. ${fix}`,
        });
      }
    }
  },
});

/** The high-cardinality values an expression uses outside regsub()/regsuball() (which normalise). */
function rawSources(model: VclModel, e: Expr, tainted: Map<string, string>): Source[] {
  const out: Source[] = [];
  walkExpr(e, (x) => {
    if (x.type === 'call') {
      const n = calleeName(x);
      if (n && NORMALISERS.has(n)) return false;
      if (isVmodCall(model, x, 'std', 'random')) {
        out.push({ node: x, label: 'std.random()', why: 'a random number differs on every request', error: true });
        return false;
      }
      // A VMOD's result (cookie.get("lang"), a device class) is taken as normalised; its arguments are not
      // hashed. std's string functions (tolower, querysort…) keep every distinct value distinct.
      if (n && n.includes('.')) return isVmodCall(model, x, 'std', x.callee.type === 'name' ? x.callee.parts[1].text : '');
      return true;
    }
    if (x.type !== 'name') return true;
    if (x.name === 'now') out.push({ node: x, label: 'now', why: 'the time (as a string, to the second) changes every second', error: true });
    else if (x.name === 'req.xid') out.push({ node: x, label: 'req.xid', why: 'the transaction id is unique to each request', error: true });
    else if (x.name === 'client.ip' || x.name === 'client.identity') out.push({ node: x, label: x.name, why: 'the client address differs per client', error: false });
    else {
      const h = headerRef(x);
      if (h && h.obj === 'req') {
        const name = x.parts[2].text;
        if (RAW_HEADERS[h.header]) out.push({ node: x, label: `req.http.${name}`, why: RAW_HEADERS[h.header], error: false, header: h.header });
        else if (tainted.has(h.header)) out.push({ node: x, label: `req.http.${name}`, why: RAW_HEADERS[tainted.get(h.header)!.toLowerCase().replace(/^req\.http\./, '')] ?? 'it copies a per-client value', error: false, via: tainted.get(h.header) });
      }
    }
    return true;
  });
  return out;
}

/**
 * Custom request headers that only ever hold a raw per-client value: every assignment (in vcl_recv and
 * vcl_hash, and what they call) copies one (`set req.http.X-UA = req.http.User-Agent;`), none rewrites it.
 * Header → the raw source it copies.
 */
function taintedHeaders(model: VclModel): Map<string, string> {
  const assigns = new Map<string, { value?: Expr }[]>();
  for (const sub of ['vcl_recv', 'vcl_hash']) {
    for (const { stmt } of userStatements(model, sub)) {
      if (stmt.type !== 'set' && stmt.type !== 'unset') continue;
      const h = headerRef(stmt.target);
      if (!h || h.obj !== 'req' || RAW_HEADERS[h.header]) continue;
      const list = assigns.get(h.header) ?? [];
      list.push({ value: stmt.type === 'set' ? stmt.value : undefined });
      assigns.set(h.header, list);
    }
  }
  const tainted = new Map<string, string>();
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const [header, list] of assigns) {
      if (tainted.has(header)) continue;
      let source: string | undefined;
      const allRaw = list.every((a) => {
        if (!a.value) return false;
        const srcs = rawSources(model, a.value, tainted).filter((s) => !s.error);
        if (!srcs.length) return false;
        source ??= srcs[0].via ?? srcs[0].label;
        return true;
      });
      if (allRaw && source) {
        tainted.set(header, source);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return tainted;
}
