// Header lists that nginx inherits only into levels that set none of them (`add_header`, `*_hide_header`,
// `*_ignore_headers`, `*_set_header` / `*_param`): the list each level most likely meant, what a level
// leaves out, the lines that repeat what it left out, what an add_header value says to caches, and the
// wording the header rules share.
import type { NginxModel, Placed, Scope } from './model';
import type { RelatedInfo } from '../types';
import { directiveRange } from './policy';
import { ownOf, placementsOf } from './placements';
import { blockFile, describeLevel, isLevel, parentLevel } from './scopes';
import { anchorFor, statementText } from './edits';

/** One entry of a header list: a header name (or `*_ignore_headers` value) with the statement that set it. */
export interface Entry {
  key: string;
  /** The text that re-creates the entry: one value of a multi-value statement; undefined for the whole statement. */
  text?: string;
  placed: Placed;
  level: Scope;
}

/** The text that re-creates an entry. */
export function entryText(e: Entry): string {
  return e.text ?? statementText(e.placed);
}

/** How a level combines its own list with the inherited one (`add_header_inherit`; the others are always `on`). */
export type InheritMode = 'on' | 'off' | 'merge';

/**
 * A list directive that nginx inherits only when a level sets none of it. `expected(level)` is the list
 * the configuration's author most likely meant at a level: its own entries plus every entry of the
 * enclosing levels it did not name. The rules compare a level's own entries with its parent's expected
 * list, so nested overrides are all reported in one pass and their fixes do not uncover new findings.
 */
export class ListModel {
  private readonly memo = new Map<Scope, Entry[]>();
  constructor(
    readonly model: NginxModel,
    readonly name: string,
    private readonly entriesOf: (p: Placed) => { key: string; text?: string }[],
    private readonly modeOf: (s: Scope) => InheritMode = () => 'on',
  ) {}

  own(s: Scope): Placed[] {
    return ownOf(this.model, s, this.name);
  }

  private readonly entryMemo = new Map<Scope, Entry[]>();

  entries(s: Scope): Entry[] {
    let out = this.entryMemo.get(s);
    if (!out) {
      out = [];
      for (const p of this.own(s)) for (const e of this.entriesOf(p)) out.push({ key: e.key, text: e.text, placed: p, level: s });
      this.entryMemo.set(s, out);
    }
    return out;
  }

  mode(s: Scope): InheritMode {
    return this.modeOf(s);
  }

  expected(s: Scope): Entry[] {
    const hit = this.memo.get(s);
    if (hit) return hit;
    const parent = parentLevel(s);
    const inherited = parent ? this.expected(parent) : [];
    const own = this.entries(s);
    const mode = this.modeOf(s);
    let out: Entry[];
    if (!own.length) out = mode === 'off' ? [] : inherited;
    else if (mode === 'off') out = own;
    else {
      const keys = new Set(own.map((e) => e.key));
      out = [...own, ...inherited.filter((e) => !keys.has(e.key))];
    }
    this.memo.set(s, out);
    return out;
  }

  /** Levels that set the list themselves, in configuration order. */
  levels(): Scope[] {
    const seen = new Set<Scope>();
    for (const p of placementsOf(this.model, this.name)) if (isLevel(p.scope)) seen.add(p.scope);
    return [...seen];
  }

  /** Entries of the parent's expected list that level `s` (which sets its own list) leaves out. */
  missing(s: Scope): Entry[] {
    const parent = parentLevel(s);
    if (!parent) return [];
    const expected = this.expected(parent);
    if (!expected.length) return [];
    const keys = new Set(this.entries(s).map((e) => e.key));
    return expected.filter((e) => !keys.has(e.key));
  }
}

// ---------------------------------------------------------------------------------------------------
// The lists

/** Entries of a single-argument header list: the header name, case-insensitive. */
export function headerNameEntry(p: Placed): { key: string }[] {
  const n = p.d.args[0];
  return n ? [{ key: n.value.toLowerCase() }] : [];
}

/** A list model per analysis and key, created on first use. */
function memoModel(cache: WeakMap<NginxModel, Map<string, ListModel>>, model: NginxModel, key: string, create: () => ListModel): ListModel {
  let m = cache.get(model);
  if (!m) cache.set(model, (m = new Map()));
  let lm = m.get(key);
  if (!lm) m.set(key, (lm = create()));
  return lm;
}

const hideModels = new WeakMap<NginxModel, Map<string, ListModel>>();

/** The `<family>_hide_header` list model of an analysis (shared by the rules that add to it). */
export function hideModel(model: NginxModel, family: string): ListModel {
  return memoModel(hideModels, model, family, () => new ListModel(model, `${family}_hide_header`, headerNameEntry));
}

const ignoreModels = new WeakMap<NginxModel, Map<string, ListModel>>();

/** The `<family>_ignore_headers` list model: one entry per value. */
export function ignoreModel(model: NginxModel, family: string): ListModel {
  return memoModel(ignoreModels, model, family, () => new ListModel(model, `${family}_ignore_headers`, (p) => p.d.args.map((a) => ({ key: a.value.toLowerCase(), text: a.raw }))));
}

/** The header-passing list of each family: request headers for proxy/grpc, CGI-style parameters otherwise. */
export const SET_LISTS: { family: string; name: string; caseInsensitive: boolean }[] = [
  { family: 'proxy', name: 'proxy_set_header', caseInsensitive: true },
  { family: 'grpc', name: 'grpc_set_header', caseInsensitive: true },
  { family: 'fastcgi', name: 'fastcgi_param', caseInsensitive: false },
  { family: 'uwsgi', name: 'uwsgi_param', caseInsensitive: false },
  { family: 'scgi', name: 'scgi_param', caseInsensitive: false },
];

const setModels = new WeakMap<NginxModel, Map<string, ListModel>>();

/** The list model of a `SET_LISTS` directive: one entry per header or parameter name. */
export function setModel(model: NginxModel, name: string, caseInsensitive: boolean): ListModel {
  const exact = (p: Placed) => (p.d.args[0] ? [{ key: p.d.args[0].value }] : []);
  return memoModel(setModels, model, name, () => new ListModel(model, name, caseInsensitive ? headerNameEntry : exact));
}

/** add_header lists of one analysis: what each level expects and what nginx actually sends there. */
export interface AddHeaderModel {
  list: ListModel;
  /** The add_header statements nginx applies at a level, after inheritance (and `add_header_inherit`). */
  effective(s: Scope): Placed[];
}

const addHeaderModels = new WeakMap<NginxModel, AddHeaderModel>();

export function addHeaderModel(model: NginxModel): AddHeaderModel {
  const hit = addHeaderModels.get(model);
  if (hit) return hit;
  const modes = new Map<Scope, InheritMode>();
  // add_header_inherit (nginx ≥ 1.29.3) is a plain value inherited by inner levels; `on` by default.
  const modeOf = (s: Scope): InheritMode => {
    const m = modes.get(s);
    if (m) return m;
    const own = ownOf(model, s, 'add_header_inherit');
    const v = own[own.length - 1]?.d.args[0]?.value;
    const parent = parentLevel(s);
    const mode: InheritMode = v === 'off' || v === 'merge' || v === 'on' ? v : parent ? modeOf(parent) : 'on';
    modes.set(s, mode);
    return mode;
  };
  const list = new ListModel(model, 'add_header', headerNameEntry, modeOf);
  const eff = new Map<Scope, Placed[]>();
  const effective = (s: Scope): Placed[] => {
    const e = eff.get(s);
    if (e) return e;
    const own = list.own(s);
    const mode = modeOf(s);
    const parent = isLevel(s) ? parentLevel(s) : undefined;
    const inherited = parent ? effective(parent) : [];
    const out = mode === 'off' ? own : !own.length ? inherited : mode === 'merge' ? [...own, ...inherited] : own;
    eff.set(s, out);
    return out;
  };
  const m = { list, effective };
  addHeaderModels.set(model, m);
  return m;
}

/**
 * Whether losing this inherited add_header changes a response at a level: an empty value sends nothing, and a
 * value made only of $upstream_* variables is empty where nothing is proxied.
 */
export function matters(e: Entry, proxied: boolean): boolean {
  const v = e.placed.d.args[1];
  if (!v || v.value === '') return false;
  if (proxied) return true;
  const rest = v.value.replace(/\$(\{upstream_[A-Za-z0-9_]*\}|upstream_[A-Za-z0-9_]*)/g, '');
  return rest !== v.value ? /[A-Za-z0-9$]/.test(rest) : true;
}

/** A Cache-Control-like value that forbids or limits caching (no-store, no-cache, private, max-age=0). */
export function forbidsCaching(value: string): boolean {
  return /(^|[\s,;"'])(no-store|no-cache|private)\b|\b(max-age|s-maxage)\s*=\s*"?0+"?(?![0-9])/i.test(value);
}

// ---------------------------------------------------------------------------------------------------
// Repeating what a level left out

/** The `include` of `level` that brought `p` in, when `p` comes from another file. */
function originInclude(level: Scope, p: Placed): Placed | undefined {
  const bf = blockFile(level);
  if (p.file === bf) return undefined;
  const a = anchorFor(level, p);
  return a && a.d.name.value === 'include' ? a : undefined;
}

/** The statements an `include` of `level` contributes to that level. */
function contributedBy(level: Scope, inc: Placed): Placed[] {
  const bf = blockFile(level);
  const i = level.items.indexOf(inc);
  const out: Placed[] = [];
  for (let j = i + 1; j < level.items.length && level.items[j].file !== bf; j++) out.push(level.items[j]);
  return out;
}

/**
 * Lines that repeat `missing` entries of a single-name list (one entry per statement): each statement
 * as written, or the `include` that brought them when everything it contributes is missing and is
 * nothing but this list.
 */
export function repeatLines(missing: Entry[], listName: string): string[] {
  const lines: string[] = [];
  const missed = new Set(missing.map((e) => e.placed));
  const whole = new Map<Placed, boolean>();
  const emitted = new Set<Placed>();
  for (const e of missing) {
    const inc = originInclude(e.level, e.placed);
    if (inc) {
      let ok = whole.get(inc);
      if (ok === undefined) {
        const items = contributedBy(e.level, inc).filter((p) => p.d.name.value !== 'include');
        ok = items.length > 0 && items.every((p) => p.d.name.value === listName && missed.has(p));
        whole.set(inc, ok);
      }
      if (ok) {
        if (!emitted.has(inc)) lines.push(statementText(inc));
        emitted.add(inc);
        continue;
      }
    }
    if (!emitted.has(e.placed)) lines.push(entryText(e));
    emitted.add(e.placed);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------
// Wording

/** Related information pointing at where each missing entry is set (a few of them). */
export function relatedFor(missing: Entry[], what: (e: Entry) => string, max = 6): RelatedInfo[] {
  const out: RelatedInfo[] = [];
  const seen = new Set<object>();
  for (const e of missing) {
    if (seen.has(e.placed.d) || out.length >= max) continue;
    seen.add(e.placed.d);
    out.push({ path: e.placed.file.path, range: directiveRange(e.placed), message: what(e) });
  }
  return out;
}

/** `A, B and C` */
export function listWords(words: string[], max = 6): string {
  const w = words.length > max ? [...words.slice(0, max), `${words.length - max} more`] : words;
  return w.length <= 1 ? w.join('') : `${w.slice(0, -1).join(', ')} and ${w[w.length - 1]}`;
}

/** Distinct values, first spelling kept, compared case-insensitively. */
export function uniqueCi(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(v.toLowerCase()) && !!seen.add(v.toLowerCase()));
}

/** `server` or `http and server`: where the dropped entries come from. */
export function uniqueLevels(entries: Entry[]): string {
  const names: string[] = [];
  for (const e of entries) {
    const n = describeLevel(e.level);
    if (!names.includes(n)) names.push(n);
  }
  return listWords(names);
}

/** A line without its trailing `;`, for fix titles. */
export function shortLine(line: string): string {
  return line.replace(/;$/, '');
}
