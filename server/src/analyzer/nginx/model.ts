// The configuration as nginx assembles it: files parsed, includes expanded in place, scopes with their directives.
import { DEFAULT_INCLUDE_LIMITS, type FileProvider, type IncludeLimits, type IncludeNotice } from '../types';
import { LineIndex } from '../text/lineIndex';
import { dirname, isAbsolute, join, basename } from '../text/paths';
import { parseNginx } from './parser';
import { allowedIn, directiveSpec, Family, isKnownDirective } from './directives';
import type { Directive, NginxTree, Node } from './tree';

export interface ParsedFile {
  path: string;
  text: string;
  tree: NginxTree;
  lines: LineIndex;
}

/** A directive where nginx sees it: its file and the scope (block) it belongs to after include expansion. */
export interface Placed {
  d: Directive;
  file: ParsedFile;
  scope: Scope;
  /** Position in the model's placement order (`NginxModel.all`). */
  order: number;
}

/** A configuration level: main, http, server, location, if, upstream, … with directives from every file. */
export interface Scope {
  /** The block directive's name, or `main`. */
  kind: string;
  /** The context name used by nginx's reference (`if in location`, `server`, …), or `data` for map-like bodies. */
  context: string;
  family: Family;
  /** The directive that opened this block (undefined for main). */
  block?: Placed;
  parent?: Scope;
  items: Placed[];
  children: Scope[];
  /** This scope and its ancestors, innermost first (computed on first use). */
  chain?: Scope[];
  /** The scope's own directives by name (computed on first use). */
  byName?: Map<string, Placed[]>;
}

export interface IncludeSite {
  at: Placed;
  pattern: string;
  targets: string[];
  /** The pattern names one file (no glob) that does not exist. */
  missing: boolean;
  /** For a missing file: the file of that name next to the including file, which nginx does not look at. */
  nearby?: string;
  /** Targets skipped because they would include themselves again. */
  cycles: string[];
}

export interface NginxModel {
  files: Map<string, ParsedFile>;
  /** One main scope per entry file. */
  roots: Scope[];
  all: Placed[];
  includes: IncludeSite[];
  /** Files reached through `include` from an entry. */
  included: Set<string>;
  /** The context a fragment entry was analysed in, when it was inferred or declared. */
  fragmentContext: Map<string, { context: string; declared: boolean }>;
}

export interface ModelOptions {
  provider: FileProvider;
  extraDirectives: Set<string>;
  /** Files already parsed in this analysis run (shared across entries). */
  cache?: Map<string, ParsedFile | null>;
  /** The context to read fragment entries in, instead of inferring it. */
  entryContext?: string;
  /** Include expansion limits; else the provider's, else `DEFAULT_INCLUDE_LIMITS`. */
  limits?: Partial<IncludeLimits>;
}

interface Loader {
  /** The parsed file, or undefined when it cannot be read (or the file limit is reached: see `full`). */
  (path: string): ParsedFile | undefined;
  glob(pattern: string, limit: number): string[];
  /** Whether `path` would not be read because the analysis reached `limits.maxFiles`. */
  full(path: string): boolean;
  /** Why an existing file cannot be read (from the provider), if it says. */
  unreadable(path: string): string | undefined;
  /** The file's identity through symlinks (memoized). */
  canonical(path: string): string;
  limits: IncludeLimits;
  notice(n: IncludeNotice): void;
}

/**
 * An include naming another host: a UNC path (`//host/share`, `\\host\share`) or a URL
 * (`http://…`). Such includes are never read: a network read can stall the analysis indefinitely.
 */
export function isNetworkPath(p: string): boolean {
  return /^(?:\/\/|\\\\|\\\/|\/\\)/.test(p) || /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

function limitsOf(opts: ModelOptions): IncludeLimits {
  const out = { ...DEFAULT_INCLUDE_LIMITS };
  for (const src of [opts.provider.limits, opts.limits]) {
    if (!src) continue;
    for (const k of Object.keys(out) as Array<keyof IncludeLimits>) {
      const v = src[k];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = Math.floor(v);
    }
  }
  return out;
}

export function parseFile(path: string, text: string, extra: Set<string>): ParsedFile {
  const tree = parseNginx(text, { isKnownDirective: (n) => isKnownDirective(n) || extra.has(n) });
  return { path, text, tree, lines: new LineIndex(text) };
}

/** Builds the model for entry files. Missing entries are skipped (the caller reports them). */
export function buildModel(entries: string[], opts: ModelOptions): NginxModel {
  const cache = opts.cache ?? new Map<string, ParsedFile | null>();
  const model: NginxModel = { files: new Map(), roots: [], all: [], includes: [], included: new Set(), fragmentContext: new Map() };
  const limits = limitsOf(opts);
  const canonicals = new Map<string, string>();
  const load = ((path: string): ParsedFile | undefined => {
    if (cache.has(path)) return cache.get(path) ?? undefined;
    if (cache.size >= limits.maxFiles) return undefined;
    const text = opts.provider.readFile(path);
    const pf = text === undefined ? null : parseFile(path, text, opts.extraDirectives);
    cache.set(path, pf);
    return pf ?? undefined;
  }) as Loader;
  load.glob = (pattern, limit) => opts.provider.glob(pattern, limit);
  load.full = (path) => !cache.has(path) && cache.size >= limits.maxFiles;
  load.unreadable = (path) => opts.provider.unreadable?.(path);
  load.canonical = (path) => {
    let c = canonicals.get(path);
    if (c === undefined) canonicals.set(path, (c = opts.provider.canonical?.(path) ?? path));
    return c;
  };
  load.limits = limits;
  load.notice = (n) => opts.provider.notice?.(n);

  for (const entry of entries) {
    const file = load(entry);
    if (!file) continue;
    model.files.set(entry, file);
    const { context, declared } = opts.entryContext ? { context: opts.entryContext, declared: true } : entryContext(file);
    const family: Family = context === 'main' ? 'any' : 'http';
    const root: Scope = { kind: context === 'main' ? 'main' : context, context, family, items: [], children: [] };
    if (context !== 'main') model.fragmentContext.set(entry, { context, declared });
    model.roots.push(root);
    // nginx resolves relative includes against the main configuration's directory. A fragment's main
    // configuration is unknown: try the directory above it (conf.d/, sites-enabled/ layouts), then its own.
    const dir = dirname(entry);
    const prefixes = context === 'main' ? [dir] : [dirname(dir), dir];
    walk(model, file, file.tree.children, root, { prefixes, fragment: context !== 'main' }, [entry], load);
  }
  return model;
}

interface Prefix {
  prefixes: string[];
  /** The root is a fragment: its main configuration, and so nginx's prefix, is a guess. */
  fragment: boolean;
}

function walk(model: NginxModel, file: ParsedFile, nodes: Node[], scope: Scope, prefix: Prefix, stack: string[], load: Loader): void {
  for (const n of nodes) {
    if (n.type !== 'directive') continue;
    const placed: Placed = { d: n, file, scope, order: model.all.length };
    scope.items.push(placed);
    model.all.push(placed);
    const name = n.name.value;
    if (name === 'include' && !n.block && n.args.length === 1 && !n.args[0].template) {
      const site = resolveInclude(placed, n.args[0].value, prefix, file.path, load);
      model.includes.push(site);
      const arg = n.args[0];
      const notice = (kind: IncludeNotice['kind'], message: string) =>
        load.notice({ kind, path: file.path, range: { start: arg.offset, end: arg.end }, message });
      // `stack` holds the entry and the files included so far: its length is this include's level.
      if (stack.length > load.limits.maxIncludeDepth) {
        if (site.targets.length > 0) {
          notice(
            'maxIncludeDepth',
            `include "${site.pattern}" is not followed: it is at include level ${stack.length}, beyond the limit of ${load.limits.maxIncludeDepth} levels; what it includes is not analysed`,
          );
        }
        continue;
      }
      // Compared by identity, so a symlink back to a file being included is a cycle too.
      const ids = stack.map((p) => load.canonical(p));
      let leftOut = 0;
      for (const target of site.targets) {
        if (stack.includes(target) || ids.includes(load.canonical(target))) {
          site.cycles.push(target);
          continue;
        }
        if (load.full(target)) {
          leftOut++;
          continue;
        }
        const inc = load(target);
        if (!inc) {
          const why = load.unreadable(target);
          if (why) notice('unreadable', `include "${site.pattern}": ${target} is not read: ${why}`);
          continue;
        }
        model.files.set(target, inc);
        model.included.add(target);
        walk(model, inc, inc.tree.children, scope, prefix, [...stack, target], load);
      }
      if (leftOut > 0) {
        notice('maxFiles', `include "${site.pattern}": ${leftOut} file(s) are not analysed: this analysis reached its limit of ${load.limits.maxFiles} files`);
      }
      continue;
    }
    if (n.block && !n.block.raw) {
      const child = childScope(scope, placed);
      scope.children.push(child);
      walk(model, file, n.block.children, child, prefix, stack, load);
    }
  }
}

function childScope(parent: Scope, placed: Placed): Scope {
  const name = placed.d.name.value;
  let context = name;
  let family = parent.family;
  if (placed.d.dataBlock) context = 'data';
  else if (name === 'http' || name === 'stream' || name === 'mail') family = name;
  else if (name === 'if') context = parent.context === 'location' || parent.context === 'if in location' ? 'if in location' : 'if';
  return { kind: name, context, family, block: placed, parent, items: [], children: [] };
}

function resolveInclude(at: Placed, pattern: string, prefix: Prefix, from: string, load: Loader): IncludeSite {
  const isGlob = /[*?[]/.test(pattern);
  const site: IncludeSite = { at, pattern, targets: [], missing: false, cycles: [] };
  const arg = at.d.args[0];
  const notice = (kind: IncludeNotice['kind'], message: string) => load.notice({ kind, path: from, range: { start: arg.offset, end: arg.end }, message });
  if (isNetworkPath(pattern)) {
    notice('network', `include "${pattern}" names a network location; cachelint reads local files only, so what it includes is not analysed`);
    return site;
  }
  // A glob that matches nothing at nginx's prefix is fine for nginx; looking elsewhere would pull in
  // files nginx never reads. A single file is also looked up next to the including file.
  const bases = isAbsolute(pattern) ? [''] : isGlob && !prefix.fragment ? prefix.prefixes : [...prefix.prefixes, dirname(from)];
  for (const base of bases) {
    const abs = base ? join(base, pattern) : pattern;
    if (isGlob) {
      const max = load.limits.maxGlobFiles;
      const found = load.glob(abs, max + 1);
      if (found.length > max) {
        notice(
          'maxGlobFiles',
          `include "${pattern}" matches more than ${max} files: only the first ${max} in name order are analysed`,
        );
        found.length = max;
      }
      if (found.length) {
        site.targets = found;
        return site;
      }
    } else if (load.full(abs)) {
      site.targets = [abs];
      return site;
    } else if (load(abs)) {
      // Found only next to the including file: nginx itself would not read it.
      if (!prefix.fragment && base !== '' && base !== prefix.prefixes[0]) {
        site.missing = true;
        site.nearby = abs;
      } else site.targets = [abs];
      return site;
    } else {
      const why = load.unreadable(abs);
      if (why) {
        notice('unreadable', `include "${pattern}" is not read: ${why}`);
        return site;
      }
    }
  }
  site.missing = !isGlob;
  return site;
}


const CONTEXT_COMMENT = /#\s*cachelint:\s*context\s*=\s*([a-z ]+?)\s*$/m;
const CANDIDATES = ['main', 'http', 'server', 'location'];

/**
 * The context an entry file is read in: `main` for a full config; for a fragment, the one a
 * `# cachelint: context=server` comment declares, or the first of main/http/server/location where
 * its top-level directives are allowed.
 */
export function entryContext(file: ParsedFile): { context: string; declared: boolean } {
  const m = CONTEXT_COMMENT.exec(file.text.slice(0, 4000));
  if (m) {
    const c = m[1].trim() === 'if' ? 'if in location' : m[1].trim();
    return { context: c, declared: true };
  }
  const names: string[] = [];
  const inIf: string[] = [];
  for (const n of file.tree.children) {
    if (n.type !== 'directive') continue;
    names.push(n.name.value);
    if (n.name.value === 'if' && n.block) for (const c of n.block.children) if (c.type === 'directive') inIf.push(c.name.value);
  }
  if (names.includes('http') || names.includes('events')) return { context: 'main', declared: false };
  let best = basename(file.path) === 'nginx.conf' ? 'main' : 'http';
  let bestScore = -1;
  const allowed = (n: string, c: string) => {
    const spec = directiveSpec(n);
    return !!spec && spec.contexts.size > 0 && allowedIn(spec, c, c === 'main' ? 'any' : 'http');
  };
  for (const c of CANDIDATES) {
    let score = 0;
    for (const n of names) if (allowed(n, c)) score++;
    for (const n of inIf) if (allowed(n, c === 'location' ? 'if in location' : 'if')) score++;
    if (score > bestScore || (score === bestScore && c === best)) {
      best = c;
      bestScore = score;
    }
  }
  return { context: best, declared: false };
}

const NO_SCOPES: readonly Scope[] = [];

/** A scope and its ancestors, from itself outwards (shared: do not modify). */
export function scopeChain(s: Scope | undefined): readonly Scope[] {
  if (!s) return NO_SCOPES;
  let c = s.chain;
  if (!c) {
    c = [s];
    for (let cur = s.parent; cur; cur = cur.parent) c.push(cur);
    s.chain = c;
  }
  return c;
}
