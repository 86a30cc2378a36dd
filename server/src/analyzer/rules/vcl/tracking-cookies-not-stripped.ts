// vcl/tracking-cookies-not-stripped: caching is intended, but vcl_recv leaves req.http.Cookie alone, so the
// built-in Cookie check passes every request of a visitor with an analytics cookie.
import { defineVclRule } from '../rule';
import { reaches } from '../../vcl/flow';
import { walkStatements, type Statement } from '../../vcl/tree';
import { anyUserStatement, appendSub, firstUserSub, importsVmod, insertBlockAtStart, isHeader, literalSeconds, mentions, opaqueStep, stmtMentions } from '../../vcl/response';

const STRIP = [
  'if (req.http.Cookie) {',
  '\tset req.http.Cookie = regsuball(req.http.Cookie, "(^|;\\s*)(_ga[^=]*|_gid|_gat[^=]*|_fbp|_gcl_[a-z]+|__utm[a-z]+)=[^;]*", "");',
  '\tset req.http.Cookie = regsub(req.http.Cookie, "^;\\s*", "");',
  '\tif (req.http.Cookie ~ "^\\s*$") {',
  '\t\tunset req.http.Cookie;',
  '\t}',
  '}',
];

export default defineVclRule({
  id: 'vcl/tracking-cookies-not-stripped',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: 'Caching is intended (a `beresp.ttl` is set) but `vcl_recv` never strips analytics cookies (`_ga`, `_gid`, `_fbp`, `__utm*`): the built-in VCL passes every request that carries any cookie.',
      why: 'The built-in `vcl_recv` (`vcl_req_cookie` since 6.6) sends every request with a Cookie header to the backend uncached. Analytics scripts set cookies on every visitor, so once a page has loaded Google Analytics or a Facebook pixel, that visitor is never served from cache (measured on Varnish 7.1: a request with only `_ga` was a pass). Stripping those cookies in `vcl_recv` (the Varnish docs\' idiom) made GA-only requests hit while a session cookie still passed.',
      bad: 'sub vcl_backend_response {\n    set beresp.ttl = 10m;\n}',
      good: 'sub vcl_recv {\n    if (req.http.Cookie) {\n        set req.http.Cookie = regsuball(req.http.Cookie, "(^|;\\s*)(_ga[^=]*|_gid|_fbp|__utm[a-z]+)=[^;]*", "");\n        set req.http.Cookie = regsub(req.http.Cookie, "^;\\s*", "");\n        if (req.http.Cookie ~ "^\\s*$") {\n            unset req.http.Cookie;\n        }\n    }\n}\n\nsub vcl_backend_response {\n    set beresp.ttl = 10m;\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!model.version || !model.builtin) return;
    // A VCL that hands requests to other VCLs (`return (vcl(label))`): its own policy is mostly not used.
    if (anyUserStatement(model, (s) => s.type === 'return' && s.action?.text === 'vcl')) return;
    // Caching intended: a positive (or computed) TTL set somewhere.
    let intent: { stmt: Statement; file: string } | undefined;
    for (const f of model.files.values()) {
      walkStatements(f.tree.items, (s) => {
        if (intent) return false;
        if (s.type === 'set' && s.target.name.toLowerCase() === 'beresp.ttl') {
          const v = literalSeconds(s.value);
          if (v === undefined || v > 0) intent = { stmt: s, file: f.path };
        }
      });
    }
    if (!intent) return;
    // Cookies handled somewhere: rewritten, removed, parsed by a VMOD, or the helper overridden.
    const cookie = (n: import('../../vcl/tree').NameExpr) => isHeader(n, 'req', 'cookie');
    if (importsVmod(model, 'cookie') || importsVmod(model, 'cookieplus') || model.subs.has('vcl_req_cookie')) return;
    if (anyUserStatement(model, (s) => (s.type === 'set' || s.type === 'unset' ? cookie(s.target) || (s.type === 'set' && mentions(s.value, cookie)) : s.type !== 'if' && stmtMentions(s, cookie)))) return;
    // The built-in's `return (pass)` for a request with a Cookie.
    const passes = new Set<Statement>();
    for (const it of model.builtin.tree.items) {
      walkStatements([it], (s) => {
        if (s.type !== 'if') return;
        for (const b of s.branches) {
          if (!mentions(b.cond, cookie)) continue;
          for (const x of b.body.body) if (x.type === 'return' && x.action?.text === 'pass') passes.add(x);
        }
      });
    }
    const r = reaches(model, 'vcl_recv', (st) => st.builtin && passes.has(st.stmt), (e, _p, c) => !c.builtin && mentions(e, cookie));
    if (!r.complete || !r.reachable || r.matches.every((m) => m.path.steps.some(opaqueStep))) return;
    const recv = firstUserSub(model, 'vcl_recv');
    const main = ctx.file(model.entries[0]);
    const edit = recv
      ? insertBlockAtStart(ctx.file(recv.file), recv.node.body.open, recv.node.body.body[0], STRIP)
      : appendSub(main, 'vcl_recv', STRIP);
    const at = recv ? { path: recv.file, range: recv.range } : { path: intent.file, range: { start: intent.stmt.start, end: intent.stmt.end } };
    ctx.report({
      ...at,
      message:
        'Responses are given a TTL, but vcl_recv never strips analytics cookies (_ga, _gid, _fbp, __utm*) from req.http.Cookie: the built-in VCL passes every request that carries a cookie, so any visitor with Google Analytics or a Facebook pixel is never served from cache (measured on Varnish 7.1). Remove those cookies in vcl_recv, and the header when nothing is left.',
      related: recv ? [{ path: intent.file, range: { start: intent.stmt.start, end: intent.stmt.end }, message: 'caching is intended: a TTL is set here' }] : [],
      fixes: [{ title: 'Strip analytics cookies in vcl_recv', safe: false, edits: [edit] }],
    });
  },
});
