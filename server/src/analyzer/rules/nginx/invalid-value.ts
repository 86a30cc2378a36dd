// nginx/invalid-value: a cache directive value that `nginx -t` rejects (malformed time or size, bad
// `levels=`, `keys_zone` missing or too small, unknown use_stale / ignore_headers / methods values,
// a bad status in `*_cache_valid`, an on/off flag with another value).
import { defineRule, NginxRuleContext } from '../rule';
import type { Fix, TextRange } from '../../types';
import type { Word } from '../../nginx/tree';
import { directiveSpec } from '../../nginx/directives';
import { CACHE_FAMILIES, CacheFamily } from '../../nginx/policy';
import {
  CACHE_PATH_PARAMS,
  CachePathProblem,
  MIN_KEYS_ZONE_BYTES,
  nearestCandidate,
  ngxAtoi,
  ngxParseOffset,
  ngxParseSize,
  ngxParseTime,
  parseCachePath,
  valueSubRange,
} from '../../nginx/cachePath';
import { checkedPlacements } from '../../nginx/placements';

type Kind = 'path' | 'valid' | 'msec' | 'size' | 'offset' | 'bufs' | 'number' | 'flag' | 'use-stale' | 'ignore-headers' | 'methods';

/** Values of `*_cache_use_stale` (nginx's `*_next_upstream` masks: proxy has http_502 and http_504, the others not). */
const USE_STALE_PROXY = ['error', 'timeout', 'invalid_header', 'updating', 'non_idempotent', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'off'];
const USE_STALE_OTHER = USE_STALE_PROXY.filter((v) => v !== 'http_502' && v !== 'http_504');
const IGNORE_HEADERS = ['X-Accel-Redirect', 'X-Accel-Expires', 'X-Accel-Limit-Rate', 'X-Accel-Buffering', 'X-Accel-Charset', 'Expires', 'Cache-Control', 'Set-Cookie', 'Vary'];
const METHODS = ['GET', 'HEAD', 'POST'];
const lowerSet = (l: string[]) => new Set(l.map((x) => x.toLowerCase()));
const KNOWN = { proxy: lowerSet(USE_STALE_PROXY), other: lowerSet(USE_STALE_OTHER), headers: lowerSet(IGNORE_HEADERS), methods: lowerSet(METHODS) };
/** Words people write for on/off that nginx does not accept (the mapping is unambiguous). */
const FLAG_WORDS: Record<string, 'on' | 'off'> = {
  yes: 'on', true: 'on', '1': 'on', enable: 'on', enabled: 'on',
  no: 'off', false: 'off', '0': 'off', disable: 'off', disabled: 'off', none: 'off',
};

const KINDS: Map<string, { family: CacheFamily; kind: Kind }> = (() => {
  const m = new Map<string, { family: CacheFamily; kind: Kind }>();
  for (const f of CACHE_FAMILIES) {
    const add = (suffix: string, kind: Kind) => m.set(`${f}_${suffix}`, { family: f, kind });
    add('cache_path', 'path');
    add('cache_valid', 'valid');
    for (const s of ['cache_lock_timeout', 'cache_lock_age', 'connect_timeout', 'send_timeout', 'read_timeout', 'next_upstream_timeout']) add(s, 'msec');
    for (const s of ['buffer_size', 'busy_buffers_size', 'temp_file_write_size', 'max_temp_file_size']) add(s, 'size');
    add('buffers', 'bufs');
    add('cache_max_range_offset', 'offset');
    add('cache_min_uses', 'number');
    for (const s of ['cache_lock', 'cache_revalidate', 'cache_background_update', 'buffering']) add(s, 'flag');
    add('cache_use_stale', 'use-stale');
    add('ignore_headers', 'ignore-headers');
    add('cache_methods', 'methods');
  }
  m.set('proxy_cache_convert_head', { family: 'proxy', kind: 'flag' });
  return m;
})();

function opaque(w: Word): boolean {
  return !!w.template || w.value.includes('$');
}

function wordRange(w: Word): TextRange {
  return { start: w.offset, end: w.end };
}

/** Why an nginx time is rejected, in a few words. */
function timeHint(v: string, isSec: boolean): string {
  if (/^[\d smhdwMy]+$/.test(v) && /\d/.test(v)) {
    if (/\d +(ms|[smhdwMy])/.test(v)) return 'write each unit right after its number (5s, not 5 s)';
    if (isSec && /ms/.test(v)) return 'milliseconds (ms) are not allowed here: the value is in whole seconds';
    if (!isSec && /[yM]/.test(v)) return 'M (months) and y (years) are not allowed for a timeout';
    return 'units must go from the largest to the smallest, each at most once (e.g. 1h30m)';
  }
  return `nginx accepts a number with an optional unit ${isSec ? 's, m, h, d, w, M, y' : 'ms, s, m, h, d, w'} (e.g. 30s, 10m, 1h30m)`;
}

function sizeHint(v: string, offset: boolean): string {
  if (!offset && /^\d+[gG]$/.test(v)) return `this size takes k or m but not g: write ${Number(v.slice(0, -1)) * 1024}m`;
  return `nginx accepts a number of bytes with an optional ${offset ? 'k, m or g' : 'k or m'} suffix (e.g. 64k, 10m)`;
}

/** A fix replacing `range` (inside a word) by `text`; keeps quotes as they are. */
function replaceFix(path: string, range: TextRange, text: string, title: string): Fix {
  return { title, safe: false, edits: [{ path, start: range.start, end: range.end, newText: text }] };
}

/** The `Ng` → `N*1024m` fix for ngx_parse_size values (exactly the same size). */
function gigaFix(path: string, range: TextRange, v: string): Fix[] {
  if (!/^\d+[gG]$/.test(v) || range.end - range.start !== v.length) return [];
  const m = `${Number(v.slice(0, -1)) * 1024}m`;
  return [replaceFix(path, range, m, `Write ${m}`)];
}

function rep(ctx: NginxRuleContext, path: string, range: TextRange, message: string, fixes: Fix[] = []): void {
  ctx.report({ path, range, message, fixes });
}

function checkTime(ctx: NginxRuleContext, path: string, w: Word, isSec: boolean, label: string): void {
  if (opaque(w) || ngxParseTime(w.value, isSec) !== undefined) return;
  ctx.report({ path, range: wordRange(w), message: `invalid time "${w.value}" in ${label}: ${timeHint(w.value, isSec)}. nginx refuses to start.` });
}

function checkSize(ctx: NginxRuleContext, path: string, name: string, w: Word, offset: boolean, zeroBad = false): void {
  if (opaque(w)) return;
  const s = offset ? ngxParseOffset(w.value) : ngxParseSize(w.value);
  if (s !== undefined && !(zeroBad && s === 0)) return;
  const hint = s === 0 ? 'the size must be more than 0' : sizeHint(w.value, offset);
  ctx.report({ path, range: wordRange(w), message: `invalid size "${w.value}" in ${name}: ${hint}. nginx refuses to start.`, fixes: w.quote ? [] : gigaFix(path, wordRange(w), w.value) });
}

export default defineRule({
  id: 'nginx/invalid-value',
  dialect: 'nginx',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary:
        'A cache directive value that nginx rejects: a malformed time or size, a bad `levels=`, `keys_zone` missing or too small, an unknown `*_cache_use_stale` / `*_ignore_headers` / `*_cache_methods` value, a bad status in `*_cache_valid`, or an on/off switch with another value.',
      why:
        'nginx refuses to start (`nginx -t` 1.22.1: "invalid time value", "invalid keys zone size", "keys zone … is too small", "invalid \\"levels\\"", "invalid value", "invalid status"). Checked against nginx\'s own parsers: times take units largest first (`1h30m`), `*_cache_valid` and `inactive=` take no `ms`, timeouts take no `M`/`y`, sizes take k or m (only `max_size=`/`min_free=` take g), `levels` is 1 to 3 levels of 1 or 2, a keys zone needs at least 12k (below 8k "too small", below 12k no memory at start-up), and fastcgi/uwsgi/scgi `*_cache_use_stale` has no http_502 or http_504.',
      bad: 'proxy_cache_path /var/cache/nginx/shop levels=3:2 keys_zone=shop:4k inactive=1h30x;\nproxy_cache_use_stale updatng http_418;\nproxy_cache_valid 2xx 10m;',
      good: 'proxy_cache_path /var/cache/nginx/shop levels=1:2 keys_zone=shop:10m inactive=90m;\nproxy_cache_use_stale updating error timeout http_500;\nproxy_cache_valid 200 10m;',
    },
  },
  check(ctx) {
    for (const p of checkedPlacements(ctx.model, (n) => KINDS.has(n))) {
      const d = p.d;
      const k = KINDS.get(d.name.value);
      if (!k || !d.args.length || !directiveSpec(d.name.value)) continue;
      const name = d.name.value;
      const path = p.file.path;
      switch (k.kind) {
        case 'path': {
          const cp = parseCachePath(d);
          if (!cp) break;
          for (const pr of cp.problems) {
            const r = pathProblem(pr, name, cp.byName, path);
            if (r) rep(ctx, path, pr.range, r.message, r.fixes);
          }
          break;
        }
        case 'valid': {
          const time = d.args[d.args.length - 1];
          checkTime(ctx, path, time, true, name);
          for (const w of d.args.slice(0, -1)) {
            if (opaque(w) || w.value === 'any') continue;
            const n = ngxAtoi(w.value);
            if (n !== undefined && n >= 100 && n <= 599) continue;
            const fixes = w.value.toLowerCase() === 'any' ? [replaceFix(path, wordRange(w), w.quote ? `${w.quote}any${w.quote}` : 'any', 'Write any (lower case)')] : [];
            const why = fixes.length ? '"any" must be written in lower case' : /x/i.test(w.value) ? 'status classes such as 2xx are not supported: list the codes (200 301 302)' : 'a status is a number from 100 to 599, or "any"';
            rep(ctx, path, wordRange(w), `invalid status "${w.value}" in ${name}: ${why}. nginx refuses to start.`, fixes);
          }
          break;
        }
        case 'msec':
          if (d.args.length === 1) checkTime(ctx, path, d.args[0], false, name);
          break;
        case 'size':
        case 'offset':
          if (d.args.length === 1) checkSize(ctx, path, name, d.args[0], k.kind === 'offset');
          break;
        case 'bufs':
          if (d.args.length === 2) {
            const [num, size] = d.args;
            const n = opaque(num) ? 1 : ngxAtoi(num.value);
            if (n === undefined || n === 0) rep(ctx, path, wordRange(num), `invalid number of buffers "${num.value}" in ${name}: write a whole number above 0 followed by the buffer size (e.g. ${name} 8 4k). nginx refuses to start.`);
            checkSize(ctx, path, name, size, false, true);
          }
          break;
        case 'number':
          if (d.args.length === 1 && !opaque(d.args[0]) && ngxAtoi(d.args[0].value) === undefined) {
            rep(ctx, path, wordRange(d.args[0]), `invalid number "${d.args[0].value}" in ${name}: write a whole number (e.g. ${name} 2). nginx refuses to start.`);
          }
          break;
        case 'flag': {
          if (d.args.length !== 1) break;
          const w = d.args[0];
          const v = w.value.toLowerCase();
          if (opaque(w) || v === 'on' || v === 'off') break;
          const to = FLAG_WORDS[v];
          const message = `invalid value "${w.value}" in ${name}: it must be "on" or "off". nginx refuses to start.`;
          rep(ctx, path, wordRange(w), message, to ? [replaceFix(path, wordRange(w), to, `Write ${to}`)] : []);
          break;
        }
        case 'use-stale':
        case 'ignore-headers':
        case 'methods': {
          const list = k.kind === 'methods' ? METHODS : k.kind === 'ignore-headers' ? IGNORE_HEADERS : k.family === 'proxy' ? USE_STALE_PROXY : USE_STALE_OTHER;
          const known = k.kind === 'methods' ? KNOWN.methods : k.kind === 'ignore-headers' ? KNOWN.headers : k.family === 'proxy' ? KNOWN.proxy : KNOWN.other;
          for (const w of d.args) {
            if (opaque(w) || known.has(w.value.toLowerCase())) continue;
            const v = w.value.toLowerCase();
            if (k.kind === 'use-stale' && (v === 'http_502' || v === 'http_504')) {
              rep(ctx, path, wordRange(w), `${name} has no "${w.value}": only proxy_cache_use_stale knows http_502 and http_504, ${k.family} accepts ${USE_STALE_OTHER.join(', ')}. nginx refuses to start ("invalid value"); remove it.`);
              continue;
            }
            const guess = nearestCandidate(w.value, list);
            const what = k.kind === 'methods' ? 'only GET, HEAD and POST responses can be cached' : `${name} accepts ${list.join(', ')}`;
            const message = `invalid value "${w.value}" in ${name}${guess ? ` (did you mean ${guess}?)` : ''}: ${what}. nginx refuses to start.`;
            rep(ctx, path, wordRange(w), message, guess ? [replaceFix(path, wordRange(w), w.quote ? `${w.quote}${guess}${w.quote}` : guess, `Write ${guess}`)] : []);
          }
          break;
        }
      }
    }
  },
});

/** Message and fixes for one problem of a `*_cache_path`; undefined for what this rule leaves alone. */
function pathProblem(pr: CachePathProblem, name: string, present: Partial<Record<string, unknown>>, path: string): { message: string; fixes: Fix[] } | undefined {
  const param = pr.param;
  const v = param?.value ?? '';
  const fail = `nginx refuses to start: ${pr.nginxMessage}`;
  switch (pr.kind) {
    case 'plus-parameter':
      // NGINX Plus configurations: not an error there, and this rule cannot tell which server runs them.
      return undefined;
    case 'invalid-levels':
      return { message: `invalid levels=${v} in ${name}: levels takes 1 to 3 directory levels separated by ":", each 1 or 2 characters (e.g. levels=1:2); ${fail}.`, fixes: [] };
    case 'invalid-use-temp-path': {
      const lower = v.toLowerCase();
      const ok = lower === 'on' || lower === 'off';
      return {
        message: `invalid use_temp_path=${v} in ${name}: it must be "on" or "off", in lower case; ${fail}.`,
        fixes: ok && param && !param.word.raw.includes('\\') ? [replaceFix(path, pr.range, lower, `Write use_temp_path=${lower}`)] : [],
      };
    }
    case 'keys-zone-no-size':
      return { message: `keys_zone=${v} has no size: write keys_zone=${v}:10m (1 MB holds about 8,000 keys); ${fail}.`, fixes: [] };
    case 'keys-zone-invalid-size': {
      const size = v.slice(v.indexOf(':') + 1);
      return { message: `invalid keys_zone size "${size}" in ${name}: ${sizeHint(size, false)}; ${fail}.`, fixes: gigaFix(path, pr.range, size) };
    }
    case 'keys-zone-too-small':
    case 'keys-zone-no-memory': {
      const size = v.slice(v.indexOf(':') + 1);
      const why = pr.kind === 'keys-zone-too-small' ? 'is under 2 memory pages (8k)' : `leaves no room for the zone itself (the measured minimum is ${MIN_KEYS_ZONE_BYTES / 1024}k)`;
      return { message: `keys_zone size ${size} ${why}: ${fail}. Use at least 1m (about 8,000 keys).`, fixes: [] };
    }
    case 'missing-keys-zone':
      return { message: `${name} has no keys_zone=NAME:SIZE (e.g. keys_zone=shop:10m): ${fail}.`, fixes: [] };
    case 'invalid-time': {
      const sec = param?.name === 'inactive';
      return { message: `invalid ${param?.name}=${v} in ${name}: ${timeHint(v, sec)}; ${fail}.`, fixes: [] };
    }
    case 'invalid-size':
      return { message: `invalid ${param?.name}=${v} in ${name}: ${sizeHint(v, true)}; ${fail}.`, fixes: [] };
    case 'invalid-number':
      return { message: `invalid ${param?.name}=${v} in ${name}: write a whole number; ${fail}.`, fixes: [] };
    case 'unknown-parameter': {
      const w = param!.word;
      const eq = w.value.indexOf('=');
      const typed = eq > 0 ? w.value.slice(0, eq) : w.value;
      const guess = eq > 0 ? nearestCandidate(typed, CACHE_PATH_PARAMS) : undefined;
      const usable = guess && !present[guess] && !w.raw.includes('\\');
      return {
        message: `unknown parameter "${w.value}" in ${name}${usable ? ` (did you mean ${guess}=?)` : ''}: ${fail}. It takes the directory, then ${CACHE_PATH_PARAMS.map((x) => x + '=').join(', ')}.`,
        fixes: usable ? [replaceFix(path, valueSubRange(w, 0, typed.length), guess!, `Write ${guess}=`)] : [],
      };
    }
  }
}
