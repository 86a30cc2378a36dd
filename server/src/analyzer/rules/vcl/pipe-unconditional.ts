// vcl/pipe-unconditional: every path through vcl_recv ends in `return (pipe)`: Varnish is a TCP tunnel.
import { defineVclRule } from '../rule';
import { callChain, endsOnlyWithout, programComplete, reachWithout, wrapStatements } from '../../vcl/guards';
import type { RelatedInfo } from '../../types';

export default defineVclRule({
  id: 'vcl/pipe-unconditional',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'No path through `vcl_recv` reaches `return (hash)` or `return (pass)`: every request that is not answered by synth is piped.',
      why: 'A piped connection is a raw tunnel to the backend: nothing is cached, and the later requests on the same client connection bypass VCL altogether (verified on Varnish 7.1.1: `s_pipe` = 2, no hit). Pipe is for WebSocket upgrades and methods Varnish does not understand, not for ordinary traffic.',
      bad: 'sub vcl_recv {\n    return (pipe);\n}',
      good: 'sub vcl_recv {\n    if (req.http.Upgrade ~ "(?i)websocket") {\n        return (pipe);\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.builtin || !model.subs.size) return;
    if (!endsOnlyWithout(model, 'vcl_recv', ['hash', 'purge', 'pass', 'vcl'])) return;
    const r = reachWithout(model, 'vcl_recv', { target: (st) => !st.builtin && st.stmt.type === 'return' && st.stmt.action?.text === 'pipe' });
    if (!r.complete) return;
    for (const m of r.steps) {
      const file = ctx.file(m.step.file);
      const related: RelatedInfo[] = callChain(m.path, m.step).map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached through this call in ${c.sub}` }));
      ctx.report({
        path: m.step.file,
        range: { start: m.step.stmt.start, end: m.step.stmt.end },
        message: 'Every path through vcl_recv (the subs it calls and the built-in VCL included) ends in return (pipe) or synth, this return among them: every request is tunnelled to the backend, nothing is cached, and the later requests on each client connection bypass VCL entirely. Pipe only what needs a raw tunnel, e.g. WebSocket upgrades (req.http.Upgrade ~ "(?i)websocket").',
        related,
        fixes: [{ title: 'Pipe only WebSocket upgrades', safe: false, edits: [wrapStatements(file, m.step.stmt.start, m.step.stmt.end, 'if (req.http.Upgrade ~ "(?i)websocket")')] }],
      });
    }
  },
});
