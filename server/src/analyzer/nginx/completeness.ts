// Whether the analysis may be missing directives that are in effect at a scope: an `include` that brought
// in nothing the analyzer could read, or a fragment entry whose enclosing levels are in a file it has not
// seen. Rules that conclude from an absence (no `*_cache_key`, no `*_cache_valid`, no `*_cache_lock`) stay
// silent then.
import { scopeChain } from './model';
import type { NginxModel, Placed, Scope } from './model';
import type { ZoneDef } from './policy';
import type { Directive } from './tree';
import { rootOf } from './scopes';

export interface CompletenessOptions {
  /**
   * The level of the directive that was found, if one was: levels outside it cannot change what applies
   * (the found level replaces them), so only `scope` out to `upTo` (inclusive) is looked at, and the
   * unknown levels around a fragment do not matter. Without it the whole chain counts.
   */
  upTo?: Scope;
  /**
   * Count an `include` with a template placeholder (`include ${CONF_DIR}/cache.conf;`): the file is only
   * known once the template is rendered. Default true. The cache-key rules (built-in or missing key) and
   * upstream-cache-without-key pass false and look at missing files and fragments only.
   */
  templates?: boolean;
  /**
   * Count an `include` whose glob matched no file. Default false: nginx sees an empty glob (an empty
   * conf.d/) too. cache-without-ttl, cache-valid-inner-replaces-outer and the slice rules pass true: in a
   * checked-out configuration such a directory is often filled at deploy time.
   */
  emptyGlobs?: boolean;
  /**
   * The cache zone of the policy in question. An http-level fragment (a sites-enabled file) that defines
   * this zone itself is taken as complete: the cache is set up in that file, so its tuning would be there
   * too. Used by the rules of rules/groups/stale.ts (stale serving, lock, revalidation, min_uses, buffering).
   */
  zone?: ZoneDef;
}

interface Unseen {
  /** Levels with an `include` of a named file that is not there (or only next to the including file). */
  missing: Set<Scope>;
  /** Levels with an `include` whose glob matched no file. */
  emptyGlobs: Set<Scope>;
  /** Levels with an `include` that has a template placeholder (such includes are not resolved at all). */
  templates: Set<Scope>;
  /** `include` statements of which some placement resolved to no file (missing or an empty glob). */
  unresolved: Set<Directive>;
}

const unseenCache = new WeakMap<NginxModel, Unseen>();

function unseen(model: NginxModel): Unseen {
  let u = unseenCache.get(model);
  if (u) return u;
  u = { missing: new Set(), emptyGlobs: new Set(), templates: new Set(), unresolved: new Set() };
  for (const site of model.includes) {
    if (site.targets.length) continue;
    (site.missing ? u.missing : u.emptyGlobs).add(site.at.scope);
    u.unresolved.add(site.at.d);
  }
  for (const p of model.all) if (p.d.name.value === 'include' && p.d.args.some((a) => a.template)) u.templates.add(p.scope);
  unseenCache.set(model, u);
  return u;
}

/** Whether the configuration around a scope is complete (analysed from the main file, not a fragment). */
export function inFullConfig(scope: Scope): boolean {
  return rootOf(scope).kind === 'main';
}

/**
 * Whether directives in effect at `scope` may be missing from the analysis: `scope` or an enclosing level
 * (out to `upTo`) has an include the analyzer could not follow, or the chain reaches the top of a
 * fragment entry, whose enclosing levels the analyzer has not seen. Computed once per model.
 */
export function mayMissDirectives(model: NginxModel, scope: Scope, opts: CompletenessOptions = {}): boolean {
  const u = unseen(model);
  const templates = opts.templates ?? true;
  const emptyGlobs = opts.emptyGlobs ?? false;
  for (const s of scopeChain(scope)) {
    if (u.missing.has(s) || (templates && u.templates.has(s)) || (emptyGlobs && u.emptyGlobs.has(s))) return true;
    if (s === opts.upTo) return false;
    if (!s.parent && s.context !== 'main') {
      // The top of a fragment entry.
      return !(opts.zone && s.context === 'http' && rootOf(opts.zone.placed.scope) === s);
    }
  }
  return false;
}

/**
 * Whether an `include` statement may hide directives: it resolved to no file where it was read (a missing
 * file, or a glob that matched nothing), or it has a template placeholder.
 */
export function isUnresolvedInclude(model: NginxModel, p: Placed): boolean {
  return unseen(model).unresolved.has(p.d) || p.d.args.some((a) => a.template);
}
