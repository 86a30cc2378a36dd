// Everything generated from the rule registry: the README's rule table, the `cachelint.rules` settings in
// package.json and one documentation page per rule under docs/rules/. `--write` updates them in place;
// test/meta/readme.test.ts fails when they drift apart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/analyzer/rules';
import type { Rule } from '../../server/src/analyzer/rules/rule';

export const ROOT = path.join(__dirname, '..', '..');
export const DOCS = path.join(ROOT, 'docs', 'rules');

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function ruleTable(): string {
  const rows = RULES.map((r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.meta.defaultSeverity} | ${r.meta.fix === 'none' ? '—' : r.meta.fix} | ${cell(r.meta.docs.summary)} |`);
  return ['| rule | default | fix | reports |', '|---|---|---|---|', ...rows, ''].join('\n');
}

/** The `cachelint.rules` property schema of package.json. */
export function ruleSettings(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of RULES) {
    out[r.id] = { type: 'string', enum: ['off', 'hint', 'info', 'warning', 'error'], default: r.meta.defaultSeverity, markdownDescription: r.meta.docs.summary };
  }
  return out;
}

const FIX_TEXT = {
  safe: 'Safe: the quick-fix keeps what nginx serves correct, so fix-all (`source.fixAll.cachelint`) and `cachelint --fix` apply it.',
  unsafe: 'Needs review: the quick-fix is offered in the editor and applied by `cachelint --fix --unsafe-fixes`, never by fix-all or plain `--fix`, because it can change what is cached for personalised responses.',
  none: 'No automatic fix: the right change depends on the application.',
} as const;

interface LiveEntry {
  rule: string;
  scenario: string;
  status: string;
  beforeText?: string;
  afterText?: string;
  server: string;
}

/** The latest recorded live proofs (`npm run test:live -- --record`), by rule. */
let live: Map<string, LiveEntry> | undefined;
function liveResults(): Map<string, LiveEntry> {
  if (live) return live;
  const file = path.join(ROOT, 'test', 'live', 'results.json');
  if (!fs.existsSync(file)) return (live = new Map());
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { results: LiveEntry[] };
  return (live = new Map(json.results.filter((r) => r.status === 'proven').map((r) => [r.rule, r])));
}

/** The "Measured" section of a rule page, when the rule was proven on the real server. */
function measured(r: Rule): string[] {
  const e = liveResults().get(r.id);
  if (!e) return [];
  const server = e.server.replace(/^nginx version: nginx\//, 'nginx ').replace(/^varnish-/, 'Varnish ');
  const after = r.meta.fix === 'none' ? '' : ` → **${e.afterText}** after cachelint's fix`;
  return ['## Measured', '', `On ${server} (\`npm run test:live\`), ${e.scenario}: **${e.beforeText}**${after}.`, ''];
}

function fence(code: string, lang: string): string {
  return ['```' + lang, code.trimEnd(), '```'].join('\n');
}

/** The documentation page of one rule. */
export function rulePage(r: Rule): string {
  const lang = r.dialect === 'vcl' ? 'vcl' : 'nginx';
  return [
    `# \`${r.id}\``,
    '',
    r.meta.docs.summary,
    '',
    `Default severity: **${r.meta.defaultSeverity}** · category: ${r.meta.category} · dialect: ${r.dialect}`,
    '',
    '## Why it matters',
    '',
    r.meta.docs.why,
    '',
    '## Reported',
    '',
    fence(r.meta.docs.bad, lang),
    '',
    '## Not reported',
    '',
    fence(r.meta.docs.good, lang),
    '',
    ...measured(r),
    '## Fix',
    '',
    FIX_TEXT[r.meta.fix],
    '',
    '## Turning it off',
    '',
    `For one line: \`# cachelint-disable-next-line ${r.id}\` on the line above. For a file: \`# cachelint-disable ${r.id}\`.`,
    `Everywhere: \`"cachelint.rules": { "${r.id}": "off" }\` in the editor settings, or \`--rule ${r.id}=off\` on the command line.`,
    '',
    `The fixtures this rule is tested on: [\`test/rules/fixtures/${r.id}/\`](../../../test/rules/fixtures/${r.id}/).`,
    '',
  ].join('\n');
}

/** docs/rules/README.md: the index of the pages. */
export function docsIndex(): string {
  const rows = RULES.map((r) => `| [\`${r.id}\`](${r.id}.md) | ${r.meta.defaultSeverity} | ${cell(r.meta.docs.summary)} |`);
  return ['# cachelint rules', '', 'Generated from the rule registry (`npx tsx test/meta/ruleTable.ts --write`).', '', '| rule | default | reports |', '|---|---|---|', ...rows, ''].join('\n');
}

/** Every generated docs file: path relative to docs/rules → content. */
export function docsFiles(): Map<string, string> {
  const out = new Map<string, string>([['README.md', docsIndex()]]);
  for (const r of RULES) out.set(`${r.id}.md`, rulePage(r));
  return out;
}

function write(): void {
  const readmeFile = path.join(ROOT, 'README.md');
  const readme = fs.readFileSync(readmeFile, 'utf8');
  fs.writeFileSync(readmeFile, readme.replace(/(<!-- rules:start -->\n)[\s\S]*?(<!-- rules:end -->)/, (_m, a: string, b: string) => a + ruleTable() + b));

  const pkgFile = path.join(ROOT, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  pkg.contributes.configuration.properties['cachelint.rules'].properties = ruleSettings();
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);

  fs.rmSync(DOCS, { recursive: true, force: true });
  for (const [rel, text] of docsFiles()) {
    fs.mkdirSync(path.dirname(path.join(DOCS, rel)), { recursive: true });
    fs.writeFileSync(path.join(DOCS, rel), text);
  }
}

if (require.main === module && process.argv.includes('--write')) write();
