// nginx/cache-status-not-observable: the cache is on, but nothing logs or sends $upstream_cache_status.
import { defineRule } from '../rule';
import type { NginxModel, Placed, Scope } from '../../nginx/model';
import type { RelatedInfo } from '../../types';
import { directiveRange, effective, variablesIn } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import { placementsOf } from '../../nginx/placements';
import { blockFile, describeLevel, isAncestorOrSelf, isLevel, parentLevel } from '../../nginx/scopes';
import { anchorFor, Inserts } from '../../nginx/edits';
import { addHeaderModel, repeatLines } from '../../nginx/headerLists';
import { inFullConfig } from '../../nginx/completeness';
import { serverOf } from '../../nginx/servers';

const HEADER = 'X-Cache-Status';
const LINE = `add_header ${HEADER} $upstream_cache_status always;`;

/** `$upstream_cache_status` and the variables derived from it through `map` or `set`. */
function statusVariables(model: NginxModel): Set<string> {
  const vars = new Set(['upstream_cache_status']);
  const maps = placementsOf(model, 'map').filter((p) => p.d.args.length === 2);
  const sets = placementsOf(model, 'set').filter((p) => p.d.args.length === 2);
  for (let changed = true; changed; ) {
    changed = false;
    const derive = (src: Placed['d']['args'][number], target: Placed['d']['args'][number]) => {
      const t = /^\$([A-Za-z0-9_]+)$/.exec(target.value)?.[1];
      if (t && !vars.has(t) && variablesIn(src).some((v) => vars.has(v.name))) {
        vars.add(t);
        changed = true;
      }
    };
    for (const p of maps) derive(p.d.args[0], p.d.args[1]);
    for (const p of sets) derive(p.d.args[1], p.d.args[0]);
  }
  return vars;
}

export default defineRule({
  id: 'nginx/cache-status-not-observable',
  dialect: 'nginx',
  meta: {
    category: 'observability',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: 'The cache is on, but `$upstream_cache_status` is in no `log_format` used by an `access_log` and in no `add_header`.',
      why: 'Without the cache status per request, HIT/MISS/EXPIRED/BYPASS ratios cannot be monitored: a cache that stopped storing (a volatile key, an upstream `Cache-Control: no-cache`, a dropped `*_ignore_headers`) looks healthy until the backends fall over. The research measured every cache behaviour through exactly this variable.',
      bad: 'proxy_cache shop;\nproxy_pass http://app;',
      good: 'proxy_cache shop;\nadd_header X-Cache-Status $upstream_cache_status always;\nproxy_pass http://app;',
    },
  },
  check(ctx) {
    const model = ctx.model;
    if (!ctx.policies.length) return;
    const ah = addHeaderModel(model);
    const vars = statusVariables(model);
    const refers = (w: Placed['d']['args'][number] | undefined) => !!w && variablesIn(w).some((v) => vars.has(v.name));
    const formats = new Map<string, boolean>([['combined', false]]);
    for (const p of placementsOf(model, 'log_format')) {
      const [name, ...rest] = p.d.args;
      if (name) formats.set(name.value, (formats.get(name.value) ?? false) || rest.some((w) => !w.value.startsWith('escape=') && refers(w)));
    }

    // headers-more: `more_set_headers "X-Cache: $upstream_cache_status"`.
    const moreHeaders = new Set(placementsOf(model, 'more_set_headers').filter((p) => p.d.args.some(refers)).map((p) => p.scope));

    /** Whether the status is visible for requests of this policy's scope; ambiguous cases count as visible. */
    const observable = (s: Scope): boolean => {
      const fragment = !inFullConfig(s);
      const logs = effective(s, 'access_log');
      if (!logs.length && fragment) return true;
      for (const l of logs) {
        const [path, fmt] = l.d.args;
        if (!path || path.value === 'off') continue;
        const name = fmt && !fmt.value.includes('=') && fmt.value !== 'gzip' ? fmt.value : 'combined';
        const has = formats.get(name);
        if (has === undefined || has) return true;
      }
      const headers = ah.effective(s);
      if (!headers.length && fragment) return true;
      if (headers.some((p) => refers(p.d.args[1]))) return true;
      for (let cur: Scope | undefined = s; cur; cur = cur.parent) if (moreHeaders.has(cur)) return true;
      return false;
    };

    // One finding per server (or per cache directive above server level).
    const groups = new Map<Scope, CachePolicy[]>();
    for (const pol of ctx.policies) {
      if (observable(pol.scope)) continue;
      const server = serverOf(pol.scope, 'http');
      const top = server && isAncestorOrSelf(server, pol.cache.scope) ? server : pol.cache.scope;
      (groups.get(top) ?? groups.set(top, []).get(top)!).push(pol);
    }
    const findings = new Map<object, { cache: Placed; inserts: Inserts; zones: string[]; related: RelatedInfo[]; tops: Scope[] }>();
    for (const [top, pols] of groups) {
      const cache = pols[0].cache;
      let f = findings.get(cache.d);
      if (!f) findings.set(cache.d, (f = { cache, inserts: new Inserts(), zones: [], related: [], tops: [] }));
      f.tops.push(top);
      for (const pol of pols) {
        if (!f.zones.includes(pol.zoneName)) f.zones.push(pol.zoneName);
        const at = pol.pass ?? pol.cache;
        if (f.related.length < 5 && !f.related.some((r) => r.path === at.file.path && r.range.start === at.d.offset)) {
          f.related.push({ path: at.file.path, range: directiveRange(at), message: `cached responses served here (${describeLevel(pol.scope)}) carry no cache status` });
        }
      }
      addStatusHeader(ah, top, f.inserts);
    }
    for (const f of findings.values()) {
      const edits = f.inserts.edits(ctx.file);
      const where = f.tops.map((s) => describeLevel(s)).filter((v, i, a) => a.indexOf(v) === i).join(', ');
      ctx.report({
        path: f.cache.file.path,
        range: directiveRange(f.cache),
        message:
          `Cache ${f.zones.map((z) => `"${z}"`).join(', ')} is on in ${where}, but $upstream_cache_status is in no access_log format and no add_header: HIT/MISS/EXPIRED rates cannot be monitored, so a cache that stops storing goes unnoticed. ` +
          `Send it with "${LINE}" or log it.`,
        related: f.related,
        fixes: edits.length ? [{ title: `Add ${LINE.replace(/;$/, '')}`, safe: true, edits }] : [],
      });
    }
  },
});

/**
 * Adds the status header at `top` without changing what other levels inherit: appended to top's own add_header
 * list, or a new list at top that repeats the inherited headers; and appended to every level below that has its
 * own add_header list (those do not inherit top's).
 */
function addStatusHeader(ah: ReturnType<typeof addHeaderModel>, top: Scope, inserts: Inserts): void {
  const list = ah.list;
  const has = (s: Scope) => list.entries(s).some((e) => e.key === HEADER.toLowerCase());
  const own = list.own(top);
  if (own.length) {
    const a = anchorFor(top, own[own.length - 1]);
    if (a && !has(top)) inserts.add(a, false, [LINE]);
  } else {
    const parent = parentLevel(top);
    const inherited = parent && list.mode(top) !== 'off' ? list.expected(parent).filter((e) => e.key !== HEADER.toLowerCase()) : [];
    const lines = [LINE, ...repeatLines(inherited, 'add_header')];
    // After the block's leading simple statements (listen, server_name, proxy_cache, …), before its first block.
    const bf = blockFile(top);
    let anchor: Placed | undefined;
    for (const p of top.items) {
      if (p.file !== bf) continue;
      if (p.d.block) break;
      anchor = p;
    }
    if (anchor) inserts.add(anchor, false, lines);
    else {
      const first = top.items.find((p) => p.file === bf);
      if (first) inserts.add(first, true, lines);
    }
  }
  const visit = (s: Scope) => {
    for (const level of s.children) {
      if (!isLevel(level)) continue;
      const lo = list.own(level);
      if (lo.length && !has(level)) {
        const a = anchorFor(level, lo[lo.length - 1]);
        if (a) inserts.add(a, false, [LINE]);
      }
      visit(level);
    }
  };
  visit(top);
}
