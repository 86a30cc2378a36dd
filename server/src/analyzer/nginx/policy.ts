// The effective cache policy: what nginx will do for a request in a scope, after inheritance and includes.
import type { TextRange } from '../types';
import { parseTime } from './units';
import { parseCachePath } from './cachePath';
import { NginxModel, Placed, Scope, scopeChain } from './model';
import type { Word } from './tree';

export const CACHE_FAMILIES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;
export type CacheFamily = (typeof CACHE_FAMILIES)[number];

const byNameCache = new WeakMap<Scope, Map<string, Placed[]>>();

function byName(scope: Scope): Map<string, Placed[]> {
  let m = byNameCache.get(scope);
  if (!m) {
    m = new Map();
    for (const p of scope.items) {
      const k = p.d.name.value;
      (m.get(k) ?? m.set(k, []).get(k)!).push(p);
    }
    byNameCache.set(scope, m);
  }
  return m;
}

/** Directives named `name` set directly in `scope`. */
export function own(scope: Scope, name: string): Placed[] {
  return byName(scope).get(name) ?? [];
}

/**
 * The directives named `name` that apply in `scope`: those of the nearest level that sets any
 * (nginx merges by replacement: a level that sets a directive replaces everything inherited).
 */
export function effective(scope: Scope, name: string): Placed[] {
  for (const s of scopeChain(scope)) {
    if (s.context === 'data') continue;
    const hit = byName(s).get(name);
    if (hit) return hit;
  }
  return [];
}

export interface ValidEntry {
  /** Status codes, or `any`. A time-only entry covers 200, 301 and 302. */
  codes: string[];
  seconds: number;
  placed: Placed;
  /** The time argument. */
  timeWord: Word;
}

export interface ZoneDef {
  family: CacheFamily;
  name: string;
  placed: Placed;
  sizeBytes?: number;
  /** Seconds; nginx's default is 10 minutes. */
  inactive: number;
  /** The `inactive=` argument, when written. */
  inactiveWord?: Word;
  maxSize?: number;
}

export interface CachePolicy {
  family: CacheFamily;
  scope: Scope;
  /** The `*_cache` directive in effect. */
  cache: Placed;
  zoneName: string;
  zone?: ZoneDef;
  /** The `*_cache_key` in effect; undefined means the built-in key. */
  key?: Placed;
  valid: ValidEntry[];
  ignoreHeaders: Set<string>;
  ignoreFrom: Placed[];
  buffering?: Placed;
  bufferingOff: boolean;
  useStale: Placed[];
  lock?: Placed;
  background?: Placed;
  revalidate?: Placed;
  bypass: Placed[];
  noCache: Placed[];
  methods: Placed[];
  minUses?: Placed;
  /** The `*_pass` that sends requests upstream from this scope, if it is in this scope. */
  pass?: Placed;
}

/** Parses every `*_cache_path` of the model into zone definitions, keyed `family:name`. */
export function collectZones(model: NginxModel): Map<string, ZoneDef[]> {
  const zones = new Map<string, ZoneDef[]>();
  for (const p of model.all) {
    if (!p.d.name.value.endsWith('_cache_path')) continue;
    const parsed = parseCachePath(p.d);
    const kz = parsed?.keysZone;
    if (!parsed || !kz?.name) continue;
    const key = `${parsed.family}:${kz.name}`;
    (zones.get(key) ?? zones.set(key, []).get(key)!).push({
      family: parsed.family,
      name: kz.name,
      placed: p,
      sizeBytes: kz.size,
      inactive: parsed.inactive,
      inactiveWord: parsed.inactiveParam?.word,
      maxSize: parsed.maxSize,
    });
  }
  return zones;
}

/** The `*_cache_valid` entries of a list of directives, in order. */
export function validEntries(list: Placed[]): ValidEntry[] {
  const out: ValidEntry[] = [];
  for (const p of list) {
    const args = p.d.args;
    if (!args.length) continue;
    const timeWord = args[args.length - 1];
    const seconds = parseTime(timeWord.value);
    if (seconds === undefined) continue;
    const codes = args.length === 1 ? ['200', '301', '302'] : args.slice(0, -1).map((a) => a.value);
    out.push({ codes, seconds, placed: p, timeWord });
  }
  return out;
}

/** Words after the directive name, lower-cased, across a list of directives. */
export function argSet(list: Placed[]): Set<string> {
  const s = new Set<string>();
  for (const p of list) for (const a of p.d.args) s.add(a.value.toLowerCase());
  return s;
}

function isOff(p: Placed | undefined): boolean {
  return !!p && p.d.args[0]?.value === 'off';
}

/**
 * The policy of `family` in `scope`, or undefined when caching is off there. `zones` from `collectZones`.
 */
export function policyFor(scope: Scope, family: CacheFamily, zones: Map<string, ZoneDef[]>): CachePolicy | undefined {
  const cacheList = effective(scope, `${family}_cache`);
  const cache = cacheList[cacheList.length - 1];
  if (!cache || isOff(cache) || !cache.d.args.length) return undefined;
  const zoneName = cache.d.args[0].value;
  const last = (n: string) => {
    const l = effective(scope, `${family}_${n}`);
    return l[l.length - 1];
  };
  const ignoreFrom = effective(scope, `${family}_ignore_headers`);
  const buffering = last('buffering');
  return {
    family,
    scope,
    cache,
    zoneName,
    zone: zones.get(`${family}:${zoneName}`)?.[0],
    key: last('cache_key'),
    valid: validEntries(effective(scope, `${family}_cache_valid`)),
    ignoreHeaders: argSet(ignoreFrom),
    ignoreFrom,
    buffering,
    bufferingOff: isOff(buffering),
    useStale: effective(scope, `${family}_cache_use_stale`),
    lock: last('cache_lock'),
    background: last('cache_background_update'),
    revalidate: last('cache_revalidate'),
    bypass: effective(scope, `${family}_cache_bypass`),
    noCache: effective(scope, `${family}_no_cache`),
    methods: effective(scope, `${family}_cache_methods`),
    minUses: last('cache_min_uses'),
    pass: own(scope, `${family}_pass`)[0],
  };
}

/**
 * Every scope where a cache of some family serves requests: a location (or `if`) that passes requests
 * upstream with the cache on, or a scope that turns the cache on and has no `*_pass` below it (a
 * fragment, or a server-level policy whose locations are elsewhere).
 */
export function activePolicies(model: NginxModel, zones: Map<string, ZoneDef[]>): CachePolicy[] {
  const out: CachePolicy[] = [];
  const visit = (s: Scope): boolean => {
    // Returns whether a `*_pass` exists in s or below.
    let passBelow = false;
    for (const c of s.children) if (visit(c)) passBelow = true;
    if (s.context === 'data') return passBelow;
    let passHere = false;
    for (const fam of CACHE_FAMILIES) {
      const hasPass = own(s, `${fam}_pass`).length > 0;
      passHere ||= hasPass;
      const setsCache = own(s, `${fam}_cache`).length > 0;
      if (!hasPass && !(setsCache && !passBelow)) continue;
      const pol = policyFor(s, fam, zones);
      if (pol) out.push(pol);
    }
    return passBelow || passHere;
  };
  for (const r of model.roots) visit(r);
  return out;
}

/** Range of a word inside its file. */
export function wordRange(w: Word): TextRange {
  return { start: w.offset, end: w.end };
}

/** Range of a whole directive statement. */
export function directiveRange(p: Placed): TextRange {
  return { start: p.d.offset, end: p.d.end };
}

const VAR_RE = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

/** Variables referenced in a word, with ranges in the file (scanned on the raw text). */
export function variablesIn(w: Word): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  VAR_RE.lastIndex = 0;
  for (let m = VAR_RE.exec(w.raw); m; m = VAR_RE.exec(w.raw)) {
    out.push({ name: m[1] ?? m[2], start: w.offset + m.index, end: w.offset + m.index + m[0].length });
  }
  return out;
}
