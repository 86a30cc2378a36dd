// vcl/ban-every-request: a ban that runs for every request (no method check): constant invalidation, 0 hits.
import { defineVclRule, type VclRuleContext } from '../rule';
import {
  accessGuard,
  callChain,
  denyUnlessAcl,
  enclosingList,
  everyRequestMethods,
  invalidatorAcl,
  onlyRunsIn,
  programComplete,
  requestNarrowingGuard,
  unguardedInvalidations,
  wrapStatements,
  type Invalidation,
} from '../../vcl/guards';
import type { Fix, RelatedInfo } from '../../types';

export default defineVclRule({
  id: 'vcl/ban-every-request',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`ban()` / `std.ban()` runs on a path with no request-method check (nor any other test that singles out invalidation requests), so every request adds a ban.',
      why: 'A ban invalidates every object matching its expression that is older than the ban. Run on every request, it invalidates what the previous request just cached: the hit rate drops to 0 and the ban list keeps growing (verified on Varnish 7.1.1: hit = 0, `bans_added` = 4 for 3 requests). Bans belong under `if (req.method == "BAN")`, for clients in an ACL.',
      bad: 'sub vcl_recv {\n    ban("obj.http.x-url ~ " + req.url);\n}',
      good: 'sub vcl_recv {\n    if (req.method == "BAN") {\n        if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }\n        ban("obj.http.x-url ~ " + req.url);\n        return (synth(200, "Ban added"));\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.subs.size) return;
    const done = new Set<string>();
    // vcl_synth and vcl_purge run only for requests vcl_recv sent there (a BAN answered with synth).
    for (const entry of everyRequestMethods(ctx.version)) {
      const r = unguardedInvalidations(model, entry, requestNarrowingGuard, ['ban', 'std.ban']);
      if (!r.complete) continue;
      for (const f of r.found) {
        const key = `${f.file}:${f.range.start}`;
        if (done.has(key)) continue;
        done.add(key);
        const related: RelatedInfo[] = f.path && f.step ? callChain(f.path, f.step).map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached through this call in ${c.sub}` })) : [];
        const fn = f.kind === 'ban' ? 'ban()' : 'std.ban()';
        ctx.report({
          path: f.file,
          range: f.range,
          message: `This ${fn} runs on every request${entry === 'vcl_recv' ? '' : ` reaching ${entry}`}: no method check (req.method == "BAN") selects the invalidation requests, so each request invalidates what the previous one cached — a hit rate of 0 and an ever-growing ban list. Run it only for BAN requests from clients in an ACL.`,
          related,
          fixes: fixFor(ctx, f),
        });
      }
    }
  },
});

function fixFor(ctx: VclRuleContext, f: Invalidation): Fix[] {
  const model = ctx.model;
  if (f.entry !== 'vcl_recv' || !onlyRunsIn(model, f.sub, 'vcl_recv', ctx.version)) return [];
  const file = ctx.file(f.file);
  let start = f.stmt.start;
  let end = f.stmt.end;
  if (f.stmt.type === 'if') {
    // std.ban() in a condition: wrap the whole `if` only when it is just that test (and an else).
    if (f.stmt.branches.length !== 1) return [];
  } else {
    // Take a `return (synth(…))` right after the ban along: it answers the BAN request.
    const list = enclosingList(file, f.stmt);
    const next = list?.[list.indexOf(f.stmt) + 1];
    if (next?.type === 'return' && next.action?.text === 'synth') end = next.end;
    start = f.stmt.start;
  }
  // The ACL check too, unless the ban is already behind one.
  const unguarded = unguardedInvalidations(model, 'vcl_recv', accessGuard, ['ban', 'std.ban']);
  const needsAcl = !unguarded.complete || unguarded.found.some((u) => u.stmt === f.stmt);
  const acl = needsAcl ? invalidatorAcl(model) : undefined;
  return [
    {
      title: needsAcl ? `Run it only for BAN requests from acl ${acl!.name}` : 'Run it only for BAN requests',
      safe: false,
      edits: [...(acl?.edits ?? []), wrapStatements(file, start, end, 'if (req.method == "BAN")', acl ? [denyUnlessAcl(acl.name)] : [])],
    },
  ];
}
