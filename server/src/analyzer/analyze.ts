// The facade the adapters call: analysis of entry files, editor features, fixes and the rule registry.
import type { AnalysisResult, Location, OutlineSymbol, RuleInfo, SourceFile } from './api';
import type { Dialect, FileProvider, Finding, Fix, Settings, TextEdit } from './types';
import { LineIndex } from './text/lineIndex';
import { dirname, join } from './text/paths';
import { buildModel, NginxModel, ParsedFile, Placed } from './nginx/model';
import { activePolicies, collectZones } from './nginx/policy';
import { directiveAt } from './nginx/tree';
import { RULES, ruleById } from './rules';
import unusedSuppression, { unusedSuppressions } from './rules/nginx/unused-suppression';
import { Suppressions } from './suppressions';
import type { NginxRuleContext, Report, Rule, VclRuleContext } from './rules/rule';
import { buildVclModel, type VclFile, type VclModel } from './vcl/model';
import { vclCompletions, vclDefinition, vclHover, vclOutlineOf, vclReferences, type VclCompletion, type VclProgram } from './vclFeatures';
import { collectEdits, applyTextEdits, insertLineBefore } from './fixes';
import { HoverModel, cacheSummary, nginxHover, policyCard, enclosingPolicyScope } from './hover';
import { nginxOutline } from './outline';

export interface AnalyzeOptions {
  provider: FileProvider;
  settings: Settings;
  /**
   * The context fragment entries are read in (`http`, `server`, `location`, `data` for a map/geo body),
   * instead of inferring it. A `# cachelint: context=…` comment in the file does the same.
   */
  entryContext?: string;
}

interface Internal extends HoverModel {
  parsed: Map<string, ParsedFile>;
  /** Each VCL file's program (the main file and what it includes). */
  vcl: Map<string, VclProgram>;
}

const internals = new WeakMap<AnalysisResult, Internal>();

/** Which dialect a file is, from its name and, failing that, its content. */
export function detectDialect(path: string, text?: string): Dialect | undefined {
  if (/\.vcl$/i.test(path)) return 'vcl';
  const head = text?.slice(0, 4000);
  if (head !== undefined && /^[ \t]*vcl\s+4\.[01]\s*;/m.test(head)) return 'vcl';
  if (/(^|\/)(nginx[^/]*\.conf|[^/]*\.nginx(conf)?|mime\.types|(fastcgi|scgi|uwsgi|proxy)_params|fastcgi\.conf)$|\/(sites-available|sites-enabled|conf\.d|nginx|snippets)\/[^/]+$|\.conf$/i.test(path)) return 'nginx';
  // Otherwise judge by the text: nginx statements end in ';' or open a block.
  if (head !== undefined && /^[ \t]*[a-z_]+\s[^\n;{]*[;{]/m.test(head)) return 'nginx';
  return undefined;
}

/** Analyses entry files (absolute paths) and everything they include. Never throws on bad input. */
export function analyzeEntries(entries: string[], opts: AnalyzeOptions): AnalysisResult {
  return analyzeWithCache(entries, opts, new Map());
}

function analyzeWithCache(entries: string[], opts: AnalyzeOptions, cache: Map<string, ParsedFile | null>, vclCache = new Map<string, VclFile | null>()): AnalysisResult {
  const vclModels: VclModel[] = [];
  const nginxEntries: string[] = [];
  const files = new Map<string, SourceFile>();
  const vclEntries: string[] = [];
  for (const e of entries) {
    const text = opts.provider.readFile(e);
    if (text === undefined) continue;
    // Unrecognised names are read as nginx: entries are what the user asked for.
    if (detectDialect(e, text) === 'vcl') vclEntries.push(e);
    else nginxEntries.push(e);
  }
  const extra = new Set(opts.settings.extraDirectives);
  const build = (list: string[]) => buildModel(list, { provider: opts.provider, extraDirectives: extra, cache, entryContext: opts.entryContext });
  let model = build(nginxEntries);
  const roots = rootEntries(nginxEntries, model, build, (p) => opts.provider.canonical?.(p) ?? p);
  if (roots.length !== nginxEntries.length) model = build(roots);
  for (const [p, f] of model.files) files.set(p, { path: p, text: f.text, dialect: 'nginx', lines: f.lines });

  const zones = collectZones(model);
  const findings: Finding[] = [];
  const internalErrors: string[] = [];
  const ctxBase = { model, zones, policies: activePolicies(model, zones), settings: opts.settings, file: (p: string) => model.files.get(p)! };
  /** Runs one rule: its findings are collected, an exception becomes one internal error. */
  const runRule = <C>(rule: Rule, check: (ctx: C) => void, base: Omit<C, 'report'>) => {
    const setting = opts.settings.rules[rule.id];
    if (setting === 'off') return;
    const severity = setting ?? rule.meta.defaultSeverity;
    const report = (r: Report) =>
      findings.push({ ruleId: rule.id, severity: setting ? severity : r.severity ?? severity, message: r.message, path: r.path, range: r.range, fixes: r.fixes ?? [], related: r.related ?? [] });
    try {
      check({ ...base, report } as C);
    } catch (err) {
      internalErrors.push(`${rule.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (nginxEntries.length > 0) {
    for (const rule of RULES) if (rule.dialect === 'nginx') runRule<NginxRuleContext>(rule, (c) => rule.check(c), ctxBase);
  }

  // VCL: each main file is one program (with what it includes); a file another program includes is read there.
  const version = opts.settings.varnishVersion;
  const vclOpts = { provider: opts.provider, vclPath: opts.settings.vclPath.length ? opts.settings.vclPath : undefined, varnishVersion: version, cache: vclCache };
  const vclBuilt = new Map(vclEntries.map((e) => [e, buildVclModel([e], vclOpts)] as const));
  // An entry another entry includes is read inside that program only (whatever order the entries came in).
  const includedByOther = new Set<string>();
  for (const [e, m] of vclBuilt) for (const p of m.files.keys()) if (p !== e) includedByOther.add(p);
  const vclCovered = new Set<string>();
  for (const entry of vclEntries) {
    if (vclCovered.has(entry) || (includedByOther.has(entry) && vclEntries.some((o) => o !== entry && vclBuilt.get(o)!.files.has(entry) && !vclBuilt.get(entry)!.files.has(o)))) continue;
    const vcl = vclBuilt.get(entry)!;
    for (const [p, f] of vcl.files) {
      vclCovered.add(p);
      files.set(p, { path: p, text: f.text, dialect: 'vcl', lines: f.lines });
    }
    vclModels.push(vcl);
    const base = { model: vcl, version, settings: opts.settings, file: (p: string) => vcl.files.get(p)! };
    for (const rule of RULES) if (rule.dialect === 'vcl') runRule<VclRuleContext>(rule, (c) => rule.check(c), base);
  }
  const suppressions = new Suppressions(files);
  const kept = dedupe(supersede(findings)).filter((f) => !suppressions.silences(f));
  const unusedSetting = opts.settings.rules[unusedSuppression.id];
  if (unusedSetting !== 'off') {
    const failed = new Set(internalErrors.map((e) => e.slice(0, e.indexOf(':'))));
    const nginxFiles = [...files.values()].filter((f) => f.dialect === 'nginx').map((f) => f.path);
    const known = (id: string) => ruleById(id) !== undefined;
    const ran = (id: string) => opts.settings.rules[id] !== 'off' && !failed.has(id);
    for (const u of unusedSuppressions(suppressions.all(nginxFiles), (p) => files.get(p), known, ran)) {
      kept.push({ ruleId: unusedSuppression.id, severity: unusedSetting ?? unusedSuppression.meta.defaultSeverity, message: u.message, path: u.path, range: u.range, fixes: u.fixes, related: [] });
    }
  }
  kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId)));
  const byPath = new Map<string, Finding[]>();
  for (const f of kept) (byPath.get(f.path) ?? byPath.set(f.path, []).get(f.path)!).push(f);
  const result: AnalysisResult = { entries, files, findings: kept, findingsFor: (p) => byPath.get(p) ?? [], internalErrors };
  // Where each directive is placed: for editor features, built on their first use.
  let placedMap: Map<object, Placed> | undefined;
  const placedOf = (d: object): Placed | undefined => {
    if (!placedMap) {
      placedMap = new Map();
      for (const p of model.all) if (!placedMap.has(p.d)) placedMap.set(p.d, p);
    }
    return placedMap.get(d);
  };
  const vcl = new Map<string, VclProgram>();
  for (const m of vclModels) for (const p of m.files.keys()) if (!vcl.has(p)) vcl.set(p, { model: m, version: opts.settings.varnishVersion });
  internals.set(result, { model, zones, policies: ctxBase.policies, placedOf, parsed: model.files, vcl });
  return result;
}

/** The context an nginx entry was analysed in: `main`, or the inferred/declared fragment context. */
export function entryContextOf(result: AnalysisResult, path: string): string {
  return internals.get(result)?.model.fragmentContext.get(path)?.context ?? 'main';
}

/**
 * The entries to analyse as roots: an entry reached through another entry's includes is analysed in
 * that context only (and reported once). Of entries that reach each other, the first one stays.
 * Files are compared by `canonical`, so a symlink and its target are one file. Parses are shared.
 */
function rootEntries(entries: string[], all: NginxModel, build: (list: string[]) => NginxModel, canonical: (p: string) => string): string[] {
  if (entries.length <= 1) return entries;
  const included = new Set([...all.included].map(canonical));
  if (!entries.some((e) => included.has(canonical(e)))) return entries;
  const kept = new Map<string, Set<string>>();
  for (const e of entries) {
    const key = canonical(e);
    if ([...kept.values()].some((reach) => reach.has(key))) continue;
    const reach = new Set([...build([e]).included].map(canonical));
    reach.delete(key);
    for (const k of [...kept.keys()]) if (reach.has(canonical(k))) kept.delete(k);
    kept.set(e, reach);
  }
  return entries.filter((e) => kept.has(e));
}

/** Rules whose findings replace another rule's on the same text (a more specific diagnosis, with a fix). */
const SUPERSEDES: Record<string, string> = { 'vcl/removed-syntax': 'vcl/syntax' };

function supersede(findings: Finding[]): Finding[] {
  const specific = findings.filter((f) => f.ruleId in SUPERSEDES);
  if (specific.length === 0) return findings;
  return findings.filter(
    (f) => !specific.some((s) => SUPERSEDES[s.ruleId] === f.ruleId && s.path === f.path && s.range.start < f.range.end + 1 && f.range.start < s.range.end + 1),
  );
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.ruleId}\0${f.path}\0${f.range.start}\0${f.range.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Analyses the file at `path` the way it is used: when one of `roots` (main configs the caller knows,
 * e.g. open `nginx.conf` files) or an `nginx.conf` in an ancestor directory includes it, that root is
 * analysed and the file gets its findings in that context; otherwise the file is analysed alone.
 */
export function analyzeDocument(path: string, opts: AnalyzeOptions & { roots?: string[] }): AnalysisResult {
  const text = opts.provider.readFile(path);
  if (text !== undefined && detectDialect(path, text) === 'nginx') {
    const candidates = [...(opts.roots ?? [])];
    for (let dir = dirname(path), i = 0; i < 4 && dir !== '/' && dir !== '.'; dir = dirname(dir), i++) candidates.push(join(dir, 'nginx.conf'));
    const extra = new Set(opts.settings.extraDirectives);
    const cache = new Map<string, ParsedFile | null>();
    for (const root of new Set(candidates)) {
      if (root === path) continue;
      if (opts.provider.readFile(root) === undefined) continue;
      const m = buildModel([root], { provider: opts.provider, extraDirectives: extra, cache });
      if (m.included.has(path)) return analyzeWithCache([root], opts, cache);
    }
    return analyzeWithCache([path], opts, cache);
  }
  if (text !== undefined && detectDialect(path, text) === 'vcl') {
    // A VCL file included by an open main VCL is analysed as part of that program.
    const vclCache = new Map<string, VclFile | null>();
    for (const root of new Set(opts.roots ?? [])) {
      if (root === path || !/\.vcl$/i.test(root) || opts.provider.readFile(root) === undefined) continue;
      const m = buildVclModel([root], { provider: opts.provider, vclPath: opts.settings.vclPath.length ? opts.settings.vclPath : undefined, cache: vclCache });
      if (m.files.has(path)) return analyzeWithCache([root], opts, new Map(), vclCache);
    }
    return analyzeWithCache([path], opts, new Map(), vclCache);
  }
  return analyzeEntries([path], opts);
}

function placedAt(it: Internal, path: string, offset: number): Placed | undefined {
  const f = it.parsed.get(path);
  if (!f) return undefined;
  const d = directiveAt(f.tree.children, offset);
  return d ? it.placedOf(d) : undefined;
}

/** Markdown hover at `offset` of `path`: directive/variable docs, or the effective-policy card. */
export function hoverAt(result: AnalysisResult, path: string, offset: number): string | undefined {
  const it = internals.get(result);
  const program = it?.vcl.get(path);
  if (program) return vclHover(program, path, offset);
  const p = it && placedAt(it, path, offset);
  return p ? nginxHover(it, p, offset) : undefined;
}

/** The effective cache policy card for the location/server enclosing `offset` (command and CLI `explain`). */
export function policyAt(result: AnalysisResult, path: string, offset: number): string | undefined {
  const it = internals.get(result);
  const p = it && placedAt(it, path, offset);
  if (!it || !p) return undefined;
  for (let s: typeof p.scope | undefined = enclosingPolicyScope(p); s; s = s.parent) {
    const card = policyCard(it, s, path);
    if (card) return card;
    if (s.kind === 'server' || s.kind === 'http') return cacheSummary(it, s, path);
  }
  return undefined;
}

/** Go-to-definition targets: `*_cache NAME` → its `keys_zone`; `include` → the files it matches. */
export function definitionAt(result: AnalysisResult, path: string, offset: number): Location[] {
  const it = internals.get(result);
  const program = it?.vcl.get(path);
  if (program) return vclDefinition(program, path, offset);
  const p = it && placedAt(it, path, offset);
  if (!it || !p) return [];
  const name = p.d.name.value;
  const arg = p.d.args.find((a) => offset >= a.offset && offset <= a.end);
  if (!arg) return [];
  const m = /^(proxy|fastcgi|uwsgi|scgi)_cache$/.exec(name);
  if (m) {
    return (it.zones.get(`${m[1]}:${arg.value}`) ?? []).map((z) => {
      const w = z.placed.d.args.find((a) => a.value.startsWith('keys_zone='))!;
      const start = w.raw.indexOf('keys_zone=') + w.offset + 10;
      return { path: z.placed.file.path, range: { start, end: start + z.name.length } };
    });
  }
  if (name === 'include') {
    const site = it.model.includes.find((s) => s.at.d === p.d);
    return (site?.targets ?? []).map((t) => ({ path: t, range: { start: 0, end: 0 } }));
  }
  return [];
}

/** References (VCL: subs, backends, ACLs, probes, objects) of the symbol at `offset`. */
export function referencesAt(result: AnalysisResult, path: string, offset: number, includeDeclaration: boolean): Location[] {
  const program = internals.get(result)?.vcl.get(path);
  return program ? vclReferences(program, path, offset, includeDeclaration) : [];
}

/** Completion items at `offset` (VCL: the variables the enclosing subroutine may use). */
export function completionsAt(result: AnalysisResult, path: string, offset: number): VclCompletion[] {
  const program = internals.get(result)?.vcl.get(path);
  return program ? vclCompletions(program, path, offset) : [];
}

/** The outline of one file: http/server/location/upstream/map blocks, VCL subs/backends/ACLs. */
export function outline(result: AnalysisResult, path: string): OutlineSymbol[] {
  const f = result.files.get(path);
  if (!f) return [];
  if (f.dialect === 'vcl') {
    const program = internals.get(result)?.vcl.get(path);
    const file = program?.model.files.get(path);
    return file ? vclOutlineOf(file) : [];
  }
  const parsed = internals.get(result)?.parsed.get(path);
  return parsed ? nginxOutline(parsed.tree.children) : [];
}

/** The "Disable <rule> for this line" fix: inserts `# cachelint-disable-next-line <id>` above the finding. */
export function disableForLineFix(file: SourceFile, finding: Finding): Fix {
  return {
    title: `Disable ${finding.ruleId} for this line`,
    safe: false,
    edits: [insertLineBefore(file, finding.range.start, `# cachelint-disable-next-line ${finding.ruleId}`)],
  };
}

export interface FixResult {
  /** The new text of every file the fixes changed. */
  texts: Map<string, string>;
  /** Passes that changed something. */
  passes: number;
  /** The analysis of the fixed files. */
  result: AnalysisResult;
}

/**
 * Applies fixes to `entries` in passes until nothing changes (at most `maxPasses`), the way `--fix`
 * does: one fix can make room for another (two edits at the same place). `only` limits the files
 * that may be edited. Nothing is written: the new texts are returned.
 */
export function fixUntilStable(
  entries: string[],
  opts: AnalyzeOptions,
  fix: { unsafe: boolean; only?: (path: string) => boolean; maxPasses?: number },
): FixResult {
  const texts = new Map<string, string>();
  const base = opts.provider;
  const provider: FileProvider = {
    readFile: (p) => texts.get(p) ?? base.readFile(p),
    glob: (pattern) => base.glob(pattern),
    canonical: base.canonical ? (p) => base.canonical!(p) : undefined,
  };
  const run = () => analyzeEntries(entries, { ...opts, provider });
  let result = run();
  let passes = 0;
  for (; passes < (fix.maxPasses ?? 10); passes++) {
    const findings = fix.only ? result.findings.map((f) => ({ ...f, fixes: f.fixes.filter((x) => x.edits.every((e) => fix.only!(e.path))) })) : result.findings;
    let changed = false;
    for (const [p, edits] of collectFixEdits(findings, { unsafe: fix.unsafe })) {
      const file = result.files.get(p);
      if (!file) continue;
      const next = applyEdits(file.text, edits);
      if (next === file.text) continue;
      texts.set(p, next);
      changed = true;
    }
    if (!changed) break;
    result = run();
  }
  return { texts, passes, result };
}

/**
 * Picks the fixes to apply together (safe ones, plus unsafe ones when asked), dropping any whose edits
 * overlap an already chosen one, and returns their edits grouped by path, in ascending offset order.
 */
export function collectFixEdits(findings: Finding[], opts: { unsafe: boolean }): Map<string, TextEdit[]> {
  return collectEdits(findings, opts.unsafe);
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return applyTextEdits(text, edits);
}

/** Every rule cachelint knows, for settings, docs and validation of `--rule` options. */
export function ruleRegistry(): RuleInfo[] {
  return RULES.map((r) => ({ id: r.id, dialect: r.dialect, category: r.meta.category, defaultSeverity: r.meta.defaultSeverity, fix: r.meta.fix, summary: r.meta.docs.summary }));
}

/** Where a rule's documentation page is published (generated from its metadata into docs/rules/). */
export function ruleDocsUrl(id: string): string {
  return `https://github.com/cachelint/cachelint/blob/main/docs/rules/${id}.md`;
}

/** Full documentation of a rule (summary, why, examples), for the README and hovers. */
export function ruleDocs(id: string) {
  return RULES.find((r) => r.id === id)?.meta.docs;
}

export type { NginxModel };
