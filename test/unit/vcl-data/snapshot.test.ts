// The 7.1 view of the VCL knowledge tables against the ground truth recorded from varnishd 7.1.1 by
// generate.ts: fixtures/probe-7.1.1.json (one compile per variable × subroutine × access, per return action ×
// subroutine, per function × subroutine) and fixtures/vcl-var-7.1.1.json (`man 7 vcl-var`). No varnishd needed;
// varnishd.test.ts re-checks a random sample live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  builtinVcl,
  canAccess,
  expandScope,
  isCallableIn,
  legalReturns,
  lookupFunction,
  lookupVariable,
  variablesFor,
  type Access,
} from '../../../server/src/analyzer/vcl/data';
import { FUNCTION_CALLS, type ProbeSnapshot } from './generate';
import type { ManVariable } from './manpage';
import { concreteName } from './varnishd';

const FIX = path.join(__dirname, 'fixtures');
const snap = JSON.parse(fs.readFileSync(path.join(FIX, 'probe-7.1.1.json'), 'utf8')) as ProbeSnapshot;
const doc = JSON.parse(fs.readFileSync(path.join(FIX, 'vcl-var-7.1.1.json'), 'utf8')) as { variables: ManVariable[] };
const SUBS = [...snap.methods, ...snap.helpers];
const ACCESS: Access[] = ['read', 'write', 'unset'];

test('the probe snapshot is complete (varnishd 7.1.1, 14 methods + 21 helpers)', () => {
  assert.match(snap.varnishd, /varnish-7\.1\.1/);
  assert.equal(snap.methods.length, 14);
  assert.equal(snap.helpers.length, 21);
  assert.equal(snap.variables.length, doc.variables.length + 27);
  assert.ok(snap.compiles > 15000);
});

test('every variable × subroutine × access agrees with varnishd 7.1.1', () => {
  let triples = 0;
  const diffs: string[] = [];
  for (const e of snap.variables) {
    const name = concreteName(e.name);
    if (!lookupVariable(name, '7.1', e.syntax)) continue; // names unknown to 7.1: next test
    for (const sub of SUBS)
      for (const op of ACCESS) {
        triples++;
        const want = e[op].includes(sub);
        if (canAccess(name, op, sub, '7.1', e.syntax) !== want) diffs.push(`${e.name} (vcl ${e.syntax}) ${op} in ${sub}: varnishd ${want ? 'accepts' : 'rejects'}`);
      }
  }
  assert.deepEqual(diffs, []);
  assert.equal(triples, 118 * 35 * 3, 'all documented variables plus the five header probes');
});

test('names unknown to varnishd 7.1.1 are unknown to the 7.1 table, and vice versa', () => {
  for (const e of snap.variables) {
    const name = concreteName(e.name);
    const accepted = e.read.length + e.write.length + e.unset.length > 0;
    assert.equal(Boolean(lookupVariable(name, '7.1', e.syntax)), accepted, e.name);
    if (!accepted) for (const op of ACCESS) assert.deepEqual(e.rejected[op], ['unknown-symbol'], `${e.name} ${op}`);
  }
});

test('every rejection was an access error (the probes were well-typed)', () => {
  const allowed: Record<Access, string[]> = {
    read: ['not-available', 'unknown-symbol', 'type'],
    write: ['cannot-set', 'read-only', 'not-available', 'not-settable', 'unknown-symbol', 'type'],
    unset: ['cannot-unset', 'not-unsettable', 'unknown-symbol'],
  };
  for (const e of snap.variables)
    for (const op of ACCESS) {
      for (const k of e.rejected[op]) assert.ok(allowed[op].includes(k), `${e.name} ${op}: ${k}`);
      // Type errors (BODY cannot be compared, HTTP cannot be assigned) only where the access is impossible anyway.
      if (e.rejected[op].includes('type')) assert.deepEqual(e[op], [], `${e.name} ${op}`);
    }
});

test('return actions per subroutine agree with varnishd 7.1.1', () => {
  for (const sub of SUBS) {
    const probed = snap.returns[sub].accepted.filter((a) => !a.includes('(')).sort();
    const table = legalReturns(sub, '7.1')!.filter((a) => a !== 'vcl').sort(); // vcl(label) needs a loaded label
    assert.deepEqual(probed, table, sub);
    assert.deepEqual(snap.returns[sub].rejected.filter((k) => !['invalid-return', 'unknown-action'].includes(k)), [], sub);
  }
  assert.ok(snap.returns.vcl_backend_response.accepted.includes('pass(DURATION)'));
  assert.ok(snap.returns.vcl_recv.accepted.includes('fail(STRING)'));
  assert.ok(snap.returns.vcl_backend_fetch.accepted.includes('error(INT, STRING)'));
});

test('function call sites agree with varnishd 7.1.1', () => {
  const fname = (f: string) => f.replace(/^new /, '');
  for (const [f, subs] of Object.entries(snap.functions)) {
    const info = lookupFunction(fname(f), '7.1');
    assert.ok(info, f);
    // The probe's argument must be readable there too (std.collect(req.http.X-Probe), std.rollback(req)).
    const arg = /\((req(?:\.http\.[\w-]+)?)\)/.exec(FUNCTION_CALLS[f])?.[1];
    for (const sub of SUBS) {
      const compiles = subs.includes(sub);
      const argOk = !arg || canAccess(arg, 'read', sub, '7.1') === true;
      // Compile-enforced call sites must match exactly; runtime-enforced ones compile wherever the argument is available.
      const expected: boolean = info.enforced === 'compile' ? isCallableIn(fname(f), sub, '7.1') === true && argOk : argOk;
      assert.equal(compiles, expected, `${f} in ${sub}`);
    }
  }
});

test('types and scopes agree with man 7 vcl-var of 7.1.1 (documented exceptions only)', () => {
  const table = variablesFor('7.1');
  const exceptions: string[] = [];
  for (const d of doc.variables) {
    const syntax = d.vcl === '<=4.0' ? '4.0' : d.vcl === '>=4.1' ? '4.1' : undefined;
    const t = table.find((x) => x.name === d.name && x.syntax === syntax);
    assert.ok(t, `${d.name} ${d.vcl ?? ''}`);
    assert.equal(t.type, d.type, d.name);
    for (const [k, list] of [
      ['read', t.readable],
      ['write', t.writable],
      ['unset', t.unsettable],
    ] as const) {
      const documented = expandScope(d[k], '7.1');
      if (documented.join() !== list.join()) {
        exceptions.push(`${d.name} ${k}`);
        assert.ok(t.note, `${d.name} ${k}: table differs from the man page without a note`);
      }
    }
  }
  assert.deepEqual(exceptions, ['storage.<name>.free_space read', 'storage.<name>.happy read', 'storage.<name>.used_space read']);
});

test('the 7.1 built-in VCL text is the one varnishd 7.1.1 prints (fixture)', () => {
  assert.equal(builtinVcl('7.1'), fs.readFileSync(path.join(FIX, 'builtin-7.1.1.vcl'), 'utf8'));
  assert.equal(builtinVcl('6.0'), fs.readFileSync(path.join(FIX, 'builtin-6.0.16.vcl'), 'utf8'));
  assert.equal(builtinVcl('8.0'), fs.readFileSync(path.join(FIX, 'builtin-8.0.vcl'), 'utf8'));
});
