// vcl/unset-set-cookie-unscoped: `unset beresp.http.Set-Cookie` on every response: login responses lose their
// cookie and are cached.
import { defineVclRule } from '../rule';
import { facts, type FlowStep } from '../../vcl/flow';
import { indentAt } from '../../fixes';
import { callChain, catchAll, explore, indentUnit, isHeader, opaqueStep } from '../../vcl/response';
import { unparen } from '../../vcl/tree';

const STATIC = '\\.(css|js|mjs|png|gif|jpe?g|webp|avif|svg|ico|woff2?|ttf|eot)(\\?.*)?$';

export default defineVclRule({
  id: 'vcl/unset-set-cookie-unscoped',
  dialect: 'vcl',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: '`unset beresp.http.Set-Cookie` runs for every response (no URL, host or content-type condition spares any): every response loses its cookies and becomes cacheable, login responses included.',
      why: 'Removing Set-Cookie switches off the built-in "Set-Cookie → hit-for-miss" protection for every response. Measured on Varnish 7.1 with a global unset: the login response was cached, and neither the user logging in nor anyone after got the session cookie, so login broke. The Varnish docs suggest it only for responses where the backend "acts silly", such as static files.',
      bad: 'sub vcl_backend_response {\n    unset beresp.http.Set-Cookie;\n}',
      good: 'sub vcl_backend_response {\n    if (bereq.url ~ "\\.(css|js|png|jpg|svg|woff2?)(\\?.*)?$") {\n        unset beresp.http.Set-Cookie;\n    }\n}',
    },
  },
  check(ctx) {
    // Unscoped: every response vcl_backend_response lets through (delivered, hit-for-pass or left to the
    // built-in) has its Set-Cookie removed on the way, or is known to have none.
    interface State {
      unset?: FlowStep;
      absent: boolean;
      opaque: boolean;
      trail: FlowStep[];
    }
    const ends: { state: State; kind: string }[] = [];
    const r = explore<State>(
      ctx.model,
      'vcl_backend_response',
      {
        init: { absent: false, opaque: false, trail: [] },
        key: (s) => `${s.unset ? `${s.unset.file}:${s.unset.stmt.start}` : ''}|${+s.absent}${+s.opaque}`,
        cond: (s, c) => {
          for (const f of facts(c.expr, c.polarity)) if (isHeader(unparen(f.expr), 'beresp', 'set-cookie') && !f.polarity) return { ...s, absent: true };
          return s;
        },
        step: (s, st) => {
          if (opaqueStep(st)) return { ...s, opaque: true };
          const x = st.stmt;
          if (x.type === 'unset' && isHeader(x.target, 'beresp', 'set-cookie') && !s.unset && !s.absent) return { ...s, unset: st };
          if (x.type === 'call' && !x.expr) return { ...s, trail: [...s.trail, st] };
          return s;
        },
        end: (s, end) => {
          if (end.kind === 'match') return;
          ends.push({ state: s, kind: end.kind === 'end' ? 'end' : end.action });
        },
      },
      { builtin: false },
    );
    if (!r.complete) return;
    const relevant = ends.filter((e) => e.kind === 'deliver' || e.kind === 'end' || e.kind === 'pass');
    if (!relevant.some((e) => e.state.unset) || relevant.some((e) => e.state.opaque || (!e.state.unset && !e.state.absent))) return;
    const trails = new Map(relevant.filter((e) => e.state.unset).map((e) => [e.state.unset!.stmt, e.state.trail]));
    for (const st of catchAll(ctx.model, relevant.filter((e) => e.state.unset).map((e) => e.state.unset!))) {
      const file = ctx.file(st.file);
      const indent = indentAt(file, st.stmt.start);
      const unit = indentUnit(file);
      const eol = file.lines.eol();
      const lineStart = file.lines.lineStart(file.lines.positionAt(st.stmt.start).line);
      const own = /^[ \t]*$/.test(file.text.slice(lineStart, st.stmt.start));
      const inner = file.text.slice(st.stmt.start, st.stmt.end);
      const newText = own
        ? `if (bereq.url ~ "${STATIC}") {${eol}${indent}${unit}${inner}${eol}${indent}}`
        : `if (bereq.url ~ "${STATIC}") { ${inner} }`;
      const chain = callChain(trails.get(st.stmt) ?? [], st);
      ctx.report({
        path: st.file,
        range: { start: st.stmt.start, end: st.stmt.end },
        message:
          'Set-Cookie is removed from every response vcl_backend_response lets through (no URL, host or content-type condition spares any): the built-in no longer makes cookie-setting responses uncacheable, so a login response is cached without its cookie and the user is never logged in (measured on Varnish 7.1). Remove the cookie only for static assets, e.g. under `if (bereq.url ~ "\\.(css|js|png|…)$")`.',
        related: chain.map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: 'reached from vcl_backend_response through this call' })),
        fixes: [{ title: 'Only remove Set-Cookie from static assets (by URL extension)', safe: false, edits: [{ path: st.file, start: st.stmt.start, end: st.stmt.end, newText }] }],
      });
    }
  },
});
