// vcl/hash-lookup-without-url: vcl_hash returns lookup without hashing req.url on that path: URLs collide.
import { defineVclRule } from '../rule';
import { callChain, headerRef, insertStatementsBefore, isVariable, mentions, hashRuns, programComplete, reachWithout, userStatements } from '../../vcl/guards';
import type { Expr, Statement } from '../../vcl/tree';
import type { RelatedInfo } from '../../types';

export default defineVclRule({
  id: 'vcl/hash-lookup-without-url',
  dialect: 'vcl',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: '`vcl_hash` ends in `return (lookup)` on a path that never calls `hash_data(req.url)`: the built-in hashing (URL, then Host) is skipped, so different URLs share one cache object.',
      why: 'Your `vcl_hash` runs before the built-in one, and `return (lookup)` ends it: only what you hashed is the key. Without the URL every page of a host (or of every host) maps to the same object (verified on Varnish 7.1.1: `/public/news` returned the cached body of `/private/alice`). Hash the URL and the host yourself, or drop the `return (lookup)` and let the built-in code add them.',
      bad: 'sub vcl_hash {\n    hash_data(req.http.X-Country);\n    return (lookup);\n}',
      good: 'sub vcl_hash {\n    hash_data(req.http.X-Country);\n    hash_data(req.url);\n    hash_data(req.http.host);\n    return (lookup);\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.subs.has('vcl_hash') || !hashRuns(model)) return;
    // A header the VCL sets from req.url (`set req.http.X-Url = req.url;`) hashes the URL too.
    const urlHeaders = new Set<string>();
    const hostHeaders = new Set<string>();
    for (const sub of ['vcl_recv', 'vcl_hash']) {
      for (const { stmt } of userStatements(model, sub)) {
        if (stmt.type !== 'set') continue;
        const h = headerRef(stmt.target);
        if (!h || h.obj !== 'req') continue;
        if (mentions(stmt.value, (n) => isVariable(n, 'req.url'))) urlHeaders.add(h.header);
        if (mentions(stmt.value, (n) => isVariable(n, 'req.http.host') || isVariable(n, 'server.ip'))) hostHeaders.add(h.header);
      }
    }
    const uses = (e: Expr, vars: string[], headers: Set<string>) =>
      mentions(e, (n) => {
        if (vars.some((v) => isVariable(n, v))) return true;
        const h = headerRef(n);
        return !!h && h.obj === 'req' && headers.has(h.header);
      });
    const isLookup = (s: Statement) => s.type === 'return' && s.action?.text === 'lookup';
    const noUrl = reachWithout(model, 'vcl_hash', {
      target: (st) => !st.builtin && isLookup(st.stmt),
      cut: (st) => st.stmt.type === 'hash_data' && uses(st.stmt.arg, ['req.url'], urlHeaders),
    });
    if (!noUrl.complete || !noUrl.steps.length) return;
    const noHost = reachWithout(model, 'vcl_hash', {
      target: (st) => !st.builtin && isLookup(st.stmt),
      cut: (st) => st.stmt.type === 'hash_data' && uses(st.stmt.arg, ['req.http.host', 'server.ip'], hostHeaders),
    });
    if (!noHost.complete) return;
    const hostMissing = new Set(noHost.steps.map((m) => m.step.stmt));
    for (const m of noUrl.steps) {
      const file = ctx.file(m.step.file);
      const add = ['hash_data(req.url);', ...(hostMissing.has(m.step.stmt) ? ['hash_data(req.http.host);'] : [])];
      const related: RelatedInfo[] = callChain(m.path, m.step).map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached through this call in ${c.sub}` }));
      ctx.report({
        path: m.step.file,
        range: { start: m.step.stmt.start, end: m.step.stmt.end },
        message: `This return (lookup) ends vcl_hash before the built-in hashing runs, and req.url was not hashed on the way here: different URLs get the same cache key, so one page's cached body (possibly a private one) is served for another. Add ${add.join(' ')} before it, or remove the return (lookup) so the built-in code hashes URL and host.`,
        related,
        fixes: [{ title: `Hash ${add.length === 2 ? 'the URL and the host' : 'the URL'} before return (lookup)`, safe: true, edits: [insertStatementsBefore(file, m.step.stmt.start, add)] }],
      });
    }
  },
});
