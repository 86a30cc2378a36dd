// User-defined variables (`map`, `set`, `geo`, `split_clients`, regex named captures): for each one,
// which built-in variables its value is derived from, transitively, and whether it copies their value
// (high cardinality) or only classifies it into a fixed set of literals (low cardinality).
import { scopeChain } from './model';
import type { NginxModel, Placed, Scope } from './model';
import type { Word } from './tree';
import { variableRefs, variablesIn } from './policy';
import type { CachePolicy } from './policy';
import { variableInfo } from './directives';
import { placementsNamed } from './placements';
import { TextMemo } from '../text/memo';

/** How a user variable gets its value. */
export interface VarDef {
  name: string;
  kind: 'map' | 'geo' | 'split_clients' | 'set' | 'capture' | 'other';
  placed: Placed;
  /** The scope a `set`-like definition runs in (its nearest non-`if` level), undefined for global ones. */
  home?: Scope;
  /** The configuration (entry file's root scope) the definition belongs to. */
  root?: Scope;
  /** Variables whose value is copied into this one (in values, or through regex captures of the source). */
  copies: string[];
  /** Variables this one depends on in any way (the map/geo source, the values, the captures). */
  reads: string[];
}

/** What an expression (a key, a header value) is derived from, after resolving user variables. */
export interface Derivation {
  /** Built-in variables whose value is copied into the expression, with the user variables it went through. */
  flows: Map<string, string[]>;
  /** Built-in variables the expression depends on in any way, including through low-cardinality maps. */
  touches: Set<string>;
  /** A variable whose value the analyzer cannot follow (module variables, numeric captures, definitions elsewhere). */
  unknown: boolean;
}

/** Derivations may be shared between calls: read them, do not modify them. */
export interface VariableIndex {
  defs(name: string): VarDef[];
  /** Derivation of a word's value, with `set` definitions limited to those that run in `scope` (all when undefined). */
  derive(word: Word | string, scope?: Scope): Derivation;
  /** Derivation of a single variable by name (without `$`). */
  deriveVar(name: string, scope?: Scope): Derivation;
}

/** Directives that define a variable from an expression, like `set` (first argument the variable). */
const SET_LIKE = new Set(['set', 'auth_request_set']);
/** Directives that define a variable the analyzer cannot follow (modules, scripts). */
const OPAQUE_SETTERS = new Set([
  'perl_set', 'js_set', 'set_by_lua', 'set_by_lua_block', 'set_by_lua_file', 'set_md5', 'set_sha1', 'set_unescape_uri',
  'set_escape_uri', 'set_quote_sql_str', 'set_encode_base64', 'set_decode_base64', 'set_secure_random_alphanum',
  'set_random', 'set_hashed_upstream', 'set_formatted_gmt_time', 'set_formatted_local_time', 'set_if_empty',
  'set_hmac_sha1', 'set_encode_base32', 'set_decode_base32', 'set_local_today', 'set_misc_base32_padding',
]);

/** Variable names in a text (shared: do not modify). */
const namesOfText = new TextMemo<string[]>((text) => variableRefs.get(text).map((v) => v.name));

function namesIn(text: string): string[] {
  return namesOfText.get(text);
}

/** Names of the named captures of a PCRE pattern: `(?<n>…)`, `(?P<n>…)`, `(?'n'…)`. */
export function namedCaptures(regex: string): string[] {
  const out: string[] = [];
  const re = /\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/g;
  for (let m = re.exec(regex); m; m = re.exec(regex)) out.push(m[1] ?? m[2]);
  return out;
}

/**
 * Whether every capturing group of a regex is a fixed alternation of literals, such as `(Mobile|Tablet)`:
 * a capture of it has a handful of values, not the client's own string.
 */
export function capturesAreBounded(regex: string): boolean {
  let i = 0;
  let any = false;
  while (i < regex.length) {
    const c = regex[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '(') {
      let j = i + 1;
      if (regex[j] === '?') {
        // (?: … ) and lookarounds do not capture; (?<n> … ) does.
        if (/^\?P?<[A-Za-z_]/.test(regex.slice(j)) || regex[j + 1] === "'") {
          j = regex.indexOf(regex[j + 1] === "'" ? "'" : '>', j + 2) + 1;
          if (j <= 0) return false;
        } else {
          i++;
          continue;
        }
      }
      // Find the group's end (no nested groups allowed in a bounded capture).
      let k = j;
      let body = '';
      while (k < regex.length && regex[k] !== ')') {
        if (regex[k] === '(') return false;
        if (regex[k] === '\\') {
          body += regex.slice(k, k + 2);
          k += 2;
          continue;
        }
        body += regex[k];
        k++;
      }
      if (k >= regex.length) return false;
      any = true;
      if (!/^(?:[A-Za-z0-9_ \-]|\\[.\-/ ])+(?:\|(?:[A-Za-z0-9_ \-]|\\[.\-/ ])+)*$/.test(body)) return false;
      i = k + 1;
      continue;
    }
    i++;
  }
  return any;
}

/** Whether `name` (without `$`) is a variable nginx or one of its modules provides. */
export function isBuiltinVariable(name: string): boolean {
  return builtins.get(name);
}

const builtins = new TextMemo<boolean>((name) => !/^\d+$/.test(name) && !!variableInfo('$' + name), 10_000);

function homeOf(scope: Scope): Scope {
  let s = scope;
  while ((s.kind === 'if' || s.context === 'data') && s.parent) s = s.parent;
  return s;
}

/** The source variable and regex of an `if (…)` condition with `~`/`~*`, if any. */
function ifRegex(d: Placed['d']): { source: string; regex: string } | undefined {
  const text = d.args.map((a) => a.value).join(' ').trim();
  const m = /^\(?\s*(\S+)\s+!?~\*?\s+(.*?)\s*\)?$/.exec(text);
  if (!m || !/[~]/.test(text)) return undefined;
  return { source: m[1], regex: m[2] };
}

const cache = new WeakMap<NginxModel, VariableIndex>();

/** The variable index of a model, built once. */
export function variableIndex(model: NginxModel): VariableIndex {
  let idx = cache.get(model);
  if (!idx) cache.set(model, (idx = build(model)));
  return idx;
}

function build(model: NginxModel): VariableIndex {
  const byName = new Map<string, VarDef[]>();
  let root: Scope | undefined;
  const add = (def: VarDef) => {
    def.root = root;
    (byName.get(def.name) ?? byName.set(def.name, []).get(def.name)!).push(def);
  };

  const visit = (scope: Scope) => {
    if (scope.context === 'data' && scope.block) {
      const p = scope.block;
      const kind = p.d.name.value;
      const args = p.d.args;
      if (kind === 'map' && args.length === 2) {
        const dst = namesIn(args[1].value)[0];
        if (dst) add(mapDef(dst, p, args[0].value, scope.items));
      } else if (kind === 'geo' && (args.length === 1 || args.length === 2)) {
        const dst = namesIn(args[args.length - 1].value)[0];
        const src = args.length === 2 ? namesIn(args[0].value) : ['remote_addr'];
        if (dst) add({ name: dst, kind: 'geo', placed: p, copies: [], reads: src });
      } else if (kind === 'split_clients' && args.length === 2) {
        const dst = namesIn(args[1].value)[0];
        if (dst) add({ name: dst, kind: 'split_clients', placed: p, copies: [], reads: namesIn(args[0].value) });
      }
    }
    if (scope.context !== 'data') {
      for (const p of scope.items) {
        const n = p.d.name.value;
        const args = p.d.args;
        if (SET_LIKE.has(n) && args.length === 2) {
          const dst = namesIn(args[0].value)[0];
          if (dst) {
            const vs = namesIn(args[1].value);
            add({ name: dst, kind: 'set', placed: p, home: homeOf(scope), copies: vs, reads: vs });
          }
        } else if (OPAQUE_SETTERS.has(n) && args.length >= 1) {
          const dst = namesIn(args[0].value)[0];
          if (dst) add({ name: dst, kind: 'other', placed: p, home: homeOf(scope), copies: [], reads: [] });
        } else if (n === 'server_name') {
          for (const a of args) if (a.value.startsWith('~')) captureDefs(p, ['host'], a.value.slice(1), add, homeOf(scope));
        } else if (n === 'rewrite' && args.length >= 2) {
          captureDefs(p, ['uri'], args[0].value, add, homeOf(scope));
        }
      }
      if (scope.kind === 'location' && scope.block) {
        const la = scope.block.d.args;
        if (la.length === 2 && (la[0].value === '~' || la[0].value === '~*')) captureDefs(scope.block, ['uri'], la[1].value, add, scope);
        else if (la.length === 1 && la[0].value.startsWith('~')) captureDefs(scope.block, ['uri'], la[0].value.replace(/^~\*?/, ''), add, scope);
      }
      if (scope.kind === 'if' && scope.block) {
        const r = ifRegex(scope.block.d);
        if (r) captureDefs(scope.block, namesIn(r.source), r.regex, add, scope.parent ? homeOf(scope.parent) : undefined);
      }
    }
    for (const c of scope.children) visit(c);
  };
  for (const r of model.roots) {
    root = r;
    visit(r);
  }

  const defs = (name: string) => byName.get(name) ?? [];

  /** Derivations of names nothing defines: they depend on the name only (shared, read-only). */
  const undefinedNames = new Map<string, Derivation>();
  const ofUndefined = (name: string): Derivation => {
    let d = undefinedNames.get(name);
    if (!d) {
      d = { flows: new Map(), touches: new Set(), unknown: false };
      if (isBuiltinVariable(name)) {
        d.flows.set(name, []);
        d.touches.add(name);
      } else d.unknown = true;
      undefinedNames.set(name, d);
    }
    return d;
  };

  const deriveVar = (name: string, scope: Scope | undefined, seen?: Set<string>): Derivation => {
    const all = defs(name);
    if (!all.length) return ofUndefined(name);
    const chain = scope ? scopeChain(scope) : undefined;
    const top = chain?.[chain.length - 1];
    const applicable = all.filter((d) => !chain || (d.home ? chain.includes(d.home) : d.root === top));
    if (!applicable.length) return ofUndefined(name);
    const out: Derivation = { flows: new Map(), touches: new Set(), unknown: false };
    seen ??= new Set();
    if (seen.has(name)) return out;
    seen.add(name);
    for (const d of applicable) {
      if (d.kind === 'other') {
        out.unknown = true;
        continue;
      }
      for (const v of d.reads) {
        const sub = deriveVar(v, scope, seen);
        for (const t of sub.touches) out.touches.add(t);
        if (sub.unknown) out.unknown = true;
        if (d.copies.includes(v)) for (const [b, via] of sub.flows) if (!out.flows.has(b)) out.flows.set(b, [name, ...via]);
      }
    }
    seen.delete(name);
    return out;
  };

  const derive = (word: Word | string, scope?: Scope): Derivation => {
    const text = typeof word === 'string' ? word : word.value;
    const names = namesIn(text);
    // One variable: the expression is derived exactly as that variable is.
    if (names.length === 1) return deriveVar(names[0], scope);
    const out: Derivation = { flows: new Map(), touches: new Set(), unknown: false };
    for (const v of names) {
      const sub = deriveVar(v, scope);
      for (const t of sub.touches) out.touches.add(t);
      for (const [b, via] of sub.flows) if (!out.flows.has(b)) out.flows.set(b, via);
      if (sub.unknown) out.unknown = true;
    }
    return out;
  };

  return { defs, derive, deriveVar: (name, scope) => deriveVar(name, scope) };
}

/** A `map` definition: values copy variables; regex captures copy the source unless bounded. */
function mapDef(dst: string, p: Placed, source: string, entries: Placed[]): VarDef {
  const src = namesIn(source);
  const copies = new Set<string>();
  const reads = new Set<string>(src);
  for (const e of entries) {
    const key = e.d.name.value;
    if (key === 'include' || key === 'hostnames' || key === 'volatile') continue;
    const value = e.d.args[0]?.value ?? '';
    const captures = key.startsWith('~') ? namedCaptures(key) : [];
    for (const v of namesIn(value)) {
      if (/^\d+$/.test(v) || captures.includes(v)) {
        // A regex capture copies part of the source, unless the group only matches fixed literals.
        if (!capturesAreBounded(key.replace(/^~\*?/, ''))) for (const s of src) copies.add(s);
        continue;
      }
      copies.add(v);
      reads.add(v);
    }
  }
  return { name: dst, kind: 'map', placed: p, copies: [...copies], reads: [...reads] };
}

/** Named captures of a regex define variables copied from the matched value (unless bounded). */
function captureDefs(p: Placed, source: string[], regex: string, add: (d: VarDef) => void, home?: Scope): void {
  const names = namedCaptures(regex);
  if (!names.length) return;
  const bounded = capturesAreBounded(regex);
  for (const n of names) add({ name: n, kind: 'capture', placed: p, home, copies: bounded ? [] : source, reads: source });
}

/** Variables referenced in a word, with their ranges (re-exported for rules that edit keys). */
export { variablesIn };

/** Lower-cased names of the variables in the arguments of a list of directives. */
export function listVariables(list: Placed[]): string[] {
  return list.flatMap((p) => p.d.args.flatMap((a) => variablesIn(a).map((v) => v.name.toLowerCase())));
}

// ---- Editing cache keys -------------------------------------------------------------------------

/** The `*_cache_key` directive names. */
export const KEY_DIRECTIVES = new Set(['proxy_cache_key', 'fastcgi_cache_key', 'uwsgi_cache_key', 'scgi_cache_key']);

/**
 * Every one-word `*_cache_key` statement, once (the first placement of a file included several times),
 * with the scopes of the policies that use it: a key's variables are resolved in those scopes (a `set`
 * runs where the request is handled), or in its own scope when no policy uses it.
 */
export function keyStatements(model: NginxModel, policies: CachePolicy[]): { placed: Placed; scopes: Scope[] }[] {
  const scopesOf = new Map<object, Scope[]>();
  for (const pol of policies) if (pol.key) (scopesOf.get(pol.key.d) ?? scopesOf.set(pol.key.d, []).get(pol.key.d)!).push(pol.scope);
  const seen = new Set<object>();
  const out: { placed: Placed; scopes: Scope[] }[] = [];
  for (const p of placementsNamed(model, KEY_DIRECTIVES)) {
    if (seen.has(p.d) || p.d.args.length !== 1) continue;
    seen.add(p.d);
    out.push({ placed: p, scopes: scopesOf.get(p.d) ?? [p.scope] });
  }
  return out;
}

/** A sound key for a family: what the quick-fixes write when a key must be created. */
export function defaultKey(family: string): string {
  return family === 'proxy' ? '$scheme$host$request_uri' : '$scheme$request_method$host$request_uri';
}

interface KeyEdit {
  path: string;
  start: number;
  end: number;
  newText: string;
}

/** Offsets of a word's value inside its raw text: after the opening quote, before the closing one. */
function valueBounds(w: Word): { start: number; end: number } {
  if (w.quote && w.raw.length >= 2 && w.raw.endsWith(w.quote)) return { start: w.offset + 1, end: w.end - 1 };
  return { start: w.offset, end: w.end };
}

/** `$name`, or `${name}` when the text that follows would otherwise continue the variable name. */
function varRef(name: string, next: string): string {
  return /^[A-Za-z0-9_]/.test(next) ? '${' + name + '}' : '$' + name;
}

/** Inserts `$name` into a key word at absolute offset `at` (inside the word's value). */
export function insertVariable(path: string, w: Word, at: number, name: string): KeyEdit {
  const next = w.raw.slice(at - w.offset);
  return { path, start: at, end: at, newText: varRef(name, next) };
}

/** Inserts `$name` at the start of a key word's value. */
export function prependVariable(path: string, w: Word, name: string): KeyEdit {
  return insertVariable(path, w, valueBounds(w).start, name);
}

/** Appends text (variables) at the end of a key word's value. */
export function appendToKey(path: string, w: Word, text: string): KeyEdit {
  const at = valueBounds(w).end;
  return { path, start: at, end: at, newText: text };
}

/**
 * Removes variable references (absolute ranges inside the word) from a key word. When nothing but
 * punctuation would be left, the key becomes `fallback`.
 */
export function removeFromKey(path: string, w: Word, ranges: { start: number; end: number }[], fallback: string): KeyEdit {
  let raw = w.raw;
  for (const r of [...ranges].sort((a, b) => b.start - a.start)) raw = raw.slice(0, r.start - w.offset) + raw.slice(r.end - w.offset);
  const inner = w.quote && raw.length >= 2 ? raw.slice(1, -1) : raw;
  const newText = !/\$/.test(inner) ? fallback : raw;
  return { path, start: w.offset, end: w.end, newText };
}
