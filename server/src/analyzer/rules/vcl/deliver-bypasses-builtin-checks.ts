// vcl/deliver-bypasses-builtin-checks: `return (deliver)` in vcl_backend_response ends the state before the
// built-in Set-Cookie / Cache-Control / Surrogate-Control / Vary checks run, and this path does not check them.
import { defineVclRule } from '../rule';
import {
  callChain,
  explore,
  hitForMissTtl,
  insertBlockBefore,
  isHeader,
  isVar,
  literalSeconds,
  mentions,
  notStoredUnless,
  opaqueStep,
  passHints,
  setsUncacheable,
  statusIs,
  statusIsNot,
  stmtMentions,
  type NotStored,
} from '../../vcl/response';
import { facts, type FlowStep } from '../../vcl/flow';
import type { Statement } from '../../vcl/tree';

interface State {
  /** Set-Cookie was checked (a condition on it) or removed. */
  cookie: boolean;
  /** A condition looked at Cache-Control, or the VCL replaced or removed it. */
  control: boolean;
  /** Nothing is stored: `beresp.uncacheable = true`, or a pass fetch (`bereq.uncacheable`, a method other than GET, a request vcl_recv passes). */
  hard: boolean;
  /** The TTL is known to be ≤ 0 (set so, or a status/TTL condition says so) and not set since. */
  dead: boolean;
  opaque: boolean;
  /** Not stored unless the status is one of `unless` (settled by a later status condition). */
  pending?: { kind: NotStored; unless: number[] };
  /** The call steps taken, for related information (not part of the key). */
  trail: FlowStep[];
}

const GUARD = (ttl: string) => [
  'if (beresp.http.Set-Cookie || beresp.http.Surrogate-Control ~ "(?i)no-store" || (!beresp.http.Surrogate-Control && beresp.http.Cache-Control ~ "(?i:no-cache|no-store|private)") || beresp.http.Vary == "*") {',
  `\tset beresp.ttl = ${ttl};`,
  '\tset beresp.uncacheable = true;',
  '\treturn (deliver);',
  '}',
];

export default defineVclRule({
  id: 'vcl/deliver-bypasses-builtin-checks',
  dialect: 'vcl',
  meta: {
    category: 'security',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`return (deliver)` in `vcl_backend_response` is reachable without the Set-Cookie and Cache-Control (private, no-store, no-cache) checks the built-in VCL would have made.',
      why: 'The built-in `vcl_backend_response` turns responses with Set-Cookie, `Cache-Control: private|no-store|no-cache`, `Surrogate-Control: no-store` or `Vary: *` into hit-for-miss objects, so they are never shared. It only runs when the user code falls through: an explicit `return (deliver)` skips it. Measured on Varnish 7.1: after `sub vcl_backend_response { return (deliver); }` a second client received the first client\'s `Set-Cookie: sid=…` from cache, and a `Cache-Control: private` page was cached. Paths on which nothing is stored are not reported: a pass fetch (`bereq.uncacheable`, a method other than GET, a URL or header that vcl_recv passes), `beresp.uncacheable`, or a TTL ≤ 0 (then vcl/ttl-zero-early-return applies).',
      bad: 'sub vcl_backend_response {\n    set beresp.ttl = 1h;\n    return (deliver);\n}',
      good: 'sub vcl_backend_response {\n    set beresp.ttl = 1h;\n    # no return: the built-in checks Set-Cookie, Cache-Control and Vary\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    const hints = passHints(model);
    const found = new Map<Statement, { step: FlowStep; missing: Set<string>; trail: FlowStep[] }>();
    const r = explore<State>(
      model,
      'vcl_backend_response',
      {
        init: { cookie: false, control: false, hard: false, dead: false, opaque: false, trail: [] },
        key: (s) => `${+s.cookie}${+s.control}${+s.hard}${+s.dead}${+s.opaque}|${s.pending ? `${s.pending.kind}:${s.pending.unless.join(',')}` : ''}`,
        cond: (s, c) => {
          let n = s;
          const ns = notStoredUnless(c.expr, c.polarity, hints);
          const settle = (kind: NotStored) => {
            if (kind === 'hard' && !n.hard) n = { ...n, hard: true, pending: undefined };
            if (kind === 'dead' && !n.dead) n = { ...n, dead: true, pending: undefined };
          };
          if (ns.kind && !ns.unless) settle(ns.kind);
          else if (ns.kind && ns.unless && !n.hard) n = { ...n, pending: { kind: ns.kind, unless: ns.unless } };
          // A pinned or excluded status settles a pending "not stored unless the status is N".
          if (n.pending) {
            for (const f of facts(c.expr, c.polarity)) {
              const is = statusIs(f.expr, f.polarity);
              const not = statusIsNot(f.expr, f.polarity);
              const p = n.pending!;
              if (is !== undefined && !p.unless.includes(is)) settle(p.kind);
              else if (not !== undefined && p.unless.includes(not)) {
                const rest = p.unless.filter((u) => u !== not);
                if (rest.length) n = { ...n, pending: { kind: p.kind, unless: rest } };
                else settle(p.kind);
              }
              if (!n.pending) break;
            }
          }
          if (!n.cookie && mentions(c.expr, (x) => isHeader(x, 'beresp', 'set-cookie'))) n = { ...n, cookie: true };
          if (!n.control && mentions(c.expr, (x) => isHeader(x, 'beresp', 'cache-control'))) n = { ...n, control: true };
          return n;
        },
        step: (s, st) => {
          if (opaqueStep(st)) return { ...s, opaque: true };
          const x = st.stmt;
          if (setsUncacheable(x)) return { ...s, hard: true };
          if (x.type === 'set' && isVar(x.target, 'beresp.ttl')) {
            const v = literalSeconds(x.value);
            const pending = s.pending?.kind === 'dead' ? undefined : s.pending;
            return { ...s, pending, dead: x.op === '=' && v !== undefined && v <= 0 };
          }
          if (x.type === 'set' && isVar(x.target, 'beresp.status')) {
            // Status facts from before no longer describe the response.
            if (s.pending) return { ...s, pending: undefined };
          }
          if (x.type === 'unset' && isHeader(x.target, 'beresp', 'set-cookie')) return { ...s, cookie: true };
          // Cache-Control replaced or removed: the VCL took over the response's cacheability on purpose.
          if ((x.type === 'unset' || x.type === 'set') && isHeader(x.target, 'beresp', 'cache-control') && !s.control) return { ...s, control: true };
          // A VMOD call that edits Set-Cookie (header.remove, cookieplus…) handles it too.
          if (x.type === 'expr' && stmtMentions(x, (n) => isHeader(n, 'beresp', 'set-cookie'))) return { ...s, cookie: true };
          if (x.type === 'call' && !x.expr) return { ...s, trail: [...s.trail, st] };
          return s;
        },
        end: (s, end) => {
          if (end.kind !== 'return' || end.action !== 'deliver' || end.step.builtin) return;
          if (s.opaque || s.hard || s.dead || (s.cookie && s.control)) return;
          const missing = [...(s.cookie ? [] : ['Set-Cookie']), ...(s.control ? [] : ['Cache-Control'])];
          const prior = found.get(end.step.stmt);
          if (prior) missing.forEach((m) => prior.missing.add(m));
          else found.set(end.step.stmt, { step: end.step, missing: new Set(missing), trail: s.trail });
        },
      },
      { builtin: true },
    );
    if (!r.complete) return;
    for (const { step, missing, trail } of found.values()) {
      const file = ctx.file(step.file);
      const list = [...missing];
      const what = list.length === 2 ? 'Set-Cookie or Cache-Control' : list[0];
      const leak =
        list.length === 2
          ? "responses that set a cookie or say `Cache-Control: private`/`no-store`/`no-cache` are cached and replayed to other users (measured on Varnish 7.1: a second client got the first one's Set-Cookie from cache, and a private page was cached)"
          : list[0] === 'Set-Cookie'
            ? "responses that set a cookie are cached, and one client's Set-Cookie (a session) is replayed to every other client (measured on Varnish 7.1)"
            : 'responses marked `Cache-Control: private`/`no-store`/`no-cache` (personalised pages) are cached and served to other users (measured on Varnish 7.1: a private page was cached)';
      const chain = callChain(trail, step);
      ctx.report({
        path: step.file,
        range: { start: step.stmt.start, end: step.stmt.end },
        message: `\`return (deliver)\` ends vcl_backend_response before the built-in checks run, and nothing on this path looks at ${what}: ${leak}. Check them before returning, as the built-in does (hit-for-miss), or let the code fall through to the built-in.`,
        related: chain.map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached from vcl_backend_response through this call` })),
        fixes: [{ title: 'Insert the built-in hit-for-miss checks before this return', safe: false, edits: [insertBlockBefore(file, step.stmt.start, GUARD(hitForMissTtl(ctx.version)))] }],
      });
    }
  },
});
