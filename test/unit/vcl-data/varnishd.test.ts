// Checks the 7.1 view of the VCL knowledge tables live against the installed varnishd 7.1 (`varnishd -C`):
// 40 random variable × subroutine × access triples (accept/reject and the compiler's message), random return
// actions, function call sites, reserved subroutine names, every removed-syntax example, and the built-in VCL.
// Skipped when varnishd 7.1 is not installed — except in CI (CI=true), where that is a failure.
// The random sample is seeded: VCL_PROBE_SEED=<n> reproduces a run (the seed is printed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  REMOVED_SYNTAX,
  accessError,
  builtinSubs,
  builtinVcl,
  canAccess,
  isLegalReturn,
  knownActions,
  legalReturns,
  rejectedIn,
  variablesFor,
  type Access,
  type VariableInfo,
} from '../../../server/src/analyzer/vcl/data';
import { compile, concreteName, probeVcl, statement, varnishdVersion } from './varnishd';
import { mapLimit } from '../../mapLimit';
import { rng } from '../../prng';

const version = varnishdVersion();
const is71 = Boolean(version && /varnish-7\.1\./.test(version));
const inCI = process.env.CI === 'true';
const skip = is71 || inCI ? false : `varnishd 7.1 not installed (${version ?? 'no varnishd'})`;

test('varnishd 7.1 is installed where the live checks must run (CI)', { skip: inCI ? false : 'not in CI' }, () => {
  assert.ok(version, 'CI=true but varnishd is missing');
  assert.match(version, /varnish-7\.1\./);
});

const seed = Number(process.env.VCL_PROBE_SEED ?? Date.now() % 1_000_000);
const rand = rng(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const SUBS = builtinSubs('7.1').map((s) => s.name);
const ACCESS: Access[] = ['read', 'write', 'unset'];

test('the built-in VCL of 7.1 is what `varnishd -x builtin` prints', { skip }, () => {
  const printed = execFileSync('varnishd', ['-x', 'builtin'], { encoding: 'utf8' });
  assert.equal(printed, `${builtinVcl('7.1')}\n`);
});

test(`40 random variable × subroutine × access triples agree with varnishd (seed ${seed})`, { skip }, async () => {
  const vars = variablesFor('7.1');
  // Half the sample where the table allows the access, half where it does not, so both outcomes are exercised.
  const triples: { v: VariableInfo; sub: string; op: Access }[] = [];
  while (triples.length < 40) {
    const v = pick(vars);
    const op = pick(ACCESS);
    const sub = pick(SUBS);
    const allowed = canAccess(concreteName(v.name), op, sub, '7.1', v.syntax ?? '4.1');
    if (allowed === (triples.length % 2 === 0)) triples.push({ v, sub, op });
  }
  const results = await mapLimit(triples, 4, ({ v, sub, op }) => {
    const s = statement(op, concreteName(v.name), v.type);
    return compile(probeVcl(sub, s.stmt, { syntax: v.syntax, decl: s.decl }));
  });
  const diffs: string[] = [];
  triples.forEach(({ v, sub, op }, i) => {
    const name = concreteName(v.name);
    const syntax = v.syntax ?? '4.1';
    const allowed = canAccess(name, op, sub, '7.1', syntax);
    const r = results[i];
    if (r.ok !== allowed) diffs.push(`${op} ${name} in ${sub}: table ${allowed}, varnishd ${r.ok}: ${r.message}`);
    const msg = accessError(name, op, sub, '7.1', syntax);
    // BODY variables cannot be compared and HTTP ones not assigned: varnishd reports the type, not the access.
    if (!r.ok && msg && !(op === 'read' && v.type === 'BODY') && !(op === 'write' && v.type === 'HTTP') && !r.message.includes(msg))
      diffs.push(`${op} ${name} in ${sub}: expected "${msg}", varnishd said: ${r.message}`);
  });
  assert.deepEqual(diffs, [], `seed ${seed}`);
});

test(`random return actions agree with varnishd (seed ${seed})`, { skip }, async () => {
  const actions = knownActions('7.1').filter((a) => a !== 'vcl');
  const pairs = Array.from({ length: 16 }, (_, i) => {
    const sub = pick(SUBS);
    const legal = legalReturns(sub, '7.1')!.filter((a) => a !== 'vcl');
    return { sub, action: i % 2 ? pick(legal) : pick(actions) };
  });
  const text = (a: string) => (a === 'synth' ? 'synth(200)' : a === 'error' ? 'error(503)' : a);
  const results = await mapLimit(pairs, 4, ({ sub, action }) => compile(probeVcl(sub, `return (${text(action)});`)));
  pairs.forEach(({ sub, action }, i) => {
    assert.equal(results[i].ok, isLegalReturn(sub, action, '7.1'), `return (${action}) in ${sub}: ${results[i].message}`);
    if (!results[i].ok) assert.match(results[i].message, /Invalid return "/);
  });
  // Actions of other versions are not even known to 7.1.
  for (const a of ['miss', 'merge', 'obj_stale']) {
    const r = await compile(probeVcl(a === 'miss' ? 'vcl_hit' : 'vcl_backend_response', `return (${a});`));
    assert.ok(!r.ok && /Expected return action name/.test(r.message), `${a}: ${r.message}`);
  }
});

test('function call sites and reserved subroutine names agree with varnishd', { skip }, async () => {
  const cases: [string, string, boolean][] = [
    ['vcl_recv', 'hash_data("x");', false],
    ['vcl_hash', 'hash_data("x");', true],
    ['vcl_builtin_hash', 'hash_data(req.url);', true],
    ['vcl_deliver', 'synthetic("x");', false],
    ['vcl_backend_error', 'synthetic("x");', true],
    ['vcl_recv', 'import directors; new x = directors.round_robin();', false],
  ];
  const results = await mapLimit(cases, 4, ([sub, stmt]) => compile(probeVcl(sub, stmt)));
  cases.forEach(([sub, stmt, ok], i) => assert.equal(results[i].ok, ok, `${stmt} in ${sub}: ${results[i].message}`));
  const fetch = await compile('vcl 4.1;\nbackend default { .host = "127.0.0.1"; }\nsub vcl_fetch { }\n');
  assert.match(fetch.message, /The names 'vcl_\*' are reserved for subroutines\./);
  // The helper subroutines may be (re)defined by user VCL; a sample of them, one compile for all.
  const helpers = builtinSubs('7.1').filter((x) => x.kind !== 'method');
  const defs = helpers.map((s) => `sub ${s.name} { }`).join('\n');
  const all = await compile(`vcl 4.1;\nbackend default { .host = "127.0.0.1"; }\n${defs}\n`);
  assert.ok(all.ok, `all ${helpers.length} helper subroutines may be defined: ${all.message}`);
});

test('removed syntax: every example fails on 7.1 where the table says so, and its replacement compiles', { skip }, async () => {
  const withExample = REMOVED_SYNTAX.filter((e) => e.example);
  const wrap = (code: string, sub: string) =>
    code.startsWith('sub ') ? `vcl 4.1;\nbackend default { .host = "127.0.0.1"; }\n${code}\n` : probeVcl(sub, code);
  const results = await mapLimit(withExample, 4, async (e) => ({
    before: await compile(wrap(e.example!.before, e.example!.in ?? 'vcl_recv')),
    after: await compile(wrap(e.example!.after, e.example!.in ?? 'vcl_recv')),
  }));
  withExample.forEach((e, i) => {
    assert.equal(results[i].before.ok, !rejectedIn(e).includes('7.1'), `${e.id} before: ${results[i].before.message}`);
    assert.ok(results[i].after.ok, `${e.id} after: ${results[i].after.message}`);
  });
  assert.ok(withExample.length >= 12, `${withExample.length} examples`);
});
