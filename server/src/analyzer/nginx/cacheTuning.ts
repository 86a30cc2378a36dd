// What the tuning rules (stale serving, lock, revalidation, min_uses, slices) share: which policies they
// judge, the settings in effect for a policy, where a stale finding is reported, and the edit that adds
// `updating` to `*_cache_use_stale`.
import type { NginxRuleContext } from '../rules/rule';
import { insertLineAfter } from '../fixes';
import type { TextEdit } from '../types';
import { scopeChain } from './model';
import type { Placed, Scope } from './model';
import { argSet, effective, own } from './policy';
import type { CachePolicy } from './policy';
import { parseSize } from './units';
import { mayMissDirectives } from './completeness';
import { insertLinesAfter } from './edits';

/**
 * The cache is on with a literal zone name. A variable (`proxy_cache $zone`) or template zone may be
 * empty or `off` at run time: the stale/lock rules stay silent there.
 */
export function literalCache(pol: CachePolicy): boolean {
  const w = pol.cache.d.args[0];
  return !!w && !w.template && !w.value.includes('$');
}

/** The `*_<name>` directive in effect in the policy's scope (the last one of the nearest level). */
export function lastEffective(pol: CachePolicy, name: string): Placed | undefined {
  const l = effective(pol.scope, `${pol.family}_${name}`);
  return l[l.length - 1];
}

/** The `slice` size in effect in a scope, with its directive, when it is above 0. */
export function activeSlice(scope: Scope): Placed | undefined {
  const list = effective(scope, 'slice');
  const p = list[list.length - 1];
  const size = p?.d.args.length === 1 ? parseSize(p.d.args[0].value) : undefined;
  return p && size ? p : undefined;
}

/** Groups items by a key object, keeping first-seen order. */
export function groupBy<T>(items: Iterable<T>, key: (t: T) => object | undefined): Map<object, T[]> {
  const m = new Map<object, T[]>();
  for (const t of items) {
    const k = key(t);
    if (!k) continue;
    (m.get(k) ?? m.set(k, []).get(k)!).push(t);
  }
  return m;
}

/**
 * The policies with a literal cache whose `setting` is set at no level (an explicit `off` is a decision
 * and counts as set), grouped by their `*_cache` directive, leaving out those where the setting may be in
 * a file the analysis cannot see.
 */
export function cachesWithout(ctx: NginxRuleContext, setting: (pol: CachePolicy) => Placed | undefined): CachePolicy[][] {
  const lacking = ctx.policies.filter((pol) => literalCache(pol) && !setting(pol) && !mayMissDirectives(ctx.model, pol.scope, { zone: pol.zone }));
  return [...groupBy(lacking, (p) => p.cache.d).values()];
}

/** `*_cache_use_stale` values in effect, lower-cased. */
export function staleValues(pol: CachePolicy): Set<string> {
  return argSet(pol.useStale);
}

/**
 * Some level from the policy's scope outwards says `*_cache_use_stale off`, even if an inner list
 * replaces it: stale serving was ruled out there on purpose (content that must never be served stale),
 * so the stale rules leave that decision alone.
 */
export function staleOffInChain(pol: CachePolicy): boolean {
  for (const s of scopeChain(pol.scope)) {
    for (const p of own(s, `${pol.family}_cache_use_stale`)) if (p.d.args.some((a) => a.value.toLowerCase() === 'off')) return true;
  }
  return false;
}

/**
 * The directive a stale finding is reported on and fixed at: the effective `*_cache_use_stale` (its last
 * line: lists replace, so that level decides), or the `*_cache` directive when none is set anywhere.
 */
export function staleCause(pol: CachePolicy): Placed {
  return pol.useStale[pol.useStale.length - 1] ?? pol.cache;
}

/**
 * The edit that puts `updating` into the policy's effective `*_cache_use_stale`: after the directive name
 * of the list in effect (or replacing its `off`), or a new `*_cache_use_stale updating;` after the
 * `*_cache` directive. missing-use-stale-updating and background-update-without-use-stale
 * both use it, so their edits are identical and fix-all applies them once. `background` adds
 * `*_cache_background_update on;` with the new line (only when no such directive is in effect).
 */
export function updatingEdits(ctx: NginxRuleContext, pol: CachePolicy, background: boolean): TextEdit[] | undefined {
  const fam = pol.family;
  const last = pol.useStale[pol.useStale.length - 1];
  const bgLine = `${fam}_cache_background_update on;`;
  if (!last) {
    const lines = [`${fam}_cache_use_stale updating;`, ...(background ? [bgLine] : [])];
    return [insertLinesAfter(ctx.file(pol.cache.file.path), pol.cache, lines)];
  }
  const offs = pol.useStale.flatMap((p) => p.d.args.filter((a) => a.value.toLowerCase() === 'off').map((a) => ({ p, a })));
  if (offs.length > 1) return undefined;
  const edits: TextEdit[] = offs.length
    ? [{ path: offs[0].p.file.path, start: offs[0].a.offset, end: offs[0].a.end, newText: 'updating' }]
    : [{ path: last.file.path, start: last.d.name.end, end: last.d.name.end, newText: ' updating' }];
  if (background) edits.push(insertLineAfter(ctx.file(last.file.path), last.d.offset, last.d.end, bgLine));
  return edits;
}
