// Who the client is: variables that carry credentials or cookies, variables the configuration derives from
// them, and locations that answer auth subrequests. Used by the rules about caching personalised responses
// (cache-authenticated-requests, ignore-cache-control-personalized, ignore-set-cookie-without-hide).
//
// `definedVariables` and `derivesFromUser` read their own, looser index of variable definitions rather than
// the VariableIndex of ./variables, which they predate. The two differ in what they count, so switching
// would change findings: this index lower-cases names; takes only a whole-word `$name` as the defined
// variable; knows no regex captures (`(?<user>…)` in a location, `if` or `rewrite`) and only the module
// setters js_set, perl_set and set_by_lua*; reads every other argument of a definition (and both sides of
// map entries) instead of the map's source and values; and has `auth_request_set` derive from the auth
// subrequest itself (`auth_request`), where the VariableIndex follows the `$upstream_http_*` it copies.
import type { NginxModel, Scope } from './model';
import { scopeChain } from './model';
import type { Word } from './tree';
import { variablesIn } from './policy';

/** `$http_authorization`, `$remote_user`, auth_jwt claims: the authenticated user. */
export const isAuthVariable = (n: string) => n === 'http_authorization' || n === 'remote_user' || n.startsWith('jwt_');
/** `$http_cookie` and `$cookie_*`: the client's session, if it has one. */
export const isCookieVariable = (n: string) => n === 'http_cookie' || n.startsWith('cookie_');

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
