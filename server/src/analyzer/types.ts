// Shared value types of the analyzer: findings, fixes, settings, the file provider. No I/O here.
import type { VarnishVersion } from './vcl/data/versions';

/** Severity of a finding, as shown to users. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';
/** A severity setting for a rule: a severity, or `off` to silence it. */
export type SeveritySetting = Severity | 'off';
export type Dialect = 'nginx' | 'vcl';

/** A half-open range of UTF-16 offsets `[start, end)` into one file's text. */
export interface TextRange {
  start: number;
  end: number;
}

/** Replace `[start, end)` of the file at `path` with `newText`. Offsets are UTF-16 code units. */
export interface TextEdit {
  path: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  /** Imperative title: "Add proxy_ignore_headers Cache-Control Expires". */
  title: string;
  /** Safe fixes are applied by fix-all and `--fix`; unsafe ones only on request. */
  safe: boolean;
  edits: TextEdit[];
}

export interface RelatedInfo {
  path: string;
  range: TextRange;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  path: string;
  range: TextRange;
  fixes: Fix[];
  related: RelatedInfo[];
}
/** Tunable thresholds of the rules. Times in seconds, sizes in bytes. */
export interface Thresholds {
  /** `*_cache_valid` times below this are "tiny" (cache-valid-zero-or-tiny). */
  tinyTtlSeconds: number;
  /** Error statuses (5xx, `any`) cached longer than this are reported (cache-errors-long-ttl). */
  errorTtlSeconds: number;
  /** TTLs up to this are "short": expiries are frequent (missing-use-stale-updating). */
  shortTtlSeconds: number;
  /** `max_size` below this many MB is "small" (max-size-too-small). */
  minMaxSizeMB: number;
  /** Expected average size of a cached response in KB (keys-zone-too-small). */
  averageObjectKB: number;
}

export interface Settings {
  /** Per-rule severity override by rule id. */
  rules: Record<string, SeveritySetting>;
  thresholds: Thresholds;
  /** Extra directive names (third-party modules) accepted anywhere. */
  extraDirectives: string[];
  /** The Varnish version VCL is checked against (return tables, variables, the built-in VCL). */
  varnishVersion: VarnishVersion;
  /** Varnish's `vcl_path`: directories searched for relative includes; empty: the main file's directory. */
  vclPath: string[];
  /** The varnishd parameters that change what VCC accepts. */
  vcc: VccParameters;
}

/** varnishd parameters read by the VCL compiler (`varnishd -p name=value`). */
export interface VccParameters {
  /** `vcc_allow_inline_c` (default off): inline C `C{ … }C` is accepted. */
  allowInlineC: boolean;
  /** `vcc_err_unref` (default on): an unused sub, ACL, backend or probe is an error rather than a warning. */
  errUnref: boolean;
}

export const DEFAULT_VCC: VccParameters = { allowInlineC: false, errUnref: true };

export const DEFAULT_THRESHOLDS: Thresholds = {
  tinyTtlSeconds: 10,
  errorTtlSeconds: 10,
  shortTtlSeconds: 60,
  minMaxSizeMB: 100,
  averageObjectKB: 64,
};

export function defaultSettings(): Settings {
  return { rules: {}, thresholds: { ...DEFAULT_THRESHOLDS }, extraDirectives: [], varnishVersion: '7.1', vclPath: [], vcc: { ...DEFAULT_VCC } };
}

/** How far include expansion goes. */
export interface IncludeLimits {
  /** Includes nested deeper than this (an entry's own includes are level 1) are not followed. */
  maxIncludeDepth: number;
  /** One glob include expands to at most this many files (the first ones in name order). */
  maxGlobFiles: number;
  /** One analysis reads at most this many files; includes beyond are not followed. */
  maxFiles: number;
}

export const DEFAULT_INCLUDE_LIMITS: IncludeLimits = { maxIncludeDepth: 16, maxGlobFiles: 1000, maxFiles: 5000 };

/**
 * Something an analysis left out at an include, and why: a limit of `IncludeLimits` was reached, the
 * include names a network path or URL (never read), or the file exists but was not read (too large,
 * not a regular file). `range` is the include's argument in `path`.
 */
export interface IncludeNotice {
  kind: 'maxIncludeDepth' | 'maxGlobFiles' | 'maxFiles' | 'network' | 'unreadable';
  path: string;
  range: TextRange;
  message: string;
}

/**
 * The analyzer's only window on the file system. Paths are absolute, '/'-separated.
 * Adapters (CLI, LSP) implement it; the LSP overlays open editor buffers.
 */
export interface FileProvider {
  /**
   * The text of a file, or undefined when it does not exist or cannot be read, or (when `maxBytes` is
   * given) is larger than that many bytes.
   */
  readFile(path: string, maxBytes?: number): string | undefined;
  /**
   * Absolute paths of existing files matching a glob (`*`, `?`, `[...]`) pattern, sorted; at most
   * `limit` of them when given (the first in that order).
   */
  glob(pattern: string, limit?: number): string[];
  /** The file's identity (e.g. its real path through symlinks); defaults to the path itself. */
  canonical?(path: string): string;
  /**
   * Why `readFile(path)` gives nothing for a path that exists (e.g. "it is 20 MB, more than the
   * 5 MB limit", "it is a named pipe"); undefined when nothing is there or it reads fine.
   */
  unreadable?(path: string, maxBytes?: number): string | undefined;
  /** Include expansion limits; `DEFAULT_INCLUDE_LIMITS` for those not given. */
  limits?: Partial<IncludeLimits>;
  /** Told of what an analysis left out at an include (the same site may be told more than once). */
  notice?(notice: IncludeNotice): void;
}
