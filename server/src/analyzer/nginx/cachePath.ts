// A full parser of `*_cache_path` arguments, and exact ports of the nginx value parsers it needs
// (ngx_parse_time, ngx_parse_size, ngx_parse_offset, ngx_atoi), as nginx 1.22.1 reads them in
// ngx_http_file_cache_set_slot(). Pure: no I/O. Every parameter keeps its word and the file range
// of its value, so rules can point at the exact text.
import type { TextRange } from '../types';
import type { Directive, Word } from './tree';
import type { CacheFamily } from './policy';

// Kept here (not imported from policy.ts) so policy.ts can import this module without a cycle.
const FAMILIES: readonly string[] = ['proxy', 'fastcgi', 'uwsgi', 'scgi'];

/** NGX_MAX_INT_T_VALUE on 64-bit builds (as a double: exact below 2^53, close enough above). */
const MAX_INT = 9223372036854775807;

/**
 * nginx's ngx_parse_time: `1h30m`, `10s`, `500ms`, `90` (units descending, each at most once).
 * `isSec` (the `time` of `*_cache_valid`, `inactive=`) returns seconds and rejects `ms`; otherwise
 * (timeouts, `loader_sleep=`) returns milliseconds and rejects `y` and `M`. Undefined when nginx rejects it.
 */
export function ngxParseTime(v: string, isSec: boolean): number | undefined {
  // Steps: start 0, year 1, month 2, week 3, day 4, hour 5, min 6, sec 7, msec 8, last 9.
  let valid = false;
  let value = 0;
  let total = 0;
  let step = isSec ? 0 : 2;
  let max = 0;
  let scale = 1;
  let i = 0;
  const n = v.length;
  while (i < n) {
    const code = v.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      if (value > MAX_INT) return undefined;
      valid = true;
      i++;
      continue;
    }
    const c = v[i++];
    let next: number;
    let secs: number;
    switch (c) {
      case 'y': next = 1; secs = 31536000; break;
      case 'M': next = 2; secs = 2592000; break;
      case 'w': next = 3; secs = 604800; break;
      case 'd': next = 4; secs = 86400; break;
      case 'h': next = 5; secs = 3600; break;
      case 'm':
        if (i < n && v[i] === 's') {
          if (isSec || step >= 8) return undefined;
          i++;
          next = 8;
          secs = 1;
          break;
        }
        next = 6;
        secs = 60;
        break;
      case 's': next = 7; secs = 1; break;
      case ' ':
        if (step >= 7) return undefined;
        next = 9;
        secs = 1;
        break;
      default:
        return undefined;
    }
    if (next !== 8 && next !== 9 && step >= next) return undefined;
    step = next;
    max = next === 8 || next === 9 ? MAX_INT : Math.floor(MAX_INT / secs);
    scale = secs;
    if (step !== 8 && !isSec) {
      scale *= 1000;
      max = Math.floor(max / 1000);
    }
    if (value > max) return undefined;
    value *= scale;
    if (total > MAX_INT - value) return undefined;
    total += value;
    value = 0;
    while (i < n && v[i] === ' ') i++;
  }
  if (!valid) return undefined;
  if (!isSec) {
    if (value > MAX_INT / 1000) return undefined;
    value *= 1000;
  }
  if (total > MAX_INT - value) return undefined;
  return total + value;
}

function atoNum(v: string): number | undefined {
  if (!/^\d+$/.test(v)) return undefined;
  const b = Number(v);
  return b > MAX_INT ? undefined : b;
}

/** nginx's ngx_parse_size: digits with an optional `k`/`K` or `m`/`M` (no `g`!). Bytes, or undefined. */
export function ngxParseSize(v: string): number | undefined {
  return scaled(v, { k: 1024, m: 1048576 });
}

/** nginx's ngx_parse_offset: digits with an optional `k`, `m` or `g` (any case). Bytes, or undefined. */
export function ngxParseOffset(v: string): number | undefined {
  return scaled(v, { k: 1024, m: 1048576, g: 1073741824 });
}

function scaled(v: string, units: Record<string, number>): number | undefined {
  if (!v) return undefined;
  const u = units[v[v.length - 1].toLowerCase()];
  const digits = u ? v.slice(0, -1) : v;
  const n = atoNum(digits);
  if (n === undefined || n > MAX_INT / (u ?? 1)) return undefined;
  return n * (u ?? 1);
}

/** nginx's ngx_atoi: a non-empty run of decimal digits. */
export function ngxAtoi(v: string): number | undefined {
  return atoNum(v);
}

/**
 * The smallest `keys_zone` size nginx 1.22.1 starts with on x86_64 (4 KiB pages): below 2 pages
 * (8k) `nginx -t` says "keys zone … is too small"; from 8k to just under 12k it fails at start-up
 * with "ngx_slab_alloc() failed: no memory" (measured, nginx -t).
 */
export const KEYS_ZONE_TOO_SMALL_BYTES = 8192;
export const MIN_KEYS_ZONE_BYTES = 12288;

export type CachePathParamName =
  | 'levels'
  | 'use_temp_path'
  | 'keys_zone'
  | 'inactive'
  | 'max_size'
  | 'min_free'
  | 'loader_files'
  | 'loader_sleep'
  | 'loader_threshold'
  | 'manager_files'
  | 'manager_sleep'
  | 'manager_threshold'
  | 'purger'
  | 'purger_files'
  | 'purger_sleep'
  | 'purger_threshold';

/** Parameters nginx open source 1.22.1 accepts, in the order nginx tests them. */
export const CACHE_PATH_PARAMS: readonly CachePathParamName[] = [
  'levels',
  'use_temp_path',
  'keys_zone',
  'inactive',
  'max_size',
  'min_free',
  'loader_files',
  'loader_sleep',
  'loader_threshold',
  'manager_files',
  'manager_sleep',
  'manager_threshold',
];

/** NGINX Plus only (open source rejects them as "invalid parameter"). */
export const PLUS_CACHE_PATH_PARAMS: readonly CachePathParamName[] = ['purger', 'purger_files', 'purger_sleep', 'purger_threshold'];

export type CachePathProblemKind =
  | 'invalid-levels'
  | 'invalid-use-temp-path'
  | 'keys-zone-no-size'
  | 'keys-zone-invalid-size'
  | 'keys-zone-too-small'
  | 'keys-zone-no-memory'
  | 'missing-keys-zone'
  | 'invalid-time'
  | 'invalid-size'
  | 'invalid-number'
  | 'unknown-parameter'
  | 'plus-parameter';

export interface CachePathProblem {
  kind: CachePathProblemKind;
  /** nginx's own wording (what `nginx -t` prints), without the file position. */
  nginxMessage: string;
  /** The parameter concerned (undefined for `missing-keys-zone`). */
  param?: CachePathParam;
  /** What to underline: the bad part of the word (e.g. the size after `keys_zone=z:`), or the word. */
  range: TextRange;
}

export interface CachePathParam {
  /** The parameter name, or undefined for a word nginx does not know. */
  name?: CachePathParamName;
  word: Word;
  /** The text after `name=` (the whole value for an unknown word). */
  value: string;
  /** The file range of `value` (the whole word when escapes make it unmappable). */
  valueRange: TextRange;
  /** The word holds a template placeholder or a `$`: its value is not judged. */
  opaque: boolean;
}

export interface KeysZone {
  name: string;
  /** Bytes; undefined when missing or malformed. */
  size?: number;
  sizeText?: string;
  param: CachePathParam;
  nameRange: TextRange;
  sizeRange?: TextRange;
}

export interface ParsedCachePath {
  family: CacheFamily;
  /** The directory word (the first argument). */
  pathWord: Word;
  path: string;
  /**
   * What nginx compares to find two caches in one directory ("the same path name … used in"): a
   * relative path loses one trailing `/` (it is copied when made absolute), an absolute one keeps it.
   * Relative paths are prefixed with `rel:` since nginx's prefix is unknown here.
   */
  pathKey: string;
  /** Levels as written (e.g. [1, 2]); empty when `levels=` is absent. */
  levels: number[];
  useTempPath: boolean;
  keysZone?: KeysZone;
  /** Seconds; nginx's default is 600. */
  inactive: number;
  inactiveParam?: CachePathParam;
  /** Bytes; undefined means unlimited. */
  maxSize?: number;
  minFree?: number;
  loaderFiles: number;
  /** Milliseconds. */
  loaderSleep: number;
  loaderThreshold: number;
  managerFiles: number;
  managerSleep: number;
  managerThreshold: number;
  /** NGINX Plus `purger=on`. */
  purger?: boolean;
  /** Every argument after the path, in order (a repeated parameter appears twice; nginx keeps the last). */
  params: CachePathParam[];
  /** Last occurrence of each known parameter. */
  byName: Partial<Record<CachePathParamName, CachePathParam>>;
  /** What nginx would reject, in argument order. */
  problems: CachePathProblem[];
  /** Some word holds a template placeholder or a variable, so the parse may be incomplete. */
  opaque: boolean;
}

/** The family of a `*_cache_path` directive name, or undefined for any other name. */
export function cachePathFamily(name: string): CacheFamily | undefined {
  if (!name.endsWith('_cache_path')) return undefined;
  const f = name.slice(0, -'_cache_path'.length);
  return FAMILIES.includes(f) ? (f as CacheFamily) : undefined;
}

/**
 * File range of `value.slice(from, to)` inside a word. Falls back to the whole word when the raw text
 * holds escapes (offsets of the value and the source then differ).
 */
export function valueSubRange(w: Word, from: number, to: number): TextRange {
  const open = w.quote ? 1 : 0;
  const inner = w.raw.slice(open, w.quote ? -1 : undefined);
  if (inner !== w.value) return { start: w.offset, end: w.end };
  return { start: w.offset + open + from, end: w.offset + open + to };
}

function isOpaque(w: Word): boolean {
  return !!w.template || w.value.includes('$');
}

/**
 * Parses a `*_cache_path` directive as nginx does. Undefined when `d` is not one, or has no arguments.
 * `problems` lists what nginx would reject; opaque words (templates, variables) are never judged.
 */
export function parseCachePath(d: Directive): ParsedCachePath | undefined {
  const family = cachePathFamily(d.name.value);
  if (!family || !d.args.length) return undefined;
  const pathWord = d.args[0];
  const path = pathWord.value;
  const absolute = path.startsWith('/');
  const stripped = path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path;
  const out: ParsedCachePath = {
    family,
    pathWord,
    path,
    pathKey: absolute ? path : `rel:${stripped}`,
    levels: [],
    useTempPath: true,
    inactive: 600,
    loaderFiles: 100,
    loaderSleep: 50,
    loaderThreshold: 200,
    managerFiles: 100,
    managerSleep: 50,
    managerThreshold: 200,
    params: [],
    byName: {},
    problems: [],
    opaque: isOpaque(pathWord),
  };
  // nginx adds each `levels=` length to one total and rejects the directive when it reaches 13.
  let levelsLen = 0;
  for (const w of d.args.slice(1)) {
    const v = w.value;
    const opaque = isOpaque(w);
    out.opaque ||= opaque;
    const known = [...CACHE_PATH_PARAMS, ...PLUS_CACHE_PATH_PARAMS].find((p) => v.startsWith(p + '='));
    const from = known ? known.length + 1 : 0;
    const param: CachePathParam = { name: known, word: w, value: v.slice(from), valueRange: valueSubRange(w, from, v.length), opaque };
    out.params.push(param);
    if (known) out.byName[known] = param;
    const problem = (kind: CachePathProblemKind, nginxMessage: string, range: TextRange = param.valueRange) =>
      out.problems.push({ kind, nginxMessage, param, range });
    if (opaque) {
      if (known === 'keys_zone') {
        const c = param.value.indexOf(':');
        const name = c < 0 ? param.value : param.value.slice(0, c);
        out.keysZone = { name, param, nameRange: valueSubRange(w, from, from + name.length) };
      }
      continue;
    }
    const val = param.value;
    switch (known) {
      case 'levels': {
        const levels: number[] = [];
        let ok = true;
        let p = 0;
        for (let n = 0; n < 3 && p < val.length; n++) {
          const c = val[p];
          if (c !== '1' && c !== '2') {
            ok = false;
            break;
          }
          levels[n] = Number(c);
          levelsLen += levels[n] + 1;
          p++;
          if (p === val.length) break;
          if (val[p++] === ':' && n < 2 && p < val.length) continue;
          ok = false;
          break;
        }
        if (ok && levelsLen >= 13) ok = false;
        out.levels = levels;
        if (!ok) problem('invalid-levels', `invalid "levels" "${v}"`);
        break;
      }
      case 'use_temp_path':
        if (val === 'on') out.useTempPath = true;
        else if (val === 'off') out.useTempPath = false;
        else problem('invalid-use-temp-path', `invalid use_temp_path value "${v}", it must be "on" or "off"`);
        break;
      case 'keys_zone': {
        const c = val.indexOf(':');
        const name = c < 0 ? val : val.slice(0, c);
        const kz: KeysZone = { name, param, nameRange: valueSubRange(w, from, from + name.length) };
        out.keysZone = kz;
        if (c < 0) {
          problem('keys-zone-no-size', `invalid keys zone size "${v}"`, { start: w.offset, end: w.end });
          break;
        }
        kz.sizeText = val.slice(c + 1);
        kz.sizeRange = valueSubRange(w, from + c + 1, v.length);
        if (!kz.sizeText) kz.sizeRange = { start: w.offset, end: w.end };
        kz.size = ngxParseSize(kz.sizeText);
        if (kz.size === undefined) problem('keys-zone-invalid-size', `invalid keys zone size "${v}"`, kz.sizeRange);
        else if (kz.size < KEYS_ZONE_TOO_SMALL_BYTES) problem('keys-zone-too-small', `keys zone "${v}" is too small`, kz.sizeRange);
        else if (kz.size < MIN_KEYS_ZONE_BYTES) problem('keys-zone-no-memory', 'ngx_slab_alloc() failed: no memory', kz.sizeRange);
        break;
      }
      case 'inactive': {
        const t = ngxParseTime(val, true);
        if (t === undefined) problem('invalid-time', `invalid inactive value "${v}"`);
        else {
          out.inactive = t;
          out.inactiveParam = param;
        }
        break;
      }
      case 'max_size':
      case 'min_free': {
        const s = ngxParseOffset(val);
        if (s === undefined) problem('invalid-size', `invalid ${known} value "${v}"`);
        else if (known === 'max_size') out.maxSize = s;
        else out.minFree = s;
        break;
      }
      case 'loader_files':
      case 'manager_files': {
        const nf = ngxAtoi(val);
        if (nf === undefined) problem('invalid-number', `invalid ${known} value "${v}"`);
        else if (known === 'loader_files') out.loaderFiles = nf;
        else out.managerFiles = nf;
        break;
      }
      case 'loader_sleep':
      case 'loader_threshold':
      case 'manager_sleep':
      case 'manager_threshold': {
        const ms = ngxParseTime(val, false);
        if (ms === undefined) problem('invalid-time', `invalid ${known} value "${v}"`);
        else if (known === 'loader_sleep') out.loaderSleep = ms;
        else if (known === 'loader_threshold') out.loaderThreshold = ms;
        else if (known === 'manager_sleep') out.managerSleep = ms;
        else out.managerThreshold = ms;
        break;
      }
      case 'purger':
        if (val === 'on') out.purger = true;
        else if (val === 'off') out.purger = false;
        problem('plus-parameter', `invalid parameter "${v}"`, { start: w.offset, end: w.end });
        break;
      case 'purger_files':
      case 'purger_sleep':
      case 'purger_threshold':
        problem('plus-parameter', `invalid parameter "${v}"`, { start: w.offset, end: w.end });
        break;
      default:
        problem('unknown-parameter', `invalid parameter "${v}"`, { start: w.offset, end: w.end });
    }
  }
  if (!out.opaque && (!out.keysZone || !out.keysZone.name)) {
    const param = out.keysZone?.param;
    out.problems.push({
      kind: 'missing-keys-zone',
      nginxMessage: `"${d.name.value}" must have "keys_zone" parameter`,
      param,
      range: param ? { start: param.word.offset, end: param.word.end } : { start: d.name.offset, end: d.name.end },
    });
  }
  return out;
}

/** Optimal-string-alignment distance (insert, delete, substitute, swap of neighbours), case-sensitive. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > 3) return Math.abs(m - n);
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/**
 * The one candidate a misspelt word most likely meant: the unique nearest within distance 2 (1 for
 * words of 4 characters or fewer, where 2 edits can turn one real word into another), compared
 * case-insensitively. Undefined when none is close or two are equally close.
 */
export function nearestCandidate(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = w.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
      tie = false;
    } else if (dist === bestD) tie = true;
  }
  return best !== undefined && bestD > 0 && bestD <= limit && !tie ? best : undefined;
}
