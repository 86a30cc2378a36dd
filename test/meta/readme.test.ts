// The README's rule table is generated from the registry: this test fails when they drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleTable } from './ruleTable';

test('README rule table matches the registry (regenerate with: npx tsx test/meta/ruleTable.ts --write)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const m = /<!-- rules:start -->\n([\s\S]*?)<!-- rules:end -->/.exec(readme);
  assert.ok(m, 'README has the rules markers');
  assert.equal(m[1], ruleTable());
});
