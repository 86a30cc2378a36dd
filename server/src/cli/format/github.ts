// GitHub Actions workflow commands: one annotation per finding on the pull request's files.
import type { Severity } from '../../analyzer/types';
import type { Report } from '../main';
import { relativeInside } from './sarif';

const COMMANDS: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** Escapes a command's message as GitHub's toolkit does. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value: as a message, plus `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::error file=P,line=L,col=C,endLine=L,endColumn=C,title=RULE::message` per finding (notice for info
 * and hint); paths relative to the current directory, positions 1-based.
 */
export function formatGithub(report: Report): string {
  return report.findings
    .map((f) => {
      const start = report.position(f.path, f.range.start);
      const end = report.position(f.path, f.range.end);
      const props = [
        `file=${escapeProperty(relativeInside(report.cwd, f.path) ?? f.path)}`,
        `line=${start.line}`,
        `col=${start.column}`,
        `endLine=${end.line}`,
        `endColumn=${end.column}`,
        `title=${escapeProperty(f.ruleId)}`,
      ];
      return `::${COMMANDS[f.severity]} ${props.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
}
