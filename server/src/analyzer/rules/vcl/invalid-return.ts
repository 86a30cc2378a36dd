// vcl/invalid-return: a `return (action)` the subroutine does not allow, as VCC checks it (per sub and Varnish
// version), including the returns of custom subs reached through `call` from each built-in method.
import { defineVclRule } from '../rule';
import { RETURN_ACTION_NAMES } from '../../vcl/parser';
import { knownActions, methodsOf, RETURNS, subroutineContext } from '../../vcl/data';
import { andList, chainRelated, legalReturnsOf, quoteList, removedReturn, returnContexts, subContexts, subStatements, vclSyntax } from '../../vcl/checks';

export default defineVclRule({
  id: 'vcl/invalid-return',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'A `return (action)` the subroutine does not allow (`return (pass)` in `vcl_hash`, `return (deliver)` in `vcl_recv`), per Varnish version — also inside a custom sub `call`ed from a built-in one.',
      why: 'Each built-in subroutine is one step of Varnish\'s state machine and only has a few ways out: `vcl_hash` can only `lookup` (or `fail`), `vcl_recv` cannot `deliver`. VCC checks every `return` of a sub, and of every custom sub it calls, against the legal list of each built-in subroutine that reaches it, and refuses to load the VCL otherwise (`Invalid return "pass"` … `Legal returns are: "fail" "lookup"`). A custom sub called from both `vcl_recv` and `vcl_hash` may only return what both allow.',
      bad: 'sub vcl_hash {\n    if (req.http.Cookie) {\n        return (pass);\n    }\n}',
      good: 'sub vcl_recv {\n    if (req.http.Cookie) {\n        return (pass);\n    }\n}',
    },
  },
  check(ctx) {
    const { model, version } = ctx;
    const syntax = vclSyntax(model);
    const contexts = subContexts(model, version);
    const known = new Set<string>(knownActions(version));
    const legalIn = (action: string) => methodsOf(version).filter((m) => (RETURNS[version][m] as readonly string[] | undefined)?.includes(action));
    for (const name of model.subs.keys()) {
      const builtin = subroutineContext(name, version);
      // A `vcl_*` name Varnish does not know (vcl_fetch …): vcl/removed-syntax / vcl/undefined-reference say so.
      if (name.startsWith('vcl_') && !builtin) continue;
      const ctxs = contexts.get(name) ?? [];
      for (const { stmt, file } of subStatements(model, name)) {
        if (stmt.type !== 'return' || !stmt.action) continue;
        const action = stmt.action.text;
        const range = { start: stmt.action.start, end: stmt.action.end };
        // vcl/syntax reports names that are no action at all; vcl/removed-syntax the Varnish 2/3 returns.
        if (!RETURN_ACTION_NAMES.has(action)) continue;
        if (removedReturn(action, returnContexts(name, ctxs), version, syntax)) continue;
        if (!known.has(action)) {
          const where = (['6.0', '7.1', '8.0'] as const).filter((v) => knownActions(v).includes(action as never));
          ctx.report({
            path: file,
            range,
            message: `Expected return action name: Varnish ${version} has no return action "${action}" (it exists in Varnish ${where.join(', ')}), so varnishd will not load this VCL. Use an action of this version: the legal ones here are ${quoteList(builtin ? legalReturnsOf(builtin, version) : [...known].sort())}.`,
          });
          continue;
        }
        const bad = ctxs.filter((c) => !legalReturnsOf(c.method, version).includes(action));
        if (!bad.length) continue;
        const goodSubs = legalIn(action);
        const hint = goodSubs.length ? ` "${action}" is legal in ${andList(goodSubs)}: make the decision there, or return one of the legal actions.` : '';
        if (builtin) {
          const m = bad[0].method;
          const inSub = m === name ? `in subroutine "${name}"` : `in subroutine "${name}" (which runs in ${m})`;
          ctx.report({
            path: file,
            range,
            message: `Invalid return "${action}" ${inSub}: varnishd will not load this VCL. Legal returns are: ${quoteList(legalReturnsOf(m, version))}.${hint}`,
          });
          continue;
        }
        const per = bad.map((c) => `${c.method} (legal: ${quoteList(legalReturnsOf(c.method, version))})`);
        ctx.report({
          path: file,
          range,
          message: `Invalid return "${action}" in subroutine "${name}", which is called from ${andList(per)}: varnishd will not load this VCL. A custom sub may only return what every built-in subroutine calling it allows.${hint}`,
          related: bad.flatMap((c) => chainRelated(c.chain, `"${action}" is not legal in ${c.method}`)),
        });
      }
    }
  },
});
