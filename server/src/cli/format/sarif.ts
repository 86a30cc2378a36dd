// SARIF 2.1.0 output for code scanning: the rule registry, results with locations, related locations, safe fixes.
import * as nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RuleInfo } from '../../analyzer/api';
import { ruleDocsUrl } from '../../analyzer/analyze';
import type { Finding, Severity, TextRange } from '../../analyzer/types';
import type { Report } from '../main';

const INFORMATION_URI = 'https://github.com/cachelint/cachelint';
const SRCROOT = 'SRCROOT';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** `path` relative to `cwd`, '/'-separated, when it lies inside `cwd`; otherwise undefined. */
export function relativeInside(cwd: string, path: string): string | undefined {
  const rel = nodePath.relative(cwd, path);
  if (rel === '' || rel.startsWith('..') || nodePath.isAbsolute(rel)) return undefined;
  return rel.split(nodePath.sep).join('/');
}

/** An artifactLocation: relative to the current directory (`SRCROOT`), or an absolute file URI outside it. */
function artifactLocation(cwd: string, path: string): { uri: string; uriBaseId?: string } {
  const rel = relativeInside(cwd, path);
  if (rel === undefined) return { uri: pathToFileURL(path).href };
  return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function ruleDescriptor(info: RuleInfo) {
  return {
    id: info.id,
    shortDescription: { text: info.summary },
    defaultConfiguration: { level: LEVELS[info.defaultSeverity] },
    helpUri: ruleDocsUrl(info.id),
    properties: { category: info.category, dialect: info.dialect, fix: info.fix, tags: [info.category, info.dialect] },
  };
}

/**
 * A SARIF 2.1.0 log with one run: tool.driver (name, version, informationUri, rules from the registry,
 * plus any rule id a finding uses that the registry lacks), results with 1-based regions in UTF-16 code
 * units (end column exclusive), related locations, and the safe fixes as artifact changes.
 */
export function formatSarif(report: Report): string {
  const rules = report.rules.map(ruleDescriptor);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  for (const f of report.findings) {
    if (index.has(f.ruleId)) continue;
    index.set(f.ruleId, rules.length);
    rules.push({
      id: f.ruleId,
      shortDescription: { text: f.ruleId },
      defaultConfiguration: { level: LEVELS[f.severity] },
      helpUri: ruleDocsUrl(f.ruleId),
      properties: { category: 'correctness', dialect: f.path.endsWith('.vcl') ? 'vcl' : 'nginx', fix: 'none', tags: [] },
    });
  }
  const region = (path: string, r: TextRange) => {
    const start = report.position(path, r.start);
    const end = report.position(path, r.end);
    return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  };
  const physical = (path: string, r: TextRange) => ({ artifactLocation: artifactLocation(report.cwd, path), region: region(path, r) });
  const result = (f: Finding) => {
    const out: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId),
      level: LEVELS[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: physical(f.path, f.range) }],
    };
    if (f.related.length) {
      out.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.path, r.range), message: { text: r.message } }));
    }
    const safe = f.fixes.filter((x) => x.safe && x.edits.length > 0);
    if (safe.length) {
      out.fixes = safe.map((fix) => {
        const byPath = new Map<string, typeof fix.edits>();
        for (const e of fix.edits) {
          const list = byPath.get(e.path) ?? [];
          list.push(e);
          byPath.set(e.path, list);
        }
        return {
          description: { text: fix.title },
          artifactChanges: [...byPath].map(([path, edits]) => ({
            artifactLocation: artifactLocation(report.cwd, path),
            replacements: edits.map((e) => ({
              deletedRegion: region(path, { start: e.start, end: e.end }),
              insertedContent: { text: e.newText },
            })),
          })),
        };
      });
    }
    return out;
  };
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'cachelint', version: report.version, semanticVersion: report.version, informationUri: INFORMATION_URI, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(report.cwd.endsWith(nodePath.sep) ? report.cwd : report.cwd + nodePath.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map(result),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
