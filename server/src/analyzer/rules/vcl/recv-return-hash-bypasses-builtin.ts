// vcl/recv-return-hash-bypasses-builtin: `return (hash)` in vcl_recv skips the built-in pass for requests with
// Authorization or Cookie, so pages personalised for one user are cached and served to the next.
import { defineVclRule } from '../rule';
import type { FlowPath, FlowStep } from '../../vcl/flow';
import { callChain, changesHeader, headerTestGuard, insertBeforeStatement, mentionsHeader, programComplete, reachWithout, userStatements } from '../../vcl/guards';
import { statementExprs } from '../../vcl/tree';
import type { RelatedInfo } from '../../types';

const HEADERS = [
  { key: 'authorization', name: 'Authorization' },
  { key: 'cookie', name: 'Cookie' },
] as const;

export default defineVclRule({
  id: 'vcl/recv-return-hash-bypasses-builtin',
  dialect: 'vcl',
  meta: {
    category: 'security',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`return (hash)` in `vcl_recv` (or a sub it calls) is reached without any check of `req.http.Authorization` / `req.http.Cookie`, so the built-in VCL\'s `return (pass)` for such requests never runs.',
      why: 'Varnish runs its built-in `vcl_recv` only when yours falls through. It passes every request that carries Authorization or a Cookie, because the response may be personalised. An early `return (hash)` skips that: the first user\'s page is cached and served to everyone (verified on Varnish 7.1.1: Bob got "Account of ALICE" as a cache hit). A path that tests the header, or unsets it before the return, counts as guarded; so does a `vcl_hash` that puts the header into the cache key.',
      bad: 'sub vcl_recv {\n    if (req.url ~ "^/account") {\n        return (hash);\n    }\n}',
      good: 'sub vcl_recv {\n    if (req.http.Authorization || req.http.Cookie) {\n        return (pass);\n    }\n    if (req.url ~ "^/account") {\n        return (hash);\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.subs.size) return;
    // A header that vcl_hash puts into the key (or tests) separates the users: not shared.
    const hashed = new Set<string>();
    for (const { stmt } of userStatements(model, 'vcl_hash')) {
      for (const e of statementExprs(stmt)) for (const h of HEADERS) if (mentionsHeader(e, [h.key])) hashed.add(h.key);
    }
    const isTarget = (st: FlowStep) => !st.builtin && st.stmt.type === 'return' && st.stmt.action?.text === 'hash';
    const missing = new Map<FlowStep['stmt'], { step: FlowStep; path: FlowPath; headers: string[] }>();
    for (const h of HEADERS) {
      if (hashed.has(h.key)) continue;
      const r = reachWithout(model, 'vcl_recv', { target: isTarget, guard: headerTestGuard([h.key]), cut: (st) => changesHeader(st.stmt, [h.key]) });
      if (!r.complete) return;
      for (const m of r.steps) {
        const cur = missing.get(m.step.stmt);
        if (cur) cur.headers.push(h.name);
        else missing.set(m.step.stmt, { step: m.step, path: m.path, headers: [h.name] });
      }
    }
    for (const { step, path, headers } of missing.values()) {
      const file = ctx.file(step.file);
      const both = headers.length === 2;
      const what = both ? 'Authorization or Cookie' : headers[0];
      const cond = headers.map((n) => `req.http.${n}`).join(' || ');
      const related: RelatedInfo[] = callChain(path, step).map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached through this call in ${c.sub}` }));
      ctx.report({
        path: step.file,
        range: { start: step.stmt.start, end: step.stmt.end },
        message: `This return (hash) is reached without checking req.http.${headers.join(' or req.http.')}: it skips the built-in VCL's return (pass) for requests with ${what}, so a page personalised for one user is cached and served to others. Pass such requests first (if (${cond}) { return (pass); }), unset the header where it is not needed, or let vcl_recv fall through to the built-in.`,
        related,
        fixes: [
          {
            title: `Pass requests with ${what} before this return (hash)`,
            safe: false,
            edits: [insertBeforeStatement(file, step.stmt.start, `if (${cond}) { return (pass); }`)],
          },
        ],
      });
    }
  },
});
