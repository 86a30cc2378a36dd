// The VCL corpus in ../shared against varnishd -C 7.1.1: no compiler-grade error on any VCL Varnish
// accepts, and the share of rejected VCL that cachelint flags (kept from falling back). Read in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { RULES } from '../../server/src/analyzer/rules';
import { createNodeFileProvider } from '../../server/src/node/fileProvider';

const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../shared/corpus');
const available = fs.existsSync(path.join(CORPUS, 'LABELS.tsv'));
/** The compiler-grade VCL rules (what `varnishd -C` rejects): the VCL rules of the syntax category. */
const COMPILER = new Set(RULES.filter((r) => r.dialect === 'vcl' && r.meta.category === 'syntax').map((r) => r.id));
/** Flagged share of the VCL varnishd rejects, measured when this test was written; it must not drop. */
const MIN_FLAGGED = 0.88;

/** Test-suite blocks compiled with vcc_err_unref off: unused declarations are allowed there. */
function unrefOff(): Set<string> {
  const file = path.join(CORPUS, 'vcl', 'varnishcache__varnish-cache', 'VTC_EXPECTED.tsv');
  if (!fs.existsSync(file)) return new Set();
  const rows = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  return new Set(rows.filter((r) => /"vcc_err_unref": "(off|false)"/.test(r[7] ?? '')).map((r) => r[0]));
}

test('VCL corpus agrees with varnishd -C 7.1.1', { skip: available ? false : `corpus not found at ${CORPUS} (set CACHELINT_CORPUS)` }, () => {
  const rows = fs.readFileSync(path.join(CORPUS, 'LABELS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const provider = createNodeFileProvider();
  const settings = defaultSettings();
  const lenient = unrefOff();
  const falseErrors: string[] = [];
  let accepted = 0;
  let rejected = 0;
  let flagged = 0;
  for (const [file, kind, , verdict] of rows) {
    if (kind !== 'vcl' || verdict.startsWith('blocked')) continue;
    const abs = path.join(CORPUS, file);
    const r = analyzeEntries([abs], { provider, settings });
    assert.deepEqual(r.internalErrors, [], file);
    const errors = r.findings.filter((f) => f.path === abs && COMPILER.has(f.ruleId) && f.severity === 'error');
    if (verdict.startsWith('valid')) {
      accepted++;
      for (const f of errors) {
        if (f.ruleId === 'vcl/unused-declaration' && lenient.has(file)) continue;
        falseErrors.push(`${file}:${r.files.get(abs)!.lines.positionAt(f.range.start).line + 1}: ${f.message} [${f.ruleId}]`);
      }
    } else if (verdict === 'invalid') {
      rejected++;
      if (errors.length) flagged++;
    }
  }
  console.log(`VCL corpus: ${accepted} accepted by varnishd, ${falseErrors.length} with a compiler-grade error; ${rejected} rejected, ${flagged} flagged (${((100 * flagged) / Math.max(1, rejected)).toFixed(1)}%)`);
  assert.ok(accepted > 1000, `accepted VCL checked: ${accepted}`);
  assert.deepEqual(falseErrors, [], 'errors on VCL that varnishd accepts');
  assert.ok(flagged / rejected >= MIN_FLAGGED, `flagged ${flagged} of ${rejected} rejected VCL`);
});
