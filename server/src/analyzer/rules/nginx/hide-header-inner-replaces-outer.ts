// nginx/hide-header-inner-replaces-outer: a `*_hide_header` list at an inner level replaces the outer one.
// This file also holds the list-inheritance helpers shared by the header rules (levels, the list each level
// expects after inheritance, fix anchors and line insertion), since the rules of this group own no helper module.
import { defineRule } from '../rule';
import type { TextEdit, RelatedInfo } from '../../types';
import type { NginxModel, ParsedFile, Placed, Scope } from '../../nginx/model';
import { directiveRange } from '../../nginx/policy';
import { indentAt, insertLineAfter } from '../../fixes';

// ---------------------------------------------------------------------------------------------------
// Shared helpers

/** Configuration levels that merge http-module settings: http → server → location → nested location → if. */
const LEVEL_CONTEXTS = new Set(['http', 'server', 'location', 'if in location', 'limit_except']);

export function isLevel(s: Scope): boolean {
  return s.family === 'http' && LEVEL_CONTEXTS.has(s.context);
}

/** The enclosing level a level inherits from, if visible. */
export function parentLevel(s: Scope): Scope | undefined {
  const p = s.parent;
  return p && isLevel(p) ? p : undefined;
}

/** Whether `anc` is `s` or one of its enclosing scopes. */
export function isAncestorOrSelf(anc: Scope, s: Scope): boolean {
  for (let cur: Scope | undefined = s; cur; cur = cur.parent) if (cur === anc) return true;
  return false;
}

/** The file whose text holds the block's own lines (includes bring in other files). */
export function blockFile(s: Scope): ParsedFile | undefined {
  return s.block?.file ?? s.items[0]?.file;
}

/**
 * The statement of `level` written in the level's own block (not in an included file) that contains
 * or brought in `p`: `p` itself, the block that holds it, or the `include` that read it.
 */
export function anchorFor(level: Scope, p: Placed): Placed | undefined {
  let cur: Placed | undefined = p;
  while (cur && cur.scope !== level) cur = cur.scope.block;
  if (!cur) return undefined;
  const bf = blockFile(level);
  if (cur.file === bf) return cur;
  const i = level.items.indexOf(cur);
  for (let j = i - 1; j >= 0; j--) if (level.items[j].file === bf) return level.items[j];
  return undefined;
}

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

/** A statement as one line of text, words as written. */
export function statementText(p: Placed): string {
  const args = p.d.args.map((a) => a.raw).join(' ');
  return args ? `${p.d.name.raw} ${args};` : `${p.d.name.raw};`;
}

/** Inserts lines after the statement `anchor`, each with the anchor's indentation. */
export function insertLinesAfter(file: ParsedFile, anchor: Placed, lines: string[]): TextEdit {
  return insertLineAfter(file, anchor.d.offset, anchor.d.end, lines.join(file.lines.eol() + indentAt(file, anchor.d.offset)));
}

/** Inserts lines before the line of the statement `anchor`, each with that line's indentation. */
export function insertLinesBefore(file: ParsedFile, anchor: Placed, lines: string[]): TextEdit {
  const indent = indentAt(file, anchor.d.offset);
  const start = file.lines.lineStart(file.lines.positionAt(anchor.d.offset).line);
  const eol = file.lines.eol();
  // Only when the statement starts its line; otherwise insert right before it on the same line.
  if (/^[ \t]*$/.test(file.text.slice(start, anchor.d.offset))) {
    return { path: file.path, start, end: start, newText: lines.map((l) => indent + l + eol).join('') };
  }
  return { path: file.path, start: anchor.d.offset, end: anchor.d.offset, newText: lines.join(' ') + ' ' };
}

/** How a level is named in messages: `server example.com`, `location /api/`, `if ($arg_x)`. */
export function describeLevel(s: Scope): string {
  const args = (p: Placed | undefined) => (p ? p.d.args.map((a) => a.raw).join(' ') : '');
  switch (s.context) {
    case 'server': {
      const sn = s.items.find((p) => p.d.name.value === 'server_name');
      const first = sn?.d.args[0]?.value;
      if (first && first !== '_' && first !== '') return `server ${first}`;
      const listen = s.items.find((p) => p.d.name.value === 'listen')?.d.args[0]?.value;
      return listen ? `server (listen ${listen})` : 'server';
    }
    case 'location':
      return `location ${args(s.block)}`.trim();
    case 'if in location':
      return `if ${args(s.block)}`.trim();
    case 'limit_except':
      return `limit_except ${args(s.block)}`.trim();
    default:
      return s.context;
  }
}

const allCache = new WeakMap<NginxModel, Map<string, Placed[]>>();

/** Every placement of directives named `name` in the model, in order (one scan per analysis). */
export function placementsOf(model: NginxModel, name: string): Placed[] {
  let m = allCache.get(model);
  if (!m) {
    m = new Map();
    for (const p of model.all) {
      const k = p.d.name.value;
      (m.get(k) ?? m.set(k, []).get(k)!).push(p);
    }
    allCache.set(model, m);
  }
  return m.get(name) ?? [];
}

/** Directives named `name` set directly at `s`, in order. */
export function ownOf(model: NginxModel, s: Scope, name: string): Placed[] {
  return ownIndex(model, name).get(s) ?? [];
}

const ownCache = new WeakMap<NginxModel, Map<string, Map<Scope, Placed[]>>>();

function ownIndex(model: NginxModel, name: string): Map<Scope, Placed[]> {
  let byName = ownCache.get(model);
  if (!byName) ownCache.set(model, (byName = new Map()));
  let idx = byName.get(name);
  if (!idx) {
    idx = new Map();
    for (const p of placementsOf(model, name)) (idx.get(p.scope) ?? idx.set(p.scope, []).get(p.scope)!).push(p);
    byName.set(name, idx);
  }
  return idx;
}

export const PASS_FAMILIES = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'] as const;

const passCache = new WeakMap<NginxModel, Map<Scope, Set<string>>>();

/** For every scope, the families (`proxy`, `fastcgi`, …) with a `*_pass` in it or below it. */
export function passFamiliesBelow(model: NginxModel): Map<Scope, Set<string>> {
  let m = passCache.get(model);
  if (m) return m;
  const out = new Map<Scope, Set<string>>();
  const visit = (s: Scope): Set<string> => {
    const set = new Set<string>();
    for (const c of s.children) for (const f of visit(c)) set.add(f);
    for (const f of PASS_FAMILIES) if (ownOf(model, s, `${f}_pass`).length) set.add(f);
    out.set(s, set);
    return set;
  };
  for (const r of model.roots) visit(r);
  passCache.set(model, (m = out));
  return m;
}

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

/** Entries of a single-argument header list: the header name, case-insensitive. */
export function headerNameEntry(p: Placed): { key: string }[] {
  const n = p.d.args[0];
  return n ? [{ key: n.value.toLowerCase() }] : [];
}

const hideModels = new WeakMap<NginxModel, Map<string, ListModel>>();

/** The `<family>_hide_header` list model of an analysis (shared by the rules that add to it). */
export function hideModel(model: NginxModel, family: string): ListModel {
  let m = hideModels.get(model);
  if (!m) hideModels.set(model, (m = new Map()));
  let lm = m.get(family);
  if (!lm) m.set(family, (lm = new ListModel(model, `${family}_hide_header`, headerNameEntry)));
  return lm;
}

/** Accumulates lines to insert per anchor, so that several inserts at one place become one edit. */
export class Inserts {
  private readonly map = new Map<string, { anchor: Placed; before: boolean; lines: string[] }>();
  add(anchor: Placed, before: boolean, lines: string[]): void {
    const k = `${anchor.file.path}\0${anchor.d.offset}\0${before}`;
    const cur = this.map.get(k);
    if (!cur) this.map.set(k, { anchor, before, lines: [...lines] });
    else for (const l of lines) if (!cur.lines.includes(l)) cur.lines.push(l);
  }
  edits(file: (p: string) => ParsedFile): TextEdit[] {
    return [...this.map.values()].map((i) => (i.before ? insertLinesBefore(file(i.anchor.file.path), i.anchor, i.lines) : insertLinesAfter(file(i.anchor.file.path), i.anchor, i.lines)));
  }
}

// ---------------------------------------------------------------------------------------------------
// The rule

export default defineRule({
  id: 'nginx/hide-header-inner-replaces-outer',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'A `*_hide_header` at an inner level replaces the list of an enclosing level instead of adding to it.',
      why: 'nginx inherits the `*_hide_header` list only into levels that set none; one `proxy_hide_header X-Powered-By` in a location un-hides everything the server hid. With `proxy_ignore_headers Set-Cookie` that replays one user\'s session cookie to everyone (measured: bob\'s cache HIT carried alice\'s Set-Cookie).',
      bad: 'server {\n    proxy_hide_header Set-Cookie;\n    location /app/ {\n        proxy_hide_header X-Powered-By;\n        proxy_pass http://app;\n    }\n}',
      good: 'server {\n    proxy_hide_header Set-Cookie;\n    location /app/ {\n        proxy_hide_header X-Powered-By;\n        proxy_hide_header Set-Cookie;\n        proxy_pass http://app;\n    }\n}',
    },
  },
  check(ctx) {
    const below = passFamiliesBelow(ctx.model);
    const done = new Set<object>();
    for (const fam of PASS_FAMILIES) {
      const lm = hideModel(ctx.model, fam);
      const name = lm.name;
      for (const level of lm.levels()) {
        // Only where responses of this family pass through: elsewhere the list has no effect.
        if (!below.get(level)?.has(fam)) continue;
        const missing = lm.missing(level);
        if (!missing.length) continue;
        const own = lm.own(level);
        const first = own[0];
        if (done.has(first.d)) continue;
        done.add(first.d);
        const names = uniqueCi(missing.map((e) => e.placed.d.args[0].value));
        const cookie = names.some((n) => n.toLowerCase() === 'set-cookie');
        const from = uniqueLevels(missing);
        const anchor = anchorFor(level, own[own.length - 1]);
        const file = anchor && ctx.file(anchor.file.path);
        const lines = repeatLines(missing, name);
        ctx.report({
          path: first.file.path,
          range: directiveRange(first),
          severity: cookie ? 'error' : undefined,
          message:
            `${name} in ${describeLevel(level)} replaces the list inherited from ${from}: ${listWords(names)} ${names.length > 1 ? 'are' : 'is'} no longer hidden here` +
            (cookie ? ', so upstream Set-Cookie headers reach clients (and are replayed from the cache when Set-Cookie is ignored).' : '.') +
            ` Repeat ${names.length > 1 ? 'them' : 'it'} in this block.`,
          related: relatedFor(missing, (e) => `${name} ${e.placed.d.args[0].value} set here (${describeLevel(e.level)})`),
          fixes: anchor && file ? [{ title: `Repeat ${listWords(lines.map(shortLine))} here`, safe: false, edits: [insertLinesAfter(file, anchor, lines)] }] : [],
        });
      }
    }
  },
});

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
