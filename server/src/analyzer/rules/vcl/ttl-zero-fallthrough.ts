// vcl/ttl-zero-fallthrough: `set beresp.ttl = 0s` with no return after it: the built-in turns it into a
// hit-for-miss object, which works, but says so only implicitly.
import { defineVclRule } from '../rule';
import { indentAt } from '../../fixes';
import { anyUserStatement, hitForMissTtl, isVar, mentions, stmtMentions, ttlZeroOutcomes } from '../../vcl/response';
import type { VclFile } from '../../vcl/model';
import type { NameExpr, SetStmt } from '../../vcl/tree';
import type { TextEdit } from '../../types';
import type { VarnishVersion } from '../../vcl/data';

/** `set beresp.ttl = 0s;` → `set beresp.uncacheable = true;` + `set beresp.ttl = <hit-for-miss ttl>;` */
export function uncacheableRewrite(file: VclFile, stmt: SetStmt, version: VarnishVersion): TextEdit {
  const lineStart = file.lines.lineStart(file.lines.positionAt(stmt.start).line);
  const own = /^[ \t]*$/.test(file.text.slice(lineStart, stmt.start));
  const sep = own ? file.lines.eol() + indentAt(file, stmt.start) : ' ';
  return { path: file.path, start: stmt.start, end: stmt.end, newText: `set beresp.uncacheable = true;${sep}set beresp.ttl = ${hitForMissTtl(version)};` };
}

export default defineVclRule({
  id: 'vcl/ttl-zero-fallthrough',
  dialect: 'vcl',
  meta: {
    category: 'correctness',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: '`set beresp.ttl = 0s` with no return after it: the built-in VCL then makes the response a hit-for-miss object for 2 minutes. Say so explicitly with `beresp.uncacheable`.',
      why: 'A TTL of 0 alone does not mean "do not cache, fetch each time": it works only because the built-in `vcl_backend_response` (its `beresp.ttl <= 0s` check) turns it into a hit-for-miss object with a 120 s TTL (measured on Varnish 7.1). Adding a `return (deliver)` later, or overriding `vcl_beresp_stale`, silently turns it into a never-hit object that serialises concurrent requests. `set beresp.uncacheable = true; set beresp.ttl = 120s;` does the same thing on its own.',
      bad: 'sub vcl_backend_response {\n    if (bereq.url ~ "^/cart") {\n        set beresp.ttl = 0s;\n    }\n}',
      good: 'sub vcl_backend_response {\n    if (bereq.url ~ "^/cart") {\n        set beresp.uncacheable = true;\n        set beresp.ttl = 120s;\n    }\n}',
    },
  },
  check(ctx) {
    const { outcomes, complete } = ttlZeroOutcomes(ctx.model);
    if (!complete) return;
    // The rewrite changes the TTL seen by later code (0 → 120 s): safe only when no code reads it back.
    const ttlOrFlag = (n: NameExpr) => isVar(n, 'beresp.ttl') || isVar(n, 'beresp.uncacheable');
    const readsBack = anyUserStatement(ctx.model, (s) => (s.type === 'set' ? mentions(s.value, ttlOrFlag) : s.type !== 'unset' && stmtMentions(s, ttlOrFlag)));
    for (const o of outcomes) {
      // A deliver after it is vcl/ttl-zero-early-return's finding.
      if (o.opaque || o.delivers.length || !o.fallsThrough) continue;
      const file = ctx.file(o.file);
      const ttl = file.text.slice(o.stmt.value.start, o.stmt.value.end);
      ctx.report({
        path: o.file,
        range: { start: o.stmt.start, end: o.stmt.end },
        message: `beresp.ttl = ${ttl} with no return after it: only the built-in \`beresp.ttl <= 0s\` check turns this into a hit-for-miss object (uncacheable for ${ctx.version === '8.0' ? 'uncacheable_ttl' : '120 s'}); a later \`return (deliver)\` would make it a never-hit object that serialises requests. Say it explicitly: \`set beresp.uncacheable = true; set beresp.ttl = ${hitForMissTtl(ctx.version)};\`.`,
        fixes: [{ title: 'Rewrite as beresp.uncacheable = true', safe: !readsBack, edits: [uncacheableRewrite(file, o.stmt, ctx.version)] }],
      });
    }
  },
});
