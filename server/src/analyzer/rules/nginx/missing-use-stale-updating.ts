// nginx/missing-use-stale-updating: a short TTL without `*_cache_use_stale updating` — every expiry is a stampede.
// Also exports the helpers the other stale/lock rules share (cause grouping, insertion slots, the `updating` edit).
import { defineRule } from '../rule';
import type { NginxRuleContext } from '../rule';
import { DEFAULT_THRESHOLDS, type TextEdit } from '../../types';
import { scopeChain } from '../../nginx/model';
import type { NginxModel, ParsedFile, Placed, Scope } from '../../nginx/model';
import { argSet, directiveRange, effective, own } from '../../nginx/policy';
import type { CachePolicy, ValidEntry } from '../../nginx/policy';
import { indentAt, insertLineAfter } from '../../fixes';
import { describeTime } from '../../nginx/units';

interface Uncertain {
  /** Levels with an `include` of a named file that is not there, or with a template placeholder. */
  includes: Set<Scope>;
  /** Roots of fragment entries: their enclosing levels are in a file not analysed. */
  fragments: Set<Scope>;
}

const uncertainCache = new WeakMap<NginxModel, Uncertain>();

function uncertainScopes(model: NginxModel): Uncertain {
  let u = uncertainCache.get(model);
  if (u) return u;
  u = { includes: new Set(), fragments: new Set() };
  // A glob that matches nothing is what nginx sees too (an empty conf.d/): only a named file that is not there counts.
  for (const site of model.includes) if (site.missing) u.includes.add(site.at.scope);
  for (const p of model.all) if (p.d.name.value === 'include' && p.d.args.some((a) => a.template)) u.includes.add(p.scope);
  for (const r of model.roots) if (r.context !== 'main') u.fragments.add(r);
  uncertainCache.set(model, u);
  return u;
}

/**
 * Whether a directive the analyzer did not see could change what the policy's `scope` gets: a missing
 * include from `scope` out to `upTo` (the level of the directive that was found, inclusive), or a
 * fragment's unknown enclosing levels when nothing was found. Rules about an absent directive stay
 * silent then. An http-level fragment (a sites-enabled file) that defines the cache zone itself is taken
 * as complete: the cache is set up in that file, so its tuning would be there too.
 */
export function mayBeOverridden(ctx: NginxRuleContext, pol: CachePolicy, scope: Scope, upTo?: Scope): boolean {
  const u = uncertainScopes(ctx.model);
  if (!u.includes.size && !u.fragments.size) return false;
  for (const s of scopeChain(scope)) {
    if (u.includes.has(s)) return true;
    if (s === upTo) return false;
    if (u.fragments.has(s)) return !(s.context === 'http' && pol.zone && rootOf(pol.zone.placed.scope) === s);
  }
  return false;
}

function rootOf(scope: Scope): Scope {
  let s = scope;
  while (s.parent) s = s.parent;
  return s;
}

/** TTLs at or below this (seconds) count as short by default; setting `thresholds.shortTtlSeconds`. */
export const SHORT_TTL_SECONDS = DEFAULT_THRESHOLDS.shortTtlSeconds;

/**
 * The cache is on with a literal zone name. A variable (`proxy_cache $zone`) or template zone may be
 * empty or `off` at run time: the stale/lock rules stay silent there.
 */
export function literalCache(pol: CachePolicy): boolean {
  const w = pol.cache.d.args[0];
  return !!w && !w.template && !w.value.includes('$');
}

/** Inserts `lines` (statements) on their own lines right after `p`, with `p`'s indentation. */
export function insertAfter(file: ParsedFile, p: Placed, lines: string[]): TextEdit {
  const body = lines.join(file.lines.eol() + indentAt(file, p.d.offset));
  return insertLineAfter(file, p.d.offset, p.d.end, body);
}

/** The `*_cache_valid` entry that sets the TTL of a 200 response (the first one listing 200 or `any`). */
export function ttlFor200(pol: CachePolicy): ValidEntry | undefined {
  return pol.valid.find((v) => v.codes.includes('200') || v.codes.some((c) => c.toLowerCase() === 'any'));
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
    return [insertAfter(ctx.file(pol.cache.file.path), pol.cache, lines)];
  }
  const offs = pol.useStale.flatMap((p) => p.d.args.filter((a) => a.value.toLowerCase() === 'off').map((a) => ({ p, a })));
  if (offs.length > 1) return undefined;
  const edits: TextEdit[] = offs.length
    ? [{ path: offs[0].p.file.path, start: offs[0].a.offset, end: offs[0].a.end, newText: 'updating' }]
    : [{ path: last.file.path, start: last.d.name.end, end: last.d.name.end, newText: ' updating' }];
  if (background) edits.push(insertLineAfter(ctx.file(last.file.path), last.d.offset, last.d.end, bgLine));
  return edits;
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

export default defineRule({
  id: 'nginx/missing-use-stale-updating',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: `The cache has a short TTL (${describeTime(SHORT_TTL_SECONDS)} or less) and \`*_cache_use_stale\` lacks \`updating\`: every expiry sends all concurrent requests for a URL to the upstream.`,
      why: 'When an entry expires, every request that arrives before the refresh completes fetches from the upstream itself; `*_cache_lock` does not help here, it only collapses misses on keys that are not cached yet (measured: 20 concurrent requests on an expired key made 20 backend fetches with the lock on, 1 with `use_stale updating`). With a short TTL this happens constantly. `updating` serves the stale copy while one request refreshes it, and `*_cache_background_update on` makes even that request not wait.',
      bad: 'proxy_cache shop;\nproxy_cache_valid 200 10s;',
      good: 'proxy_cache shop;\nproxy_cache_valid 200 10s;\nproxy_cache_use_stale updating;\nproxy_cache_background_update on;',
    },
  },
  check(ctx) {
    const shortTtl = ctx.settings.thresholds.shortTtlSeconds;
    const short = ctx.policies.filter((pol) => {
      if (!literalCache(pol)) return false;
      const ttl = ttlFor200(pol);
      if (!ttl || ttl.seconds <= 0 || ttl.seconds > shortTtl) return false;
      const values = staleValues(pol);
      // An explicit `off` (here or outside) is a decision: content that must never be served stale.
      if (values.has('updating') || staleOffInChain(pol)) return false;
      return !mayBeOverridden(ctx, pol, pol.scope, pol.useStale[0]?.scope);
    });
    // Every cached scope per cause, to see whether any of them has a background_update of its own.
    const all = groupBy(ctx.policies.filter(literalCache), (p) => staleCause(p).d);
    for (const [causeKey, pols] of groupBy(short, (p) => staleCause(p).d)) {
      const pol = pols[0];
      const fam = pol.family;
      const cause = staleCause(pol);
      const ttl = ttlFor200(pols.reduce((a, b) => (ttlFor200(b)!.seconds < ttlFor200(a)!.seconds ? b : a)))!;
      // Add background_update with the fix only where no policy of this cause has one (on or off) in effect.
      const bgAbsent = (all.get(causeKey) ?? pols).every((p) => !p.background) && !own(cause.scope, `${fam}_cache_background_update`).length;
      const edits = updatingEdits(ctx, pol, bgAbsent);
      const zone = pol.zoneName;
      const hasList = pol.useStale.length > 0;
      const related = [
        { path: ttl.placed.file.path, range: { start: ttl.timeWord.offset, end: ttl.timeWord.end }, message: `entries for 200 expire after ${describeTime(ttl.seconds)}` },
        ...(hasList ? [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${zone}" enabled here` }] : []),
      ];
      const what = hasList
        ? `${fam}_cache_use_stale in effect for cache "${zone}" lacks updating`
        : `Cache "${zone}" has no ${fam}_cache_use_stale updating`;
      ctx.report({
        path: cause.file.path,
        range: directiveRange(cause),
        message: `${what}, and its entries expire after ${describeTime(ttl.seconds)}: at every expiry all concurrent requests for a URL go to the upstream (the cache lock does not collapse refreshes). Add updating${bgAbsent ? ` and ${fam}_cache_background_update on` : ''} so one request refreshes while the others get the stale copy.`,
        related,
        fixes: edits
          ? [{ title: `${hasList ? `Add updating to ${fam}_cache_use_stale` : `Add ${fam}_cache_use_stale updating`}${bgAbsent ? ` and ${fam}_cache_background_update on` : ''}`, safe: false, edits }]
          : [],
      });
    }
  },
});

/** The `*_<name>` directive in effect in the policy's scope (the last one of the nearest level). */
export function lastEffective(pol: CachePolicy, name: string): Placed | undefined {
  const l = effective(pol.scope, `${pol.family}_${name}`);
  return l[l.length - 1];
}
