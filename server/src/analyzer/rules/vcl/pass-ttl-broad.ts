// vcl/pass-ttl-broad: `return (pass(D))` ends vcl_backend_response for every response: everything becomes a
// hit-for-pass object.
import { defineVclRule } from '../rule';
import { backendEnds, catchAll } from '../../vcl/response';

export default defineVclRule({
  id: 'vcl/pass-ttl-broad',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: {
      summary: '`return (pass(D))` in `vcl_backend_response` is taken for every response: each URL becomes a hit-for-pass object for D, nothing is cached.',
      why: '`return (pass(DURATION))` stores a hit-for-pass marker: for DURATION every request for that URL bypasses the cache, without even request coalescing. Taken unconditionally, it turns the cache off (measured on Varnish 7.1: every later request counted as `cache_hitpass`). It belongs under a condition that picks the uncacheable responses.',
      bad: 'sub vcl_backend_response {\n    return (pass(120s));\n}',
      good: 'sub vcl_backend_response {\n    if (beresp.http.Set-Cookie) {\n        return (pass(120s));\n    }\n}',
    },
  },
  check(ctx) {
    const { ends, complete } = backendEnds(ctx.model);
    if (!complete) return;
    const relevant = ends.filter((e) => (e.kind === 'deliver' || e.kind === 'end' || e.kind === 'pass') && !e.passFetch);
    if (!relevant.length || relevant.some((e) => e.opaque || e.kind !== 'pass')) return;
    for (const st of catchAll(ctx.model, relevant.map((e) => e.step!))) {
      const file = ctx.file(st.file);
      const text = file.text.slice(st.stmt.start, st.stmt.end);
      ctx.report({
        path: st.file,
        range: { start: st.stmt.start, end: st.stmt.end },
        message: `Every response vcl_backend_response handles ends in \`${text.replace(/;$/, '')}\`: each URL becomes a hit-for-pass object and every request for it goes to the backend, so nothing is ever cached (measured on Varnish 7.1: all later requests were hit-for-pass). Take this return only for the responses that must not be cached (Set-Cookie, private, an admin URL).`,
      });
    }
  },
});
