// The extension and the language server execute nothing: no module of theirs can start a process, run code
// from text, or open a network connection, whatever a workspace contains. The only process the extension
// starts is its own bundled server, through vscode-languageclient's `module` option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** An import or require of one of `names` (with or without `node:`). */
const imports = (names: string) => new RegExp(`(from\\s+|require\\(\\s*|import\\(\\s*)['"](node:)?(${names})['"]`);

const FORBIDDEN: Array<[RegExp, string]> = [
  [imports('child_process'), 'child_process'],
  [imports('net|tls|http|https|http2|dgram|dns'), 'a network module'],
  [imports('vm|worker_threads|cluster'), 'a code-running module'],
  [/\beval\s*\(/, 'eval'],
  [/\bnew\s+Function\s*\(/, 'new Function'],
  [/\bnew\s+RegExp\s*\(/, 'a regex built from text'],
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}


test('no module of the extension or the language server can run a program, run code, or reach the network', () => {
  const files = [...sources(path.join(ROOT, 'client', 'src')), ...sources(path.join(ROOT, 'server', 'src'))];
  assert.ok(files.length > 50, `${files.length} source files`);
  const found: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const [re, what] of FORBIDDEN) if (re.test(text)) found.push(`${path.relative(ROOT, f)}: ${what}`);
  }
  assert.deepEqual(found, []);
});

test('the manifest declares restricted-mode support, and no setting names a program to run', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
  const settings = Object.keys(pkg.contributes.configuration.properties ?? {});
  assert.ok(settings.length > 10);
  assert.deepEqual(settings.filter((k) => /path$|command|executable|binary|program/i.test(k) && k !== 'cachelint.varnish.vclPath'), []);
});
