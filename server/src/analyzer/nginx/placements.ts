// Indexes over the placed directives of a model, built once per analysis: every placement of a name, a
// name's placements per scope, the placements checked against nginx's reference, and the families that
// send requests upstream from each scope.
import type { NginxModel, Placed, Scope } from './model';
import { directiveSpec } from './directives';

const allCache = new WeakMap<NginxModel, Map<string, Placed[]>>();

/** Every placement of directives named `name` in the model, in order (one scan per analysis). */
export function placementsOf(model: NginxModel, name: string): Placed[] {
  let m = allCache.get(model);
  if (!m) {
    m = new Map();
    for (const p of model.all) {
      const k = p.d.name.value;
      (m.get(k) ?? m.set(k, []).get(k)!).push(p);
    }
    allCache.set(model, m);
  }
  return m.get(name) ?? [];
}

const namedCache = new WeakMap<NginxModel, WeakMap<ReadonlySet<string>, Placed[]>>();

/** Every placement of the directives named in `names`, in model order (shared: do not modify). */
export function placementsNamed(model: NginxModel, names: ReadonlySet<string>): Placed[] {
  let bySet = namedCache.get(model);
  if (!bySet) namedCache.set(model, (bySet = new WeakMap()));
  let out = bySet.get(names);
  if (!out) {
    const lists: Placed[][] = [];
    for (const n of names) {
      const l = placementsOf(model, n);
      if (l.length) lists.push(l);
    }
    out = lists.length === 1 ? lists[0] : lists.flat().sort((a, b) => a.order - b.order);
    bySet.set(names, out);
  }
  return out;
}

const ownCache = new WeakMap<NginxModel, Map<string, Map<Scope, Placed[]>>>();

/** Directives named `name` set directly at `s`, in order. */
export function ownOf(model: NginxModel, s: Scope, name: string): Placed[] {
  let byName = ownCache.get(model);
  if (!byName) ownCache.set(model, (byName = new Map()));
  let idx = byName.get(name);
  if (!idx) {
    idx = new Map();
    for (const p of placementsOf(model, name)) (idx.get(p.scope) ?? idx.set(p.scope, []).get(p.scope)!).push(p);
    byName.set(name, idx);
  }
  return idx.get(s) ?? [];
}

const checkedCache = new WeakMap<NginxModel, Placed[]>();

/**
 * Directives to check against nginx's reference, optionally only those whose name `want` selects: each
 * directive once, even when its file is included from several places (the first placement decides), not
 * data entries of map/types/geo bodies, and not inside a block of an unknown (third-party) directive,
 * whose contents only its module knows. Computed once per model.
 */
export function checkedPlacements(model: NginxModel, want?: (name: string) => boolean): Placed[] {
  let all = checkedCache.get(model);
  if (!all) {
    all = [];
    const seen = new Set<object>();
    // Whether a scope is inside a block of an unknown directive, memoised per scope.
    const hidden = new Map<Scope, boolean>();
    const isHidden = (s: Scope): boolean => {
      if (!s.block) return false;
      let h = hidden.get(s);
      if (h === undefined) {
        h = !directiveSpec(s.block.d.name.value) || isHidden(s.parent!);
        hidden.set(s, h);
      }
      return h;
    };
    // A directive is placed more than once only when its file is included more than once.
    const repeats = model.includes.length > 0;
    for (const p of model.all) {
      if (repeats) {
        if (seen.has(p.d)) continue;
        seen.add(p.d);
      }
      if (p.scope.context !== 'data' && !isHidden(p.scope)) all.push(p);
    }
    checkedCache.set(model, all);
  }
  return want ? all.filter((p) => want(p.d.name.value)) : all;
}

/** The families whose `*_pass` sends requests upstream (including grpc, which has no cache). */
export const PASS_FAMILIES = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'] as const;

const passCache = new WeakMap<NginxModel, Map<Scope, Set<string>>>();

/** For every scope, the families (`proxy`, `fastcgi`, …) with a `*_pass` in it or below it. */
export function passFamiliesBelow(model: NginxModel): Map<Scope, Set<string>> {
  let m = passCache.get(model);
  if (m) return m;
  const out = new Map<Scope, Set<string>>();
  const visit = (s: Scope): Set<string> => {
    const set = new Set<string>();
    for (const c of s.children) for (const f of visit(c)) set.add(f);
    for (const f of PASS_FAMILIES) if (ownOf(model, s, `${f}_pass`).length) set.add(f);
    out.set(s, set);
    return set;
  };
  for (const r of model.roots) visit(r);
  passCache.set(model, (m = out));
  return m;
}
