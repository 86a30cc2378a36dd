// vcl/grace-disabled: `set beresp.grace = 0s` for every cached response: no stale-while-revalidate.
import { defineVclRule } from '../rule';
import { backendEnds, catchAll, storingEnds } from '../../vcl/response';
import type { SetStmt } from '../../vcl/tree';

export default defineVclRule({
  id: 'vcl/grace-disabled',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: '`set beresp.grace = 0s` for every cached response: once an object expires, clients wait for the backend instead of getting the stale copy while it is refreshed.',
      why: 'Grace lets Varnish serve an expired object while one background fetch refreshes it (measured on Varnish 7.1: with 10 s grace the request after expiry was a stale hit; with grace 0 the client waited for the backend). Requests are still coalesced, so the backend is not stampeded, but every expiry makes the waiting clients slow, and a failing backend has nothing to fall back on. Keep a grace (e.g. 1h) and shorten it per request with `req.grace` when the backend is healthy.',
      bad: 'sub vcl_backend_response {\n    set beresp.grace = 0s;\n}',
      good: 'sub vcl_backend_response {\n    set beresp.grace = 1h;\n}',
    },
  },
  check(ctx) {
    const { ends, complete } = backendEnds(ctx.model);
    if (!complete) return;
    // Responses that are stored as real objects: not passes, not hit-for-miss markers.
    const stored = storingEnds(ends).filter((e) => !e.uncacheable);
    if (!stored.length || stored.some((e) => e.opaque || !e.grace || e.grace.seconds === undefined || e.grace.seconds > 0)) return;
    for (const st of catchAll(ctx.model, stored.map((e) => e.grace!.step))) {
      const stmt = st.stmt as SetStmt;
      const file = ctx.file(st.file);
      ctx.report({
        path: st.file,
        range: { start: stmt.start, end: stmt.end },
        message: `beresp.grace = ${file.text.slice(stmt.value.start, stmt.value.end)} for every cached response: when an object expires, clients wait for the backend instead of getting the stale copy while one background fetch refreshes it, and a failing backend has no stale copy to fall back on (measured on Varnish 7.1). Keep a grace such as 1h; limit it per request with req.grace if stale content must be short-lived.`,
        fixes: [{ title: 'Set beresp.grace = 1h', safe: false, edits: [{ path: st.file, start: stmt.value.start, end: stmt.value.end, newText: '1h' }] }],
      });
    }
  },
});
