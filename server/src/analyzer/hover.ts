// Hover content: directive and variable docs, and the effective cache policy card.
import type { NginxModel, Placed, Scope } from './nginx/model';
import { CACHE_FAMILIES, CachePolicy, ZoneDef, effective, own, policyFor, variablesIn } from './nginx/policy';
import { configId, siteNames, zoneUsers, type ZoneUser } from './nginx/servers';
import { describeTime } from './nginx/units';
import { KEYS_PER_MB } from './nginx/zoneSizing';
import { directiveDocs, variableDocs } from './nginx/directives';
import { wordAt } from './nginx/tree';
import { VOLATILE_VARIABLES } from './rules/nginx/cache-key-volatile-variable';
import { basename, dirname, relative } from './text/paths';


export interface HoverModel {
  model: NginxModel;
  zones: Map<string, ZoneDef[]>;
  /** The analysis's active policies (`activePolicies`), so hovers do not compute them again. */
  policies: CachePolicy[];
  /** The placement of a directive (its first, when its file is included more than once). */
  placedOf(d: object): Placed | undefined;
}

/** Markdown for a hover at `offset` on directive `p`. */
export function nginxHover(hm: HoverModel, p: Placed, offset: number): string | undefined {
  const w = wordAt(p.d, offset);
  if (!w) return undefined;
  const name = p.d.name.value;
  if (w !== p.d.name) {
    const v = variablesIn(w).find((x) => offset >= x.start && offset <= x.end);
    if (v) return variableDocs('$' + v.name);
  }
  const docs = directiveDocs(name, p.scope.family);
  const isCache = /^(proxy|fastcgi|uwsgi|scgi)_cache$/.test(name);
  if (isCache || name === 'location' || name === 'server') {
    const scope = isCache ? p.scope : p.scope.children.find((c) => c.block === p);
    const card = scope && (policyCard(hm, scope, p.file.path) ?? (name === 'server' ? cacheSummary(hm, scope, p.file.path) : undefined));
    if (card) return docs && w === p.d.name && !isCache ? card : docs ? `${card}\n\n---\n\n${docs}` : card;
  }
  return w === p.d.name ? docs : undefined;
}

/** The effective policy card of a scope, or undefined when no cache is on there. */
export function policyCard(hm: HoverModel, scope: Scope, fromPath: string): string | undefined {
  const parts: string[] = [];
  for (const fam of CACHE_FAMILIES) {
    const pol = policyFor(scope, fam, hm.zones);
    if (pol) parts.push(card(pol, fromPath, hm));
  }
  return parts.length ? parts.join('\n\n') : undefined;
}

function where(p: Placed | undefined, fromPath: string): string {
  if (!p) return 'default';
  const line = p.file.lines.positionAt(p.d.offset).line + 1;
  return p.file.path === fromPath ? `:${line}` : `${relative(dirname(fromPath), p.file.path) || basename(p.file.path)}:${line}`;
}

function scopeTitle(s: Scope): string {
  if (!s.block) return s.kind;
  return [s.block.d.name.value, ...s.block.d.args.map((a) => a.raw)].join(' ');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const HEADER_NAMES: Record<string, string> = { 'x-accel-expires': 'X-Accel-Expires', 'cache-control': 'Cache-Control', expires: 'Expires' };

/** Source lines of directives, deduplicated, for the "from" column. */
function from(list: Array<Placed | undefined>, fromPath: string, fallback = 'default'): string {
  const seen = new Set<string>();
  for (const p of list) if (p) seen.add(where(p, fromPath));
  return seen.size ? [...seen].join(', ') : fallback;
}

/** The built-in key as nginx computes it (proxy only): proxy_pass scheme and host, then the URI sent upstream. */
function builtinKey(pol: CachePolicy): string {
  if (pol.family !== 'proxy') return '⛔ none: every URL shares one entry (nginx -t only warns)';
  const target = pol.pass?.d.args[0]?.value ?? effectiveLast(pol.scope, 'proxy_pass')?.d.args[0]?.value;
  const m = target ? /^([a-z]+:\/\/[^/]+)/i.exec(target) : null;
  const prefix = m ? `\`${m[1]}\`` : 'the proxy_pass scheme and host';
  return `built-in: ${prefix} + the URI sent upstream — the same for every virtual host and for http and https ⚠`;
}

function effectiveLast(scope: Scope, name: string): Placed | undefined {
  const l = effective(scope, name);
  return l[l.length - 1];
}

const usersCache = new WeakMap<HoverModel, Map<string, ZoneUser[]>>();

/** The server blocks whose locations use each zone (computed once per analysis). */
function usersOf(hm: HoverModel): Map<string, ZoneUser[]> {
  let users = usersCache.get(hm);
  if (!users) usersCache.set(hm, (users = zoneUsers(hm.policies)));
  return users;
}

/** "shop.example.com (80), api.example.com (443 ssl)": who reaches a zone. */
function reachedBy(hm: HoverModel, pol: CachePolicy): string | undefined {
  const users = usersOf(hm).get(`${configId(pol.scope)}:${pol.family}:${pol.zoneName}`);
  if (!users?.length) return undefined;
  const parts = users.slice(0, 6).map((u) => {
    const names = siteNames(u.server);
    const who = u.server.openTo ?? (names.length ? names.slice(0, 3).join(' ') + (names.length > 3 ? ' …' : '') : 'any host');
    const ports = [...new Set(u.server.listens.map((l) => `${l.port ?? 80}${l.tls ? ' ssl' : ''}`))].join(', ');
    return `${who}${ports ? ` (${ports})` : ''}`;
  });
  return `${parts.join('; ')}${users.length > 6 ? `; +${users.length - 6} more servers` : ''}`;
}

function card(pol: CachePolicy, fromPath: string, hm?: HoverModel): string {
  const fam = pol.family;
  const rows: [string, string, string][] = [];
  const z = pol.zone;
  const ttlMax = pol.valid.length ? Math.max(...pol.valid.map((v) => v.seconds)) : 0;
  if (z) {
    const size = z.placed.d.args.find((a) => a.value.startsWith('keys_zone='))?.value.split(':')[1];
    const keys = z.sizeBytes ? Math.floor((z.sizeBytes / 1048576) * KEYS_PER_MB).toLocaleString('en-US') : '?';
    const maxSize = z.placed.d.args.find((a) => a.value.startsWith('max_size='))?.value.slice(9);
    rows.push(['zone', `${z.name}: ${size ?? '?'} ≈ ${keys} keys, max_size ${maxSize ?? 'unlimited'}, inactive ${describeTime(z.inactive)}${z.inactive < ttlMax ? ' ⚠ shorter than the TTL' : ''}`, where(z.placed, fromPath)]);
  } else rows.push(['zone', `${pol.zoneName} ⛔ no ${fam}_cache_path defines it`, where(pol.cache, fromPath)]);
  const reached = hm && reachedBy(hm, pol);
  if (reached) rows.push(['zone used by', reached, '—']);

  if (pol.key) {
    const vars = variablesIn(pol.key.d.args[0] ?? pol.key.d.name).map((v) => v.name);
    const vol = vars.filter((v) => VOLATILE_VARIABLES.has(v) && v !== 'pid');
    const varies = [...new Set(vars)].map((v) => '$' + v).join(', ');
    rows.push(['key', `\`${pol.key.d.args.map((a) => a.value).join(' ')}\`${varies ? ` — varies with ${varies}` : ' — constant ⚠'}${vol.length ? ` ⛔ ${vol.map((v) => '$' + v).join(', ')} changes per request` : ''}`, where(pol.key, fromPath)]);
  } else {
    rows.push(['key', builtinKey(pol), 'default']);
  }

  const ignored = pol.ignoreHeaders;
  const order = ['x-accel-expires', 'cache-control', 'expires'];
  const wins = order.filter((h) => !ignored.has(h));
  const precedence = [...order.map((h) => (ignored.has(h) ? `~~${HEADER_NAMES[h]}~~` : HEADER_NAMES[h])), `${fam}_cache_valid`].join(' > ');
  rows.push(['TTL source', `${precedence}${wins.length ? ' — the first one present wins' : ' — nginx owns the TTL'}`, from(pol.ignoreFrom, fromPath)]);
  if (!pol.valid.length) {
    rows.push(['TTL', wins.length ? `only what the upstream sends (${wins.map((h) => HEADER_NAMES[h]).join(' / ')}); responses without them are not stored ⚠` : '⛔ none: nothing is stored', 'default']);
  }
  for (const v of pol.valid) {
    const unless = wins.length ? ` — unless the upstream sends ${wins.map((h) => HEADER_NAMES[h]).join(' / ')}${wins.includes('cache-control') ? ' ⚠' : ''}` : '';
    rows.push([`TTL ${v.codes.join(', ')}`, `${describeTime(v.seconds)}${unless}`, where(v.placed, fromPath)]);
  }

  const never: string[] = [];
  const neverFrom: Array<Placed | undefined> = [];
  if (!ignored.has('set-cookie')) never.push('responses with Set-Cookie');
  if (!ignored.has('cache-control')) never.push('Cache-Control private/no-store/no-cache');
  if (!ignored.has('vary')) never.push('Vary: *');
  if (!ignored.has('x-accel-buffering')) never.push('X-Accel-Buffering: no');
  const methods = pol.methods.flatMap((p) => p.d.args.map((a) => a.value.toUpperCase()));
  never.push(`methods other than ${[...new Set(['GET', 'HEAD', ...methods])].join('/')}`);
  neverFrom.push(...pol.methods);
  const minUses = Number(pol.minUses?.d.args[0]?.value ?? '1');
  if (minUses > 1) {
    never.push(`a URL before its ${minUses}th request`);
    neverFrom.push(pol.minUses);
  }
  if (pol.bufferingOff) {
    never.push(`⛔ everything: ${fam}_buffering off`);
    neverFrom.push(pol.buffering);
  }
  rows.push(['never stored', never.join('; '), from(neverFrom, fromPath, 'defaults')]);

  const stale = pol.useStale.flatMap((p) => p.d.args.map((a) => a.value));
  const on = (p: Placed | undefined) => p?.d.args[0]?.value === 'on';
  const lockTimeout = effectiveLast(pol.scope, `${fam}_cache_lock_timeout`);
  rows.push([
    'on expiry',
    `stale while updating ${stale.includes('updating') ? '✓' : '✗'}, stale on error ${stale.some((v) => v === 'error' || v.startsWith('http_5') || v === 'timeout') ? '✓' : '✗'}, background update ${on(pol.background) ? '✓' : '✗'}, revalidate ${on(pol.revalidate) ? '✓' : '✗'}`,
    from([pol.useStale[0], pol.background, pol.revalidate], fromPath, 'defaults'),
  ]);
  rows.push([
    'cold misses',
    on(pol.lock) ? `one request fetches, the others wait up to ${lockTimeout?.d.args[0]?.value ?? '5s'} (lock)` : 'every concurrent request goes upstream (no lock)',
    from([pol.lock, lockTimeout], fromPath, 'defaults'),
  ]);

  const bypass = pol.bypass.flatMap((p) => p.d.args.map((a) => a.value));
  const noCache = pol.noCache.flatMap((p) => p.d.args.map((a) => a.value));
  rows.push(['bypass / no_cache', `${bypass.length ? `read skipped when ${bypass.join(' or ')}` : 'never bypassed'}; ${noCache.length ? `not stored when ${noCache.join(' or ')}` : 'always stored'}`, from([...pol.bypass, ...pol.noCache], fromPath, '—')]);

  const added = effective(pol.scope, 'add_header');
  const hidden = effective(pol.scope, `${fam}_hide_header`);
  const addedNames = added.map((p) => `${p.d.args[0]?.value ?? '?'}${p.d.args.some((a) => a.value === 'always') ? '' : ' (2xx/3xx only)'}`);
  rows.push([
    'headers',
    `${addedNames.length ? `added: ${addedNames.join(', ')}` : 'none added'}; ${hidden.length ? `hidden: ${hidden.map((p) => p.d.args[0]?.value).join(', ')}` : 'nothing hidden beyond the defaults'}`,
    from([...added, ...hidden], fromPath, '—'),
  ]);

  rows.push(observability(pol.scope, added, fromPath));

  const head = `**${scopeTitle(pol.scope)}** — ${fam} cache in zone \`${pol.zoneName}\` (${where(pol.cache, fromPath)})`;
  return [head, '', '| what | effective value | from |', '|---|---|---|', ...rows.map((r) => `| ${cell(r[0])} | ${cell(r[1])} | ${cell(r[2])} |`)].join('\n');
}

/** Whether HIT/MISS can be seen: a response header or a used log format carrying $upstream_cache_status. */
function observability(scope: Scope, added: Placed[], fromPath: string): [string, string, string] {
  const carries = (p: Placed) => p.d.args.some((a) => a.raw.includes('$upstream_cache_status'));
  const header = added.find(carries);
  const seen: string[] = [];
  const sources: Placed[] = [];
  if (header) {
    seen.push(`header ${header.d.args[0]?.value} ✓`);
    sources.push(header);
  }
  for (const log of effective(scope, 'access_log')) {
    const format = log.d.args[1]?.value;
    if (!format || log.d.args[0]?.value === 'off') continue;
    const def = findLogFormat(scope, format);
    if (def && carries(def)) {
      seen.push(`log format \`${format}\` ✓`);
      sources.push(log);
    }
  }
  return ['HIT/MISS visible', seen.length ? seen.join(', ') : '✗ $upstream_cache_status is in no header or used log format', from(sources, fromPath, '—')];
}

/** The `log_format NAME …` visible from `scope` (defined in an enclosing http block). */
function findLogFormat(scope: Scope, name: string): Placed | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const hit = own(s, 'log_format').find((p) => p.d.args[0]?.value === name);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * For a server (or http) block without a cache of its own: one line per cached location below it, so
 * hovering the block still answers "what is cached here".
 */
export function cacheSummary(hm: HoverModel, scope: Scope, fromPath: string): string | undefined {
  const rows: string[] = [];
  const visit = (s: Scope) => {
    for (const c of s.children) {
      if (c.context === 'data') continue;
      if (c.kind === 'location' || c.kind === 'if') {
        for (const fam of CACHE_FAMILIES) {
          const pol = policyFor(c, fam, hm.zones);
          if (!pol || !own(c, `${fam}_pass`).length) continue;
          const ttl = pol.valid.length ? pol.valid.map((v) => `${v.codes.join(' ')} ${describeTime(v.seconds)}`).join('; ') : 'upstream headers only';
          rows.push(`| ${cell(scopeTitle(c))} | ${fam} \`${pol.zoneName}\` | ${cell(ttl)} | ${where(c.block, fromPath)} |`);
        }
      }
      if (rows.length < 50) visit(c);
    }
  };
  visit(scope);
  if (!rows.length) return undefined;
  return [`**${scopeTitle(scope)}** — cached locations`, '', '| location | cache | TTL | at |', '|---|---|---|---|', ...rows.slice(0, 50)].join('\n');
}

/** The scope a policy question at `p` is about: the nearest location/if/server/http around or at it. */
export function enclosingPolicyScope(p: Placed): Scope {
  const opened = p.scope.children.find((c) => c.block === p);
  return opened ?? p.scope;
}
