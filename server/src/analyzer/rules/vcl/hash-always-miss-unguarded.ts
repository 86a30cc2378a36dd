// vcl/hash-always-miss-unguarded: `set req.hash_always_miss = true` for every request: every request fetches.
import { defineVclRule } from '../rule';
import { callChain, invalidatorAcl, narrowingGuard, onlyRunsIn, programComplete, unguardedInvalidations, wrapStatements } from '../../vcl/guards';
import type { Fix, RelatedInfo } from '../../types';

export default defineVclRule({
  id: 'vcl/hash-always-miss-unguarded',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`set req.hash_always_miss = true` runs on a path where no condition singles out some requests: every request is a miss.',
      why: '`req.hash_always_miss` makes the lookup ignore the cached object and fetch a fresh one. It is meant for a cache warmer or an operator\'s forced refresh; set for every request, each one goes to the backend and the cache only ever stores (verified on Varnish 7.1.1: 3 requests, 3 misses, `backend_req` = 3). Guard it with an ACL and a header the warmer sends.',
      bad: 'sub vcl_recv {\n    set req.hash_always_miss = true;\n}',
      good: 'sub vcl_recv {\n    if (req.http.Cache-Control ~ "no-cache" && client.ip ~ purgers) {\n        set req.hash_always_miss = true;\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.subs.size) return;
    const r = unguardedInvalidations(model, 'vcl_recv', narrowingGuard, ['hash_always_miss']);
    if (!r.complete) return;
    for (const f of r.found) {
      const related: RelatedInfo[] = f.path && f.step ? callChain(f.path, f.step).map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached through this call in ${c.sub}` })) : [];
      const fixes: Fix[] = [];
      if (onlyRunsIn(model, f.sub, 'vcl_recv', ctx.version)) {
        const acl = invalidatorAcl(model);
        const file = ctx.file(f.file);
        fixes.push({
          title: `Force the miss only for no-cache requests from acl ${acl.name}`,
          safe: false,
          edits: [...acl.edits, wrapStatements(file, f.stmt.start, f.stmt.end, `if (req.http.Cache-Control ~ "no-cache" && client.ip ~ ${acl.name})`)],
        });
      }
      ctx.report({
        path: f.file,
        range: f.range,
        message: 'req.hash_always_miss is set to true with no condition singling out some requests: every request skips the cached object and goes to the backend, so the cache never serves a hit. Force misses only for a cache warmer or an operator: guard it with an ACL and a request header (e.g. Cache-Control: no-cache from a client in an ACL).',
        related,
        fixes,
      });
    }
  },
});
