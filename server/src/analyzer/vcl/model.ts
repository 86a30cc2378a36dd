// The VCL program as Varnish assembles it: the files parsed, includes spliced where they occur, the
// declarations indexed across files (built-in `vcl_*` subs concatenated), and the references between them.
import type { FileProvider } from '../types';
import { LineIndex } from '../text/lineIndex';
import { dirname, isAbsolute, join } from '../text/paths';
import { parseVcl } from './parser';
import { builtinVcl } from './data/builtin';
import type { VarnishVersion } from './data/versions';
import {
  exprChildren,
  statementExprs,
  type AclDecl,
  type AclEntry,
  type BackendDecl,
  type Decl,
  type Expr,
  type Field,
  type ImportDecl,
  type IncludeNode,
  type NameExpr,
  type NewStmt,
  type ProbeDecl,
  type Statement,
  type SubDecl,
  type VclTree,
} from './tree';

export interface VclFile {
  path: string;
  text: string;
  tree: VclTree;
  lines: LineIndex;
}

/** Where an `include` sits, which decides how the included file is parsed. */
export type IncludeContext = 'top' | 'body' | 'acl';

export interface Range {
  start: number;
  end: number;
}

export interface VclIncludeSite {
  /** The including file. */
  file: string;
  node: IncludeNode;
  /** The file name or pattern as written. */
  pattern: string;
  glob: boolean;
  context: IncludeContext;
  /** The sub the include sits in (context `body`). */
  sub?: string;
  /** The files included, in order. */
  targets: string[];
  /**
   * How the file was found: an absolute name; `including-file` for `./x` and `../x` (relative to the including
   * file); `vcl_path` (a vcl_path entry); `fallback`: only next to the including file, where Varnish would not look.
   */
  via?: 'absolute' | 'including-file' | 'vcl_path' | 'fallback';
  /** Nothing was found; `message` says it in Varnish's words. */
  missing: boolean;
  message?: string;
  /** Targets left out because they are already being included (Varnish: `Recursive include of "x"`). */
  cycles: string[];
}

/** A declaration and where it is. `range` is the range of its name. */
export interface Located<T> {
  name: string;
  node: T;
  file: string;
  range: Range;
}

export interface SubDef extends Located<SubDecl> {
  /** A `vcl_*` name: definitions are concatenated in order, then Varnish's built-in code of that sub runs. */
  builtinName: boolean;
}

export type ReferenceKind = 'sub' | 'backend' | 'probe' | 'acl' | 'object' | 'vmod';

export interface VclReference {
  kind: ReferenceKind;
  /** The declared name referred to (`b`, `purgers`, `rr`, `std`). */
  name: string;
  /** For `object`, `vmod` (and a backend's type method): the member used (`backend` in `rr.backend()`). */
  member?: string;
  file: string;
  /** The range of the name (for a member call, of its first part). */
  range: Range;
  /** The sub the reference is in; undefined in a declaration (`.probe = p` in a backend). */
  sub?: string;
  /** Whether a declaration of that name exists (built-in subs count when the built-in VCL was given). */
  resolved: boolean;
  node: NameExpr;
}

export interface VclProblem {
  kind: 'include-missing' | 'include-cycle' | 'include-limit' | 'sub-redefined';
  message: string;
  file: string;
  range: Range;
  related?: { file: string; range: Range; message: string }[];
}

export interface VclModel {
  /** The files given, the first being the main file. */
  entries: string[];
  /** Every file read, by path. */
  files: Map<string, VclFile>;
  /** Files in the order Varnish reads them (an include's files at the include). */
  order: string[];
  includes: VclIncludeSite[];
  /** The main file's `vcl` line; `first` when it is the main file's first statement, as Varnish requires. */
  version?: { value: string; file: string; range: Range; first: boolean };
  /** Every `vcl` line, included files too (an included file may not declare a higher version). */
  versions: { value: string; file: string; range: Range }[];
  /** Declarations by name, in reading order (several when redefined; `backend x none;` included). */
  backends: Map<string, Located<BackendDecl>[]>;
  probes: Map<string, Located<ProbeDecl>[]>;
  acls: Map<string, Located<AclDecl>[]>;
  /** Sub definitions by name in reading order: several for `vcl_*` subs (concatenated), one otherwise. */
  subs: Map<string, SubDef[]>;
  /** Imports by the name they are used under (the alias of `import x as y`). */
  imports: Map<string, Located<ImportDecl>[]>;
  /** Objects created with `new name = vmod.obj(...)`. */
  objects: Map<string, Located<NewStmt>[]>;
  references: VclReference[];
  problems: VclProblem[];
  /** For an `include` inside a sub: the files spliced there (their statements run in place of the include). */
  bodyIncludes: Map<IncludeNode, VclFile[]>;
  /** For an `include` inside an acl: the entries spliced there. */
  aclIncludes: Map<IncludeNode, AclEntry[]>;
  /** The built-in VCL, parsed, when it was given: its subs by name (concatenated after the user's). */
  builtin?: { tree: VclTree; subs: Map<string, SubDecl[]> };
}

export interface VclModelOptions {
  provider: FileProvider;
  /**
   * Varnish's `vcl_path`: directories searched for a relative include name that does not start with `./` or
   * `../`. Default: the main file's directory (Varnish's default vcl_path holds /etc/varnish, where the main
   * VCL usually lives).
   */
  vclPath?: string[];
  /** The built-in VCL text (`varnishd -x builtin`), for flow analysis; default: that of `varnishVersion`. */
  builtin?: string;
  /** The target Varnish version: its built-in VCL is used when `builtin` is not given. Default: none. */
  varnishVersion?: VarnishVersion;
  /** Files already parsed in this run, by path and mode (shared across models). */
  cache?: Map<string, VclFile | null>;
}

const MAX_INCLUDE_DEPTH = 16;
const MAX_FILES = 2000;

/** Reads the main VCL file (the first entry) and everything it includes; further entries are read after it, in order. */
export function buildVclModel(entries: string[], opts: VclModelOptions): VclModel {
  return new Builder(entries, opts).build();
}

class Builder {
  private readonly model: VclModel;
  private readonly cache: Map<string, VclFile | null>;
  private readonly vclPath: string[];
  /** Candidate references, classified once every declaration is known. */
  private readonly names: { node: NameExpr; file: string; sub?: string; hint?: 'backend' | 'acl' | 'probe' | 'callee' }[] = [];
  private readonly calls: { node: NameExpr; file: string; sub?: string; expr: boolean }[] = [];
  private readonly texts = new Map<string, string | undefined>();

  constructor(private readonly entries: string[], private readonly opts: VclModelOptions) {
    this.cache = opts.cache ?? new Map();
    this.vclPath = opts.vclPath ?? (entries.length ? [dirname(entries[0])] : []);
    this.model = {
      entries,
      files: new Map(),
      order: [],
      includes: [],
      versions: [],
      backends: new Map(),
      probes: new Map(),
      acls: new Map(),
      subs: new Map(),
      imports: new Map(),
      objects: new Map(),
      references: [],
      problems: [],
      bodyIncludes: new Map(),
      aclIncludes: new Map(),
    };
  }

  build(): VclModel {
    const m = this.model;
    const builtin = this.opts.builtin ?? (this.opts.varnishVersion ? builtinVcl(this.opts.varnishVersion) : undefined);
    if (builtin !== undefined) {
      const tree = parseVcl(builtin);
      const subs = new Map<string, SubDecl[]>();
      for (const it of tree.items) if (it.type === 'sub') push(subs, it.name.text, it);
      m.builtin = { tree, subs };
    }
    this.entries.forEach((entry, i) => {
      const file = this.load(entry, 'top');
      if (!file) return;
      this.top(file, file.tree.items, [this.id(entry)], 0);
      if (i === 0) {
        const first = file.tree.items[0];
        const v = file.tree.items.find((it) => it.type === 'vcl');
        if (v && v.type === 'vcl') m.version = { value: v.version, file: entry, range: v.versionRange, first: first === v };
      }
    });
    this.resolveReferences();
    return m;
  }

  /** A file's text, read once per build. */
  private read(path: string): string | undefined {
    if (!this.texts.has(path)) this.texts.set(path, this.opts.provider.readFile(path));
    return this.texts.get(path);
  }

  private id(path: string): string {
    return this.opts.provider.canonical ? this.opts.provider.canonical(path) : path;
  }

  private load(path: string, mode: IncludeContext): VclFile | undefined {
    const key = mode === 'top' ? path : `${path}\u0000${mode}`;
    let f = this.cache.get(key);
    if (f === undefined) {
      if (this.cache.size >= MAX_FILES) return undefined;
      const text = this.read(path);
      f = text === undefined ? null : { path, text, tree: parseVcl(text, { mode }), lines: new LineIndex(text) };
      this.cache.set(key, f);
    }
    if (!f) return undefined;
    if (!this.model.files.has(path) || mode === 'top') this.model.files.set(path, f);
    this.model.order.push(path);
    return f;
  }

  // ------------------------------------------------------------ walking in Varnish's reading order

  private top(file: VclFile, items: VclTree['items'], stack: string[], depth: number): void {
    for (const it of items) {
      if (it.type === 'acl-entry') continue;
      if (isDecl(it)) this.decl(file, it, stack, depth);
      else this.statements(file, [it], undefined, stack, depth);
    }
  }

  private decl(file: VclFile, d: Decl, stack: string[], depth: number): void {
    const m = this.model;
    switch (d.type) {
      case 'vcl':
        m.versions.push({ value: d.version, file: file.path, range: d.versionRange });
        break;
      case 'import':
        push(m.imports, (d.alias ?? d.name).text, { name: (d.alias ?? d.name).text, node: d, file: file.path, range: d.name });
        break;
      case 'include':
        for (const target of this.include(file, d, 'top', undefined, stack)) {
          const inc = this.load(target, 'top');
          if (inc) this.top(inc, inc.tree.items, [...stack, this.id(target)], depth + 1);
        }
        break;
      case 'backend':
        push(m.backends, d.name.text, { name: d.name.text, node: d, file: file.path, range: d.name });
        for (const f of d.fields) this.probeRef(file, f);
        break;
      case 'probe':
        push(m.probes, d.name.text, { name: d.name.text, node: d, file: file.path, range: d.name });
        break;
      case 'acl': {
        push(m.acls, d.name.text, { name: d.name.text, node: d, file: file.path, range: d.name });
        for (const inc of d.includes) this.aclInclude(file, inc, stack);
        break;
      }
      case 'sub': {
        const name = d.name.text;
        const builtinName = name.startsWith('vcl_');
        const def: SubDef = { name, node: d, file: file.path, range: d.name, builtinName };
        const prior = m.subs.get(name);
        if (prior && !builtinName) {
          m.problems.push({
            kind: 'sub-redefined',
            message: `Subroutine '${name}' redefined`,
            file: file.path,
            range: d.name,
            related: [{ file: prior[0].file, range: prior[0].range, message: 'Previously defined here' }],
          });
        }
        push(m.subs, name, def);
        this.statements(file, d.body.body, name, stack, depth);
        break;
      }
      default:
        break;
    }
  }

  private probeRef(file: VclFile, f: Field): void {
    if (f.name.text !== 'probe') return;
    const v = f.values[0];
    if (v && v.type === 'name' && v.name !== 'default') this.names.push({ node: v, file: file.path, hint: 'probe' });
  }

  private aclInclude(file: VclFile, inc: IncludeNode, stack: string[]): void {
    const entries: AclEntry[] = [];
    for (const target of this.include(file, inc, 'acl', undefined, stack)) {
      const f = this.load(target, 'acl');
      if (!f) continue;
      for (const it of f.tree.items) {
        if (it.type === 'acl-entry') entries.push(it);
        else if (it.type === 'include' && stack.length < MAX_INCLUDE_DEPTH) this.aclInclude(f, it, [...stack, this.id(target)]);
      }
    }
    this.model.aclIncludes.set(inc, entries);
  }

  private statements(file: VclFile, stmts: readonly (Statement | Decl | AclEntry)[], sub: string | undefined, stack: string[], depth: number): void {
    for (const s of stmts) {
      if (s.type === 'acl-entry') continue;
      if (isDecl(s) && s.type !== 'include' && s.type !== 'inline-c') {
        // A declaration in a file included inside a sub: Varnish would reject it; index it anyway.
        this.decl(file, s, stack, depth);
        continue;
      }
      const st = s as Statement;
      switch (st.type) {
        case 'block':
          this.statements(file, st.body, sub, stack, depth);
          continue;
        case 'if':
          for (const b of st.branches) {
            this.exprs(file, b.cond, sub);
            this.statements(file, b.body.body, sub, stack, depth);
          }
          if (st.else) this.statements(file, st.else.body, sub, stack, depth);
          continue;
        case 'include': {
          const files: VclFile[] = [];
          for (const target of this.include(file, st, 'body', sub, stack)) {
            const inc = this.load(target, 'body');
            if (!inc) continue;
            files.push(inc);
            this.statements(inc, inc.tree.items, sub, [...stack, this.id(target)], depth + 1);
          }
          this.model.bodyIncludes.set(st, files);
          continue;
        }
        case 'call':
          this.calls.push({ node: st.target, file: file.path, sub, expr: !!st.expr });
          if (st.expr) this.exprs(file, st.expr, sub);
          continue;
        case 'new':
          push(this.model.objects, st.name.text, { name: st.name.text, node: st, file: file.path, range: st.name });
          this.exprs(file, st.value, sub);
          continue;
        case 'set': {
          const t = st.target.name;
          const hint = t === 'req.backend_hint' || t === 'bereq.backend' ? 'backend' : undefined;
          const v = st.value;
          if (hint && v.type === 'name' && v.parts.length === 1) this.names.push({ node: v, file: file.path, sub, hint });
          else this.exprs(file, v, sub);
          continue;
        }
        case 'unset':
          continue;
        default:
          for (const e of statementExprs(st)) this.exprs(file, e, sub);
      }
    }
  }

  /** Collects the names an expression uses (variables included; they are sorted out later). */
  private exprs(file: VclFile, e: Expr, sub: string | undefined): void {
    const visit = (x: Expr, hint?: 'acl' | 'callee'): void => {
      if (x.type === 'name') {
        this.names.push({ node: x, file: file.path, sub, hint });
        return;
      }
      if (x.type === 'binary' && (x.op === '~' || x.op === '!~')) {
        visit(x.left);
        visit(x.right, x.right.type === 'name' ? 'acl' : undefined);
        return;
      }
      if (x.type === 'call' && x.callee.type === 'name') {
        visit(x.callee, 'callee');
        for (const a of x.args) visit(a.value);
        return;
      }
      for (const c of exprChildren(x)) visit(c);
    };
    visit(e);
  }

  // ------------------------------------------------------------ includes

  /** Resolves an include to the files to read, recording the site (missing files, cycles). */
  private include(file: VclFile, node: IncludeNode, context: IncludeContext, sub: string | undefined, stack: string[]): string[] {
    const pattern = node.path?.value;
    if (pattern === undefined) return [];
    const site: VclIncludeSite = { file: file.path, node, pattern, glob: node.glob, context, sub, targets: [], missing: false, cycles: [] };
    this.model.includes.push(site);
    const range = { start: node.path!.start, end: node.path!.end };
    if (stack.length > MAX_INCLUDE_DEPTH) {
      this.model.problems.push({ kind: 'include-limit', message: `Includes nested more than ${MAX_INCLUDE_DEPTH} deep: not followed`, file: file.path, range });
      return [];
    }
    const found = this.find(pattern, node.glob, file.path);
    if (!found) {
      site.missing = true;
      site.message = node.glob ? 'glob pattern matched no files.' : `Cannot read file '${pattern}' (No such file or directory)`;
      this.model.problems.push({ kind: 'include-missing', message: site.message, file: file.path, range });
      return [];
    }
    site.via = found.via;
    for (const t of found.files) {
      if (stack.includes(this.id(t))) {
        site.cycles.push(t);
        this.model.problems.push({ kind: 'include-cycle', message: `Recursive include of "${t}"`, file: file.path, range });
        continue;
      }
      if (this.model.files.size >= MAX_FILES) {
        this.model.problems.push({ kind: 'include-limit', message: `More than ${MAX_FILES} files: ${t} not read`, file: file.path, range });
        break;
      }
      site.targets.push(t);
    }
    return site.targets;
  }

  private find(pattern: string, glob: boolean, from: string): { files: string[]; via: VclIncludeSite['via'] } | undefined {
    const p = this.opts.provider;
    const exists = (abs: string): string[] => {
      if (glob) return p.glob(abs);
      return this.read(abs) !== undefined ? [abs] : [];
    };
    const here = dirname(from);
    const candidates: { base: string; via: NonNullable<VclIncludeSite['via']> }[] = [];
    if (isAbsolute(pattern)) candidates.push({ base: '', via: 'absolute' });
    else if (pattern.startsWith('./') || pattern.startsWith('../')) {
      candidates.push({ base: here, via: 'including-file' });
      for (const d of this.vclPath) candidates.push({ base: d, via: 'vcl_path' });
    } else {
      for (const d of this.vclPath) candidates.push({ base: d, via: 'vcl_path' });
      candidates.push({ base: here, via: 'fallback' });
    }
    const seen = new Set<string>();
    for (const c of candidates) {
      const abs = c.base ? join(c.base, pattern) : pattern;
      if (seen.has(abs)) continue;
      seen.add(abs);
      const files = exists(abs);
      if (files.length) {
        // A directory in vcl_path that is also the including file's directory is not a fallback.
        const via = c.via === 'fallback' && this.vclPath.includes(here) ? 'vcl_path' : c.via;
        return { files, via };
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------ references

  private resolveReferences(): void {
    const m = this.model;
    const builtinSubs = m.builtin?.subs;
    const isSub = (n: string) => m.subs.has(n) || !!builtinSubs?.has(n);
    for (const c of this.calls) {
      const name = c.node.parts[0].text;
      if (c.expr && c.node.parts.length > 1) {
        const kind: ReferenceKind | undefined = m.objects.has(name) ? 'object' : m.imports.has(name) ? 'vmod' : undefined;
        if (kind) this.ref(kind, name, c.node, c.file, c.sub, true, c.node.parts[1].text);
        continue;
      }
      this.ref('sub', c.node.name, c.node, c.file, c.sub, isSub(c.node.name));
    }
    for (const n of this.names) {
      const first = n.node.parts[0].text;
      if (n.node.parts.length === 1) {
        const kind: ReferenceKind | undefined = m.backends.has(first)
          ? 'backend'
          : m.acls.has(first)
            ? 'acl'
            : m.probes.has(first)
              ? 'probe'
              : m.objects.has(first)
                ? 'object'
                : m.subs.has(first)
                  ? 'sub'
                  : n.hint === 'backend' || n.hint === 'acl' || n.hint === 'probe'
                    ? n.hint
                    : undefined;
        if (kind) this.ref(kind, first, n.node, n.file, n.sub, kind !== n.hint || this.declared(kind, first));
        continue;
      }
      // `rr.backend()`, `std.log(…)`, `b.resolve()`: a member of an object, a VMOD or a backend.
      const member = n.node.parts[1].text;
      if (m.objects.has(first)) this.ref('object', first, n.node, n.file, n.sub, true, member);
      else if (m.imports.has(first)) this.ref('vmod', first, n.node, n.file, n.sub, true, member);
      else if (m.backends.has(first)) this.ref('backend', first, n.node, n.file, n.sub, true, member);
    }
    m.references.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start));
  }

  private declared(kind: ReferenceKind, name: string): boolean {
    const m = this.model;
    switch (kind) {
      case 'backend':
        return m.backends.has(name);
      case 'acl':
        return m.acls.has(name);
      case 'probe':
        return m.probes.has(name);
      case 'object':
        return m.objects.has(name);
      case 'vmod':
        return m.imports.has(name);
      case 'sub':
        return m.subs.has(name) || !!m.builtin?.subs.has(name);
    }
  }

  private ref(kind: ReferenceKind, name: string, node: NameExpr, file: string, sub: string | undefined, resolved: boolean, member?: string): void {
    const p = node.parts[0];
    const range = kind === 'sub' ? { start: node.start, end: node.end } : { start: p.start, end: p.end };
    this.model.references.push({ kind, name, member, file, range, sub, resolved, node });
  }
}

function isDecl(n: Decl | Statement): n is Decl {
  return n.type === 'vcl' || n.type === 'import' || n.type === 'include' || n.type === 'backend' || n.type === 'probe' || n.type === 'acl' || n.type === 'sub' || n.type === 'inline-c' || n.type === 'junk';
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The definitions of a sub in execution order: the user's (concatenated for `vcl_*`), then the built-in's. */
export function subBodies(model: VclModel, name: string): { body: Statement[]; file: string; builtin: boolean; decl: SubDecl }[] {
  const out: { body: Statement[]; file: string; builtin: boolean; decl: SubDecl }[] = [];
  const defs = model.subs.get(name) ?? [];
  const builtinName = name.startsWith('vcl_');
  for (const d of builtinName ? defs : defs.slice(0, 1)) out.push({ body: d.node.body.body, file: d.file, builtin: false, decl: d.node });
  if (builtinName) for (const d of model.builtin?.subs.get(name) ?? []) out.push({ body: d.body.body, file: '<builtin>', builtin: true, decl: d });
  return out;
}

/** References to a declared name of a kind (`references(model, 'acl', 'purgers')`). */
export function referencesTo(model: VclModel, kind: ReferenceKind, name: string): VclReference[] {
  return model.references.filter((r) => r.kind === kind && r.name === name);
}
