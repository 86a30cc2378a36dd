// Directive and variable knowledge, derived from the official @nginx/reference-lib at first use.
import { Format, getDirectives, getVariables } from '@nginx/reference-lib';

/** How many arguments a directive takes; `max` is Infinity for open lists. */
export interface Arity {
  min: number;
  max: number;
}

/** The module family a directive belongs to: http, stream and mail blocks have their own directive sets. */
export type Family = 'http' | 'stream' | 'mail' | 'any';

export interface DirectiveSpec {
  name: string;
  modules: string[];
  /** Contexts per family (a name such as `server` or `proxy_pass` exists in several). */
  byFamily: Map<Family, Set<string>>;
  /** Contexts from every module that defines the name; empty means anywhere (e.g. `include`). */
  contexts: Set<string>;
  isBlock: boolean;
  /** Whether the modules defining the name agree on taking a block (`server` does not). */
  blockKinds: Set<boolean>;
  /** Per module: family, contexts and whether it takes a block. */
  entries: { family: Family; contexts: Set<string>; isBlock: boolean }[];
  /** Undefined when the syntax could not be read with confidence. */
  arity?: Arity;
}

interface RefDirective {
  name: string;
  module: string;
  description: string;
  syntax: string[];
  contexts: string[];
  isBlock: boolean;
  default: string;
}

/**
 * Where the reference's syntax line cannot express what nginx's source accepts: `if (…)` conditions are
 * split into several words, and `stub_status` still takes its legacy argument (`stub_status on`).
 */
const ARITY_OVERRIDES: Record<string, Arity> = {
  if: { min: 1, max: Infinity },
  stub_status: { min: 0, max: 1 },
};

let index: Map<string, DirectiveSpec> | undefined;
let docs: Map<string, RefDirective[]> | undefined;

function load(): Map<string, DirectiveSpec> {
  if (index) return index;
  const all = getDirectives(Format.Markdown) as RefDirective[];
  index = new Map();
  docs = new Map();
  for (const d of all) {
    (docs.get(d.name) ?? docs.set(d.name, []).get(d.name)!).push(d);
    const arity = ARITY_OVERRIDES[d.name] ?? syntaxArity(d.syntax);
    const fam = moduleFamily(d.module);
    let prev = index.get(d.name);
    if (!prev) {
      prev = { name: d.name, modules: [d.module], byFamily: new Map(), contexts: new Set(d.contexts.filter(Boolean)), isBlock: d.isBlock, blockKinds: new Set([d.isBlock]), entries: [], arity };
      prev.byFamily.set(fam, new Set(d.contexts.filter(Boolean)));
      prev.entries.push({ family: fam, contexts: new Set(d.contexts.filter(Boolean)), isBlock: d.isBlock });
      index.set(d.name, prev);
      if (!d.contexts.some(Boolean)) prev.contexts.clear();
      continue;
    }
    prev.entries.push({ family: fam, contexts: new Set(d.contexts.filter(Boolean)), isBlock: d.isBlock });
    const famSet = prev.byFamily.get(fam) ?? prev.byFamily.set(fam, new Set()).get(fam)!;
    for (const c of d.contexts) if (c) famSet.add(c);
    prev.modules.push(d.module);
    if (!d.contexts.some(Boolean) || prev.contexts.size === 0) prev.contexts.clear();
    else for (const c of d.contexts) prev.contexts.add(c);
    prev.isBlock ||= d.isBlock;
    prev.blockKinds.add(d.isBlock);
    prev.arity = prev.arity && arity ? { min: Math.min(prev.arity.min, arity.min), max: Math.max(prev.arity.max, arity.max) } : undefined;
  }
  return index;
}

function moduleFamily(module: string): Family {
  if (module.startsWith('ngx_http_')) return 'http';
  if (module.startsWith('ngx_stream_')) return 'stream';
  if (module.startsWith('ngx_mail_')) return 'mail';
  return 'any';
}

/**
 * Whether `spec` may appear in `context` inside a block of `family` (`main` level uses family `any`).
 * An `if` inside a location also accepts directives allowed in `if`.
 */
export function allowedIn(spec: DirectiveSpec, context: string, family: Family): boolean {
  if (spec.contexts.size === 0) return true;
  let byContext = allowedMemo.get(spec);
  if (!byContext) allowedMemo.set(spec, (byContext = new Map()));
  let byFamily = byContext.get(context);
  if (!byFamily) byContext.set(context, (byFamily = new Map()));
  let v = byFamily.get(family);
  if (v === undefined) {
    v = computeAllowed(spec, context, family);
    byFamily.set(family, v);
  }
  return v;
}

const allowedMemo = new WeakMap<DirectiveSpec, Map<string, Map<Family, boolean>>>();

function allowedSet(set: Set<string> | undefined, context: string): boolean {
  return !!set && (set.has(context) || (context === 'if in location' && set.has('if')));
}

function computeAllowed(spec: DirectiveSpec, context: string, family: Family): boolean {
  if (allowedSet(spec.byFamily.get('any'), context)) return true;
  if (family === 'any') {
    for (const set of spec.byFamily.values()) if (allowedSet(set, context)) return true;
    return false;
  }
  return allowedSet(spec.byFamily.get(family), context);
}

/** Whether the directive takes a block where it stands, when the modules allowed there agree; else undefined. */
export function takesBlock(spec: DirectiveSpec, context: string, family: Family): boolean | undefined {
  if (spec.blockKinds.size === 1) return spec.isBlock;
  const kinds = new Set(spec.entries.filter((e) => (family === 'any' || e.family === family || e.family === 'any') && e.contexts.has(context)).map((e) => e.isBlock));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** The spec of a directive known to nginx's reference, or undefined. */
export function directiveSpec(name: string): DirectiveSpec | undefined {
  return load().get(name);
}

export function isKnownDirective(name: string): boolean {
  return load().has(name);
}

/** All known directive names (for completion and suggestions). */
export function directiveNames(): string[] {
  return [...load().keys()];
}

const OPEN_LIST_WORDS = /^(parameters|params|options|flags|args|arguments|names)$/;

/**
 * Reads the argument count from reference syntax lines such as "[`code` ...] *`time`*".
 * `[…]` is optional, `…`/`...` repeats, ` | ` separates alternatives; `{...}` marks a block.
 */
export function syntaxArity(syntaxes: string[]): Arity | undefined {
  let min = Infinity;
  let max = 0;
  for (const s of syntaxes) {
    const a = lineArity(s);
    if (!a) return undefined;
    min = Math.min(min, a.min);
    max = Math.max(max, a.max);
  }
  return syntaxes.length ? { min, max } : undefined;
}

type Item = { min: number; max: number };

function lineArity(line: string): Arity | undefined {
  const plain = line.replace(/[*`]/g, '').replace(/\{\.\.\.\}/g, '').replace(/&hellip;|…/g, '...').trim();
  if (!plain) return { min: 0, max: 0 };
  const chunks = plain.split(/\s+/).filter(Boolean);
  // Groups: a stack of alternative lists, each a sequence of items.
  const stack: { alts: Item[][]; optional: boolean }[] = [{ alts: [[]], optional: false }];
  const cur = () => stack[stack.length - 1];
  const push = (it: Item) => cur().alts[cur().alts.length - 1].push(it);
  for (let chunk of chunks) {
    if (chunk === '|') {
      cur().alts.push([]);
      continue;
    }
    if (chunk === '...') {
      const seq = cur().alts[cur().alts.length - 1];
      if (seq.length) seq[seq.length - 1] = { min: seq[seq.length - 1].min, max: Infinity };
      else return undefined;
      continue;
    }
    let opens = 0;
    while (chunk.startsWith('[')) {
      opens++;
      chunk = chunk.slice(1);
    }
    for (let i = 0; i < opens; i++) stack.push({ alts: [[]], optional: true });
    let bal = 0;
    for (const ch of chunk) bal += ch === '[' ? 1 : ch === ']' ? -1 : 0;
    const closes = Math.max(0, -bal);
    let word = closes ? chunk.slice(0, chunk.length - closes) : chunk;
    let repeat = false;
    if (word.endsWith('...')) {
      repeat = true;
      word = word.slice(0, -3);
    }
    if (word === '|') cur().alts.push([]);
    else if (!word && repeat) {
      const seq = cur().alts[cur().alts.length - 1];
      if (!seq.length) return undefined;
      seq[seq.length - 1] = { min: seq[seq.length - 1].min, max: Infinity };
    } else if (word) push({ min: 1, max: repeat || OPEN_LIST_WORDS.test(word) ? Infinity : 1 });
    for (let i = 0; i < closes; i++) {
      if (stack.length < 2) return undefined;
      const g = stack.pop()!;
      const r = reduce(g.alts);
      push({ min: g.optional ? 0 : r.min, max: r.max });
    }
  }
  if (stack.length !== 1) return undefined;
  return reduce(stack[0].alts);
}

function reduce(alts: Item[][]): Item {
  let min = Infinity;
  let max = 0;
  for (const seq of alts) {
    let a = 0;
    let b = 0;
    for (const it of seq) {
      a += it.min;
      b += it.max;
    }
    min = Math.min(min, a);
    max = Math.max(max, b);
  }
  return { min: min === Infinity ? 0 : min, max };
}

const MODULE_DOC_BASE = 'https://nginx.org/en/docs/';

function moduleUrl(module: string, name: string): string {
  if (!module.startsWith('ngx_')) return `${MODULE_DOC_BASE}ngx_core_module.html#${name}`;
  const family = module.startsWith('ngx_stream_') ? 'stream/' : module.startsWith('ngx_mail_') ? 'mail/' : module === 'ngx_core_module' ? '' : module.startsWith('ngx_http_') ? 'http/' : '';
  return `${MODULE_DOC_BASE}${family}${module}.html#${name}`;
}

/** Markdown documentation of a directive: syntax, default, contexts, module, description, link. */
export function directiveDocs(name: string, family: Family = 'any'): string | undefined {
  load();
  const all = docs!.get(name);
  if (!all) return undefined;
  // Inside http/stream/mail only that family's module documents the directive (`proxy_pass` has two).
  const ofFamily = family === 'any' ? all : all.filter((d) => moduleFamily(d.module) === family || moduleFamily(d.module) === 'any');
  const entries = ofFamily.length > 0 ? ofFamily : all;
  return entries
    .map((d) => {
      const syntax = d.syntax.map((s) => `\`${name}\` ${s.replace(/`\{\.\.\.\}`/, '`{ … }`')}`).join('  \n');
      const head = [
        `**${name}** — ${d.module.startsWith('ngx_') ? `\`${d.module}\`` : d.module}`,
        '',
        `Syntax: ${syntax}  `,
        `Default: ${d.default ? `\`${name} ${d.default.replace(/[`*]/g, '')};\`` : '—'}  `,
        `Context: ${d.contexts.filter(Boolean).join(', ') || 'any'}`,
        '',
      ];
      const desc = d.description.length > 2500 ? d.description.slice(0, 2500).replace(/\n[^\n]*$/, '') + '\n\n…' : d.description;
      return [...head, desc, '', `[nginx.org documentation](${moduleUrl(d.module, name)})`].join('\n');
    })
    .join('\n\n---\n\n');
}

interface RefVariable {
  name: string;
  module: string;
  description: string;
}

let variables: { exact: Map<string, RefVariable[]>; prefixes: { prefix: string; v: RefVariable }[] } | undefined;

function loadVariables() {
  if (variables) return variables;
  const exact = new Map<string, RefVariable[]>();
  const prefixes: { prefix: string; v: RefVariable }[] = [];
  for (const v of getVariables(Format.Markdown) as RefVariable[]) {
    if (v.name.endsWith('_NAME')) prefixes.push({ prefix: v.name.slice(0, -4), v });
    else (exact.get(v.name) ?? exact.set(v.name, []).get(v.name)!).push(v);
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  variables = { exact, prefixes };
  return variables;
}

/** The reference entries for `$name` (including `$http_*`-style families), or undefined. */
export function variableInfo(name: string): RefVariable[] | undefined {
  const { exact, prefixes } = loadVariables();
  const key = name.startsWith('$') ? name : '$' + name;
  const hit = exact.get(key);
  if (hit) return hit;
  const p = prefixes.find((x) => key.startsWith(x.prefix) && key.length > x.prefix.length);
  return p ? [p.v] : undefined;
}

/** Markdown documentation of a variable. */
export function variableDocs(name: string): string | undefined {
  const vs = variableInfo(name);
  if (!vs) return undefined;
  return vs
    .map((v) => `**${name}** — variable of \`${v.module}\`${v.name !== name ? ` (\`${v.name}\`)` : ''}\n\n${v.description}\n\n[nginx.org documentation](${moduleUrl(v.module, 'var_' + v.name.slice(1).toLowerCase())})`)
    .join('\n\n---\n\n');
}
