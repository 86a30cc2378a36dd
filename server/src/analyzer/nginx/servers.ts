// Server blocks as clients reach them (names, listen sockets, TLS) and which of them use each cache zone.
import { insertLineAfter } from '../fixes';
import type { EditableFile } from '../fixes';
import type { Fix } from '../types';
import { scopeChain } from './model';
import type { NginxModel, Placed, Scope } from './model';
import type { CacheFamily, CachePolicy } from './policy';
import { effective, own } from './policy';
import type { Derivation, VariableIndex } from './variables';
import { rootOf } from './scopes';
import { mayMissDirectives } from './completeness';

export interface ListenInfo {
  placed?: Placed;
  /** Port number, when the socket names one (80 when there is no `listen`). */
  port?: number;
  /** TLS (`ssl`, `quic`, `ssl on`); plain HTTP; or unknown: port 443 without `ssl`, or a port another server sets `ssl` on (the socket's options are shared). */
  kind: 'tls' | 'plain' | 'unknown';
  tls: boolean;
  defaultServer: boolean;
}

export interface ServerInfo {
  scope: Scope;
  /** `server_name` values, lower-cased, in order (empty when there is no `server_name`). */
  names: string[];
  nameDirectives: Placed[];
  listens: ListenInfo[];
  /** Some socket speaks TLS (`listen … ssl`, `quic`, or `ssl on`). */
  tls: boolean;
  /** Some socket speaks plain HTTP. */
  plain: boolean;
  /**
   * Which hosts reach this server beyond fixed names, if any: "any Host (it is the default_server)",
   * "every host matching *.example.com", …
   */
  openTo?: string;
  /** Any Host at all reaches it (default_server or `_`), not only a wildcard's or regex's matches. */
  anyHost?: boolean;
  /** The directive that makes it open (the `listen … default_server` or the `server_name`). */
  openAt?: Placed;
  /** A server-level `return`/`rewrite … redirect`: no request reaches its locations. */
  returnsAll: boolean;
}

const infoCache = new WeakMap<Scope, ServerInfo>();

/**
 * The server block enclosing a scope (itself included), if any; with `family`, the nearest one of that
 * module (`http`: not a stream or mail server).
 */
export function serverOf(scope: Scope, family?: string): Scope | undefined {
  for (const s of scopeChain(scope)) if (s.kind === 'server' && s.context === 'server' && (!family || s.family === family)) return s;
  return undefined;
}

const rootIds = new WeakMap<Scope, number>();
let nextRootId = 0;

/**
 * An id of the configuration a scope belongs to: several entry files analysed together are separate
 * configurations, and zones or servers of one are unrelated to those of another.
 */
export function configId(scope: Scope): number {
  const r = rootOf(scope);
  let id = rootIds.get(r);
  if (id === undefined) rootIds.set(r, (id = nextRootId++));
  return id;
}

function isOn(list: Placed[]): boolean {
  const last = list[list.length - 1];
  return !!last && last.d.args[0]?.value === 'on';
}

const tlsPortCache = new WeakMap<Scope, Set<number>>();

/** Ports on which some server of the configuration listens with `ssl`. */
function tlsPorts(scope: Scope): Set<number> {
  const root = rootOf(scope);
  let ports = tlsPortCache.get(root);
  if (ports) return ports;
  ports = new Set();
  const visit = (s: Scope) => {
    if (s.kind === 'server') {
      for (const p of own(s, 'listen')) {
        const a = p.d.args.map((w) => w.value);
        if (!a.slice(1).some((x) => x === 'ssl' || x === 'quic' || x === 'http3')) continue;
        const m = /(?:^|:)(\d+)$/.exec(a[0] ?? '');
        if (m) ports!.add(Number(m[1]));
      }
      return;
    }
    for (const c of s.children) visit(c);
  };
  visit(root);
  tlsPortCache.set(root, ports);
  return ports;
}

export function serverInfo(server: Scope): ServerInfo {
  let info = infoCache.get(server);
  if (info) return info;
  const nameDirectives = own(server, 'server_name');
  const names: string[] = [];
  for (const p of nameDirectives) for (const a of p.d.args) names.push(a.value.toLowerCase());
  const sslOn = isOn(effective(server, 'ssl'));
  const listens: ListenInfo[] = [];
  for (const p of own(server, 'listen')) {
    const args = p.d.args.map((a) => a.value);
    if (!args.length) continue;
    const addr = args[0];
    let port: number | undefined;
    if (/^\d+$/.test(addr)) port = Number(addr);
    else {
      const m = /:(\d+)$/.exec(addr);
      if (m) port = Number(m[1]);
      else if (!addr.startsWith('unix:')) port = 80;
    }
    const params = args.slice(1);
    const tls = sslOn || params.includes('ssl') || params.includes('quic') || params.includes('http3');
    const kind = tls ? 'tls' : port === 443 || (port !== undefined && tlsPorts(server).has(port)) ? 'unknown' : 'plain';
    listens.push({ placed: p, port, kind, tls, defaultServer: params.includes('default_server') || params.includes('default') });
  }
  if (!listens.length) listens.push({ port: 80, kind: sslOn ? 'tls' : 'plain', tls: sslOn, defaultServer: false });
  let openTo: string | undefined;
  let openAt: Placed | undefined;
  let anyHost = false;
  const def = listens.find((l) => l.defaultServer);
  if (def) {
    openTo = 'any Host (it is the default_server)';
    openAt = def.placed;
    anyHost = true;
  } else {
    for (const p of nameDirectives) {
      const wild = p.d.args.find((a) => a.value === '_' || a.value.startsWith('~') || a.value.includes('*') || a.value.startsWith('.'));
      if (wild) {
        anyHost = wild.value === '_';
        openTo = anyHost ? 'any Host (server_name _ is a catch-all)' : `every host matching ${wild.value}`;
        openAt = p;
        break;
      }
    }
  }
  const returnsAll = server.items.some((p) => p.d.name.value === 'return' || (p.d.name.value === 'rewrite' && /^(permanent|redirect)$/.test(p.d.args[2]?.value ?? '')));
  info = { scope: server, names, nameDirectives, listens, tls: listens.some((l) => l.kind === 'tls'), plain: listens.some((l) => l.kind === 'plain'), openTo, anyHost, openAt, returnsAll };
  infoCache.set(server, info);
  return info;
}

/**
 * Distinct site names of a server: `www.x` and `x` count as one site, and addresses (`127.0.0.1`, `[::1]`,
 * `localhost`) are ways to reach the same server, not sites of their own.
 */
export function siteNames(info: ServerInfo): string[] {
  const isAddress = (n: string) => n === 'localhost' || /^\d+\.\d+\.\d+\.\d+$/.test(n) || /^\[[0-9a-f:.]+\]$/.test(n);
  return [...new Set(info.names.filter((n) => n !== '' && n !== '_' && !isAddress(n)).map((n) => n.replace(/^www\./, '')))];
}

const SCHEME_VARS = ['scheme', 'https', 'server_port'];

/**
 * Whether plain-HTTP requests are redirected before they reach `scope`'s upstream: an `if` on the scheme
 * (`$scheme`, `$https`, `$server_port`, `$http_x_forwarded_proto`) at server or location level that returns
 * or rewrites with a redirect.
 */
export function redirectsPlain(scope: Scope): boolean {
  for (const s of scopeChain(scope)) {
    for (const c of s.children) {
      if (c.kind !== 'if' || !c.block) continue;
      const cond = c.block.d.args.map((a) => a.value).join(' ');
      if (!/\$(scheme|https|server_port|http_x_forwarded_proto)\b/.test(cond)) continue;
      if (c.items.some((p) => p.d.name.value === 'return' || (p.d.name.value === 'rewrite' && /^(permanent|redirect)$/.test(p.d.args[2]?.value ?? '')))) return true;
    }
    if (s.kind === 'server') break;
  }
  return false;
}

export interface ZoneUser {
  server: ServerInfo;
  policies: CachePolicy[];
}

/**
 * For each zone (`config:family:name`, one configuration per entry file), the server blocks whose locations
 * use it. Policies outside a server are left out.
 */
export function zoneUsers(policies: CachePolicy[]): Map<string, ZoneUser[]> {
  const out = new Map<string, ZoneUser[]>();
  const index = new Map<string, Map<Scope, ZoneUser>>();
  for (const pol of policies) {
    const srv = serverOf(pol.scope);
    if (!srv) continue;
    const key = `${configId(pol.scope)}:${pol.family}:${pol.zoneName}`;
    const list = out.get(key) ?? out.set(key, []).get(key)!;
    const byServer = index.get(key) ?? index.set(key, new Map()).get(key)!;
    let u = byServer.get(srv);
    if (!u) {
      list.push((u = { server: serverInfo(srv), policies: [] }));
      byServer.set(srv, u);
    }
    u.policies.push(pol);
  }
  return out;
}

export interface PassTarget {
  /** The `*_pass` argument as written. */
  text: string;
  /** For proxy: scheme and host[:port] of the URL; for the other families, the address. */
  upstream: string;
  /** The URI part of a proxy_pass URL (undefined when there is none). */
  uri?: string;
  /** The argument contains variables: the target is only known at run time. */
  variable: boolean;
}

const passCache = new WeakMap<CachePolicy, PassTarget | undefined>();

/** The upstream a policy's scope sends requests to. */
export function passTarget(pol: CachePolicy): PassTarget | undefined {
  if (passCache.has(pol)) return passCache.get(pol);
  const t = readPass(pol);
  passCache.set(pol, t);
  return t;
}

function readPass(pol: CachePolicy): PassTarget | undefined {
  const p = pol.pass;
  const a = p?.d.args[0];
  if (!p || !a) return undefined;
  const text = a.value;
  const variable = text.includes('$');
  if (pol.family !== 'proxy') return { text, upstream: text, variable };
  const m = /^([a-z]+:\/\/)(unix:[^:]*:?|[^/]*)(\/.*)?$/i.exec(text);
  if (!m) return { text, upstream: text, variable };
  return { text, upstream: (m[1] + m[2]).toLowerCase(), uri: m[3], variable };
}

/** Location match of a scope: the prefix (or exact) path, undefined for regex and named locations. */
export function locationPrefix(scope: Scope): { path: string; exact: boolean } | undefined {
  if (scope.kind !== 'location' || !scope.block) return undefined;
  const a = scope.block.d.args.map((w) => w.value);
  if (a.length === 1) {
    if (a[0].startsWith('~') || a[0].startsWith('@')) return undefined;
    if (a[0].startsWith('=')) return { path: a[0].slice(1), exact: true };
    if (a[0].startsWith('^~')) return { path: a[0].slice(2), exact: false };
    return { path: a[0], exact: false };
  }
  if (a.length === 2) {
    if (a[0] === '=') return { path: a[1], exact: true };
    if (a[0] === '^~') return { path: a[1], exact: false };
  }
  return undefined;
}

/** Header names (lower-case) that tell an upstream the client's scheme. */
const SCHEME_HEADERS = new Set(['x-forwarded-proto', 'x-forwarded-ssl', 'x-forwarded-scheme', 'x-url-scheme', 'forwarded', 'front-end-https', 'x-forwarded-port']);
/** fastcgi/uwsgi/scgi parameters that carry the scheme. */
const SCHEME_PARAMS = new Set(['https', 'request_scheme', 'server_port', 'uwsgi_scheme', 'wsgi.url_scheme']);

/** The list that passes request headers upstream for a family: `proxy_set_header`, or `*_param`. */
export function headerDirective(fam: CacheFamily): string {
  return fam === 'proxy' ? 'proxy_set_header' : `${fam}_param`;
}

/** A request header's name in that list: as is (lower-cased) for proxy, `http_cookie`-style for the others. */
export function headerName(fam: CacheFamily, header: string): string {
  return fam === 'proxy' ? header.toLowerCase() : 'http_' + header.toLowerCase().replace(/-/g, '_');
}

export interface UpstreamHeaders {
  /** name (lower-case) → value, as sent by `*_set_header` / `*_param` in effect. */
  entries: { name: string; value: string; placed: Placed }[];
}

/** The request headers (proxy) or parameters (fastcgi/uwsgi/scgi) in effect for a policy. */
export function upstreamHeaders(pol: CachePolicy): UpstreamHeaders {
  const list = effective(pol.scope, headerDirective(pol.family));
  const entries = list.filter((p) => p.d.args.length >= 2).map((p) => ({ name: p.d.args[0].value.toLowerCase(), value: p.d.args[1].value, placed: p }));
  return { entries };
}

/** Whether the upstream learns the client's Host (so its responses may differ per host). */
export function upstreamSeesHost(pol: CachePolicy, vars: VariableIndex): boolean {
  if (pol.family !== 'proxy') {
    // HTTP_HOST is passed from the request headers unless *_pass_request_headers is off.
    const off = effective(pol.scope, `${pol.family}_pass_request_headers`);
    if (off[off.length - 1]?.d.args[0]?.value !== 'off') return true;
  }
  return upstreamHeaders(pol).entries.some((e) => touchesAny(vars.derive(e.value, pol.scope), HOST_VARS));
}

const schemeMemo = new WeakMap<object, boolean>();

/** Whether the upstream learns the client's scheme (so http and https responses may differ). */
export function upstreamSeesScheme(pol: CachePolicy, vars: VariableIndex): boolean {
  // Locations that inherit one header list share the answer (values are read in the first one's scope).
  const list = effective(pol.scope, headerDirective(pol.family));
  const hit = schemeMemo.get(list);
  if (hit !== undefined) return hit;
  const v = upstreamHeaders(pol).entries.some((e) => {
    if (pol.family === 'proxy' ? SCHEME_HEADERS.has(e.name) : SCHEME_PARAMS.has(e.name)) return true;
    return touchesAny(vars.derive(e.value, pol.scope), SCHEME_VARS);
  });
  schemeMemo.set(list, v);
  return v;
}

/** Variables that identify the client's host. */
export const HOST_VARS = ['host', 'http_host', 'server_name', 'http_x_forwarded_host', 'ssl_server_name'];
export { SCHEME_VARS };

export function touchesAny(d: Derivation, names: string[]): boolean {
  return names.some((n) => d.touches.has(n));
}

/** What the quick-fixes write when a proxy cache must stop using the built-in key. */
export const BUILTIN_KEY_REPLACEMENT = 'proxy_cache_key $scheme$host$request_uri;';

/** The fix that adds `BUILTIN_KEY_REPLACEMENT` after a `*_cache` directive (`safe` from `builtinKeyFixSafety`). */
export function builtinKeyFix(file: EditableFile, cache: Placed, safe: boolean): Fix {
  return { title: `Add ${BUILTIN_KEY_REPLACEMENT}`, safe, edits: [insertLineAfter(file, cache.d.offset, cache.d.end, BUILTIN_KEY_REPLACEMENT)] };
}

/**
 * What a policy's entries are keyed by, when the key provably ignores every variable of `names`: an id
 * that policies sharing entries have in common (`key\0<key>` for a one-word `*_cache_key`, `builtin\0<proxy_pass>`
 * for the built-in proxy key). Undefined when the key may depend on them or cannot be told: variables the
 * analysis cannot follow, a `proxy_pass` with variables, no key outside proxy, or a key that may be set
 * where the analysis cannot see.
 */
export function keyLacking(model: NginxModel, pol: CachePolicy, vars: VariableIndex, names: string[]): string | undefined {
  if (pol.key) {
    const w = pol.key.d.args[0];
    if (!w || pol.key.d.args.length !== 1) return undefined;
    const d = vars.derive(w, pol.scope);
    if (d.unknown || touchesAny(d, names)) return undefined;
    return 'key\0' + w.value;
  }
  if (pol.family !== 'proxy' || mayMissDirectives(model, pol.scope, { templates: false })) return undefined;
  const t = passTarget(pol);
  if (!t || t.variable) return undefined;
  return 'builtin\0' + t.text;
}

/**
 * Whether replacing the built-in key (upstream URL + upstream URI) of the policies enabled by a `*_cache`
 * directive with `$scheme$host$request_uri` only splits entries: false when some of them pick the upstream
 * or rewrite the URI at run time (a `*_pass` with variables, a `*_pass` or `rewrite` inside `if`), where one
 * client URI can reach several upstream resources that the new key would merge. Build once per check.
 */
export function builtinKeyFixSafety(policies: CachePolicy[]): (cache: Placed) => boolean {
  const byCache = new Map<object, CachePolicy[]>();
  for (const pol of policies) (byCache.get(pol.cache.d) ?? byCache.set(pol.cache.d, []).get(pol.cache.d)!).push(pol);
  const memo = new Map<object, boolean>();
  const safe = (pol: CachePolicy): boolean => {
    if (pol.scope.kind === 'if') return false;
    if (passTarget(pol)?.variable) return false;
    for (const s of scopeChain(pol.scope)) {
      for (const c of s.children) if (c.kind === 'if' && c.items.some((p) => /_pass$|^rewrite$/.test(p.d.name.value))) return false;
      if (s.kind === 'server') break;
    }
    return true;
  };
  return (cache: Placed) => {
    let v = memo.get(cache.d);
    if (v === undefined) memo.set(cache.d, (v = (byCache.get(cache.d) ?? []).every(safe)));
    return v;
  };
}

/** The upstream request of a policy as text (target and headers/params), to tell whether two policies may fetch different content. */
export function upstreamSignature(pol: CachePolicy): string {
  const t = passTarget(pol);
  const h = upstreamHeaders(pol).entries.map((e) => `${e.name}=${e.value}`).sort();
  return `${t?.text ?? '?'}\n${h.join('\n')}`;
}

/** A short list of names for messages: `a.test, b.test and 3 more`. */
export function listNames(names: string[], max = 3): string {
  if (names.length <= max) return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
