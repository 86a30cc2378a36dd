// Control flow through subs: paths with their conditions and polarity, calls inlined, `return;` back to the
// caller, recursion guarded, the built-in code run after a vcl_* sub falls off its end, guarded reachability.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVclModel, type VclModel } from '../../../server/src/analyzer/vcl/model';
import { facts, paths, possibleReturns, reaches, type FlowPath, type FlowStep } from '../../../server/src/analyzer/vcl/flow';
import type { Expr } from '../../../server/src/analyzer/vcl/tree';
import { memory } from './memory';

/** A reduced built-in VCL with the 7.1 layout: vcl_recv calls helpers, each may return. */
const BUILTIN = `vcl 4.0;
sub vcl_recv { call vcl_builtin_recv; return (hash); }
sub vcl_builtin_recv { call vcl_req_method; call vcl_req_authorization; call vcl_req_cookie; }
sub vcl_req_method { if (req.method != "GET" && req.method != "HEAD") { return (pass); } }
sub vcl_req_authorization { if (req.http.Authorization) { return (pass); } }
sub vcl_req_cookie { if (req.http.Cookie) { return (pass); } }
sub vcl_hash { hash_data(req.url); return (lookup); }
`;

function build(text: string, builtin?: string): VclModel {
  return buildVclModel(['/v/main.vcl'], { provider: memory({ '/v/main.vcl': 'vcl 4.1;\nbackend b { .host = "x"; }\n' + text, '/v/inc.vcl': 'set req.http.from-include = "1";\n' }), builtin });
}

/** A path as text: the conditions (`!` when false), then the end. Built-in conditions are marked `@`. */
function render(m: VclModel, p: FlowPath): string {
  const src = (builtin: boolean, e: Expr) => (builtin ? m.builtin!.tree.text : m.files.get('/v/main.vcl')!.text).slice(e.start, e.end);
  const conds = p.conditions.map((c) => `${c.polarity ? '' : '!'}${c.builtin ? '@' : ''}[${src(c.builtin, c.expr)}]`);
  const end = p.end.kind === 'return' ? `${p.end.action}${p.end.step.builtin ? '@' : ''}` : p.end.kind;
  return `${conds.join(' ')} => ${end}`;
}

test('paths through if / elsif / else, with polarity, on user code only', () => {
  const m = build(`sub s {
  if (req.url ~ "^/a") { return (pass); }
  elsif (req.url ~ "^/b") { set req.http.x = "b"; }
  else { return (pipe); }
  set req.http.after = "1";
}`);
  const r = paths(m, 's');
  assert.ok(r.complete && r.defined);
  assert.deepEqual(r.paths.map((p) => render(m, p)), [
    '[req.url ~ "^/a"] => pass',
    '![req.url ~ "^/a"] [req.url ~ "^/b"] => end',
    '![req.url ~ "^/a"] ![req.url ~ "^/b"] => pipe',
  ]);
  // The steps of the fall-through path, in order (if statements are not steps).
  assert.deepEqual(r.paths[1].steps.map((s) => s.stmt.type), ['set', 'set']);
  assert.equal(paths(m, 'nope').defined, false);
});

test('calls are inlined: `return;` goes back to the caller, `return (x)` ends everything', () => {
  const m = build(`sub check { if (req.http.X-Skip) { return; } if (req.http.X-Pass) { return (pass); } set req.http.checked = "1"; }
sub s { call check; set req.http.after = "1"; }`);
  const r = paths(m, 's');
  assert.deepEqual(r.paths.map((p) => render(m, p)), [
    '[req.http.X-Skip] => end',
    '![req.http.X-Skip] [req.http.X-Pass] => pass',
    '![req.http.X-Skip] ![req.http.X-Pass] => end',
  ]);
  const steps = (p: FlowPath) => p.steps.map((s) => `${s.sub}:${s.stmt.type}:${s.callDepth}`);
  assert.deepEqual(steps(r.paths[0]), ['s:call:0', 'check:return:1', 's:set:0']);
  assert.deepEqual(steps(r.paths[2]), ['s:call:0', 'check:set:1', 's:set:0']);
});

test('recursion is cut and undefined subs are skipped, both marked on the step', () => {
  const m = build('sub a { call b; } sub b { call a; call missing; }');
  const r = paths(m, 'a');
  assert.equal(r.paths.length, 1);
  const calls = r.paths[0].steps.filter((s) => s.stmt.type === 'call');
  assert.deepEqual(calls.map((s) => [s.sub, s.recursive ?? false, s.unresolved ?? false]), [['a', false, false], ['b', true, false], ['b', false, true]]);
});

test('a vcl_* sub that falls off its end runs the built-in code after the user code', () => {
  const m = build('sub vcl_recv { if (req.url ~ "^/static") { unset req.http.Cookie; return (hash); } }', BUILTIN);
  const r = paths(m, 'vcl_recv');
  assert.ok(r.builtinRan && r.complete);
  assert.deepEqual(r.paths.map((p) => render(m, p)), [
    '[req.url ~ "^/static"] => hash',
    '![req.url ~ "^/static"] @[req.method != "GET" && req.method != "HEAD"] => pass@',
    '![req.url ~ "^/static"] !@[req.method != "GET" && req.method != "HEAD"] @[req.http.Authorization] => pass@',
    '![req.url ~ "^/static"] !@[req.method != "GET" && req.method != "HEAD"] !@[req.http.Authorization] @[req.http.Cookie] => pass@',
    '![req.url ~ "^/static"] !@[req.method != "GET" && req.method != "HEAD"] !@[req.http.Authorization] !@[req.http.Cookie] => hash@',
  ]);
  // Without the built-in code (or with builtin: false) the sub just ends.
  assert.deepEqual(paths(build('sub vcl_recv { }'), 'vcl_recv').paths.map((p) => p.end.kind), ['end']);
  assert.deepEqual(paths(m, 'vcl_recv', { builtin: false }).paths.map((p) => render(m, p)), ['[req.url ~ "^/static"] => hash', '![req.url ~ "^/static"] => end']);
});

test('overriding a built-in helper: the user code runs first, `return;` skips the built-in part', () => {
  const m = build('sub vcl_req_cookie { return; }', BUILTIN);
  const ends = paths(m, 'vcl_recv').paths.map((p) => render(m, p));
  assert.ok(!ends.some((e) => e.includes('Cookie')), ends.join('\n'));
  assert.deepEqual(ends.at(-1), '!@[req.method != "GET" && req.method != "HEAD"] !@[req.http.Authorization] => hash@');
});

test('includes inside a sub are followed', () => {
  const m = build('sub s { include "inc.vcl"; return (pass); }');
  const p = paths(m, 's').paths[0];
  assert.deepEqual(p.steps.map((s) => [s.stmt.type, s.file]), [['set', '/v/inc.vcl'], ['return', '/v/main.vcl']]);
});

const isHash = (s: FlowStep) => s.stmt.type === 'return' && s.stmt.action?.text === 'hash' && !s.builtin;
/** Guard: the taken condition guarantees there is no Authorization header. */
const noAuth = (e: Expr, polarity: boolean) =>
  facts(e, polarity).some((f) => !f.polarity && f.expr.type === 'name' && f.expr.name.toLowerCase() === 'req.http.authorization');

test('reaches: return (hash) without an Authorization guard', () => {
  const unguarded = reaches(build('sub vcl_recv { if (req.url ~ "^/api") { return (hash); } }'), 'vcl_recv', isHash, noAuth);
  assert.equal(unguarded.reachable, true);
  assert.equal(unguarded.matches.length, 1);
  assert.equal(unguarded.matches[0].path.conditions.length, 1);
  // Early exit on the header: every path to the return took `req.http.Authorization` as false.
  const early = build('sub vcl_recv { if (req.http.Authorization) { return (pass); } return (hash); }');
  assert.equal(reaches(early, 'vcl_recv', isHash, noAuth).reachable, false);
  // A negated condition around the return, or a conjunction.
  assert.equal(reaches(build('sub vcl_recv { if (!req.http.Authorization) { return (hash); } }'), 'vcl_recv', isHash, noAuth).reachable, false);
  assert.equal(reaches(build('sub vcl_recv { if (!req.http.Authorization && req.url ~ "x") { return (hash); } }'), 'vcl_recv', isHash, noAuth).reachable, false);
  // `||` true guarantees nothing about either side.
  assert.equal(reaches(build('sub vcl_recv { if (!req.http.Authorization || req.url ~ "x") { return (hash); } }'), 'vcl_recv', isHash, noAuth).reachable, true);
  // The guard can sit in a called sub.
  const called = build('sub auth { if (req.http.Authorization) { return (pass); } } sub vcl_recv { call auth; return (hash); }');
  assert.equal(reaches(called, 'vcl_recv', isHash, noAuth).reachable, false);
  // Only one of two returns is guarded.
  const two = build('sub vcl_recv { if (req.url ~ "^/public") { return (hash); } if (req.http.Authorization) { return (pass); } return (hash); }');
  const r = reaches(two, 'vcl_recv', isHash, noAuth);
  assert.equal(r.matches.length, 1);
  assert.equal(two.files.get('/v/main.vcl')!.text.slice(r.matches[0].step.stmt.start, r.matches[0].step.stmt.end), 'return (hash);');
  assert.ok(r.matches[0].step.stmt.start < two.files.get('/v/main.vcl')!.text.indexOf('Authorization'));
});

test('reaches follows the built-in code: its own Authorization check guards its return (hash)', () => {
  const m = build('sub vcl_recv { }', BUILTIN);
  const builtinHash = (s: FlowStep) => s.stmt.type === 'return' && s.stmt.action?.text === 'hash';
  assert.equal(reaches(m, 'vcl_recv', builtinHash, noAuth).reachable, false);
  assert.equal(reaches(m, 'vcl_recv', builtinHash, () => false).reachable, true);
});

test('facts: what a taken condition guarantees', () => {
  const m = build('sub s { if (!(req.http.A && !req.http.B) || req.http.C) { } }');
  const cond = paths(m, 's').paths[0].conditions[0];
  const text = m.files.get('/v/main.vcl')!.text;
  const show = (fs: { expr: Expr; polarity: boolean }[]) => fs.map((f) => `${f.polarity ? '' : '!'}${text.slice(f.expr.start, f.expr.end)}`);
  // True: nothing certain about the disjuncts.
  assert.deepEqual(show(facts(cond.expr, true)), ['!(req.http.A && !req.http.B) || req.http.C']);
  // False: both disjuncts false; !(A && !B) false means A and !B true, i.e. B false.
  assert.deepEqual(show(facts(cond.expr, false)), ['req.http.A', '!req.http.B', '!req.http.C']);
});

test('bounded: past 2000 paths the enumeration stops and says so; reachability stays exact', () => {
  const ifs = Array.from({ length: 14 }, (_, i) => `if (req.url ~ "${i}") { set req.http.a${i} = "1"; }`).join('\n');
  const m = build(`sub vcl_recv { ${ifs}\n return (hash); }`);
  const r = paths(m, 'vcl_recv');
  assert.equal(r.complete, false);
  assert.equal(r.paths.length, 2000);
  assert.match(r.limit!, /more than 2000 paths/);
  const q = reaches(m, 'vcl_recv', isHash, () => false);
  assert.ok(q.complete && q.reachable);
  const ret = possibleReturns(m, 'vcl_recv');
  assert.equal(ret.complete, false);
  assert.ok(ret.actions.has('hash'));
  assert.deepEqual([...possibleReturns(build('sub s { if (req.url) { return (pass); } }'), 's').actions], ['pass', undefined]);
});

test("with Varnish's real built-in VCL (6.0, 7.1, 8.0): the Authorization and Cookie checks guard the built-in return (hash)", () => {
  const anyHash = (s: FlowStep) => s.stmt.type === 'return' && s.stmt.action?.text === 'hash';
  const noHeader = (name: string) => (e: Expr, polarity: boolean) =>
    facts(e, polarity).some((f) => !f.polarity && f.expr.type === 'name' && f.expr.name.toLowerCase() === `req.http.${name}`);
  for (const varnishVersion of ['6.0', '7.1', '8.0'] as const) {
    const model = (text: string) =>
      buildVclModel(['/v/main.vcl'], { provider: memory({ '/v/main.vcl': 'vcl 4.1;\nbackend b { .host = "x"; }\n' + text }), varnishVersion });
    const plain = model('sub vcl_recv { }');
    assert.deepEqual(plain.builtin?.tree.errors, [], varnishVersion);
    const r = paths(plain, 'vcl_recv');
    assert.ok(r.complete && r.builtinRan, varnishVersion);
    const ends = new Set(r.paths.map((p) => (p.end.kind === 'return' ? p.end.action : p.end.kind)));
    assert.ok(ends.has('hash') && ends.has('pass'), `${varnishVersion}: ${[...ends]}`);
    assert.equal(reaches(plain, 'vcl_recv', anyHash, noHeader('authorization')).reachable, false, varnishVersion);
    assert.equal(reaches(plain, 'vcl_recv', anyHash, noHeader('cookie')).reachable, false, varnishVersion);
    // t07: an unconditional return (hash) in the user's vcl_recv skips both checks.
    assert.equal(reaches(model('sub vcl_recv { return (hash); }'), 'vcl_recv', anyHash, noHeader('authorization')).reachable, true, varnishVersion);
  }
  // t22 (6.6+ helpers): `sub vcl_req_cookie { return; }` switches the Cookie check off, not the Authorization one.
  const t22 = buildVclModel(['/v/main.vcl'], { provider: memory({ '/v/main.vcl': 'vcl 4.1;\nbackend b { .host = "x"; }\nsub vcl_req_cookie { return; }\n' }), varnishVersion: '7.1' });
  assert.equal(reaches(t22, 'vcl_recv', anyHash, noHeader('cookie')).reachable, true);
  assert.equal(reaches(t22, 'vcl_recv', anyHash, noHeader('authorization')).reachable, false);
});
