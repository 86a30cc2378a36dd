// nginx/duplicate-zone: the same shared-memory zone name declared twice (two `*_cache_path` with one
// keys_zone name, or a cache zone named like a limit_req/limit_conn zone), or two caches in one directory.
import { defineRule } from '../rule';
import type { TextRange } from '../../types';
import type { Placed, Scope } from '../../nginx/model';
import { parseCachePath, valueSubRange } from '../../nginx/cachePath';
import { rootOf } from '../../nginx/scopes';

interface ZoneDecl {
  placed: Placed;
  /** `proxy_cache_path`, `limit_req_zone`, … */
  directive: string;
  /** The module the zone belongs to: nginx keeps one namespace for all shared memory zones. */
  owner: string;
  name: string;
  size?: number;
  range: TextRange;
  cache: boolean;
}

/** `zone=name:size` of limit_req_zone / limit_conn_zone. */
function limitZone(p: Placed): ZoneDecl | undefined {
  for (const w of p.d.args) {
    if (!w.value.startsWith('zone=')) continue;
    if (w.template || w.value.includes('$')) return undefined;
    const v = w.value.slice(5);
    const c = v.indexOf(':');
    const name = c < 0 ? v : v.slice(0, c);
    if (!name) return undefined;
    return { placed: p, directive: p.d.name.value, owner: p.d.name.value, name, range: valueSubRange(w, 5, 5 + name.length), cache: false };
  }
  return undefined;
}

export default defineRule({
  id: 'nginx/duplicate-zone',
  dialect: 'nginx',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'Two `*_cache_path` declare the same `keys_zone` name or the same directory (or a cache zone is named like a `limit_req_zone`/`limit_conn_zone` zone).',
      why: 'nginx refuses to start (`nginx -t` 1.22.1: "duplicate zone", "the size … of shared memory zone … conflicts with already declared size", "the shared memory zone … is already declared for a different use", "the same path name … used in … and"). All shared memory zones share one namespace, so a proxy zone and a fastcgi zone cannot have the same name either. Each cache needs its own zone name and its own directory.',
      bad: 'proxy_cache_path /var/cache/nginx/shop keys_zone=shop:10m;\nproxy_cache_path /var/cache/nginx/shop keys_zone=shop:50m;',
      good: 'proxy_cache_path /var/cache/nginx/shop keys_zone=shop:10m;\nproxy_cache_path /var/cache/nginx/api keys_zone=api:50m;',
    },
  },
  check(ctx) {
    // One nginx configuration per root: an entry and everything it includes, in nginx's reading order.
    const zonesByRoot = new Map<Scope, Map<string, ZoneDecl>>();
    const pathsByRoot = new Map<Scope, Map<string, { placed: Placed; range: TextRange }>>();
    for (const p of ctx.model.all) {
      if (p.scope.context === 'data') continue;
      const n = p.d.name.value;
      const isLimit = (n === 'limit_req_zone' || n === 'limit_conn_zone') && p.scope.family === 'http';
      if (!isLimit && !n.endsWith('_cache_path')) continue;
      const root = rootOf(p.scope);
      const zones = zonesByRoot.get(root) ?? zonesByRoot.set(root, new Map()).get(root)!;
      const paths = pathsByRoot.get(root) ?? pathsByRoot.set(root, new Map()).get(root)!;
      let decl: ZoneDecl | undefined;
      if (isLimit) decl = limitZone(p);
      else {
        const cp = parseCachePath(p.d);
        if (!cp) continue;
        const path = p.file.path;
        // nginx adds the path before the zone, so a directory clash is what it reports first.
        if (!cp.pathWord.template && !cp.pathWord.value.includes('$')) {
          const first = paths.get(cp.pathKey);
          if (!first) paths.set(cp.pathKey, { placed: p, range: { start: cp.pathWord.offset, end: cp.pathWord.end } });
          else if (first.placed.d !== p.d) {
            ctx.report({
              path,
              range: { start: cp.pathWord.offset, end: cp.pathWord.end },
              message: `${n} uses the directory "${cp.path}" of another cache: nginx refuses to start ("the same path name … used in"). Give every cache its own directory.`,
              related: [{ path: first.placed.file.path, range: first.range, message: `"${cp.path}" is already used by this ${first.placed.d.name.value}` }],
            });
          }
        }
        const kz = cp.keysZone;
        if (kz && kz.name && !kz.param.opaque) {
          decl = { placed: p, directive: n, owner: n, name: kz.name, size: kz.size, range: kz.nameRange, cache: true };
        }
      }
      if (!decl) continue;
      const first = zones.get(decl.name);
      if (!first) {
        zones.set(decl.name, decl);
        continue;
      }
      // Conflicts between two limit zones are not this rule's business; the same statement read twice is.
      if (!first.cache && !decl.cache) continue;
      if (first.placed.d === decl.placed.d) {
        ctx.report({
          path: decl.placed.file.path,
          range: decl.range,
          message: `zone "${decl.name}" is declared twice because this file is included twice: nginx refuses to start ("duplicate zone"). Include it once.`,
        });
        continue;
      }
      let message: string;
      if (first.owner !== decl.owner) {
        message = `zone name "${decl.name}" is already taken by ${first.directive}: all shared memory zones share one namespace, so nginx refuses to start ("the shared memory zone … is already declared for a different use"). Rename one of them.`;
      } else if (first.size !== undefined && decl.size !== undefined && first.size !== decl.size) {
        message = `keys_zone "${decl.name}" is declared twice with different sizes: nginx refuses to start ("the size … of shared memory zone … conflicts with already declared size"). Give this cache its own zone name.`;
      } else {
        message = `keys_zone "${decl.name}" is declared twice: nginx refuses to start ("duplicate zone"). Give this cache its own zone name, or remove one ${n}.`;
      }
      ctx.report({
        path: decl.placed.file.path,
        range: decl.range,
        message,
        related: [{ path: first.placed.file.path, range: first.range, message: `zone "${first.name}" first declared here (${first.directive})` }],
      });
    }
  },
});
