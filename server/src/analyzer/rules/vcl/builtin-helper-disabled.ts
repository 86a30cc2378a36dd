// vcl/builtin-helper-disabled: `sub vcl_req_cookie { return; }` and friends switch off a built-in protection
// (Varnish 6.6+, where the built-in VCL is split into overridable helper subs).
import { defineVclRule } from '../rule';
import { reaches } from '../../vcl/flow';
import { builtinSub } from '../../vcl/data';
import { opaqueStep } from '../../vcl/response';
import type { Severity } from '../../types';

const HELPERS: Record<string, { severity: Severity; method: string; effect: string; advice: string }> = {
  vcl_req_authorization: {
    severity: 'error',
    method: 'vcl_recv',
    effect: 'requests with an Authorization header are looked up in the cache: one user\'s authenticated page can be served to another',
    advice: 'Narrow it to the URLs whose responses do not depend on the user (e.g. a public API behind a shared token)',
  },
  vcl_req_cookie: {
    severity: 'warning',
    method: 'vcl_recv',
    effect: 'requests with cookies are looked up in the cache (measured on Varnish 7.1: two users with different session cookies got the same cached page); only safe when the backend never personalises by cookie',
    advice: 'Narrow it with a condition (return only when no session cookie is present), or strip the harmless cookies in vcl_recv and keep the built-in check',
  },
  vcl_beresp_cookie: {
    severity: 'error',
    method: 'vcl_backend_response',
    effect: "responses that set a cookie are cached, and one client's Set-Cookie (a session) is replayed to every other client",
    advice: 'Narrow it to responses known to be anonymous (e.g. static assets by URL), and remove their Set-Cookie there',
  },
  vcl_beresp_control: {
    severity: 'warning',
    method: 'vcl_backend_response',
    effect: 'responses marked `Cache-Control: private`, `no-store` or `no-cache` (and `Surrogate-Control: no-store`) are cached and served to everyone',
    advice: 'Narrow it with a condition (e.g. only for URLs whose `no-cache` is meant for browsers)',
  },
};

export default defineVclRule({
  id: 'vcl/builtin-helper-disabled',
  dialect: 'vcl',
  meta: {
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: {
      summary: '`sub vcl_req_authorization|vcl_req_cookie|vcl_beresp_cookie|vcl_beresp_control { return; }` switches off a built-in protection for every request (Varnish 6.6+). An error for the Authorization and Set-Cookie checks.',
      why: 'Since Varnish 6.6 the built-in VCL is split into helper subs that user code may extend; a user definition runs first, so an unconditional `return;` skips the built-in check entirely. Measured on Varnish 7.1 with `sub vcl_req_cookie { return; }`: requests with different session cookies got the same cached page. Without `vcl_req_authorization` authenticated pages are shared; without `vcl_beresp_cookie` a Set-Cookie is cached and replayed. Narrow the override with a condition (e.g. return only for the cookies you know are anonymous), or strip the harmless cookies in `vcl_recv` instead. Varnish 6.0 has no such subs (the name is rejected there).',
      bad: 'sub vcl_req_cookie {\n    return;\n}',
      good: 'sub vcl_req_cookie {\n    if (req.http.Cookie !~ "(^|;\\s*)(session|sid|wordpress_logged_in)[^=]*=") {\n        return;\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!model.builtin) return;
    for (const [name, h] of Object.entries(HELPERS)) {
      const defs = model.subs.get(name);
      if (!defs || !builtinSub(name, ctx.version)) continue;
      // A plain `return;` of the user's definition reached without any condition.
      const r = reaches(model, name, (st) => !st.builtin && st.sub === name && st.stmt.type === 'return' && !st.stmt.action, () => true);
      if (!r.complete) continue;
      const m = r.matches.find((x) => !x.path.steps.some(opaqueStep));
      if (!m) continue;
      // The helper runs at all: the method reaches the built-in call of it.
      const called = reaches(model, h.method, (st) => st.builtin && st.stmt.type === 'call' && !st.stmt.expr && st.stmt.target.name === name, () => false);
      if (!called.complete || !called.reachable) continue;
      const def = defs.find((d) => d.file === m.step.file) ?? defs[0];
      ctx.report({
        path: m.step.file,
        range: { start: m.step.stmt.start, end: m.step.stmt.end },
        severity: h.severity,
        message: `This \`return;\` leaves ${name} before the built-in check runs, for every ${h.method === 'vcl_recv' ? 'request' : 'response'}: ${h.effect}. ${h.advice}.`,
        related: [{ path: def.file, range: def.range, message: `${name} overrides part of the built-in ${h.method}` }],
      });
    }
  },
});
