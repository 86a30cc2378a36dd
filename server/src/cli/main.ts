// The `cachelint` command: arguments, input files, fixes and exit codes around the analyzer.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import picomatch from 'picomatch/posix';
import { analyzeDocument, analyzeEntries, applyEdits, collectFixEdits, detectDialect, policyAt, ruleRegistry } from '../analyzer/analyze';
import type { AnalysisResult, RuleInfo } from '../analyzer/api';
import { LineIndex } from '../analyzer/text/lineIndex';
import { DEFAULT_THRESHOLDS, defaultSettings } from '../analyzer/types';
import { VARNISH_VERSIONS, type VarnishVersion } from '../analyzer/vcl/data/versions';
import type { Dialect, FileProvider, Finding, IncludeNotice, Settings, SeveritySetting, TextEdit, Thresholds, VccParameters } from '../analyzer/types';
import {
  createOverlayProvider,
  decodeText,
  GLOB_MAX_MATCHES,
  globIncludeMask,
  limitedProvider,
  readTextFile,
  realPath,
  toAnalyzerPath,
  unreadableReason as whyNotRead,
  writeTextFileAtomic,
  type TextFile,
} from '../node/fileProvider';
import { formatGithub } from './format/github';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { fixesSentence, formatText } from './format/text';

const VERSION: string = require('../../../package.json').version;

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';
const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github'];
const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'hint', 'info', 'warning', 'error'];

/** Stop collecting input files from one directory or glob after this many. */
const MAX_INPUT_FILES = 10_000;
/** Stop walking one directory or glob after looking at this many entries. */
const MAX_WALK_ENTRIES = 500_000;

/** One analysed file, ready for a formatter. */
export interface ReportFile {
  /** Absolute path, as the analyzer knows it. */
  path: string;
  dialect: Dialect;
  findings: Finding[];
}

/** Everything a formatter needs; positions it returns are 1-based, columns in UTF-16 code units. */
export interface Report {
  version: string;
  cwd: string;
  /** Every file analysed: the inputs in command-line order, then the files they include, by path. */
  files: ReportFile[];
  /** All findings, sorted by path then offset. */
  findings: Finding[];
  /** The rule registry. */
  rules: RuleInfo[];
  /** A path for display: as given on the command line, or relative to the current directory. */
  display(path: string): string;
  /** 1-based line and column of a UTF-16 offset into a file. */
  position(path: string, offset: number): { line: number; column: number };
  /** Set after `--fix`: how many fixes were written to how many files. */
  fixesApplied?: { fixes: number; files: number };
}

/** A usage or I/O error: reported as one line on stderr, exit code 2. */
class CliError extends Error {}

interface Options {
  format: OutputFormat;
  fix: boolean;
  unsafeFixes: boolean;
  /** Undefined: unlimited. */
  maxWarnings?: number;
  rules: Record<string, SeveritySetting>;
  extraDirectives: string[];
  thresholds: Partial<Thresholds>;
  varnishVersion?: VarnishVersion;
  vcc: Partial<VccParameters>;
  /** --only: every other rule is off. */
  only: string[];
  vclPath: string[];
  stdin: boolean;
  stdinFilename?: string;
  inputs: string[];
  /** Options other than --rule / --extra-directive that were given (to reject them for `explain`). */
  lintOnly: string[];
}

const HELP = `Usage: cachelint [options] FILE|DIR|GLOB...
       cachelint [options] - | --stdin [--stdin-filename NAME]
       cachelint explain FILE:LINE

Lints the cache configuration of nginx configs and Varnish VCL: files that
another input includes are analysed in that context and reported once.

Options:
  --format FORMAT          text (default), json, sarif or github
  --fix                    apply the safe fixes and write the files
  --unsafe-fixes           with --fix, also apply the fixes that need review
  --max-warnings N         exit 1 when there are more than N warnings
  --rule ID=SEVERITY       set a rule's severity: off, hint, info, warning or error
                           (repeatable)
  --only ID                report (and with --fix, fix) only this rule (repeatable)
  --extra-directive NAME   accept a third-party module directive (repeatable)
  --varnish-version V      check VCL against Varnish 6.0, 7.1 (default) or 8.0
  --vcl-path DIR[:DIR]     Varnish's vcl_path for relative VCL includes
  --varnish-param P=on|off a varnishd parameter VCC reads: vcc_allow_inline_c
                           (default off), vcc_err_unref (default on)
  --threshold NAME=NUMBER  tune a rule threshold (repeatable): tinyTtlSeconds,
                           errorTtlSeconds, shortTtlSeconds, minMaxSizeMB,
                           averageObjectKB
  --stdin, -               read one file from stdin (never written by --fix)
  --stdin-filename NAME    the path the stdin text is analysed as
  -h, --help               show this help
  --version                print the version

A DIR is searched for *.conf, *.nginx, *.vcl and files under sites-available/
and sites-enabled/ (node_modules and dot-directories are skipped). A GLOB
(quoted, e.g. 'conf/**/*.conf') is expanded by cachelint.

explain FILE:LINE prints the effective cache policy at that line.

Exit codes: 0 no error-level finding and no more warnings than --max-warnings;
1 otherwise; 2 usage or I/O error.
`;

function parseArgs(argv: string[]): Options {
  const o: Options = { format: 'text', fix: false, unsafeFixes: false, rules: {}, extraDirectives: [], thresholds: {}, vclPath: [], vcc: {}, only: [], stdin: false, inputs: [], lintOnly: [] };
  let formatSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      o.inputs.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-') {
      o.stdin = true;
      o.lintOnly.push('-');
      continue;
    }
    if (!arg.startsWith('-')) {
      o.inputs.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      // `--stdin-filename --fix` is a forgotten value, not a file named `--fix` (use `--opt=--name` for that).
      if (i + 1 >= argv.length || /^--./.test(argv[i + 1])) throw new CliError(`option ${name} needs a value`);
      return argv[++i];
    };
    const flag = (): void => {
      if (inline !== undefined) throw new CliError(`option ${name} takes no value`);
    };
    switch (name) {
      case '--format': {
        const v = value();
        if (!(FORMATS as readonly string[]).includes(v)) throw new CliError(`unknown format '${v}' (use text, json, sarif or github)`);
        o.format = v as OutputFormat;
        if (!formatSeen) o.lintOnly.push(name);
        formatSeen = true;
        break;
      }
      case '--fix':
        flag();
        o.fix = true;
        o.lintOnly.push(name);
        break;
      case '--unsafe-fixes':
        flag();
        o.unsafeFixes = true;
        o.lintOnly.push(name);
        break;
      case '--max-warnings': {
        const v = value();
        if (!/^-?\d+$/.test(v) || Number(v) < -1 || !Number.isSafeInteger(Number(v))) {
          throw new CliError(`--max-warnings needs a non-negative integer, got '${v}'`);
        }
        o.maxWarnings = Number(v) < 0 ? undefined : Number(v);
        o.lintOnly.push(name);
        break;
      }
      case '--rule': {
        const v = value();
        const m = /^([^=\s]+)=([^=\s]+)$/.exec(v);
        if (!m) throw new CliError(`--rule needs ID=SEVERITY, got '${v}'`);
        if (!(SEVERITY_SETTINGS as readonly string[]).includes(m[2])) {
          throw new CliError(`unknown severity '${m[2]}' in --rule ${v} (use off, hint, info, warning or error)`);
        }
        o.rules[m[1]] = m[2] as SeveritySetting;
        break;
      }
      case '--varnish-version': {
        const v = value();
        if (!(VARNISH_VERSIONS as readonly string[]).includes(v)) throw new CliError(`unknown Varnish version '${v}' (use ${VARNISH_VERSIONS.join(', ')})`);
        o.varnishVersion = v as VarnishVersion;
        break;
      }
      case '--only': {
        o.only.push(value());
        break;
      }
      case '--varnish-param': {
        const v = value();
        const m = /^(vcc_allow_inline_c|vcc_err_unref)=(on|off|true|false)$/.exec(v);
        if (!m) throw new CliError(`unknown --varnish-param '${v}' (use vcc_allow_inline_c=on|off or vcc_err_unref=on|off)`);
        o.vcc[m[1] === 'vcc_allow_inline_c' ? 'allowInlineC' : 'errUnref'] = m[2] === 'on' || m[2] === 'true';
        break;
      }
      case '--vcl-path': {
        o.vclPath.push(...value().split(':').filter(Boolean).map((d) => nodePath.resolve(d)));
        break;
      }
      case '--threshold': {
        const v = value();
        const m = /^([A-Za-z]+)=(\d+(?:\.\d+)?)$/.exec(v);
        if (!m) throw new CliError(`--threshold needs NAME=NUMBER, got '${v}'`);
        if (!(m[1] in DEFAULT_THRESHOLDS)) throw new CliError(`unknown threshold '${m[1]}' (known: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')})`);
        o.thresholds[m[1] as keyof Thresholds] = Number(m[2]);
        break;
      }
      case '--extra-directive': {
        const v = value();
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) throw new CliError(`--extra-directive needs a directive name, got '${v}'`);
        if (!o.extraDirectives.includes(v)) o.extraDirectives.push(v);
        break;
      }
      case '--stdin':
        flag();
        o.stdin = true;
        o.lintOnly.push(name);
        break;
      case '--stdin-filename': {
        const v = value();
        if (v === '') throw new CliError('--stdin-filename needs a file name');
        o.stdinFilename = v;
        o.lintOnly.push(name);
        break;
      }
      default:
        throw new CliError(`unknown option '${name}' (see cachelint --help)`);
    }
  }
  return o;
}

/** Rejects rule ids the registry does not know; any id is accepted while the registry is empty. */
function checkRuleIds(o: Options, registry: RuleInfo[]): void {
  if (registry.length === 0) return;
  const known = new Set(registry.map((r) => r.id));
  for (const id of Object.keys(o.rules)) {
    if (!known.has(id)) throw new CliError(`unknown rule '${id}' in --rule (known rules are listed in docs/rules/README.md)`);
  }
  for (const id of o.only) {
    if (!known.has(id)) throw new CliError(`unknown rule '${id}' in --only (known rules are listed in docs/rules/README.md)`);
  }
  if (o.only.length) for (const r of registry) if (!o.only.includes(r.id)) o.rules[r.id] = 'off';
}

function settingsFrom(o: Options): Settings {
  const s = defaultSettings();
  s.rules = { ...s.rules, ...o.rules };
  s.extraDirectives = [...s.extraDirectives, ...o.extraDirectives];
  s.thresholds = { ...s.thresholds, ...o.thresholds };
  if (o.varnishVersion) s.varnishVersion = o.varnishVersion;
  s.vclPath = [...o.vclPath];
  s.vcc = { ...s.vcc, ...o.vcc };
  return s;
}

/** The CLI's view of the file system: each file read once, so fixes apply to exactly the analysed text. */
class FileCache implements FileProvider {
  private readonly files = new Map<string, TextFile | null>();

  read(path: string): TextFile | undefined {
    let f = this.files.get(path);
    if (f === undefined) {
      f = readTextFile(path) ?? null;
      this.files.set(path, f);
    }
    return f ?? undefined;
  }

  set(path: string, file: TextFile): void {
    this.files.set(path, file);
  }

  readFile(path: string): string | undefined {
    return this.read(path)?.text;
  }

  glob(pattern: string, limit?: number): string[] {
    return globIncludeMask(pattern, limit);
  }

  canonical(path: string): string {
    return realPath(path);
  }

  unreadable(path: string, maxBytes?: number): string | undefined {
    return whyNotRead(path, maxBytes);
  }
}

/** The notices as `path:line:column: note: message` lines, once each. */
function noticeLines(notices: readonly IncludeNotice[], provider: FileProvider, display: (p: string) => string): string[] {
  const out = new Set<string>();
  const lines = new Map<string, LineIndex>();
  for (const n of notices) {
    let li = lines.get(n.path);
    if (!li) lines.set(n.path, (li = new LineIndex(provider.readFile(n.path) ?? '')));
    const at = li.positionAt(n.range.start);
    out.add(`${display(n.path)}:${at.line + 1}:${at.character + 1}: note: ${n.message}`);
  }
  return [...out];
}

interface Inputs {
  /** Absolute entry paths, in command-line order, without duplicates. */
  entries: string[];
  /** Display names of the entries. */
  display: Map<string, string>;
  /** Problems with individual arguments (reported after the good inputs). */
  errors: string[];
}

function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ENOENT: 'no such file or directory',
  ELOOP: 'too many symbolic links',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  EMFILE: 'too many open files',
};

/** A short reason for a file-system error: `permission denied`, not a stack of paths. */
function reasonOf(err: unknown): string {
  const code = errorCode(err);
  if (code && REASONS[code]) return REASONS[code];
  if (code) return code;
  return err instanceof Error ? err.message : String(err);
}

/** Why a regular file cannot be read as text (tried again to get the reason). */
function unreadableReason(path: string): string {
  try {
    fs.closeSync(fs.openSync(path, 'r'));
    fs.readFileSync(path);
    return 'unreadable';
  } catch (err) {
    return reasonOf(err);
  }
}

function isConfigFile(absPath: string): boolean {
  const base = nodePath.basename(absPath);
  if (/\.(conf|nginx|vcl)$/.test(base) || base === 'nginx.conf') return true;
  const dirs = nodePath.dirname(absPath).split(/[\\/]/);
  return dirs.includes('sites-available') || dirs.includes('sites-enabled');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The sorted entries of a directory, or undefined when (through a symlink) it was already visited.
 * When it cannot be read, `unreadable` gets the reason and the result is undefined.
 */
function readDirOnce(dir: string, seen: Set<string>, unreadable?: (dir: string, reason: string) => void): string[] | undefined {
  try {
    const real = fs.realpathSync(dir);
    if (seen.has(real)) return undefined;
    seen.add(real);
    return fs.readdirSync(dir).sort(compareStrings);
  } catch (err) {
    unreadable?.(dir, reasonOf(err));
    return undefined;
  }
}

/**
 * Config files under a directory, recursively, sorted; skips node_modules and dot-entries, follows
 * symlinks once. Directories that cannot be read are passed to `unreadable` (the walk goes on).
 */
function walkDirectory(root: string, unreadable: (dir: string, reason: string) => void): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let visited = 0;
  const visit = (dir: string): void => {
    const names = readDirOnce(dir, seen, unreadable);
    if (!names) return;
    for (const name of names) {
      if (out.length >= MAX_INPUT_FILES || ++visited > MAX_WALK_ENTRIES) return;
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = nodePath.join(dir, name);
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) visit(p);
      else if (st.isFile() && isConfigFile(p)) out.push(p);
    }
  };
  visit(root);
  return out;
}

/** Regular files matching a command-line glob (`**` allowed), sorted; absolute paths. */
function expandGlob(pattern: string): string[] {
  const abs = nodePath.resolve(pattern).replace(/\\/g, '/');
  const scan = picomatch.scan(abs);
  const base = scan.base || '/';
  const glob = scan.glob;
  if (!glob) return [];
  const isMatch = picomatch(glob, { dot: false });
  const maxDepth = glob.includes('**') ? Infinity : glob.split('/').length;
  const explicitDot = /(^|\/)\./.test(glob);
  const explicitModules = glob.includes('node_modules');
  const out: string[] = [];
  const seen = new Set<string>();
  let visited = 0;
  const visit = (dir: string, rel: string, depth: number): void => {
    const names = readDirOnce(dir, seen);
    if (!names) return;
    for (const name of names) {
      if (out.length >= MAX_INPUT_FILES || ++visited > MAX_WALK_ENTRIES) return;
      const p = nodePath.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth + 1 >= maxDepth) continue;
        if (name.startsWith('.') && !explicitDot) continue;
        if (name === 'node_modules' && !explicitModules) continue;
        visit(p, r, depth + 1);
      } else if (st.isFile() && isMatch(r)) {
        out.push(p);
      }
    }
  };
  visit(base, '', 0);
  return out.sort(compareStrings);
}

function looksLikeGlob(arg: string): boolean {
  try {
    return picomatch.scan(arg).isGlob;
  } catch {
    return false;
  }
}

/** Turns FILE|DIR|GLOB arguments into entry files; bad arguments become errors, not exceptions. */
function resolveInputs(args: string[], cwd: string, files: FileCache): Inputs {
  const entries: string[] = [];
  const display = new Map<string, string>();
  const errors: string[] = [];
  const add = (abs: string, shown: string): void => {
    const p = toAnalyzerPath(abs);
    if (display.has(p)) return;
    if (!files.read(p)) {
      errors.push(`cannot read ${shown} (${unreadableReason(abs)})`);
      return;
    }
    display.set(p, shown);
    entries.push(p);
  };
  for (const arg of args) {
    if (arg === '') {
      errors.push('empty path argument');
      continue;
    }
    let st: fs.Stats | undefined;
    let code: string | undefined;
    try {
      st = fs.statSync(arg);
    } catch (err) {
      code = errorCode(err);
    }
    if (st?.isDirectory()) {
      const unreadable: string[] = [];
      const found = walkDirectory(arg, (dir, reason) => unreadable.push(`cannot read directory ${dir} (${reason})`));
      errors.push(...unreadable);
      if (found.length === 0 && unreadable.length === 0) errors.push(`no config files (*.conf, *.nginx, *.vcl, sites-*/*) in directory ${arg}`);
      for (const f of found) add(f, nodePath.join(arg, nodePath.relative(arg, f)));
    } else if (st?.isFile()) {
      add(arg, arg);
    } else if (st) {
      errors.push(`not a regular file: ${arg}`);
    } else if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== undefined) {
      errors.push(`cannot access ${arg} (${code})`);
    } else if (looksLikeGlob(arg)) {
      const found = expandGlob(arg);
      if (found.length === 0) errors.push(`no files match ${arg}`);
      for (const f of found) add(f, nodePath.isAbsolute(arg) ? f : nodePath.relative(cwd, f));
    } else {
      errors.push(`no such file or directory: ${arg}`);
    }
  }
  return { entries, display, errors };
}

/** `--fix` re-analyses and fixes again at most this many times. */
const MAX_FIX_PASSES = 10;

function editKey(e: TextEdit): string {
  return `${e.path}\u0000${e.start}\u0000${e.end}\u0000${e.newText}`;
}

/**
 * Applies the chosen fixes of an analysis to the files and writes them (keeping each file's encoding).
 * Returns how many fixes were applied to how many files, and the files that could not be written.
 */
function applyFixes(result: AnalysisResult, files: FileCache, unsafe: boolean, display: (p: string) => string) {
  const editsByPath = collectFixEdits(result.findings, { unsafe });
  const applied = new Map<string, number>();
  const errors: string[] = [];
  const changed: string[] = [];
  for (const [path, edits] of editsByPath) {
    if (edits.length === 0) continue;
    const file = files.read(path);
    if (!file) {
      errors.push(`cannot read ${display(path)} to fix it`);
      continue;
    }
    const text = applyEdits(file.text, edits);
    if (text === file.text) continue;
    try {
      writeTextFileAtomic(path, text, file.encoding);
    } catch (err) {
      // writeTextFileAtomic leaves the original untouched and removes its temporary file on any error.
      const why = errorCode(err) ? reasonOf(err) : err instanceof Error ? err.message.replace(`${path}: `, '') : String(err);
      errors.push(`cannot write ${display(path)} (${why}); the file is unchanged`);
      continue;
    }
    files.set(path, { text, encoding: file.encoding });
    changed.push(path);
    for (const e of edits) applied.set(editKey(e), (applied.get(editKey(e)) ?? 0) + 1);
  }
  // A fix counts as applied when all of its edits were written.
  let fixes = 0;
  for (const f of result.findings) {
    for (const fix of f.fixes) {
      if ((!fix.safe && !unsafe) || fix.edits.length === 0) continue;
      const keys = fix.edits.map(editKey);
      const need = new Map<string, number>();
      for (const k of keys) need.set(k, (need.get(k) ?? 0) + 1);
      if (![...need].every(([k, n]) => (applied.get(k) ?? 0) >= n)) continue;
      for (const [k, n] of need) applied.set(k, (applied.get(k) ?? 0) - n);
      fixes++;
    }
  }
  return { fixes, changed, errors };
}

function buildReport(result: AnalysisResult, entries: string[], files: FileCache, provider: FileProvider, display: (p: string) => string, cwd: string): Report {
  const findingsByPath = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let list = findingsByPath.get(f.path);
    if (!list) findingsByPath.set(f.path, (list = []));
    list.push(f);
  }
  const order: string[] = [...entries];
  const seen = new Set(order);
  const rest = [...result.files.keys(), ...findingsByPath.keys()].filter((p) => !seen.has(p)).sort(compareStrings);
  for (const p of rest) {
    if (seen.has(p)) continue;
    seen.add(p);
    order.push(p);
  }
  const lineCache = new Map<string, LineIndex>();
  const linesOf = (path: string): LineIndex => {
    const known = result.files.get(path)?.lines;
    if (known) return known;
    let li = lineCache.get(path);
    if (!li) lineCache.set(path, (li = new LineIndex(provider.readFile(path) ?? files.read(path)?.text ?? '')));
    return li;
  };
  const reportFiles: ReportFile[] = order.map((path) => {
    const source = result.files.get(path);
    return {
      path,
      dialect: source?.dialect ?? detectDialect(path, provider.readFile(path)) ?? 'nginx',
      findings: findingsByPath.get(path) ?? [],
    };
  });
  return {
    version: VERSION,
    cwd,
    files: reportFiles,
    findings: result.findings,
    rules: ruleRegistry(),
    display,
    position(path, offset) {
      const p = linesOf(path).positionAt(offset);
      return { line: p.line + 1, column: p.character + 1 };
    },
  };
}

function render(report: Report, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report);
    default:
      return formatText(report, { color: useColor() });
  }
}

function useColor(): boolean {
  return process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
}

interface Outcome {
  stdout: string;
  /** One line for stderr, without the `cachelint: ` prefix. */
  error?: string;
  /** Additional note for stderr (machine-readable formats keep stdout pure). */
  note?: string;
  /** What the analysis left out at includes (a limit, a network path, a file it could not read), one line each for stderr. */
  notes?: string[];
  code: number;
}

function readStdin(): TextFile {
  try {
    return decodeText(fs.readFileSync(0));
  } catch (err) {
    throw new CliError(`cannot read stdin: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function lint(o: Options, cwd: string): Outcome {
  const settings = settingsFrom(o);
  const files = new FileCache();
  let provider: FileProvider = files;
  let inputs: Inputs;
  if (o.stdin) {
    const shown = o.stdinFilename ?? '<stdin>';
    const abs = toAnalyzerPath(nodePath.resolve(cwd, shown));
    const input = readStdin();
    provider = createOverlayProvider(files, new Map([[abs, input.text]]));
    inputs = { entries: [abs], display: new Map([[abs, shown]]), errors: [] };
  } else {
    inputs = resolveInputs(o.inputs, cwd, files);
  }
  const inputError = inputs.errors.length ? inputs.errors.join('; ') : undefined;
  if (inputs.entries.length === 0) return { stdout: '', error: inputError ?? 'no input files', code: 2 };
  const notices: IncludeNotice[] = [];
  // A glob include expands to as many files as the file layer lists.
  provider = limitedProvider(provider, { limits: { maxGlobFiles: GLOB_MAX_MATCHES }, notice: (n) => notices.push(n) });

  const display = (p: string): string => inputs.display.get(p) ?? (nodePath.relative(cwd, p) || p);
  // The analyzer reads an input that another input includes in that context only.
  let result = analyzeEntries(inputs.entries, { provider, settings });
  let fixesApplied: Report['fixesApplied'];
  const errors = [...inputs.errors];
  if (o.fix) {
    // Like other fixers, apply in passes until nothing changes: a fix can make room for another one
    // (two edits in the same place) — so running `--fix` again afterwards changes nothing.
    let fixes = 0;
    const changed = new Set<string>();
    for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
      const applied = applyFixes(result, files, o.unsafeFixes, display);
      errors.push(...applied.errors);
      fixes += applied.fixes;
      for (const p of applied.changed) changed.add(p);
      if (applied.changed.length === 0 || applied.errors.length > 0) break;
      result = analyzeEntries(inputs.entries, { provider, settings });
    }
    fixesApplied = { fixes, files: changed.size };
  }
  const report = buildReport(result, inputs.entries, files, provider, display, cwd);
  report.fixesApplied = fixesApplied;
  const stdout = render(report, o.format);

  let note: string | undefined;
  if (fixesApplied && o.format !== 'text') note = fixesSentence(fixesApplied);
  // A rule that failed leaves the analysis incomplete: the findings are shown, but the run is not trusted.
  const internal = result.internalErrors ?? [];
  if (internal.length) errors.push(`internal error: ${internal.join('; ')}`);
  const notes = noticeLines(notices, provider, display);
  if (errors.length) return { stdout, error: errors.join('; '), note, notes, code: 2 };
  const errorCount = result.findings.filter((f) => f.severity === 'error').length;
  const warningCount = result.findings.filter((f) => f.severity === 'warning').length;
  const failed = errorCount > 0 || (o.maxWarnings !== undefined && warningCount > o.maxWarnings);
  return { stdout, note, notes, code: failed ? 1 : 0 };
}

/** `cachelint explain FILE:LINE[:COLUMN]`: the effective cache policy card as Markdown. */
function explain(o: Options, cwd: string): Outcome {
  if (o.lintOnly.length) throw new CliError(`explain does not take ${o.lintOnly[0]} (only --rule, --threshold and --extra-directive)`);
  if (o.inputs.length !== 1) throw new CliError('explain needs exactly one FILE:LINE argument');
  const arg = o.inputs[0];
  const m = /^(.+?):(\d+)(?::(\d+))?$/.exec(arg);
  if (!m) throw new CliError(`explain needs FILE:LINE, got '${arg}'`);
  const [, file, lineText, colText] = m;
  const line = Number(lineText);
  if (line < 1) throw new CliError(`line numbers start at 1, got ${arg}`);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new CliError(`no such file: ${file}`);
  }
  if (!st.isFile()) throw new CliError(`not a regular file: ${file}`);
  const files = new FileCache();
  const abs = toAnalyzerPath(nodePath.resolve(cwd, file));
  const source = files.read(abs);
  if (!source) throw new CliError(`cannot read ${file}`);
  const lines = new LineIndex(source.text);
  if (line > lines.lineCount) throw new CliError(`${file} has ${lines.lineCount} lines, no line ${line}`);
  let offset: number;
  if (colText !== undefined) {
    offset = lines.offsetAt({ line: line - 1, character: Math.max(0, Number(colText) - 1) });
  } else {
    // The first non-blank character: the statement the user means, not the indentation before it.
    offset = lines.lineStart(line - 1);
    const end = lines.lineEnd(line - 1);
    while (offset < end && /[ \t]/.test(source.text[offset])) offset++;
  }
  const result = analyzeDocument(abs, { provider: files, settings: settingsFrom(o) });
  const markdown = policyAt(result, abs, offset);
  if (markdown === undefined) {
    return { stdout: '', error: `no cache policy at ${file}:${line} (the line is not inside a server or location that caches, nor a VCL subroutine)`, code: 2 };
  }
  return { stdout: markdown.endsWith('\n') ? markdown : `${markdown}\n`, code: 0 };
}

/** Runs the command line `argv` (without node and script) and returns what to print and the exit code. */
export function run(argv: string[]): Outcome {
  try {
    const cwd = process.cwd();
    const dashDash = argv.indexOf('--');
    const opts = dashDash < 0 ? argv : argv.slice(0, dashDash);
    const isExplain = argv[0] === 'explain';
    const rest = isExplain ? argv.slice(1) : argv;
    if (opts.includes('--help') || opts.includes('-h')) return { stdout: HELP, code: 0 };
    if (opts.includes('--version')) return { stdout: `${VERSION}\n`, code: 0 };
    const o = parseArgs(rest);
    checkRuleIds(o, ruleRegistry());
    if (isExplain) return explain(o, cwd);
    if (o.unsafeFixes && !o.fix) throw new CliError('--unsafe-fixes needs --fix');
    if (o.stdinFilename !== undefined && !o.stdin) throw new CliError('--stdin-filename needs --stdin or -');
    if (o.stdin && o.fix) throw new CliError('--fix cannot write to stdin; pass the file path instead');
    if (o.stdin && o.inputs.length) throw new CliError('stdin cannot be combined with other inputs');
    if (!o.stdin && o.inputs.length === 0) throw new CliError('no input files (see cachelint --help)');
    return lint(o, cwd);
  } catch (err) {
    if (err instanceof CliError) return { stdout: '', error: err.message, code: 2 };
    return { stdout: '', error: `internal error: ${oneLine(err)}`, code: 2 };
  }
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*[\r\n]+\s*/g, ' ').trim() || 'unknown error';
}

function main(): void {
  // A closed pipe (`cachelint ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`cachelint: internal error: ${oneLine(err)}\n`);
    process.exit(2);
  });
  let outcome: Outcome;
  try {
    outcome = run(process.argv.slice(2));
  } catch (err) {
    outcome = { stdout: '', error: `internal error: ${oneLine(err)}`, code: 2 };
  }
  if (outcome.stdout) process.stdout.write(outcome.stdout);
  for (const line of outcome.notes ?? []) process.stderr.write(`${line}\n`);
  if (outcome.error) process.stderr.write(`cachelint: ${oneLine(outcome.error)}\n`);
  else if (outcome.note) process.stderr.write(`${outcome.note}\n`);
  // exitCode instead of exit(): pending stdout writes to a pipe still get flushed.
  process.exitCode = outcome.code;
}

if (require.main === module) main();
