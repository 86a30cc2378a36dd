// Internal consistency of the Varnish knowledge tables (server/src/analyzer/vcl/data), for 6.0, 7.1 and 8.0:
// the built-in VCL of each version only uses subroutines, returns and variable accesses that the tables allow,
// lookups resolve families and syntax variants, version gates agree with each other, and the removed-syntax
// table agrees with the variable / return / subroutine / function tables. No varnishd needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VARIABLES,
  REMOVED_SYNTAX,
  RETURN_ACTIONS,
  RETURNS,
  FUNCTIONS,
  VARNISH_VERSIONS,
  BUILTIN_SUBS,
  accessError,
  builtinSub,
  builtinSubs,
  builtinVcl,
  canAccess,
  expandScope,
  existsIn,
  functionsFor,
  isCallableIn,
  isLegalReturn,
  isReservedSubName,
  knownActions,
  legalReturns,
  legalReturnsInContexts,
  lookupFunction,
  lookupVariable,
  methodsOf,
  parseSignature,
  rejectedIn,
  removedSyntaxFor,
  subroutineContext,
  variablesFor,
  variableVersions,
  type VarnishVersion,
} from '../../../server/src/analyzer/vcl/data';
import { parseSubs } from './vcltext';

test('methods and scopes per version', () => {
  assert.equal(methodsOf('6.0').length, 14);
  assert.equal(methodsOf('7.1').length, 14);
  assert.equal(methodsOf('8.0').length, 15);
  assert.deepEqual(expandScope('vcl_pipe, backend', '7.1'), ['vcl_pipe', 'vcl_backend_fetch', 'vcl_backend_response', 'vcl_backend_error']);
  assert.ok(expandScope('backend', '8.0').includes('vcl_backend_refresh'));
  assert.deepEqual(expandScope('all', '7.1'), [...methodsOf('7.1')]);
  assert.equal(expandScope('client', '6.0').length, 9);
  assert.throws(() => expandScope('clinet', '7.1'));
  assert.ok(existsIn('6.0', '6.0.3') && !existsIn('6.0', '6.2.0') && existsIn('8.0', undefined, '8.0.1') && !existsIn('8.0', undefined, '8.0.0'));
});

for (const v of VARNISH_VERSIONS) {
  test(`built-in VCL ${v}: the subroutines it defines are exactly the table's`, () => {
    const text = builtinVcl(v);
    assert.match(text, /^[#/]/);
    assert.match(text, /\nvcl 4\.0;\n/);
    const defined = parseSubs(text).map((s) => s.name).sort();
    assert.deepEqual(defined, builtinSubs(v).map((s) => s.name).sort());
    for (const s of builtinSubs(v)) {
      assert.ok(s.description.length > 40 && !s.description.includes('\n'), `${s.name} description`);
      assert.ok(s.builtinBehavior, `${s.name} built-in behaviour`);
      assert.equal(subroutineContext(s.name, v), s.context);
      assert.equal(isReservedSubName(s.name, v), false);
    }
  });

  test(`built-in VCL ${v}: every call, return, variable access and function call is legal where it is used`, () => {
    const subs = parseSubs(builtinVcl(v));
    let checked = 0;
    for (const s of subs) {
      const info = builtinSub(s.name, v)!;
      for (const c of s.calls) {
        const callee = builtinSub(c, v);
        assert.ok(callee, `${s.name} calls ${c}`);
        assert.equal(callee.context, info.context, `${c} runs in the task of ${s.name}`);
        assert.ok(callee.calledFrom?.split(', ').includes(s.name), `${c}.calledFrom lists ${s.name}`);
      }
      for (const r of s.returns) {
        assert.equal(isLegalReturn(s.name, r, v), true, `return (${r}) in ${s.name} (${v})`);
        checked++;
      }
      for (const u of s.vars) {
        const syntax = '4.0'; // the built-in VCL declares vcl 4.0
        assert.ok(lookupVariable(u.name, v, syntax), `${u.name} exists in ${v}`);
        assert.equal(canAccess(u.name, u.access, s.name, v, syntax), true, `${u.access} ${u.name} in ${s.name} (${v})`);
        checked++;
      }
      for (const f of s.functions) assert.equal(isCallableIn(f, s.name, v), true, `${f}() in ${s.name}`);
    }
    assert.ok(checked > 40, `${checked} uses checked`);
  });
}

test('built-in VCL differences that the analyzer relies on', () => {
  assert.match(builtinVcl('6.0'), /return \(miss\);/);
  assert.match(builtinVcl('6.0'), /req\.http\.Authorization \|\| req\.http\.Cookie/);
  assert.doesNotMatch(builtinVcl('6.0'), /vcl_builtin_|vcl_req_/);
  assert.match(builtinVcl('7.1'), /sub vcl_req_cookie \{/);
  assert.match(builtinVcl('7.1'), /set beresp\.ttl = 120s;/);
  assert.match(builtinVcl('7.1'), /return \(pipe\);\n\t\}\n\tif \(req\.method != "GET" && req\.method != "HEAD"\)/);
  assert.match(builtinVcl('8.0'), /return \(synth\(501\)\);/);
  assert.match(builtinVcl('8.0'), /set beresp\.ttl = param\.uncacheable_ttl;/);
  assert.equal(builtinSubs('6.0').length, 14);
  assert.equal(builtinSubs('7.1').length, 14 + 21);
  assert.equal(builtinSubs('8.0').length, 15 + 21 + 5);
  assert.equal(subroutineContext('vcl_req_cookie', '7.1'), 'vcl_recv');
  assert.equal(subroutineContext('vcl_req_cookie', '6.0'), undefined);
  assert.equal(subroutineContext('vcl_refresh_status', '8.0'), 'vcl_backend_refresh');
  assert.ok(isReservedSubName('vcl_fetch', '7.1') && isReservedSubName('vcl_req_cookie', '6.0') && !isReservedSubName('my_sub', '7.1'));
  assert.ok(BUILTIN_SUBS.every((s) => s.kind === 'method' || s.since));
});

test('return tables: every method has a list, every action is described and version-gated consistently', () => {
  for (const v of VARNISH_VERSIONS) {
    for (const m of methodsOf(v)) assert.ok(RETURNS[v][m]?.length, `${v} ${m}`);
    for (const a of knownActions(v)) {
      const spec = RETURN_ACTIONS[a];
      assert.ok(spec.description.length > 20);
      assert.ok(existsIn(v, spec.since, spec.removed), `${a} exists in ${v}`);
    }
  }
  assert.deepEqual(knownActions('6.0').filter((a) => !knownActions('7.1').includes(a)), ['miss']);
  assert.deepEqual(knownActions('8.0').filter((a) => !knownActions('7.1').includes(a)), ['beresp', 'merge', 'obj_stale']);
  assert.deepEqual([...legalReturns('vcl_hash', '7.1')!].sort(), ['fail', 'lookup']);
  assert.equal(isLegalReturn('vcl_recv', 'lookup', '7.1'), false);
  assert.equal(isLegalReturn('vcl_hit', 'miss', '6.0'), true);
  assert.equal(isLegalReturn('vcl_hit', 'miss', '7.1'), false);
  assert.equal(isLegalReturn('vcl_beresp_cookie', 'pass', '7.1'), true);
  assert.equal(isLegalReturn('vcl_req_cookie', 'lookup', '7.1'), false);
  assert.equal(isLegalReturn('my_sub', 'pass', '7.1'), undefined);
  assert.deepEqual(legalReturnsInContexts(['vcl_recv', 'vcl_miss'], '7.1'), ['fail', 'synth', 'restart', 'pass']);
});

test('variable table: unique names per syntax, valid scopes, one-line descriptions', () => {
  const seen = new Set<string>();
  for (const s of VARIABLES) {
    const key = `${s.name}@${s.syntax ?? '*'}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
    assert.ok(s.read || s.write || s.unset, `${s.name} is accessible somewhere`);
    assert.ok(s.description.length > 10 && s.description.length < 240 && !s.description.includes('\n'), `${s.name} description`);
    for (const v of VARNISH_VERSIONS) {
      if (!existsIn(v, s.since, s.removed)) continue;
      for (const sc of [s.read, s.write, s.unset, s.changes?.[v]?.read, s.changes?.[v]?.write, s.changes?.[v]?.unset]) expandScope(sc, v);
    }
    if (s.syntax) {
      const other = s.syntax === '4.0' ? '4.1' : '4.0';
      assert.ok(!variablesFor('7.1', other).some((o) => o.name === s.name && o.syntax === s.syntax), `${s.name} only under vcl ${s.syntax}`);
    }
  }
  assert.deepEqual(VARNISH_VERSIONS.map((v) => variablesFor(v).length), [97, 113, 132]);
  assert.equal(variablesFor("7.1").length, 113, "the 113 entries of vcl-var(7) 7.1.1");
});

test('variable lookups: families, protected headers, storage, param, syntax variants', () => {
  assert.equal(lookupVariable('req.http.Cookie', '7.1')?.name, 'req.http.*');
  assert.equal(lookupVariable('req.http."grammatically.valid"', '7.1')?.name, 'req.http.*');
  assert.equal(lookupVariable('beresp.http.Set-Cookie', '6.0')?.name, 'beresp.http.*');
  assert.deepEqual(lookupVariable('req.http.Content-Length', '7.1')?.writable.length, 9, '7.1: an ordinary header');
  assert.equal(lookupVariable('req.http.Content-Length', '8.0')?.name, 'req.http.content-length');
  assert.equal(accessError('req.http.Content-Length', 'write', 'vcl_recv', '8.0'), 'Variable is read only.');
  assert.equal(lookupVariable('storage.s0.free_space', '7.1')?.type, 'BYTES');
  assert.equal(lookupVariable('storage.s0.bogus', '7.1'), undefined);
  assert.equal(lookupVariable('param.default_ttl', '7.1'), undefined);
  assert.equal(lookupVariable('param.default_ttl', '8.0')?.name, 'param.<name>');
  assert.equal(lookupVariable('param.uncacheable_ttl', '8.0')?.type, 'DURATION');
  assert.equal(lookupVariable('obj_stale.http.ETag', '8.0')?.name, 'obj_stale.http.*');
  assert.equal(lookupVariable('req.proto', '7.1', '4.0')?.writable.length, 9);
  assert.equal(lookupVariable('req.proto', '7.1', '4.1')?.writable.length, 0);
  assert.equal(lookupVariable('req.esi', '7.1', '4.1'), undefined);
  assert.equal(lookupVariable('req.esi', '7.1', '4.0')?.type, 'BOOL');
  assert.equal(lookupVariable('nope', '7.1'), undefined);
});

test('variable access and the messages varnishd 7.1.1 prints', () => {
  assert.equal(canAccess('beresp.ttl', 'read', 'vcl_recv', '7.1'), false);
  assert.equal(accessError('beresp.ttl', 'read', 'vcl_recv', '7.1'), "Not available in subroutine 'vcl_recv'.");
  assert.equal(accessError('beresp.ttl', 'write', 'vcl_recv', '7.1'), "Cannot be set in subroutine 'vcl_recv'.");
  assert.equal(accessError('resp.http.X', 'write', 'vcl_recv', '7.1'), "Cannot be set in subroutine 'vcl_recv'.");
  assert.equal(accessError('req.http.X', 'write', 'vcl_backend_fetch', '7.1'), "Cannot be set in subroutine 'vcl_backend_fetch'.");
  assert.equal(accessError('client.ip', 'write', 'vcl_recv', '7.1'), 'Variable is read only.');
  assert.equal(accessError('req.can_gzip', 'write', 'vcl_backend_fetch', '7.1'), "Not available in subroutine 'vcl_backend_fetch'.");
  assert.equal(accessError('req.url', 'unset', 'vcl_recv', '7.1'), 'Variable cannot be unset.');
  assert.equal(accessError('bereq.body', 'write', 'vcl_backend_fetch', '7.1'), 'Variable cannot be set.');
  assert.equal(accessError('req.http.X', 'unset', 'vcl_init', '7.1'), "Cannot be unset in subroutine 'vcl_init'.");
  assert.equal(accessError('beresp.ttl', 'write', 'vcl_req_cookie', '7.1'), "Cannot be set from subroutine 'vcl_recv'.");
  assert.equal(accessError('beresp.ttl', 'write', 'vcl_beresp_cookie', '7.1'), undefined);
  assert.equal(canAccess('req.url', 'read', 'my_custom_sub', '7.1'), undefined);
});

test('version differences of variables', () => {
  const has = (n: string, v: VarnishVersion, syntax: '4.0' | '4.1' = '4.1') => Boolean(lookupVariable(n, v, syntax));
  assert.deepEqual(variableVersions('req.is_hitmiss'), ['6.0', '7.1', '8.0']);
  assert.deepEqual(variableVersions('req.hash_ignore_vary'), ['7.1', '8.0']);
  assert.deepEqual(variableVersions('req.filters'), ['8.0']);
  assert.deepEqual(variableVersions('beresp.do_stream'), ['6.0', '7.1', '8.0']);
  assert.deepEqual(variableVersions('beresp.filters'), ['7.1', '8.0']);
  assert.deepEqual(variableVersions('obj_stale.is_valid'), ['8.0']);
  assert.ok(has('sess.timeout_idle', '6.0') && !has('sess.send_timeout', '6.0'));
  assert.ok(!has('req.time', '6.0') && has('req.time', '7.1'));
  assert.equal(lookupVariable('req.xid', '7.1')?.type, 'STRING');
  assert.equal(lookupVariable('req.xid', '8.0')?.type, 'INT');
  assert.equal(canAccess('client.identity', 'read', 'vcl_backend_fetch', '6.0'), false);
  assert.equal(canAccess('client.identity', 'read', 'vcl_backend_fetch', '7.1'), true);
  assert.equal(canAccess('resp.proto', 'write', 'vcl_deliver', '6.0'), true);
  assert.equal(canAccess('resp.proto', 'write', 'vcl_deliver', '7.1'), false);
  assert.equal(canAccess('req.is_hitmiss', 'read', 'vcl_recv', '7.1'), true);
  assert.equal(canAccess('req.is_hitmiss', 'read', 'vcl_recv', '8.0'), false);
  assert.equal(canAccess('req.grace', 'unset', 'vcl_recv', '7.1'), false);
  assert.equal(canAccess('req.grace', 'unset', 'vcl_recv', '8.0'), true);
  assert.equal(canAccess('bereq.url', 'read', 'vcl_backend_refresh', '8.0'), true);
  assert.equal(lookupVariable('bereq.url', '8.0')?.evidence, 'derived', 'vcl_backend_refresh part is inferred');
  assert.equal(lookupVariable('req.url', '8.0')?.evidence, 'doc');
  assert.equal(lookupVariable('req.url', '7.1')?.evidence, 'probed');
});

test('removed syntax agrees with the other tables', () => {
  const ids = new Set<string>();
  for (const e of REMOVED_SYNTAX) {
    assert.ok(!ids.has(e.id), `duplicate ${e.id}`);
    ids.add(e.id);
    const rej = rejectedIn(e);
    if (e.deprecated) assert.deepEqual(rej, []);
    for (const v of rej) {
      if (e.kind === 'variable' && /^[a-z_.]+$/.test(e.old)) {
        assert.equal(lookupVariable(e.old, v, e.syntax ?? '4.1'), undefined, `${e.old} gone in ${v}`);
        if (e.syntax === '4.1') assert.ok(lookupVariable(e.old, v, '4.0'), `${e.old} still in vcl 4.0`);
      }
      if (e.kind === 'subroutine') assert.ok(isReservedSubName(e.old, v), `${e.old} reserved in ${v}`);
      if (e.kind === 'return')
        for (const sub of e.inSubs ?? []) if (legalReturns(sub, v)) assert.equal(isLegalReturn(sub, e.old, v), false, `${e.old} in ${sub} (${v})`);
      if (e.kind === 'function' && e.old.startsWith('std.')) assert.equal(lookupFunction(e.old, v), undefined, `${e.old} in ${v}`);
    }
  }
  assert.deepEqual(rejectedIn(REMOVED_SYNTAX.find((e) => e.id === 'return-miss-hit')!), ['7.1', '8.0']);
  assert.deepEqual(rejectedIn(REMOVED_SYNTAX.find((e) => e.id === 'std.real2integer')!), ['8.0']);
  assert.deepEqual(rejectedIn(REMOVED_SYNTAX.find((e) => e.id === 'beresp.cacheable')!), ['6.0', '7.1', '8.0']);
  assert.ok(REMOVED_SYNTAX.find((e) => e.id === 'beresp.cacheable')!.inverted);
  assert.ok(removedSyntaxFor('7.1').some((e) => e.id === 'ban-function'));
  assert.ok(!removedSyntaxFor('6.0').some((e) => e.id === 'ban-function' || e.id === 'return-miss-hit'));
  for (const need of ['vcl_fetch', 'vcl_error', 'req.request', 'beresp.cacheable', 'req.backend', 'remove', 'return-lookup-recv', 'purge-function', 'esi', 'error', 'obj.write'])
    assert.ok(ids.has(need), need);
});

test('functions: signatures parse, scopes expand, version gates apply', () => {
  const keys = new Set<string>();
  for (const f of FUNCTIONS) {
    const key = `${f.of ?? ''}${f.name}`;
    assert.ok(!keys.has(key), `duplicate ${key}`);
    keys.add(key);
    const p = parseSignature(f.signature);
    assert.ok(p.returns, f.name);
    assert.ok(f.description.length > 5);
  }
  assert.deepEqual(parseSignature('VOID collect(HEADER hdr, STRING sep=", ")').params, [
    { type: 'HEADER', name: 'hdr', optional: false, default: undefined },
    { type: 'STRING', name: 'sep', optional: true, default: '", "' },
  ]);
  assert.equal(parseSignature('IP ip(STRING s, [IP fallback], BOOL resolve=1, [STRING p])').params.filter((x) => x.optional).length, 3);
  assert.equal(isCallableIn('hash_data', 'vcl_recv', '7.1'), false);
  assert.equal(isCallableIn('hash_data', 'vcl_builtin_hash', '7.1'), true);
  assert.equal(isCallableIn('synthetic', 'vcl_backend_error', '6.0'), true);
  assert.equal(isCallableIn('directors.round_robin', 'vcl_init', '7.1'), true);
  assert.equal(lookupFunction('std.ban', '6.0'), undefined);
  assert.ok(lookupFunction('std.ban', '7.1'));
  assert.ok(lookupFunction('std.real2integer', '7.1') && !lookupFunction('std.real2integer', '8.0'));
  assert.ok(lookupFunction('std.now', '8.0') && !lookupFunction('std.now', '7.1'));
  assert.equal(lookupFunction('.backend', '7.1', 'directors.shard')?.params.length, 9);
  for (const v of VARNISH_VERSIONS) assert.ok(functionsFor(v).every((f) => f.callableMethods.length > 0), v);
});

test('function signatures per version', () => {
  assert.equal(lookupFunction('std.duration', '6.0')?.params.filter((p) => !p.optional).length, 2);
  assert.equal(lookupFunction('std.duration', '7.1')?.params.filter((p) => !p.optional).length, 0);
  assert.equal(lookupFunction('std.integer', '8.0')?.returns, 'INT');
});
