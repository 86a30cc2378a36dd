// vcl/type-error against varnishd 7.1.1: 2,000 statements (hand-picked and seeded random combinations of typed
// values, operators and places) recorded with generate-types.ts. cachelint must never call an accepted statement
// an error, and must find the refused ones. When varnishd 7.1 is installed (always in CI) fresh random cases are
// compiled live as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries } from '../../../server/src/analyzer/analyze';
import { defaultSettings } from '../../../server/src/analyzer/types';
import { RULES } from '../../../server/src/analyzer/rules';
import { memory } from './memory';
import { randomTypeCases, typeCaseVcl } from '../vcl-data/typeCases';
import type { TypeCase } from '../vcl-data/generate-types';
import { compile, varnishdVersion } from '../vcl-data/varnishd';
import { mapLimit } from '../../mapLimit';

const COMPILER = new Set(RULES.filter((r) => r.dialect === 'vcl' && r.meta.category === 'syntax').map((r) => r.id));
const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, '../vcl-data/fixtures/types-7.1.1.json'), 'utf8')) as { varnishd: string; cases: TypeCase[] };

function errors(stmt: string) {
  const file = '/t/case.vcl';
  const r = analyzeEntries([file], { provider: memory({ [file]: typeCaseVcl(stmt) }), settings: defaultSettings() });
  assert.deepEqual(r.internalErrors, [], stmt);
  return r.findings.filter((f) => COMPILER.has(f.ruleId) && f.severity === 'error');
}

function compare(cases: readonly TypeCase[]) {
  const falseErrors: string[] = [];
  const misses: string[] = [];
  for (const c of cases) {
    const found = errors(c.stmt);
    if (c.ok && found.length) falseErrors.push(`${c.stmt} → ${found.map((f) => `${f.ruleId}: ${f.message}`).join('; ')}`);
    if (!c.ok && !found.length) misses.push(`${c.stmt} → varnishd: ${c.message}`);
  }
  return { falseErrors, misses };
}

test('agrees with varnishd 7.1.1 on the recorded expressions', () => {
  assert.match(recorded.varnishd, /varnish-7\.1\.1/);
  assert.ok(recorded.cases.length > 1900);
  const { falseErrors, misses } = compare(recorded.cases);
  const refused = recorded.cases.filter((c) => !c.ok).length;
  console.log(`type cases: ${recorded.cases.length}, refused by varnishd ${refused}, found ${refused - misses.length}, false errors ${falseErrors.length}`);
  assert.deepEqual(falseErrors, []);
  // The only refusals not found: IP constants that need a DNS lookup, and regexes whose error is not in their
  // structure (a POSIX class name, a range to a class, a quantified anchor, a repeated quantifier).
  assert.ok(misses.every((m) => /could not be resolved|Regexp compilation error/.test(m)), misses.join('\n'));
  assert.ok(misses.length <= 5, misses.join('\n'));
});

test('reports the first error of an expression with VCC\'s words, on the operator or operand', () => {
  const cases: [string, RegExp, string][] = [
    ['if (req.ttl < 0) {}', /Comparison of different types: DURATION '<' INT/, '<'],
    ['if (client.ip > "127.0.0.1") {}', /Operator > not possible on IP/, '>'],
    ['if (!std.random(0, 1)) {}', /'!' must be followed by BOOL, found REAL/, '!std.random(0, 1)'],
    ['set req.ttl = 0;', /Expression has type INT, expected DURATION/, '0'],
    ['set req.http.x = "a" - "b";', /STRING - STRING not possible/, '-'],
    ['std.collect("x");', /Expression has type STRING, expected HEADER/, '"x"'],
    ['if (std.fnmatch("a", req.url, nosuch = true)) {}', /Unknown argument 'nosuch'/, 'nosuch'],
    ['set req.http.x = s;', /Symbol 's' can only be used as a SUB expression/, 's'],
    ['std.cache_req_body(1);', /Expected BYTES unit/, '1'],
    ['set req.backend_hint += b;', /Expected '=' got '\+='/, ' += '],
  ];
  for (const [stmt, message, text] of cases) {
    const found = errors(stmt);
    assert.equal(found.length, 1, `${stmt}: ${found.map((f) => f.message).join('; ')}`);
    assert.equal(found[0].ruleId, 'vcl/type-error', stmt);
    assert.match(found[0].message, message, stmt);
    const vcl = typeCaseVcl(stmt);
    assert.equal(vcl.slice(found[0].range.start, found[0].range.end), text, stmt);
  }
});

test('stays silent on what it cannot type: VMODs it does not describe, undefined names, Varnish 6.0 VMOD calls', () => {
  for (const stmt of ['set req.ttl = foo.bar(1);', 'if (nosuch < 1) {}', 'set req.http.x = req.http.y + nosuch.x("a");']) {
    assert.equal(errors(stmt).filter((f) => f.ruleId === 'vcl/type-error').length, 0, stmt);
  }
  const file = '/t/v60.vcl';
  const settings = { ...defaultSettings(), varnishVersion: '6.0' as const };
  const r = analyzeEntries([file], { provider: memory({ [file]: typeCaseVcl('if (std.fnmatch("a")) {}') }), settings });
  assert.equal(r.findings.filter((f) => f.ruleId === 'vcl/type-error').length, 0);
});

const version = varnishdVersion();
const live = Boolean(version && /varnish-7\.1\./.test(version));
test('agrees with the installed varnishd 7.1 on fresh random expressions', { skip: live || process.env.CI === 'true' ? false : `varnishd 7.1 not installed (${version ?? 'no varnishd'})` }, async () => {
  const seed = Number(process.env.VCL_TYPES_SEED ?? Date.now() % 100000);
  console.log(`VCL_TYPES_SEED=${seed}`);
  const stmts = randomTypeCases(seed, 60);
  const results = await mapLimit(stmts, 2, (s) => compile(typeCaseVcl(s)));
  const { falseErrors } = compare(stmts.map((stmt, i) => ({ stmt, ok: results[i].ok, message: results[i].message.split('\n')[0] })));
  assert.deepEqual(falseErrors, [], `seed ${seed}`);
});
