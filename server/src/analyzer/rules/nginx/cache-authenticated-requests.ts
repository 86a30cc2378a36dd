// nginx/cache-authenticated-requests: caching behind auth (or with credentials passed upstream) without varying on the user.
import { defineRule } from '../rule';
import { indentAt, insertLineAfter } from '../../fixes';
import type { EditableFile } from '../../fixes';
import { directiveRange, effective, own, variablesIn } from '../../nginx/policy';
import type { CacheFamily, CachePolicy } from '../../nginx/policy';
import { scopeChain } from '../../nginx/model';
import type { NginxModel, Placed, Scope } from '../../nginx/model';
import type { Word } from '../../nginx/tree';
import type { RelatedInfo, TextEdit } from '../../types';
import { predicateKind } from './predicate-literal-always-true';

/** Directives that define a variable, and which argument names it. */
const DEFINERS: Record<string, (args: Word[]) => Word | undefined> = {
  set: (a) => a[0],
  map: (a) => a[1],
  geo: (a) => a[a.length - 1],
  split_clients: (a) => a[1],
  auth_request_set: (a) => a[0],
  js_set: (a) => a[0],
  perl_set: (a) => a[0],
  set_by_lua: (a) => a[0],
  set_by_lua_block: (a) => a[0],
  set_by_lua_file: (a) => a[0],
};

const definedCache = new WeakMap<NginxModel, Map<string, string[]>>();

/**
 * Variables the configuration defines itself (`map`, `set`, `geo`, `auth_request_set`, …), lower-cased,
 * each with the variables its definition reads (`auth_request` for values from the auth subrequest).
 */
function definitions(model: NginxModel): Map<string, string[]> {
  let m = definedCache.get(model);
  if (m) return m;
  m = new Map();
  for (const p of model.all) {
    const name = p.d.name.value;
    const f = DEFINERS[name];
    const w = f?.(p.d.args);
    const v = w && /^\$\{?([A-Za-z0-9_]+)\}?$/.exec(w.value);
    if (!v) continue;
    const key = v[1].toLowerCase();
    const from = name === 'auth_request_set' ? ['auth_request'] : p.d.args.filter((a) => a !== w).flatMap((a) => variablesIn(a).map((x) => x.name.toLowerCase()));
    // A map's values may be variables too (`default $http_authorization;`).
    if (name === 'map' && p.d.block) for (const c of p.d.block.children) if (c.type === 'directive') for (const a of [c.name, ...c.args]) for (const x of variablesIn(a)) from.push(x.name.toLowerCase());
    m.set(key, [...(m.get(key) ?? []), ...from]);
  }
  definedCache.set(model, m);
  return m;
}

/**
 * Variables the configuration defines itself, lower-cased. What they hold is not known statically:
 * a `$skip_cache` may well be derived from the session cookie.
 */
export function definedVariables(model: NginxModel): Set<string> {
  return new Set(definitions(model).keys());
}

/** Whether a variable is, or is defined from, the client's credentials or cookies (or the auth subrequest). */
export function derivesFromUser(model: NginxModel, name: string, depth = 0): boolean {
  const n = name.toLowerCase();
  if (isAuthVariable(n) || isCookieVariable(n) || n === 'auth_request') return true;
  if (depth > 8) return false;
  return (definitions(model).get(n) ?? []).some((x) => x !== n && derivesFromUser(model, x, depth + 1));
}

/** `$http_authorization`, `$remote_user`, auth_jwt claims: the authenticated user. */
export const isAuthVariable = (n: string) => n === 'http_authorization' || n === 'remote_user' || n.startsWith('jwt_');
/** `$http_cookie` and `$cookie_*`: the client's session, if it has one. */
export const isCookieVariable = (n: string) => n === 'http_cookie' || n.startsWith('cookie_');

/** Lower-cased names of the variables in the arguments of a list of directives. */
export function listVariables(list: Placed[]): string[] {
  return list.flatMap((p) => p.d.args.flatMap((a) => variablesIn(a).map((v) => v.name.toLowerCase())));
}

/** Whether a predicate list is true for every request (a literal such as `1`, or text around a variable). */
export function alwaysTrue(list: Placed[]): boolean {
  return list.some((p) => p.d.args.some((a) => predicateKind(a) === 'always' || predicateKind(a) === 'mixed'));
}

const STATIC_EXT = /\\\.|\.\(|\.(css|js)\b/;
const STATIC_WORDS = /\b(css|js|mjs|png|jpe?g|gif|ico|svg|webp|avif|woff2?|ttf|otf|eot|map)\b/i;
const STATIC_PREFIX = /^(\^~\s*)?\/(static|assets|css|js|fonts|favicon\.ico|robots\.txt)(\/|$)/;

/** A location (or an enclosing one) that serves static assets: same content for every user. */
export function inStaticLocation(scope: Scope): boolean {
  for (const s of scopeChain(scope)) {
    if (s.kind !== 'location' || !s.block) continue;
    const args = s.block.d.args.map((a) => a.value);
    const pattern = args[args.length - 1] ?? '';
    const regex = args.length > 1 && (args[0] === '~' || args[0] === '~*');
    if (regex && STATIC_EXT.test(pattern) && STATIC_WORDS.test(pattern)) return true;
    if (!regex && STATIC_PREFIX.test(pattern)) return true;
  }
  return false;
}

/** Whether the scope is inside an `internal` location (reached only by subrequests and internal redirects). */
export function inInternalLocation(scope: Scope): boolean {
  for (const s of scopeChain(scope)) if (s.kind === 'location' && own(s, 'internal').length) return true;
  return false;
}

const authTargetsCache = new WeakMap<NginxModel, Set<string>>();

/**
 * Whether the scope is a location that answers auth subrequests (`auth_request /auth;`): nginx keeps
 * that response to itself, its headers never reach the client.
 */
export function isAuthSubrequestTarget(model: NginxModel, scope: Scope): boolean {
  let targets = authTargetsCache.get(model);
  if (!targets) {
    targets = new Set();
    for (const p of model.all) if ((p.d.name.value === 'auth_request' || p.d.name.value === 'auth_jwt_key_request') && p.d.args[0]) targets.add(p.d.args[0].value);
    authTargetsCache.set(model, targets);
  }
  if (!targets.size) return false;
  for (const s of scopeChain(scope)) {
    if (s.kind !== 'location' || !s.block) continue;
    const args = s.block.d.args.map((a) => a.value);
    const uri = args.length === 2 && (args[0] === '=' || args[0] === '^~') ? args[1] : args.length === 1 ? args[0] : undefined;
    if (uri !== undefined && targets.has(uri)) return true;
  }
  return false;
}

/** The header list passed upstream by a family: `proxy_set_header` or `*_param`, and the header's name there. */
export function headerDirective(fam: CacheFamily): string {
  return fam === 'proxy' ? 'proxy_set_header' : `${fam}_param`;
}
export function headerName(fam: CacheFamily, header: string): string {
  return fam === 'proxy' ? header.toLowerCase() : 'http_' + header.toLowerCase().replace(/-/g, '_');
}

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

function describeScope(s: Scope): string {
  if (s.kind === 'location' && s.block) return `location ${s.block.d.args.map((a) => a.raw).join(' ')}`;
  return s.kind;
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
    const f = file(at.file.path);
    const sorted = [...lines].sort((a, b) => Number(a.includes('_no_cache')) - Number(b.includes('_no_cache')));
    edits.push(insertLineAfter(f, at.d.offset, at.d.end, sorted.join(f.lines.eol() + indentAt(f, at.d.offset))));
  }
  return edits;
}
