// Machine-readable JSON output (`version: 1`): every analysed file with its findings, 1-based positions.
import type { Finding, TextRange } from '../../analyzer/types';
import type { Report } from '../main';

interface JsonPosition {
  line: number;
  column: number;
}

interface JsonRange {
  start: JsonPosition;
  end: JsonPosition;
}

/**
 * `{"version":1,"files":[{"path","dialect","findings":[...]}]}` — every input file and every file it
 * includes, even without findings; paths as given on the command line or relative to the current
 * directory; lines and columns 1-based, columns in UTF-16 code units, `end` exclusive.
 */
export function formatJson(report: Report): string {
  const range = (path: string, r: TextRange): JsonRange => ({
    start: report.position(path, r.start),
    end: report.position(path, r.end),
  });
  const finding = (f: Finding) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    range: range(f.path, f.range),
    fixes: f.fixes.map((fix) => ({
      title: fix.title,
      safe: fix.safe,
      edits: fix.edits.map((e) => ({
        path: report.display(e.path),
        range: range(e.path, { start: e.start, end: e.end }),
        newText: e.newText,
      })),
    })),
    related: f.related.map((r) => ({ path: report.display(r.path), range: range(r.path, r.range), message: r.message })),
  });
  const doc = {
    version: 1,
    files: report.files.map((file) => ({
      path: report.display(file.path),
      dialect: file.dialect,
      findings: file.findings.map(finding),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
