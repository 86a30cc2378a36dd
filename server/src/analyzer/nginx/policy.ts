// The effective cache policy: what nginx will do for a request in a scope, after inheritance and includes.
import type { TextRange } from '../types';
import { parseTime } from './units';
import { parseCachePath } from './cachePath';
import { NginxModel, Placed, Scope, scopeChain } from './model';
import type { Word } from './tree';
import { intern } from '../text/intern';
import { TextMemo } from '../text/memo';

export const CACHE_FAMILIES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;
export type CacheFamily = (typeof CACHE_FAMILIES)[number];

const NONE: Placed[] = [];

function byName(scope: Scope): Map<string, Placed[]> {
  let m = scope.byName;
  if (!m) {
    m = new Map();
    for (const p of scope.items) {
      const k = p.d.name.value;
      const l = m.get(k);
      if (l) l.push(p);
      else m.set(k, [p]);
    }
    scope.byName = m;
  }
  return m;
}

/** Directives named `name` set directly in `scope` (shared: do not modify). */
export function own(scope: Scope, name: string): Placed[] {
  return byName(scope).get(name) ?? NONE;
}

/**
 * The directives named `name` that apply in `scope`: those of the nearest level that sets any
 * (nginx merges by replacement: a level that sets a directive replaces everything inherited).
 */
export function effective(scope: Scope, name: string): Placed[] {
  const chain = scopeChain(scope);
  for (let i = 0; i < chain.length; i++) {
    const s = chain[i];
    if (s.context === 'data') continue;
    const hit = byName(s).get(name);
    if (hit) return hit;
  }
  return NONE;
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
/** The directive names of each family, built once. */
const NAMES = Object.fromEntries(
  CACHE_FAMILIES.map((f) => [
    f,
    internAll({
      cache: `${f}_cache`, key: `${f}_cache_key`, valid: `${f}_cache_valid`, ignoreHeaders: `${f}_ignore_headers`,
      buffering: `${f}_buffering`, useStale: `${f}_cache_use_stale`, lock: `${f}_cache_lock`,
      background: `${f}_cache_background_update`, revalidate: `${f}_cache_revalidate`, bypass: `${f}_cache_bypass`,
      noCache: `${f}_no_cache`, methods: `${f}_cache_methods`, minUses: `${f}_cache_min_uses`, pass: `${f}_pass`,
    }),
  ]),
) as Record<CacheFamily, Record<'cache' | 'key' | 'valid' | 'ignoreHeaders' | 'buffering' | 'useStale' | 'lock' | 'background' | 'revalidate' | 'bypass' | 'noCache' | 'methods' | 'minUses' | 'pass', string>>;

function internAll<T extends Record<string, string>>(o: T): T {
  for (const k of Object.keys(o)) (o as Record<string, string>)[k] = intern(o[k]);
  return o;
}

function lastOf(scope: Scope, name: string): Placed | undefined {
  const l = effective(scope, name);
  return l[l.length - 1];
}

/**
 * The policy of `family` in `scope`, or undefined when caching is off there. `zones` from `collectZones`.
 */
export function policyFor(scope: Scope, family: CacheFamily, zones: Map<string, ZoneDef[]>): CachePolicy | undefined {
  const n = NAMES[family];
  const cache = lastOf(scope, n.cache);
  if (!cache || isOff(cache) || !cache.d.args.length) return undefined;
  const zoneName = cache.d.args[0].value;
  const ignoreFrom = effective(scope, n.ignoreHeaders);
  const buffering = lastOf(scope, n.buffering);
  return {
    family,
    scope,
    cache,
    zoneName,
    zone: zones.get(`${family}:${zoneName}`)?.[0],
    key: lastOf(scope, n.key),
    valid: validEntries(effective(scope, n.valid)),
    ignoreHeaders: argSet(ignoreFrom),
    ignoreFrom,
    buffering,
    bufferingOff: isOff(buffering),
    useStale: effective(scope, n.useStale),
    lock: lastOf(scope, n.lock),
    background: lastOf(scope, n.background),
    revalidate: lastOf(scope, n.revalidate),
    bypass: effective(scope, n.bypass),
    noCache: effective(scope, n.noCache),
    methods: effective(scope, n.methods),
    minUses: lastOf(scope, n.minUses),
    pass: own(scope, n.pass)[0],
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
      const hasPass = own(s, NAMES[fam].pass).length > 0;
      passHere ||= hasPass;
      const setsCache = own(s, NAMES[fam].cache).length > 0;
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

/** A variable in a text: its name (without `$`) and its offsets in that text. */
export type VarRef = { name: string; start: number; end: number };
const NO_VARS: VarRef[] = [];

/** The variables of a text, with offsets relative to it (shared: do not modify). */
export const variableRefs = new TextMemo<VarRef[]>((text) => {
  if (text.indexOf('$') < 0) return NO_VARS;
  const vs: VarRef[] = [];
  VAR_RE.lastIndex = 0;
  for (let m = VAR_RE.exec(text); m; m = VAR_RE.exec(text)) vs.push({ name: m[1] ?? m[2], start: m.index, end: m.index + m[0].length });
  return vs;
});

/** Variables referenced in a word, with ranges in the file (scanned on the raw text). */
export function variablesIn(w: Word): { name: string; start: number; end: number }[] {
  const rel = variableRefs.get(w.raw);
  if (rel.length === 0) return [];
  const out: { name: string; start: number; end: number }[] = new Array(rel.length);
  for (let i = 0; i < rel.length; i++) out[i] = { name: rel[i].name, start: w.offset + rel[i].start, end: w.offset + rel[i].end };
  return out;
}
