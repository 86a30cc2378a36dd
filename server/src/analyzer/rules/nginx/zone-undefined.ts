// nginx/zone-undefined: `*_cache NAME` with no `*_cache_path … keys_zone=NAME` of the same family
// (nginx refuses to start), or a zone name taken from a variable that may name no zone (500 at run time).
import { defineRule } from '../rule';
import type { RelatedInfo } from '../../types';
import type { NginxModel, Placed, Scope } from '../../nginx/model';
import type { Word } from '../../nginx/tree';
import { CACHE_FAMILIES, CacheFamily, variablesIn } from '../../nginx/policy';
import { editDistance, parseCachePath } from '../../nginx/cachePath';
import { variableInfo } from '../../nginx/directives';
import { checkedPlacements } from '../../nginx/placements';
import { rootOf } from '../../nginx/scopes';
import { isUnresolvedInclude } from '../../nginx/completeness';

interface RootInfo {
  /** Zones per family: name → the `*_cache_path` defining it. */
  zones: Map<CacheFamily, Map<string, Placed>>;
  /** Families with a `*_cache_path` whose keys_zone name is a template or variable. */
  opaqueZones: Set<CacheFamily>;
  /** limit_req_zone / limit_conn_zone names (they share nginx's zone namespace). */
  otherZones: Map<string, Placed>;
  /** An include at main/http level that resolved to nothing: zones may live in files we cannot see. */
  unresolved: boolean;
  /** The entry is a fragment (sites-enabled file) whose main configuration is not part of the analysis. */
  fragment: boolean;
}

/** Where a variable gets its values: the literal words it can take, or undefined when unknowable. */
interface VarSource {
  values: { word: Word; placed: Placed }[];
  /** Some value comes from somewhere this rule cannot read (a variable, a template, an unresolved include). */
  dynamic: boolean;
}

function rootInfos(model: NginxModel): Map<Scope, RootInfo> {
  const infos = new Map<Scope, RootInfo>();
  for (const r of model.roots) {
    const entry = r.items[0]?.file.path;
    infos.set(r, { zones: new Map(), opaqueZones: new Set(), otherZones: new Map(), unresolved: false, fragment: !!entry && model.fragmentContext.has(entry) });
  }
  const info = (s: Scope) => infos.get(rootOf(s));
  for (const p of model.all) {
    const name = p.d.name.value;
    if (name === 'include') {
      const ctx = p.scope.context;
      if ((ctx === 'main' || ctx === 'http') && isUnresolvedInclude(model, p)) {
        const i = info(p.scope);
        if (i) i.unresolved = true;
      }
      continue;
    }
    if (p.scope.context === 'data') continue;
    if ((name === 'limit_req_zone' || name === 'limit_conn_zone') && p.scope.family === 'http') {
      const w = p.d.args.find((a) => a.value.startsWith('zone='));
      const zn = w?.value.slice(5).split(':')[0];
      const i = info(p.scope);
      if (zn && i && !i.otherZones.has(zn)) i.otherZones.set(zn, p);
      continue;
    }
    const cp = name.endsWith('_cache_path') ? parseCachePath(p.d) : undefined;
    if (!cp) continue;
    const i = info(p.scope);
    if (!i) continue;
    if (!cp.keysZone || cp.keysZone.param.opaque) {
      if (cp.opaque) i.opaqueZones.add(cp.family);
      continue;
    }
    const fam = i.zones.get(cp.family) ?? i.zones.set(cp.family, new Map()).get(cp.family)!;
    if (!fam.has(cp.keysZone.name)) fam.set(cp.keysZone.name, p);
  }
  return infos;
}

/** Values of variables set by `map`, `geo`, `split_clients` and `set` (built lazily, once per check). */
function variableSources(model: NginxModel): Map<string, VarSource> {
  const out = new Map<string, VarSource>();
  const src = (v: string) => out.get(v) ?? out.set(v, { values: [], dynamic: false }).get(v)!;
  for (const p of model.all) {
    const n = p.d.name.value;
    const args = p.d.args;
    if (n === 'set' && p.scope.context !== 'data' && args.length === 2 && args[0].value.startsWith('$')) {
      const s = src(args[0].value.slice(1));
      if (args[1].template || args[1].value.includes('$')) s.dynamic = true;
      else s.values.push({ word: args[1], placed: p });
      continue;
    }
    if (!p.d.dataBlock || !p.d.block || args.length < 1) continue;
    let target: Word | undefined;
    if (n === 'map' || n === 'split_clients') target = args[1];
    else if (n === 'geo') target = args[args.length - 1];
    if (!target || !target.value.startsWith('$')) continue;
    const s = src(target.value.replace(/^\$\{?([A-Za-z0-9_]+)\}?$/, '$1'));
    const body = p.scope.children.find((c) => c.block === p);
    if (!body) {
      s.dynamic = true;
      continue;
    }
    for (const e of body.items) {
      const en = e.d.name.value;
      if (en === 'include') {
        if (isUnresolvedInclude(model, e)) s.dynamic = true;
        continue;
      }
      if (e.d.name.template) {
        s.dynamic = true;
        continue;
      }
      if (n === 'geo' && (en === 'delete' || en === 'proxy' || en === 'ranges' || en === 'proxy_recursive')) continue;
      if (n === 'map' && (en === 'hostnames' || en === 'volatile')) continue;
      const v = e.d.args[e.d.args.length - 1];
      if (!v) continue;
      if (v.template || v.value.includes('$')) s.dynamic = true;
      else s.values.push({ word: v, placed: e });
    }
  }
  return out;
}

/** The defined zone a misspelt name most likely meant: same letters in another case, or within 1–2 edits. */
function typoOf(name: string, zones: Iterable<string>): string | undefined {
  const list = [...zones];
  const ci = list.filter((z) => z.toLowerCase() === name.toLowerCase());
  if (ci.length === 1) return ci[0];
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const z of list) {
    const dd = editDistance(name, z);
    if (dd < bestD) {
      best = z;
      bestD = dd;
      tie = false;
    } else if (dd === bestD) tie = true;
  }
  return best && !tie && bestD <= limit && bestD < name.length && bestD < best.length ? best : undefined;
}

export default defineRule({
  id: 'nginx/zone-undefined',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary:
        '`*_cache NAME` names no zone of a `*_cache_path … keys_zone=NAME` of the same family (a `proxy_cache_path` zone does not serve `fastcgi_cache`), or takes the zone name from a variable that can name no zone.',
      why:
        'nginx refuses to start (`nginx -t` 1.22.1: "\\"proxy_cache\\" zone \\"x\\" is unknown", or "the shared memory zone … is already declared for a different use" when the name belongs to another family). With a variable zone name nginx starts, but a request whose value names no zone gets a 500 and the log says `cache "x" not found` (measured with `proxy_cache $arg_zone`); an empty value or `off` turns caching off.',
      bad: 'fastcgi_cache_path /var/cache/nginx/php keys_zone=php:10m;\nlocation / { proxy_cache php; proxy_pass http://app; }',
      good: 'proxy_cache_path /var/cache/nginx/app keys_zone=app:10m;\nlocation / { proxy_cache app; proxy_pass http://app; }',
    },
  },
  check(ctx) {
    let infos: Map<Scope, RootInfo> | undefined;
    let vars: Map<string, VarSource> | undefined;
    for (const p of checkedPlacements(ctx.model, (n) => n.endsWith('_cache'))) {
      const dn = p.d.name.value;
      const family = dn.slice(0, -'_cache'.length) as CacheFamily;
      if (!CACHE_FAMILIES.includes(family) || p.d.args.length !== 1) continue;
      const w = p.d.args[0];
      if (w.template || w.value === 'off' || w.value === '') continue;
      infos ??= rootInfos(ctx.model);
      const info = infos.get(rootOf(p.scope));
      if (!info) continue;
      const zones = info.zones.get(family) ?? new Map<string, Placed>();
      const path = p.file.path;
      const range = { start: w.offset, end: w.end };
      const pathDirective = `${family}_cache_path`;

      const used = variablesIn(w);
      if (used.length || w.value.includes('$')) {
        vars ??= variableSources(ctx.model);
        const whole = used.length === 1 && used[0].start === w.offset + (w.quote ? 1 : 0) && used[0].end === w.end - (w.quote ? 1 : 0);
        const known = zones.size ? ` (defined: ${[...zones.keys()].join(', ')})` : '';
        if (whole) {
          const s = vars.get(used[0].name);
          if (s) {
            // Values we can see that name no zone; values we cannot see (variables, templates) make no claim.
            if (info.opaqueZones.has(family) || info.unresolved || info.fragment) continue;
            const bad = s.values.find((v) => v.word.value !== '' && v.word.value !== 'off' && !zones.has(v.word.value));
            if (!bad) continue;
            ctx.report({
              path,
              range,
              severity: 'warning',
              message: `${dn} $${used[0].name} can be "${bad.word.value}", which names no ${pathDirective} zone: requests that get it are answered with 500 (nginx logs cache "${bad.word.value}" not found). Use a defined zone${known}, "off" or an empty value.`,
              related: [{ path: bad.placed.file.path, range: { start: bad.word.offset, end: bad.word.end }, message: `$${used[0].name} is set to "${bad.word.value}" here` }],
            });
            continue;
          }
        }
        // A variable nginx provides (request arguments, headers, host…): any value can arrive. One we
        // cannot see the origin of (set in a parent configuration, by a module): no claim.
        const unknownOrigin = used.some((u) => !vars!.has(u.name) && !variableInfo(u.name));
        if (unknownOrigin || !used.length) continue;
        const dynamic = used.filter((u) => !vars!.has(u.name)).map((u) => '$' + u.name);
        // Only variables the configuration sets itself (maps of several parts): its author controls them.
        if (!dynamic.length) continue;
        ctx.report({
          path,
          range,
          severity: 'warning',
          message: `${dn} ${w.value} picks the zone per request from ${dynamic.join(', ')}: a value that names no ${pathDirective} zone${known} is answered with 500 (nginx logs cache "…" not found). Map the value to known zone names or "off" with a map block.`,
        });
        continue;
      }

      const name = w.value;
      if (zones.has(name)) continue;
      let other: { placed: Placed; what: string } | undefined;
      for (const f of CACHE_FAMILIES) {
        const z = f !== family ? info.zones.get(f)?.get(name) : undefined;
        if (z) {
          other = { placed: z, what: `a ${f}_cache_path zone` };
          break;
        }
      }
      const lim = info.otherZones.get(name);
      if (!other && lim) other = { placed: lim, what: `a ${lim.d.name.value} zone` };
      // The zone may be defined in a file we cannot see; a name another family holds fails either way.
      if (!other && (info.unresolved || info.opaqueZones.has(family))) continue;
      const typo = typoOf(name, zones.keys());
      // A fragment's zones usually live in the main nginx.conf, which is not part of this analysis: only
      // a name taken by another family, or a near miss of a zone the fragment itself defines, is certain enough.
      if (info.fragment && !other && !typo) continue;
      const related: RelatedInfo[] = [];
      if (other) related.push({ path: other.placed.file.path, range: { start: other.placed.d.offset, end: other.placed.d.end }, message: `"${name}" is ${other.what}` });
      if (typo) {
        const z = zones.get(typo)!;
        related.push({ path: z.file.path, range: { start: z.d.offset, end: z.d.end }, message: `zone "${typo}" is defined here` });
      }
      const next = typo
        ? `Did you mean "${typo}"?`
        : other
          ? `Use a zone of ${pathDirective}, or define one with a name of its own (${pathDirective} /var/cache/nginx/${family}_${name} keys_zone=${family}_${name}:10m;).`
          : `Add ${pathDirective} /var/cache/nginx/${name} keys_zone=${name}:10m; in http {}, or fix the name.`;
      const message = other
        ? `${dn} "${name}": "${name}" is ${other.what}, and ${dn} needs a zone from ${pathDirective}: nginx refuses to start (the shared memory zone "${name}" is already declared for a different use). ${next}`
        : `${dn} "${name}": no ${pathDirective} defines keys_zone=${name}, so nginx refuses to start ("${dn}" zone "${name}" is unknown). ${next}`;
      ctx.report({
        path,
        range,
        message,
        related,
        fixes: typo ? [{ title: `Use zone "${typo}"`, safe: false, edits: [{ path, start: w.offset, end: w.end, newText: w.quote ? `${w.quote}${typo}${w.quote}` : typo }] }] : [],
      });
    }
  },
});
