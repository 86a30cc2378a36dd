// vcl/pass-unconditional: every path through vcl_recv ends in `return (pass)` (or synth/pipe): nothing is cached.
import { defineVclRule } from '../rule';
import { callChain, endsOnlyWithout, programComplete, reachWithout } from '../../vcl/guards';
import type { RelatedInfo } from '../../types';

export default defineVclRule({
  id: 'vcl/pass-unconditional',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: {
      summary: 'No path through `vcl_recv` (your code, the subs it calls and the built-in code after it) reaches `return (hash)`: every request that is not answered by synth or piped ends in `return (pass)`.',
      why: 'A passed request always goes to the backend and its response is never stored, so the hit rate is 0 (verified on Varnish 7.1.1: 3 requests, `s_pass` = 3, `backend_req` = 3, no hit). Usually a debugging leftover or an over-broad condition. Pass only what must not be cached and let the rest fall through to the built-in VCL.',
      bad: 'sub vcl_recv {\n    return (pass);\n}',
      good: 'sub vcl_recv {\n    if (req.url ~ "^/admin") {\n        return (pass);\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.builtin || !model.subs.size) return;
    // Nothing in vcl_recv (built-in included) may lead to a lookup; unknown code may.
    if (!endsOnlyWithout(model, 'vcl_recv', ['hash', 'purge', 'vcl'])) return;
    const r = reachWithout(model, 'vcl_recv', { target: (st) => !st.builtin && st.stmt.type === 'return' && st.stmt.action?.text === 'pass' });
    if (!r.complete) return;
    for (const m of r.steps) {
      const related: RelatedInfo[] = callChain(m.path, m.step).map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached through this call in ${c.sub}` }));
      ctx.report({
        path: m.step.file,
        range: { start: m.step.stmt.start, end: m.step.stmt.end },
        message: 'Every path through vcl_recv (the subs it calls and the built-in VCL included) ends in return (pass), synth or pipe, this return among them: no request is ever looked up in the cache, so every one goes to the backend (hit rate 0). Pass only what must not be cached (a URL, a method, a login cookie) and let the rest fall through to the built-in VCL.',
        related,
      });
    }
  },
});
