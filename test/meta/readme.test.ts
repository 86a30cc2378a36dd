// The README's rule table, the rule settings in package.json and the rule pages in docs/rules/ are
// generated from the registry: these tests fail when they drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOCS, ROOT, docsFiles, ruleSettings, ruleTable } from './ruleTable';

const REGENERATE = '(regenerate with: npx tsx test/meta/ruleTable.ts --write)';

test(`README rule table matches the registry ${REGENERATE}`, () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- rules:start -->\n([\s\S]*?)<!-- rules:end -->/.exec(readme);
  assert.ok(m, 'README has the rules markers');
  assert.equal(m[1], ruleTable());
});

test(`package.json rule settings match the registry ${REGENERATE}`, () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.configuration.properties['cachelint.rules'].properties, ruleSettings());
});

test(`docs/rules has exactly one current page per rule ${REGENERATE}`, () => {
  const expected = docsFiles();
  const onDisk = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else onDisk.set(path.relative(DOCS, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
    }
  };
  if (fs.existsSync(DOCS)) walk(DOCS);
  assert.deepEqual([...onDisk.keys()].sort(), [...expected.keys()].sort());
  for (const [rel, text] of expected) assert.equal(onDisk.get(rel), text, `docs/rules/${rel} is stale`);
});
