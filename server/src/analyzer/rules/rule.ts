// The shape of a rule: metadata for docs and settings, and a check over the analysed configuration.
import type { Dialect, Fix, RelatedInfo, Settings, Severity, TextRange } from '../types';
import type { NginxModel, ParsedFile } from '../nginx/model';
import type { CachePolicy, ZoneDef } from '../nginx/policy';

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

export interface Rule {
  id: string;
  dialect: Dialect;
  meta: RuleMeta;
  check(ctx: NginxRuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
