// Hover content: directive and variable docs, and the effective cache policy card.
import type { NginxModel, Placed, Scope } from './nginx/model';
import { CACHE_FAMILIES, CachePolicy, ZoneDef, policyFor, variablesIn } from './nginx/policy';
import { describeTime } from './nginx/units';
import { directiveDocs, variableDocs } from './nginx/directives';
import { wordAt } from './nginx/tree';
import { VOLATILE_VARIABLES } from './rules/nginx/cache-key-volatile-variable';
import { basename, dirname, relative } from './text/paths';

/** Keys one megabyte of keys_zone holds on x86_64 (measured: 8,095). */
const KEYS_PER_MB = 8095;

export interface HoverModel {
  model: NginxModel;
  zones: Map<string, ZoneDef[]>;
  placedOf: Map<object, Placed>;
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
    const card = scope && policyCard(hm, scope, p.file.path);
    if (card) return docs && w === p.d.name && !isCache ? card : docs ? `${card}\n\n---\n\n${docs}` : card;
  }
  return w === p.d.name ? docs : undefined;
}

/** The effective policy card of a scope, or undefined when no cache is on there. */
export function policyCard(hm: HoverModel, scope: Scope, fromPath: string): string | undefined {
  const parts: string[] = [];
  for (const fam of CACHE_FAMILIES) {
    const pol = policyFor(scope, fam, hm.zones);
    if (pol) parts.push(card(pol, fromPath));
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

function card(pol: CachePolicy, fromPath: string): string {
  const fam = pol.family;
  const rows: [string, string, string][] = [];
  const z = pol.zone;
  if (z) {
    const size = z.placed.d.args.find((a) => a.value.startsWith('keys_zone='))?.value.split(':')[1];
    const keys = z.sizeBytes ? Math.floor((z.sizeBytes / 1048576) * KEYS_PER_MB).toLocaleString('en-US') : '?';
    const maxSize = z.placed.d.args.find((a) => a.value.startsWith('max_size='))?.value.slice(9);
    const ttlMax = pol.valid.length ? Math.max(...pol.valid.map((v) => v.seconds)) : 0;
    rows.push(['zone', `${z.name}: ${size ?? '?'} ≈ ${keys} keys, max ${maxSize ?? 'unlimited'}, inactive ${describeTime(z.inactive)}${z.inactive < ttlMax ? ' ⚠ shorter than the TTL' : ''}`, where(z.placed, fromPath)]);
  } else rows.push(['zone', `${pol.zoneName} ⛔ no ${fam}_cache_path defines it`, where(pol.cache, fromPath)]);
  if (pol.key) {
    const vol = variablesIn(pol.key.d.args[0] ?? pol.key.d.name).filter((v) => VOLATILE_VARIABLES.has(v.name) && v.name !== 'pid');
    rows.push(['key', `\`${pol.key.d.args.map((a) => a.value).join(' ')}\`${vol.length ? ` ⛔ ${vol.map((v) => '$' + v.name).join(', ')} changes per request` : ''}`, where(pol.key, fromPath)]);
  } else {
    rows.push(['key', fam === 'proxy' ? 'built-in: proxy_pass scheme + upstream host + URI sent upstream (not the client\'s host)' : '⛔ none: every URL shares one entry', 'default']);
  }
  const ignored = pol.ignoreHeaders;
  const upstreamWins = ['x-accel-expires', 'cache-control', 'expires'].filter((h) => !ignored.has(h));
  const headerNames: Record<string, string> = { 'x-accel-expires': 'X-Accel-Expires', 'cache-control': 'Cache-Control', expires: 'Expires' };
  if (!pol.valid.length) {
    rows.push(['TTL', upstreamWins.length ? `only what the upstream sends (${upstreamWins.map((h) => headerNames[h]).join(' / ')}); responses without them are not stored ⚠` : '⛔ none: nothing is stored', 'default']);
  }
  for (const v of pol.valid) {
    const unless = upstreamWins.length ? ` — unless the upstream sends ${upstreamWins.map((h) => headerNames[h]).join(' / ')}${upstreamWins.includes('cache-control') ? ' ⚠' : ''}` : '';
    rows.push([`TTL ${v.codes.join(', ')}`, `${describeTime(v.seconds)}${unless}`, where(v.placed, fromPath)]);
  }
  const never: string[] = [];
  if (!ignored.has('set-cookie')) never.push('responses with Set-Cookie');
  if (!ignored.has('cache-control')) never.push('Cache-Control private/no-store/no-cache');
  if (!ignored.has('vary')) never.push('Vary: *');
  const methods = pol.methods.flatMap((p) => p.d.args.map((a) => a.value.toUpperCase()));
  never.push(`methods other than ${[...new Set(['GET', 'HEAD', ...methods])].join('/')}`);
  if (pol.bufferingOff) never.push(`⛔ everything: ${fam}_buffering off`);
  rows.push(['never stored', never.join('; '), pol.bufferingOff ? where(pol.buffering, fromPath) : 'defaults']);
  const stale = pol.useStale.flatMap((p) => p.d.args.map((a) => a.value));
  const on = (p: Placed | undefined) => p?.d.args[0]?.value === 'on';
  rows.push([
    'on expiry',
    `stale while updating ${stale.includes('updating') ? '✓' : '✗'}, stale on error ${stale.some((s) => s === 'error' || s.startsWith('http_5') || s === 'timeout') ? '✓' : '✗'}, lock ${on(pol.lock) ? '✓' : '✗'}, background update ${on(pol.background) ? '✓' : '✗'}, revalidate ${on(pol.revalidate) ? '✓' : '✗'}`,
    [pol.useStale[0], pol.lock, pol.revalidate].filter(Boolean).map((p) => where(p, fromPath)).join(', ') || 'defaults',
  ]);
  const bypass = pol.bypass.flatMap((p) => p.d.args.map((a) => a.value));
  const noCache = pol.noCache.flatMap((p) => p.d.args.map((a) => a.value));
  rows.push(['bypass / no-cache', `${bypass.length ? `bypass ${bypass.join(' ')}` : 'no bypass'}; ${noCache.length ? `no_cache ${noCache.join(' ')}` : 'no no_cache'}`, [pol.bypass[0], pol.noCache[0]].filter(Boolean).map((p) => where(p, fromPath)).join(', ') || '—']);
  const head = `**${scopeTitle(pol.scope)}** — ${fam} cache in zone \`${pol.zoneName}\` (${where(pol.cache, fromPath)})`;
  return [head, '', '| what | effective value | from |', '|---|---|---|', ...rows.map((r) => `| ${cell(r[0])} | ${cell(r[1])} | ${cell(r[2])} |`)].join('\n');
}

/** The scope a policy question at `p` is about: the nearest location/if/server/http around or at it. */
export function enclosingPolicyScope(p: Placed): Scope {
  const opened = p.scope.children.find((c) => c.block === p);
  return opened ?? p.scope;
}
