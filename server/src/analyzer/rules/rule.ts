// The shape of a rule: metadata for docs and settings, and a check over the analysed configuration.
import type { Fix, RelatedInfo, Settings, Severity, TextRange } from '../types';
import type { NginxModel, ParsedFile } from '../nginx/model';
import type { CachePolicy, ZoneDef } from '../nginx/policy';
import type { VclFile, VclModel } from '../vcl/model';
import type { VarnishVersion } from '../vcl/data';

export interface RuleDocs {
  summary: string;
  why: string;
  bad: string;
  good: string;
}

export interface RuleMeta {
  category: 'syntax' | 'correctness' | 'performance' | 'security' | 'observability';
  defaultSeverity: Severity;
  /** Safe fixes join fix-all and `--fix`; unsafe ones are offered as quick-fixes only. */
  fix: 'safe' | 'unsafe' | 'none';
  docs: RuleDocs;
}

export interface Report {
  path: string;
  range: TextRange;
  message: string;
  fixes?: Fix[];
  related?: RelatedInfo[];
  /** Overrides the default severity for this finding (e.g. an error variant of a warning rule). */
  severity?: Severity;
}

export interface NginxRuleContext {
  model: NginxModel;
  zones: Map<string, ZoneDef[]>;
  /** The effective cache policy of every scope that serves cached requests. */
  policies: CachePolicy[];
  settings: Settings;
  file(path: string): ParsedFile;
  report(r: Report): void;
}

/** What a VCL rule sees: one VCL program (a main file and what it includes), with the built-in VCL. */
export interface VclRuleContext {
  model: VclModel;
  /** The Varnish version the program is checked against (setting `varnish.version`). */
  version: VarnishVersion;
  settings: Settings;
  file(path: string): VclFile;
  report(r: Report): void;
}

export interface NginxRule {
  id: string;
  dialect: 'nginx';
  meta: RuleMeta;
  check(ctx: NginxRuleContext): void;
}

export interface VclRule {
  id: string;
  dialect: 'vcl';
  meta: RuleMeta;
  check(ctx: VclRuleContext): void;
}

export type Rule = NginxRule | VclRule;

/** An nginx rule (one per file under rules/nginx/). */
export function defineRule(rule: Omit<NginxRule, 'dialect'> & { dialect: 'nginx' }): NginxRule {
  return rule;
}

/** A VCL rule (one per file under rules/vcl/). */
export function defineVclRule(rule: Omit<VclRule, 'dialect'> & { dialect: 'vcl' }): VclRule {
  return rule;
}
