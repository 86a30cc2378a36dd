// The VCL corpus in ../shared against varnishd -C 7.1.1: no compiler-grade error on any VCL Varnish
// accepts, and the share of rejected VCL that cachelint flags (kept from falling back). Read in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries } from '../../server/src/analyzer/analyze';
import { defaultSettings, type VccParameters } from '../../server/src/analyzer/types';
import { RULES } from '../../server/src/analyzer/rules';
import { createNodeFileProvider } from '../../server/src/node/fileProvider';

const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../shared/corpus');
const available = fs.existsSync(path.join(CORPUS, 'LABELS.tsv'));
/** The compiler-grade VCL rules (what `varnishd -C` rejects): the VCL rules of the syntax category. */
const COMPILER = new Set(RULES.filter((r) => r.dialect === 'vcl' && r.meta.category === 'syntax').map((r) => r.id));
/** Flagged share of the VCL varnishd rejects, measured when this test was written; it must not drop. */
const MIN_FLAGGED = 0.9;

/** The varnishd parameters each test-suite block was compiled with (vcc_allow_inline_c, vcc_err_unref). */
function vccParameters(): Map<string, Partial<VccParameters>> {
  const file = path.join(CORPUS, 'vcl', 'varnishcache__varnish-cache', 'VTC_EXPECTED.tsv');
  const out = new Map<string, Partial<VccParameters>>();
  if (!fs.existsSync(file)) return out;
  for (const row of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'))) {
    if (!row[7]) continue;
    const params = JSON.parse(row[7]) as Record<string, string>;
    const on = (v: string | undefined) => (v === undefined ? undefined : v === 'on' || v === 'true');
    const p: Partial<VccParameters> = {};
    if (on(params.vcc_allow_inline_c) !== undefined) p.allowInlineC = on(params.vcc_allow_inline_c);
    if (on(params.vcc_err_unref) !== undefined) p.errUnref = on(params.vcc_err_unref);
    out.set(row[0], p);
  }
  return out;
}

test('VCL corpus agrees with varnishd -C 7.1.1', { skip: available ? false : `corpus not found at ${CORPUS} (set CACHELINT_CORPUS)` }, () => {
  const rows = fs.readFileSync(path.join(CORPUS, 'LABELS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const provider = createNodeFileProvider();
  const params = vccParameters();
  const falseErrors: string[] = [];
  let accepted = 0;
  let rejected = 0;
  let flagged = 0;
  const missed = new Map<string, number>();
  for (const [file, kind, , verdict, reason] of rows) {
    if (kind !== 'vcl' || verdict.startsWith('blocked')) continue;
    const abs = path.join(CORPUS, file);
    const settings = defaultSettings();
    settings.vcc = { ...settings.vcc, ...params.get(file) };
    const r = analyzeEntries([abs], { provider, settings });
    assert.deepEqual(r.internalErrors, [], file);
    const errors = r.findings.filter((f) => f.path === abs && COMPILER.has(f.ruleId) && f.severity === 'error');
    if (verdict.startsWith('valid')) {
      accepted++;
      for (const f of errors) {
        falseErrors.push(`${file}:${r.files.get(abs)!.lines.positionAt(f.range.start).line + 1}: ${f.message} [${f.ruleId}]`);
      }
    } else if (verdict === 'invalid') {
      rejected++;
      if (errors.length) flagged++;
      else {
        const why = /vcl\.label/.test(reason) ? 'refer to VCL labels created at run time' : /DNS|could not be resolved/.test(reason) ? 'need a DNS lookup' : /storage\./.test(reason) ? "name a storage from varnishd's -s" : /Inline-C/.test(reason) ? 'inline C in a VCL with a different parameter set' : 'other';
        missed.set(why, (missed.get(why) ?? 0) + 1);
      }
    }
  }
  console.log(`VCL corpus: ${accepted} accepted by varnishd, ${falseErrors.length} with a compiler-grade error; ${rejected} rejected, ${flagged} flagged (${((100 * flagged) / Math.max(1, rejected)).toFixed(1)}%)`);
  console.log(`not flagged: ${[...missed].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${n} ${w}`).join(', ')}`);
  assert.ok(accepted > 1000, `accepted VCL checked: ${accepted}`);
  assert.deepEqual(falseErrors, [], 'errors on VCL that varnishd accepts');
  assert.ok(flagged / rejected >= MIN_FLAGGED, `flagged ${flagged} of ${rejected} rejected VCL`);
});
