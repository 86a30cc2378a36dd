// vcl/ttl-zero-early-return: `set beresp.ttl = 0s` (or less) then `return (deliver)`: the object is never a hit,
// and up to Varnish 7 the requests for it queue one behind another on the waiting list.
import { defineVclRule } from '../rule';
import { uncacheableRewrite } from './ttl-zero-fallthrough';
import { ttlZeroOutcomes } from '../../vcl/response';

export default defineVclRule({
  id: 'vcl/ttl-zero-early-return',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`set beresp.ttl = 0s` (or a negative TTL) followed by `return (deliver)` without `beresp.uncacheable`: never a hit, and concurrent requests for the URL are served one after another.',
      why: 'The early return skips the built-in hit-for-miss marking. Varnish inserts an object with TTL 0 that no lookup ever uses, not even within grace (measured on 7.1: 0 hits). Worse, requests waiting for it on the waiting list are woken one at a time: three concurrent clients on a 1 s backend finished after 2, 3 and 4 s (with a hit-for-miss object they finished together). Varnish 8.0 reworked the waiting list, so there it is "only" never cached.',
      bad: 'sub vcl_backend_response {\n    if (beresp.status >= 500) {\n        set beresp.ttl = 0s;\n        return (deliver);\n    }\n}',
      good: 'sub vcl_backend_response {\n    if (beresp.status >= 500) {\n        set beresp.uncacheable = true;\n        set beresp.ttl = 120s;\n        return (deliver);\n    }\n}',
    },
  },
  check(ctx) {
    const { outcomes, complete } = ttlZeroOutcomes(ctx.model);
    if (!complete) return;
    const v8 = ctx.version === '8.0';
    for (const o of outcomes) {
      if (o.opaque || !o.delivers.length) continue;
      const file = ctx.file(o.file);
      const ttl = file.text.slice(o.stmt.value.start, o.stmt.value.end);
      ctx.report({
        path: o.file,
        range: { start: o.stmt.start, end: o.stmt.end },
        severity: v8 ? 'warning' : undefined,
        message: v8
          ? `beresp.ttl = ${ttl} and then \`return (deliver)\` skips the built-in hit-for-miss marking: the object is stored with no TTL and no lookup ever uses it, so every request for it goes to the backend. Mark it uncacheable instead (\`set beresp.uncacheable = true; set beresp.ttl = 120s;\`) so later requests skip the waiting list.`
          : `beresp.ttl = ${ttl} and then \`return (deliver)\` skips the built-in hit-for-miss marking: the object is never a hit (not even in grace), and concurrent requests for it are served one after another from the waiting list (measured on Varnish 7.1: 3 clients on a 1 s backend took 2, 3 and 4 s). Mark it uncacheable instead: \`set beresp.uncacheable = true; set beresp.ttl = 120s;\`.`,
        related: o.delivers.map((d) => ({ path: d.file, range: { start: d.stmt.start, end: d.stmt.end }, message: 'the object is delivered here with that TTL' })),
        fixes: [{ title: 'Make it a hit-for-miss object (uncacheable, ttl 120s)', safe: false, edits: [uncacheableRewrite(file, o.stmt, ctx.version)] }],
      });
    }
  },
});
