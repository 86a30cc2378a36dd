// nginx/cache-authenticated-requests: caching behind auth (or with credentials passed upstream) without varying on the user.
import { defineRule } from '../rule';
import type { EditableFile } from '../../fixes';
import { directiveRange, effective, variablesIn } from '../../nginx/policy';
import type { CacheFamily, CachePolicy } from '../../nginx/policy';
import { scopeChain } from '../../nginx/model';
import type { Placed, Scope } from '../../nginx/model';
import type { RelatedInfo, TextEdit } from '../../types';
import { describeLevel } from '../../nginx/scopes';
import { insertLinesAfter } from '../../nginx/edits';
import { alwaysTrue } from '../../nginx/predicates';
import { listVariables } from '../../nginx/variables';
import { headerDirective, headerName } from '../../nginx/servers';
import { definedVariables, isAuthVariable, isCookieVariable } from '../../nginx/credentials';
import { inStaticLocation } from '../../nginx/staticAssets';

type CauseKind = 'auth_basic' | 'auth_request' | 'auth_jwt' | 'authorization' | 'cookie';

interface Cause {
  kind: CauseKind;
  placed: Placed;
}

/** What makes the cached responses per-user in this scope, if anything. */
function causeOf(pol: CachePolicy): Cause | undefined {
  for (const kind of ['auth_request', 'auth_basic', 'auth_jwt'] as const) {
    const list = effective(pol.scope, kind);
    const last = list[list.length - 1];
    const v = last?.d.args[0];
    // A variable realm may evaluate to "off": stay silent.
    if (!v || v.template || variablesIn(v).length || v.value === 'off') continue;
    return { kind, placed: last };
  }
  const fam = pol.family;
  const headers = effective(pol.scope, headerDirective(fam));
  for (const kind of ['authorization', 'cookie'] as const) {
    const h = headers.find((p) => p.d.args[0]?.value.toLowerCase() === headerName(fam, kind) && p.d.args[1] && variablesIn(p.d.args[1]).length);
    if (h) return { kind, placed: h };
  }
  return undefined;
}

/** Variables that tell users apart for a kind of cause. */
function discriminates(kind: CauseKind, defined: Set<string>): (n: string) => boolean {
  return (n) => defined.has(n) || (kind !== 'cookie' && isAuthVariable(n)) || ((kind === 'cookie' || kind === 'auth_request' || kind === 'auth_jwt') && isCookieVariable(n));
}

function describeCause(c: Cause, fam: CacheFamily): string {
  switch (c.kind) {
    case 'auth_basic':
    case 'auth_request':
    case 'auth_jwt':
      return `behind ${c.kind}`;
    case 'authorization':
      return `while ${headerDirective(fam)} ${c.placed.d.args[0].raw} passes the client's credentials upstream`;
    case 'cookie':
      return `while ${headerDirective(fam)} ${c.placed.d.args[0].raw} passes the client's cookies upstream`;
  }
}

export default defineRule({
  id: 'nginx/cache-authenticated-requests',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: 'The cache is on for authenticated requests (`auth_basic`, `auth_request`, `auth_jwt`, or Authorization/Cookie passed upstream explicitly) with no `*_cache_bypass` + `*_no_cache` on the credentials and no user part in the key.',
      why: 'nginx leaves the Authorization header and cookies out of the cache decision: the response generated for one user is stored under a key without the user and served to the next client (measured: an anonymous client got alice\'s private page as a HIT). Skip the cache for requests with credentials, or key the cache per user. The quick-fix adds `$http_authorization` to both predicates, which effectively turns caching off for authenticated requests; with cookie sessions add the session cookie instead.',
      bad: 'auth_basic "Members";\nproxy_cache shop;',
      good: 'auth_basic "Members";\nproxy_cache shop;\nproxy_cache_bypass $http_authorization;\nproxy_no_cache $http_authorization;',
    },
  },
  check(ctx) {
    const defined = definedVariables(ctx.model);
    // One finding per cause (a server-level auth_basic covers all its locations).
    const groups = new Map<object, { cause: Cause; pols: CachePolicy[] }>();
    for (const pol of ctx.policies) {
      const cause = causeOf(pol);
      if (!cause || inStaticLocation(pol.scope)) continue;
      const fam = pol.family;
      const ok = discriminates(cause.kind, defined);
      const bypass = effective(pol.scope, `${fam}_cache_bypass`);
      const noCache = effective(pol.scope, `${fam}_no_cache`);
      const keyVars = pol.key ? listVariables([pol.key]) : [];
      if (keyVars.some(ok) || alwaysTrue(noCache) || alwaysTrue(bypass)) continue;
      if (listVariables(bypass).some(ok) && listVariables(noCache).some(ok)) continue;
      const g = groups.get(cause.placed.d) ?? groups.set(cause.placed.d, { cause, pols: [] }).get(cause.placed.d)!;
      g.pols.push(pol);
    }
    for (const { cause, pols } of groups.values()) {
      const c = cause.placed;
      const fams = [...new Set(pols.map((p) => p.family))];
      const fam = fams.length === 1 ? fams[0] : '*';
      const zones = [...new Set(pols.map((p) => `"${p.zoneName}"`))].join(', ');
      const related: RelatedInfo[] = pols.slice(0, 3).map((p) => ({ path: p.cache.file.path, range: directiveRange(p.cache), message: `cache "${p.zoneName}" in effect here for ${describeScope(p.scope)}` }));
      const cookie = cause.kind === 'cookie';
      const what = cookie ? 'the session cookie (e.g. $cookie_session)' : '$http_authorization';
      const message = `Cache ${zones} is on ${describeCause(cause, pols[0].family)}, but nginx leaves credentials out of the cache decision: the page cached for one user is served to ${cause.kind.startsWith('auth_') ? 'other users' : 'everyone, including anonymous clients'}. Add ${fam}_cache_bypass and ${fam}_no_cache on ${what}, or put the user ($remote_user or the session) in ${fam}_cache_key.`;
      const edits = cookie ? undefined : fixEdits((p) => ctx.file(p), cause, pols, discriminates(cause.kind, defined));
      ctx.report({
        path: c.file.path,
        range: directiveRange(c),
        message,
        related,
        fixes: edits?.length ? [{ title: `Add ${fam}_cache_bypass and ${fam}_no_cache on $http_authorization (no caching for authenticated requests)`, safe: false, edits }] : [],
      });
    }
  },
});

/** `location /account/` for a location, else the level's kind (`server`, `http`). */
function describeScope(s: Scope): string {
  return s.kind === 'location' && s.block ? describeLevel(s, 'noun') : s.kind;
}

/**
 * Adds `$http_authorization` to both predicate lists of every unprotected scope: appended to the list in
 * effect when there is one (lists replace, so a new line would drop its conditions), otherwise a new
 * line after the deeper of the cause and the `*_cache` directive.
 */
function fixEdits(file: (p: string) => EditableFile, cause: Cause, pols: CachePolicy[], ok: (n: string) => boolean): TextEdit[] | undefined {
  const appends = new Map<object, TextEdit>();
  const inserts = new Map<object, { at: Placed; lines: Set<string> }>();
  for (const pol of pols) {
    const fam = pol.family;
    const chain = [...scopeChain(pol.scope)];
    const anchor = chain.indexOf(cause.placed.scope) <= chain.indexOf(pol.cache.scope) ? cause.placed : pol.cache;
    for (const suffix of ['cache_bypass', 'no_cache']) {
      const name = `${fam}_${suffix}`;
      const list = effective(pol.scope, name);
      if (listVariables(list).some(ok)) continue;
      if (list.length) {
        const last = list[list.length - 1];
        const w = last.d.args[last.d.args.length - 1];
        if (!w) return undefined;
        appends.set(last.d, { path: last.file.path, start: w.end, end: w.end, newText: ' $http_authorization' });
      } else {
        if (!['http', 'server', 'location'].includes(anchor.scope.context)) return undefined;
        const ins = inserts.get(anchor.d) ?? inserts.set(anchor.d, { at: anchor, lines: new Set() }).get(anchor.d)!;
        ins.lines.add(`${name} $http_authorization;`);
      }
    }
  }
  const edits = [...appends.values()];
  for (const { at, lines } of inserts.values()) {
    const sorted = [...lines].sort((a, b) => Number(a.includes('_no_cache')) - Number(b.includes('_no_cache')));
    edits.push(insertLinesAfter(file(at.file.path), at, sorted));
  }
  return edits;
}
