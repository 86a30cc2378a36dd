// Renders the README's rule table from the registry; `--write` updates README.md in place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleRegistry } from '../../server/src/analyzer/analyze';

export function ruleTable(): string {
  const rows = ruleRegistry().map((r) => `| \`${r.id}\` | ${r.defaultSeverity} | ${r.fix === 'none' ? '—' : r.fix} | ${r.summary.replace(/\|/g, '\\|')} |`);
  return ['| rule | default | fix | reports |', '|---|---|---|---|', ...rows, ''].join('\n');
}

if (require.main === module && process.argv.includes('--write')) {
  const file = path.join(__dirname, '../../README.md');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(/(<!-- rules:start -->\n)[\s\S]*?(<!-- rules:end -->)/, (_m, a: string, b: string) => a + ruleTable() + b));
}
