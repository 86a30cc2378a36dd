// vcl/cache-status-not-observable: nothing in vcl_deliver tells clients whether the response was a HIT or a
// MISS, so a collapsing hit rate goes unnoticed from the outside.
import { defineVclRule } from '../rule';
import { reaches } from '../../vcl/flow';
import { anyUserStatement, appendSub, firstUserSub, insertBlockAtStart, isHeader, isVar, opaqueStep, stmtMentions } from '../../vcl/response';
import type { NameExpr, Statement } from '../../vcl/tree';

const SNIPPET = ['if (obj.hits > 0) {', '\tset resp.http.X-Cache = "HIT";', '} else {', '\tset resp.http.X-Cache = "MISS";', '}'];

/** Reads the hit status, or sets a response header that looks like a cache-status header. */
function exposes(s: Statement): boolean {
  const hitVar = (n: NameExpr) => isVar(n, 'obj.hits') || isVar(n, 'req.is_hitmiss') || isVar(n, 'req.is_hitpass');
  if (stmtMentions(s, hitVar)) return true;
  return s.type === 'set' && isHeader(s.target, 'resp') && /cache|hit/i.test(s.target.parts[2].text);
}

export default defineVclRule({
  id: 'vcl/cache-status-not-observable',
  dialect: 'vcl',
  meta: {
    category: 'observability',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: 'Nothing in `vcl_deliver` exposes whether a response was a HIT or a MISS (`obj.hits`, an `X-Cache` header): a collapsing hit rate is invisible from the outside.',
      why: 'Varnish\'s own `X-Varnish` header (one XID on a miss, two on a hit) and `Age` are easy to misread, and the hit/miss counters need shell access to `varnishstat`. Most caching bugs (a cookie or Vary that makes everything pass, a TTL of 0) show up first as "everything is a MISS". One header from `obj.hits` makes that visible in a browser or `curl -I`.',
      bad: 'sub vcl_deliver {\n    unset resp.http.Via;\n}',
      good: 'sub vcl_deliver {\n    if (obj.hits > 0) {\n        set resp.http.X-Cache = "HIT";\n    } else {\n        set resp.http.X-Cache = "MISS";\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    // Only a whole program (a `vcl` line), not a fragment meant to be included.
    if (!model.version || model.version.file !== model.entries[0]) return;
    // A VCL that hands requests to other VCLs (`return (vcl(label))`): its own policy is mostly not used.
    if (anyUserStatement(model, (s) => s.type === 'return' && s.action?.text === 'vcl')) return;
    const r = reaches(model, 'vcl_deliver', (st) => !st.builtin && (exposes(st.stmt) || opaqueStep(st)), () => false, { builtin: false });
    if (!r.complete || r.reachable) return;
    const deliver = firstUserSub(model, 'vcl_deliver');
    const main = ctx.file(model.entries[0]);
    const edit = deliver ? insertBlockAtStart(ctx.file(deliver.file), deliver.node.body.open, deliver.node.body.body[0], SNIPPET) : appendSub(main, 'vcl_deliver', SNIPPET);
    ctx.report({
      path: deliver ? deliver.file : main.path,
      range: deliver ? deliver.range : model.version.range,
      message: `${deliver ? 'vcl_deliver sets no header from obj.hits' : 'There is no vcl_deliver, so no header shows obj.hits'} (such as X-Cache: HIT/MISS): whether responses come from cache is invisible without varnishstat, so a cookie, Vary or TTL mistake that makes everything a MISS goes unnoticed. Add an X-Cache header from obj.hits.`,
      fixes: [{ title: 'Add an X-Cache: HIT/MISS header in vcl_deliver', safe: true, edits: [edit] }],
    });
  },
});
