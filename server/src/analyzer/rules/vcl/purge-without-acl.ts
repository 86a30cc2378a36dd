// vcl/purge-without-acl: purge, ban and forced misses that any client can trigger.
import { defineVclRule, type VclRuleContext } from '../rule';
import type { FlowPath } from '../../vcl/flow';
import {
  accessGuard,
  callChain,
  denyUnlessAcl,
  entryMethods,
  everyRequestMethods,
  invalidatorAcl,
  checksMethod,
  methodGuard,
  nestedUnder,
  narrowingGuard,
  onlyRunsIn,
  programChecksAccess,
  programComplete,
  requestNarrowingGuard,
  unguardedInvalidations,
  insertBeforeStatement,
  wrapStatements,
  type Invalidation,
} from '../../vcl/guards';
import type { Fix, RelatedInfo } from '../../types';

const WHAT: Record<Invalidation['kind'], string> = {
  purge: 'return (purge) removes the object (and its variants) from the cache',
  ban: 'ban() invalidates every cached object matching its expression',
  'std.ban': 'std.ban() invalidates every cached object matching its expression',
  hash_always_miss: 'req.hash_always_miss = true forces a backend fetch that replaces the cached object',
};

export default defineVclRule({
  id: 'vcl/purge-without-acl',
  dialect: 'vcl',
  meta: {
    category: 'security',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`return (purge)`, `ban()`, `std.ban()` or `set req.hash_always_miss = true` is reachable without a `client.ip ~ <acl>` check (or `std.ip(…) ~ <acl>`, a secret header), so any client can evict the cache.',
      why: 'Purging and banning are meant for the application or an operator. Without an ACL any client can empty the cache or force misses, which sends every request to the backend (verified on Varnish 7.1.1: a client at 203.0.113.9 purged an object; with `acl purgers` and a `client.ip !~ purgers` guard it got 405 and the object survived). Bans and forced misses that run on every request are reported by vcl/ban-every-request and vcl/hash-always-miss-unguarded instead.',
      bad: 'sub vcl_recv {\n    if (req.method == "PURGE") {\n        return (purge);\n    }\n}',
      good: 'acl purgers {\n    "127.0.0.1";\n}\n\nsub vcl_recv {\n    if (req.method == "PURGE") {\n        if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }\n        return (purge);\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!programComplete(model) || !model.subs.size) return;
    // What the two narrower rules report is theirs: a ban on every request, a forced miss on every request.
    const owned = new Set<object>();
    for (const entry of everyRequestMethods(ctx.version)) {
      const bans = unguardedInvalidations(model, entry, requestNarrowingGuard, ['ban', 'std.ban']);
      if (bans.complete) for (const f of bans.found) owned.add(f.stmt);
    }
    const misses = unguardedInvalidations(model, 'vcl_recv', narrowingGuard, ['hash_always_miss']);
    if (misses.complete) for (const f of misses.found) owned.add(f.stmt);

    // Outside vcl_recv the access check usually happened in vcl_recv (a flag header, a synth status): only
    // report there when the program checks access nowhere.
    const checksAccess = programChecksAccess(model);
    const done = new Set<string>();
    for (const entry of entryMethods(ctx.version)) {
      if (entry !== 'vcl_recv' && checksAccess) continue;
      const r = unguardedInvalidations(model, entry, accessGuard);
      if (!r.complete) continue;
      for (const f of r.found) {
        const key = `${f.file}:${f.range.start}`;
        if (owned.has(f.stmt) || done.has(key)) continue;
        done.add(key);
        const related: RelatedInfo[] = f.path && f.step ? callChain(f.path, f.step).map((c) => ({ path: c.file, range: { start: c.stmt.start, end: c.stmt.end }, message: `reached through this call in ${c.sub}` })) : [];
        ctx.report({
          path: f.file,
          range: f.range,
          message: `Any client can trigger this: ${WHAT[f.kind]}, and no ACL check (client.ip ~ <acl>) guards it${entry === 'vcl_recv' ? '' : ` in ${entry}`}. Anyone can then empty the cache or force misses, and every request goes to the backend. Check the client against an ACL of your purgers first.`,
          related,
          fixes: fixFor(ctx, f),
        });
      }
    }
  },
});

function methodChecked(path: FlowPath | undefined): boolean {
  return !!path && path.conditions.some((c) => !c.builtin && methodGuard(c.expr, c.polarity, c));
}

function fixFor(ctx: VclRuleContext, f: Invalidation): Fix[] {
  const model = ctx.model;
  // The fixes use client.ip and return (synth(…)): only where the code runs in vcl_recv alone.
  if (f.entry !== 'vcl_recv' || !onlyRunsIn(model, f.sub, 'vcl_recv', ctx.version)) return [];
  const file = ctx.file(f.file);
  const acl = invalidatorAcl(model);
  if (f.kind === 'hash_always_miss' || (f.step && !methodChecked(f.path))) {
    // Not under a PURGE/BAN method check: turning the request away would break ordinary requests; skip the
    // invalidation for clients outside the ACL instead.
    if (!f.step) return [];
    return [{ title: `Only for clients in acl ${acl.name}`, safe: false, edits: [...acl.edits, wrapStatements(file, f.stmt.start, f.stmt.end, `if (client.ip ~ ${acl.name})`)] }];
  }
  if (!f.step) {
    // std.ban() in a condition: insert the check before that `if` only when the std.ban() call is the whole
    // first condition and the `if` sits under a method check (else other requests would be turned away).
    const ifs = f.stmt.type === 'if' ? f.stmt : undefined;
    const first = ifs?.branches[0].cond;
    const bare = first && ((first.type === 'call' && first.start === f.range.start) || (first.type === 'unary' && first.operand.start === f.range.start));
    if (!bare || !nestedUnder(file, f.stmt, checksMethod)) return [];
  }
  return [{ title: `Turn away clients outside acl ${acl.name} (405)`, safe: false, edits: [...acl.edits, insertBeforeStatement(file, f.stmt.start, denyUnlessAcl(acl.name))] }];
}
