// The project's invariants: registry == rule files, docs and fixtures for every rule, settings in
// package.json match the registry, and the analyzer stays pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/analyzer/rules';

const ROOT = path.join(__dirname, '..', '..');
const RULE_DIR = path.join(ROOT, 'server/src/analyzer/rules');

test('the registry lists exactly the rule files, each id equal to its file name', () => {
  const files: string[] = [];
  for (const dialect of fs.readdirSync(RULE_DIR).filter((d) => fs.statSync(path.join(RULE_DIR, d)).isDirectory())) {
    for (const f of fs.readdirSync(path.join(RULE_DIR, dialect))) {
      const text = fs.readFileSync(path.join(RULE_DIR, dialect, f), 'utf8');
      if (/define(Vcl)?Rule\(/.test(text)) files.push(`${dialect}/${f.replace(/\.ts$/, '')}`);
    }
  }
  assert.deepEqual(RULES.map((r) => r.id).sort(), files.sort());
  assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
});

test('every rule has docs and fixtures (one that reports, one look-alike that must not)', () => {
  for (const r of RULES) {
    const d = r.meta.docs;
    assert.ok(d.summary && d.why && d.bad && d.good, `${r.id} docs`);
    const dir = path.join(ROOT, 'test/rules/fixtures', r.id);
    const ext = r.dialect === 'vcl' ? 'vcl' : 'conf';
    assert.ok(fs.existsSync(path.join(dir, `report.${ext}`)), `${r.id} report fixture`);
    assert.ok(fs.existsSync(path.join(dir, `clean.${ext}`)), `${r.id} look-alike fixture`);
  }
});

test('package.json declares a severity setting for every rule, and nothing else', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties['cachelint.rules'].properties;
  assert.deepEqual(Object.keys(props).sort(), RULES.map((r) => r.id).sort());
  for (const r of RULES) {
    assert.deepEqual(props[r.id].enum, ['off', 'hint', 'info', 'warning', 'error']);
    assert.equal(props[r.id].default, r.meta.defaultSeverity);
  }
});

test('the analyzer imports nothing from vscode, the LSP libraries or Node I/O', () => {
  const forbidden = /from\s+['"](vscode[^'"]*|fs|path|process|child_process|os|node:[^'"]+)['"]/;
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return fs.statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
    });
  for (const f of walk(path.join(ROOT, 'server/src/analyzer'))) {
    const m = forbidden.exec(fs.readFileSync(f, 'utf8'));
    assert.equal(m, null, `${path.relative(ROOT, f)} imports ${m?.[1]}`);
  }
});
