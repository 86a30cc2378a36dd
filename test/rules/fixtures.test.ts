// Every rule on its fixtures: report.conf (report.vcl) must report on the `#!expect` lines (and only there),
// clean.conf (clean.vcl) (a look-alike) must not report, and applying the rule's fixes must cure what they fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries, applyEdits, collectFixEdits } from '../../server/src/analyzer/analyze';
import { defaultSettings, Settings } from '../../server/src/analyzer/types';
import { RULES } from '../../server/src/analyzer/rules';
import { createNodeFileProvider, createOverlayProvider } from '../../server/src/node/fileProvider';

const FIXTURES = path.join(__dirname, 'fixtures');

/** Rules that report about other rules' findings: their fixtures run with every rule on. */
const NEEDS_ALL_RULES = new Set(['nginx/unused-suppression']);

function onlyRule(id: string): Settings {
  const s = defaultSettings();
  if (NEEDS_ALL_RULES.has(id)) return s;
  for (const r of RULES) s.rules[r.id] = r.id === id ? r.meta.defaultSeverity : 'off';
  return s;
}

function expectedLines(text: string): number[] {
  return text.split(/\r?\n/).flatMap((l, i) => (l.includes('#!expect') ? [i + 1] : []));
}

for (const rule of RULES) {
  const dir = path.join(FIXTURES, rule.id);
  const ext = rule.dialect === 'vcl' ? 'vcl' : 'conf';
  test(`${rule.id}: reports on its fixture, not on the look-alike`, () => {
    const report = path.join(dir, `report.${ext}`);
    const clean = path.join(dir, `clean.${ext}`);
    const provider = createNodeFileProvider();
    const settings = onlyRule(rule.id);
    const r = analyzeEntries([report], { provider, settings });
    assert.deepEqual(r.internalErrors, []);
    const own = (list: typeof r.findings) => list.filter((f) => f.ruleId === rule.id);
    const got = [...new Set(own(r.findingsFor(report)).map((f) => r.files.get(report)!.lines.positionAt(f.range.start).line + 1))];
    assert.deepEqual(got, expectedLines(fs.readFileSync(report, 'utf8')), `lines reported in ${report}`);
    if (!NEEDS_ALL_RULES.has(rule.id)) for (const f of r.findings) assert.equal(f.ruleId, rule.id);
    for (const f of own(r.findings)) {
      assert.ok(f.message.length > 20, 'message says what, why and what to do');
      assert.ok(f.range.end > f.range.start, 'non-empty range');
    }
    const c = analyzeEntries([clean], { provider, settings });
    assert.deepEqual(own(c.findings).map((f) => f.message), [], `look-alike ${clean} must not report`);
  });

  if (rule.meta.fix === 'none') continue;
  test(`${rule.id}: its fixes cure what they fix, and a second pass changes nothing`, () => {
    const report = path.join(dir, `report.${ext}`);
    const base = createNodeFileProvider();
    const settings = onlyRule(rule.id);
    const before = analyzeEntries([report], { provider: base, settings });
    const fixable = before.findings.filter((f) => f.ruleId === rule.id && f.fixes.length > 0);
    assert.ok(fixable.length > 0, 'the fixture has a fixable finding');
    for (const f of fixable) {
      for (const fix of f.fixes) assert.equal(fix.safe, rule.meta.fix === 'safe' ? fix.safe : false, `${rule.id} declares ${rule.meta.fix} fixes`);
    }
    const overlay = new Map<string, string>();
    const edits = collectFixEdits(before.findings.filter((f) => f.ruleId === rule.id), { unsafe: true });
    for (const [p, list] of edits) overlay.set(p, applyEdits(before.files.get(p)!.text, list));
    const provider = createOverlayProvider(base, overlay);
    const after = analyzeEntries([report], { provider, settings });
    const ownAfter = after.findings.filter((f) => f.ruleId === rule.id);
    assert.equal(ownAfter.filter((f) => f.fixes.length > 0).length, 0, `fixable findings left: ${ownAfter.map((f) => f.message).join(' | ')}`);
    const again = collectFixEdits(ownAfter, { unsafe: true });
    assert.equal(again.size, 0, 'a second pass changes nothing');
    // Fixes never break the syntax.
    const syntax = analyzeEntries([report], { provider, settings: onlyRule(rule.dialect === 'vcl' ? 'vcl/syntax' : 'nginx/syntax') });
    assert.deepEqual(syntax.findings.map((f) => f.message), []);
  });
}
