// The `cachelint` configuration per resource: read from the client, validated, cached until it changes.
import type { Connection, DidChangeConfigurationParams } from 'vscode-languageserver';
import { DEFAULT_INCLUDE_LIMITS, DEFAULT_THRESHOLDS, defaultSettings, type IncludeLimits, type Settings, type SeveritySetting, type Thresholds } from '../analyzer/types';
import { VARNISH_VERSIONS, type VarnishVersion } from '../analyzer/vcl/data/versions';

/** Files larger than this (KiB) are not analysed unless `cachelint.maxFileSizeKB` says otherwise. */
export const DEFAULT_MAX_FILE_SIZE_KB = 5120;
/**
 * At most this many problems are published per file unless `cachelint.maxProblemsPerFile` says
 * otherwise: VS Code keeps no more than 1,000 per file (and underlines 500).
 */
export const DEFAULT_MAX_PROBLEMS_PER_FILE = 1000;
/** At most this many config files of a workspace are indexed unless `cachelint.index.maxFiles` says otherwise. */
export const DEFAULT_INDEX_MAX_FILES = 5000;

/** The `cachelint.index.*` settings: the background index of the workspace's config files. */
export interface IndexSettings {
  /** `cachelint.index.enable`: find and analyse every nginx/VCL file of the workspace folders. */
  enable: boolean;
  /** `cachelint.index.workspaceDiagnostics`: publish the findings of files that are not open. */
  workspaceDiagnostics: boolean;
  /** `cachelint.index.maxFiles`: config files found per workspace folder beyond this are not indexed. */
  maxFiles: number;
  /** `cachelint.index.exclude`: glob patterns, relative to the workspace folder, of files and folders not indexed. */
  exclude: string[];
}

export interface ServerSettings {
  /** `cachelint.enable`: false silences the file (no diagnostics, hovers or fixes). */
  enable: boolean;
  /** What the analyzer gets. */
  analyzer: Settings;
  /** Documents larger than this many KiB (UTF-8) are not analysed. */
  maxFileSizeKB: number;
  /** Problems published per file beyond this are left out (a notice says how many); 0: no limit. */
  maxProblemsPerFile: number;
  /**
   * How far include expansion goes: `cachelint.maxIncludeDepth` (levels of nested includes followed)
   * and `cachelint.maxIncludeGlobFiles` (files one glob include expands to); `maxFiles` (files per
   * analysis) is fixed. Hitting one shows a notice at the include.
   */
  includes: IncludeLimits;
  index: IndexSettings;
}

export function defaultServerSettings(): ServerSettings {
  return {
    enable: true,
    analyzer: defaultSettings(),
    maxFileSizeKB: DEFAULT_MAX_FILE_SIZE_KB,
    maxProblemsPerFile: DEFAULT_MAX_PROBLEMS_PER_FILE,
    includes: { ...DEFAULT_INCLUDE_LIMITS },
    index: { enable: true, workspaceDiagnostics: true, maxFiles: DEFAULT_INDEX_MAX_FILES, exclude: [] },
  };
}

const SEVERITY_SETTINGS = new Set<SeveritySetting>(['off', 'hint', 'info', 'warning', 'error']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `a.b.c` from nested objects, or from a flat `'b.c'`-style key some clients send. */
function lookup(root: Record<string, unknown>, dotted: string): unknown {
  if (dotted in root) return root[dotted];
  const [head, ...rest] = dotted.split('.');
  if (rest.length === 0) return undefined;
  const next = root[head];
  return isObject(next) ? lookup(next, rest.join('.')) : undefined;
}

/**
 * Validates the `cachelint` section (as the client sends it) and merges it onto the defaults.
 * Invalid values are ignored one by one, never the whole section.
 */
export function parseSettings(raw: unknown): ServerSettings {
  const out = defaultServerSettings();
  if (!isObject(raw)) return out;

  const enable = lookup(raw, 'enable');
  if (typeof enable === 'boolean') out.enable = enable;

  const rules = lookup(raw, 'rules');
  if (isObject(rules)) {
    for (const [id, value] of Object.entries(rules)) {
      if (typeof value === 'string' && SEVERITY_SETTINGS.has(value as SeveritySetting)) out.analyzer.rules[id] = value as SeveritySetting;
    }
  }
  // Flat `rules.<id>` keys too.
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('rules.') && typeof value === 'string' && SEVERITY_SETTINGS.has(value as SeveritySetting)) {
      out.analyzer.rules[key.slice('rules.'.length)] = value as SeveritySetting;
    }
  }

  for (const name of Object.keys(DEFAULT_THRESHOLDS) as Array<keyof Thresholds>) {
    const v = lookup(raw, `thresholds.${name}`);
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out.analyzer.thresholds[name] = v;
  }

  const extra = lookup(raw, 'nginx.extraDirectives');
  if (Array.isArray(extra)) out.analyzer.extraDirectives = extra.filter((d): d is string => typeof d === 'string' && d.trim() !== '').map((d) => d.trim());

  const version = lookup(raw, 'varnish.version');
  if (typeof version === 'string' && (VARNISH_VERSIONS as readonly string[]).includes(version)) out.analyzer.varnishVersion = version as VarnishVersion;
  const vclPath = lookup(raw, 'varnish.vclPath');
  if (Array.isArray(vclPath)) out.analyzer.vclPath = vclPath.filter((d): d is string => typeof d === 'string' && d.trim() !== '').map((d) => d.trim());

  const inlineC = lookup(raw, 'varnish.allowInlineC');
  if (typeof inlineC === 'boolean') out.analyzer.vcc.allowInlineC = inlineC;
  const errUnref = lookup(raw, 'varnish.errUnref');
  if (typeof errUnref === 'boolean') out.analyzer.vcc.errUnref = errUnref;

  const maxKB = lookup(raw, 'maxFileSizeKB');
  if (typeof maxKB === 'number' && Number.isFinite(maxKB) && maxKB > 0) out.maxFileSizeKB = maxKB;
  const maxProblems = lookup(raw, 'maxProblemsPerFile');
  if (typeof maxProblems === 'number' && Number.isFinite(maxProblems) && maxProblems >= 0) out.maxProblemsPerFile = Math.floor(maxProblems);

  const depth = lookup(raw, 'maxIncludeDepth');
  if (typeof depth === 'number' && Number.isFinite(depth) && depth >= 0) out.includes.maxIncludeDepth = Math.floor(depth);
  const globFiles = lookup(raw, 'maxIncludeGlobFiles');
  if (typeof globFiles === 'number' && Number.isFinite(globFiles) && globFiles >= 0) out.includes.maxGlobFiles = Math.floor(globFiles);

  const indexEnable = lookup(raw, 'index.enable');
  if (typeof indexEnable === 'boolean') out.index.enable = indexEnable;
  const workspaceDiagnostics = lookup(raw, 'index.workspaceDiagnostics');
  if (typeof workspaceDiagnostics === 'boolean') out.index.workspaceDiagnostics = workspaceDiagnostics;
  const maxFiles = lookup(raw, 'index.maxFiles');
  if (typeof maxFiles === 'number' && Number.isFinite(maxFiles) && maxFiles >= 0) out.index.maxFiles = Math.floor(maxFiles);
  const exclude = lookup(raw, 'index.exclude');
  if (Array.isArray(exclude)) out.index.exclude = exclude.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim());

  return out;
}

/**
 * Settings per resource. With `workspace/configuration` support each document's settings are asked
 * for once and cached; otherwise the section pushed by `workspace/didChangeConfiguration` applies to all.
 */
export class SettingsStore {
  /** Bumped on every configuration change; part of the analysis cache key. */
  generation = 0;
  private readonly perResource = new Map<string, Promise<ServerSettings>>();
  private global: ServerSettings = defaultServerSettings();

  constructor(
    private readonly connection: Connection,
    private readonly pullsConfiguration: boolean,
  ) {}

  /** Settings for the document at `uri`; defaults when the client fails to answer. */
  get(uri: string): Promise<ServerSettings> {
    if (!this.pullsConfiguration) return Promise.resolve(this.global);
    let cached = this.perResource.get(uri);
    if (!cached) {
      const generation = this.generation;
      cached = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'cachelint' }).then(
        (raw: unknown) => parseSettings(raw),
        (err: unknown) => {
          this.connection.console.error(`Reading the cachelint settings failed: ${err instanceof Error ? err.message : String(err)}`);
          // Do not cache a failure: ask again next time.
          if (this.generation === generation) this.perResource.delete(uri);
          return defaultServerSettings();
        },
      );
      this.perResource.set(uri, cached);
    }
    return cached;
  }

  /** Handles `workspace/didChangeConfiguration`: drops the cache and bumps the generation. */
  changed(params: DidChangeConfigurationParams): void {
    this.perResource.clear();
    if (!this.pullsConfiguration) {
      const s: unknown = params?.settings;
      this.global = parseSettings(isObject(s) ? s.cachelint : undefined);
    }
    this.generation++;
  }

  /** Forgets a closed document's settings. */
  forget(uri: string): void {
    this.perResource.delete(uri);
  }
}
