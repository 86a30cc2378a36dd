// nginx/slice-key-missing-slice-range: `slice` is on but the cache key or the upstream Range header lacks $slice_range.
import { defineRule } from '../rule';
import { insertLineAfter } from '../../fixes';
import { directiveRange, effective, variablesIn, wordRange } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import type { NginxModel, ParsedFile, Placed } from '../../nginx/model';
import type { RelatedInfo, TextEdit, TextRange } from '../../types';
import { mayMissDirectives } from '../../nginx/completeness';
import { insertLinesAfter } from '../../nginx/edits';
import { activeSlice } from '../../nginx/cacheTuning';

/** Directives that define a variable, and the index of the variable's argument (-1: the last one). */
const DEFINES: Record<string, number> = { map: -1, geo: -1, split_clients: -1, set: 0, js_set: 0, perl_set: 0, set_by_lua: 0, set_by_lua_file: 0, set_by_lua_block: 0 };

const userVarCache = new WeakMap<NginxModel, Set<string>>();

/** Variables the configuration defines itself (map, geo, set, …): their value may contain $slice_range. */
function userVariables(model: NginxModel): Set<string> {
  let s = userVarCache.get(model);
  if (s) return s;
  s = new Set<string>();
  for (const p of model.all) {
    const i = DEFINES[p.d.name.value];
    if (i === undefined || !p.d.args.length) continue;
    const w = p.d.args[i < 0 ? p.d.args.length + i : i];
    if (w) for (const v of variablesIn(w)) s.add(v.name);
  }
  userVarCache.set(model, s);
  return s;
}

interface Problem {
  at: Placed;
  range: TextRange;
  slice: Placed;
  parts: string[];
  why: Set<string>;
  edits: TextEdit[];
  /** Lines to insert after `at` (one edit, so two insertions at the same point stay in order). */
  after: string[];
  related: RelatedInfo[];
}

const WHY_KEY = 'every slice is stored under the same key, so clients get truncated or corrupt responses ("unexpected range in slice response")';
const WHY_RANGE = 'with the cache on nginx removes the client\'s Range header, so the upstream is asked for whole responses instead of slices';

export default defineRule({
  id: 'nginx/slice-key-missing-slice-range',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: '`slice` is on with a cache, but the cache key lacks `$slice_range`, or no `proxy_set_header Range $slice_range` applies (an inner `proxy_set_header` list replaces the outer one).',
      why: 'Slicing stores each byte range as its own 206 response. Without `$slice_range` in the key every slice lands on the same entry (measured: 1,024-byte truncated responses and "unexpected range in slice response"); without `proxy_set_header Range $slice_range` the cache-enabled proxy strips Range and the upstream sends whole bodies. `proxy_set_header` lists replace each other, so one header set in a location drops an outer `Range $slice_range`.',
      bad: 'slice 1m;\nproxy_cache media;\nproxy_cache_key $uri$is_args$args;',
      good: 'slice 1m;\nproxy_cache media;\nproxy_cache_key $uri$is_args$args$slice_range;\nproxy_set_header Range $slice_range;',
    },
  },
  check(ctx) {
    const problems = new Map<object, Problem>();
    const problemAt = (at: Placed, range: TextRange, slice: Placed): Problem => {
      let pr = problems.get(at.d);
      if (!pr) problems.set(at.d, (pr = { at, range, slice, parts: [], why: new Set(), edits: [], after: [], related: [] }));
      return pr;
    };
    const causeSeen = new Map<object, Set<string>>();
    const first = (d: object, kind: string): boolean => {
      const s = causeSeen.get(d) ?? causeSeen.set(d, new Set()).get(d)!;
      if (s.has(kind)) return false;
      s.add(kind);
      return true;
    };
    for (const pol of ctx.policies) {
      const slice = activeSlice(pol.scope);
      if (!slice || mayMissDirectives(ctx.model, pol.scope, { upTo: slice.scope, emptyGlobs: true })) continue;
      // Where a directive is found, only the levels up to it matter; its absence needs the whole chain.
      const unsure = (found?: Placed) => mayMissDirectives(ctx.model, pol.scope, { upTo: found?.scope, emptyGlobs: true });
      checkKey(ctx.model, pol, slice, problemAt, first, (p) => ctx.file(p), unsure);
      if (pol.family === 'proxy') checkRange(pol, slice, problemAt, first, (p) => ctx.file(p), unsure);
    }
    for (const pr of problems.values()) {
      const edits = [...pr.edits];
      if (pr.after.length) edits.push(insertLinesAfter(ctx.file(pr.at.file.path), pr.at, pr.after));
      ctx.report({
        path: pr.at.file.path,
        range: pr.range,
        message: `slice ${pr.slice.d.args[0].value} is on but ${pr.parts.join(', and ')}: ${[...pr.why].join('; ')}. ${todo(pr)}`,
        related: pr.related,
        fixes: edits.length ? [{ title: fixTitle(pr), safe: true, edits }] : [],
      });
    }
  },
});

function fixTitle(pr: Problem): string {
  const key = pr.why.has(WHY_KEY);
  const range = pr.why.has(WHY_RANGE);
  if (key && range) return 'Add $slice_range to the cache key and proxy_set_header Range $slice_range';
  return key ? 'Add $slice_range to the cache key' : 'Send proxy_set_header Range $slice_range';
}

function todo(pr: Problem): string {
  const key = pr.why.has(WHY_KEY);
  const range = pr.why.has(WHY_RANGE);
  if (key && range) return 'Add $slice_range to the cache key and send it upstream with proxy_set_header Range $slice_range.';
  return key ? 'Add $slice_range to the cache key.' : 'Send $slice_range upstream with proxy_set_header Range $slice_range.';
}

type ProblemAt = (at: Placed, range: TextRange, slice: Placed) => Problem;
type First = (d: object, kind: string) => boolean;
type FileOf = (path: string) => ParsedFile;
type Unsure = (found?: Placed) => boolean;

function sliceRelated(slice: Placed): RelatedInfo {
  return { path: slice.file.path, range: directiveRange(slice), message: `slice ${slice.d.args[0].value} is on here` };
}

function checkKey(model: NginxModel, pol: CachePolicy, slice: Placed, problemAt: ProblemAt, first: First, fileOf: FileOf, unsure: Unsure): void {
  const fam = pol.family;
  const key = pol.key;
  if (unsure(key)) return;
  if (key) {
    if (key.d.args.length !== 1) return;
    const w = key.d.args[0];
    if (w.template) return;
    const vars = variablesIn(w);
    if (vars.some((v) => v.name === 'slice_range')) return;
    const user = userVariables(model);
    if (vars.some((v) => user.has(v.name))) return; // a map/set variable may carry $slice_range
    if (!first(key.d, 'key')) return;
    const pr = problemAt(key, wordRange(w), slice);
    pr.parts.push(`${key.d.name.value} ${w.value} has no $slice_range`);
    pr.why.add(WHY_KEY);
    pr.related.push(sliceRelated(slice));
    const at = w.quote ? w.end - 1 : w.end;
    pr.edits.push({ path: key.file.path, start: at, end: at, newText: '$slice_range' });
    return;
  }
  if (!first(slice.d, `key:${fam}`)) return;
  const pr = problemAt(slice, directiveRange(slice), slice);
  pr.parts.push(`${fam === 'proxy' ? 'the built-in cache key' : `no ${fam}_cache_key is set, so the cache key`} has no $slice_range`);
  pr.why.add(WHY_KEY);
  if (pol.cache.d !== slice.d) pr.related.push({ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${pol.zoneName}" enabled here` });
  const base = fam === 'proxy' ? '$scheme$proxy_host$request_uri' : '$scheme$request_method$host$request_uri';
  pr.after.unshift(`${fam}_cache_key ${base}$slice_range;`);
}

function checkRange(pol: CachePolicy, slice: Placed, problemAt: ProblemAt, first: First, fileOf: FileOf, unsure: Unsure): void {
  const list = effective(pol.scope, 'proxy_set_header');
  if (unsure(list[0])) return;
  const ranges = list.filter((p) => p.d.args[0]?.value.toLowerCase() === 'range');
  const line = 'proxy_set_header Range $slice_range;';
  // `Range $slice_range` is right; another variable may be a map of it: stay silent.
  if (ranges.some((p) => p.d.args.slice(1).some((w) => w.template || variablesIn(w).length))) return;
  if (ranges.length) {
    const r = ranges[ranges.length - 1];
    if (!first(r.d, 'range') || r.d.args.length !== 2) return;
    const w = r.d.args[1];
    const pr = problemAt(r, wordRange(w), slice);
    pr.parts.push(`proxy_set_header Range sends "${w.value}" instead of $slice_range`);
    pr.why.add(WHY_RANGE);
    pr.related.push(sliceRelated(slice));
    pr.edits.push({ path: r.file.path, start: w.offset, end: w.end, newText: '$slice_range' });
    return;
  }
  if (list.length) {
    // This level's list replaced whatever was inherited, Range included.
    const head = list[0];
    if (!first(head.d, 'range')) return;
    const level = head.scope;
    const pr = problemAt(head, directiveRange(head), slice);
    const outer = level.parent ? effective(level.parent, 'proxy_set_header').filter((p) => p.d.args[0]?.value.toLowerCase() === 'range') : [];
    pr.parts.push(
      outer.length
        ? 'this proxy_set_header list replaces the outer one, so its Range $slice_range is not sent'
        : 'no proxy_set_header Range $slice_range applies',
    );
    pr.why.add(WHY_RANGE);
    pr.related.push(sliceRelated(slice));
    for (const o of outer) pr.related.push({ path: o.file.path, range: directiveRange(o), message: 'Range set here is not inherited: the inner proxy_set_header list replaces this one' });
    // Add the header to this level's list, in the file that holds the block (not in a shared include).
    const home = level.block?.file.path ?? head.file.path;
    const anchor = [...list].reverse().find((p) => p.file.path === home);
    if (anchor) pr.edits.push(insertLineAfter(fileOf(anchor.file.path), anchor.d.offset, anchor.d.end, line));
    return;
  }
  if (!first(slice.d, 'range')) return;
  const pr = problemAt(slice, directiveRange(slice), slice);
  pr.parts.push('no proxy_set_header Range $slice_range applies');
  pr.why.add(WHY_RANGE);
  pr.after.push(line);
}

