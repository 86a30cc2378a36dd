// The VCL model: includes resolved as Varnish does (and a fallback it does not), cycles and missing files,
// declarations across files, built-in subs concatenated, custom subs redefined, references, the version line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVclModel, referencesTo, subBodies, type VclModel } from '../../../server/src/analyzer/vcl/model';
import { memory } from './memory';

const B = 'backend b { .host = "127.0.0.1"; }\n';

function model(files: Record<string, string>, entry = '/etc/varnish/default.vcl', opts: { vclPath?: string[]; builtin?: string } = {}): VclModel {
  return buildVclModel([entry], { provider: memory(files), ...opts });
}

test('include resolution: ./ and ../ from the including file, vcl_path for bare names, absolute names', () => {
  const m = model(
    {
      '/etc/varnish/default.vcl': `vcl 4.1;\n${B}include "./inc/a.vcl";\ninclude "lib/b.vcl";\ninclude "/opt/c.vcl";\n`,
      '/etc/varnish/inc/a.vcl': 'include "../inc2/d.vcl";\nsub a { }\n',
      '/etc/varnish/inc2/d.vcl': 'sub d { }\n',
      '/usr/share/varnish/vcl/lib/b.vcl': 'sub b { }\n',
      '/opt/c.vcl': 'sub c { }\n',
    },
    '/etc/varnish/default.vcl',
    { vclPath: ['/etc/varnish', '/usr/share/varnish/vcl'] },
  );
  assert.deepEqual(
    m.includes.map((i) => [i.pattern, i.targets, i.via]),
    [
      ['./inc/a.vcl', ['/etc/varnish/inc/a.vcl'], 'including-file'],
      ['../inc2/d.vcl', ['/etc/varnish/inc2/d.vcl'], 'including-file'],
      ['lib/b.vcl', ['/usr/share/varnish/vcl/lib/b.vcl'], 'vcl_path'],
      ['/opt/c.vcl', ['/opt/c.vcl'], 'absolute'],
    ],
  );
  assert.deepEqual([...m.subs.keys()].sort(), ['a', 'b', 'c', 'd']);
  assert.deepEqual(m.problems, []);
  // Files in Varnish's reading order.
  assert.deepEqual(m.order, ['/etc/varnish/default.vcl', '/etc/varnish/inc/a.vcl', '/etc/varnish/inc2/d.vcl', '/usr/share/varnish/vcl/lib/b.vcl', '/opt/c.vcl']);
});

test('a bare name found only next to the including file is a fallback Varnish would not use', () => {
  const m = model(
    { '/srv/conf/main.vcl': `vcl 4.1;\n${B}include "sub/x.vcl";\n`, '/srv/conf/sub/x.vcl': 'include "y.vcl";\n', '/srv/conf/sub/y.vcl': 'sub y { }\n' },
    '/srv/conf/main.vcl',
  );
  // Default vcl_path: the main file's directory.
  assert.deepEqual(m.includes.map((i) => [i.pattern, i.via]), [['sub/x.vcl', 'vcl_path'], ['y.vcl', 'fallback']]);
  assert.ok(m.subs.has('y'));
});

test('+glob includes, a glob that matches nothing, a missing file, a cycle', () => {
  const m = model({
    '/etc/varnish/default.vcl': `vcl 4.1;\n${B}include +glob "./conf.d/*.vcl";\ninclude +glob "./none/*.vcl";\ninclude "missing.vcl";\ninclude "./loop1.vcl";\n`,
    '/etc/varnish/conf.d/10-a.vcl': 'sub ga { }\n',
    '/etc/varnish/conf.d/20-b.vcl': 'sub gb { }\n',
    '/etc/varnish/loop1.vcl': 'include "./loop2.vcl";\n',
    '/etc/varnish/loop2.vcl': 'include "./loop1.vcl";\nsub l2 { }\n',
  });
  const glob = m.includes[0];
  assert.deepEqual(glob.targets, ['/etc/varnish/conf.d/10-a.vcl', '/etc/varnish/conf.d/20-b.vcl']);
  assert.equal(m.includes[1].missing, true);
  assert.equal(m.includes[1].message, 'glob pattern matched no files.');
  assert.equal(m.includes[2].message, "Cannot read file 'missing.vcl' (No such file or directory)");
  const cyc = m.includes.find((i) => i.cycles.length)!;
  assert.equal(cyc.file, '/etc/varnish/loop2.vcl');
  assert.deepEqual(cyc.cycles, ['/etc/varnish/loop1.vcl']);
  assert.deepEqual(m.problems.map((p) => p.kind), ['include-missing', 'include-missing', 'include-cycle']);
  // Problems carry the range of the file name in the including file.
  const p = m.problems[2];
  assert.equal(m.files.get(p.file)!.text.slice(p.range.start, p.range.end), '"./loop1.vcl"');
  assert.ok(m.subs.has('ga') && m.subs.has('gb') && m.subs.has('l2'));
});

test('includes inside a sub and inside an acl are spliced in place', () => {
  const m = model({
    '/etc/varnish/default.vcl': `vcl 4.1;\n${B}acl purgers { include "purgers.acl"; "127.0.0.1"; }\nsub vcl_recv {\n  include "recv.inc";\n  return (hash);\n}\n`,
    '/etc/varnish/purgers.acl': '"10.0.0.0"/8;\n!"10.0.0.1";\n',
    '/etc/varnish/recv.inc': 'if (client.ip ~ purgers) { call helper; }\n',
    '/etc/varnish/helper.vcl': '',
  });
  const acl = m.acls.get('purgers')![0].node;
  assert.deepEqual(m.aclIncludes.get(acl.includes[0])!.map((e) => e.addr.value), ['10.0.0.0', '10.0.0.1']);
  const inc = [...m.bodyIncludes.entries()][0];
  assert.deepEqual(inc[1].map((f) => f.path), ['/etc/varnish/recv.inc']);
  assert.equal(inc[1][0].tree.mode, 'body');
  assert.deepEqual(inc[1][0].tree.errors, []);
  // References found in the spliced file belong to the sub it is spliced into.
  const acls = referencesTo(m, 'acl', 'purgers');
  assert.equal(acls.length, 1);
  assert.equal(acls[0].sub, 'vcl_recv');
  assert.equal(acls[0].file, '/etc/varnish/recv.inc');
  const call = referencesTo(m, 'sub', 'helper')[0];
  assert.equal(call.resolved, false);
});

test('declarations across files; vcl_* subs concatenate in order; a custom sub defined twice is redefined', () => {
  const m = model({
    '/etc/varnish/default.vcl': `vcl 4.1;
import std;
import directors as dir;
probe p { .url = "/"; }
backend a { .host = "a"; .probe = p; }
backend n none;
acl office { "192.0.2.0"/24; }
include "./more.vcl";
sub vcl_recv { set req.http.first = "1"; }
sub helper { }
sub vcl_init { new rr = dir.round_robin(); rr.add_backend(a); }
`,
    '/etc/varnish/more.vcl': 'sub vcl_recv { set req.http.second = "2"; }\nsub helper { }\n',
  });
  assert.deepEqual([...m.backends.keys()], ['a', 'n']);
  assert.equal(m.backends.get('n')![0].node.none, true);
  assert.deepEqual([...m.probes.keys()], ['p']);
  assert.deepEqual([...m.acls.keys()], ['office']);
  assert.deepEqual([...m.imports.keys()], ['std', 'dir']);
  assert.deepEqual([...m.objects.keys()], ['rr']);
  // Reading order: more.vcl is included before default.vcl's own vcl_recv, so its code runs first.
  const recv = m.subs.get('vcl_recv')!;
  assert.deepEqual(recv.map((d) => d.file), ['/etc/varnish/more.vcl', '/etc/varnish/default.vcl']);
  assert.ok(recv.every((d) => d.builtinName));
  assert.deepEqual(subBodies(m, 'vcl_recv').map((b) => b.body.length), [1, 1]);
  assert.equal(m.subs.get('helper')!.length, 2);
  assert.deepEqual(m.problems.map((p) => [p.kind, p.message, p.file]), [['sub-redefined', "Subroutine 'helper' redefined", '/etc/varnish/default.vcl']]);
  assert.equal(m.problems[0].related![0].file, '/etc/varnish/more.vcl');
  // Declaration ranges are the names'.
  const a = m.backends.get('a')![0];
  assert.equal(m.files.get(a.file)!.text.slice(a.range.start, a.range.end), 'a');
});

test('references: calls, backends, probes, acls, objects and VMODs', () => {
  const m = model({
    '/etc/varnish/default.vcl': `vcl 4.1;
import std;
probe p { .url = "/"; }
backend a { .host = "a"; .probe = p; }
backend b2 { .host = "b"; }
acl purgers { "127.0.0.1"; }
sub vcl_init { new rr = directors.round_robin(); rr.add_backend(a); }
sub pick { set req.backend_hint = b2; }
sub vcl_recv {
  call pick;
  call nowhere;
  set req.backend_hint = rr.backend();
  if (client.ip !~ purgers && client.ip ~ strangers) { return (synth(403)); }
  std.log("x");
  set req.backend_hint = ghost;
}
`,
  });
  const refs = m.references.map((r) => `${r.kind}:${r.name}${r.member ? '.' + r.member : ''}:${r.resolved ? 'ok' : 'undefined'}@${r.sub ?? '-'}`);
  assert.deepEqual(refs.sort(), [
    'acl:purgers:ok@vcl_recv',
    'acl:strangers:undefined@vcl_recv',
    'backend:a:ok@vcl_init',
    'backend:b2:ok@pick',
    'backend:ghost:undefined@vcl_recv',
    'object:rr.add_backend:ok@vcl_init',
    'object:rr.backend:ok@vcl_recv',
    'probe:p:ok@-',
    'sub:nowhere:undefined@vcl_recv',
    'sub:pick:ok@vcl_recv',
    'vmod:std.log:ok@vcl_recv',
  ]);
  const r = referencesTo(m, 'backend', 'b2')[0];
  assert.equal(m.files.get(r.file)!.text.slice(r.range.start, r.range.end), 'b2');
});

test('calls to built-in subs resolve when the built-in VCL is given', () => {
  const files = { '/etc/varnish/default.vcl': `vcl 4.1;\n${B}sub vcl_recv { call vcl_req_cookie; }\n` };
  assert.equal(model(files).references[0].resolved, false);
  const builtin = 'vcl 4.0;\nsub vcl_req_cookie { if (req.http.Cookie) { return (pass); } }\nsub vcl_recv { return (hash); }\n';
  const m = model(files, undefined, { builtin });
  assert.equal(m.references[0].resolved, true);
  assert.deepEqual(subBodies(m, 'vcl_recv').map((b) => b.builtin), [false, true]);
});

test('the version: declared, and whether it is the first statement of the main file', () => {
  const v = (text: string) => model({ '/etc/varnish/default.vcl': text }).version;
  assert.deepEqual(
    { ...v('# comment first\nvcl 4.0;\n' + B), range: undefined },
    { value: '4.0', file: '/etc/varnish/default.vcl', first: true, range: undefined },
  );
  assert.equal(v(B + 'vcl 4.1;\n')?.first, false);
  assert.equal(v(B), undefined);
  const m = model({ '/etc/varnish/default.vcl': 'vcl 4.1;\ninclude "./x.vcl";\n', '/etc/varnish/x.vcl': 'vcl 4.0;\n' });
  assert.deepEqual(m.versions.map((x) => [x.value, x.file]), [['4.1', '/etc/varnish/default.vcl'], ['4.0', '/etc/varnish/x.vcl']]);
});

test('files are read once per build and parse errors stay in each file', () => {
  const provider = memory({
    '/etc/varnish/default.vcl': `vcl 4.1;\n${B}include "./x.vcl";\ninclude "./x.vcl";\n`,
    '/etc/varnish/x.vcl': 'sub vcl_recv { set req.http.a = }\n',
  });
  const cache = new Map();
  const m = buildVclModel(['/etc/varnish/default.vcl'], { provider, cache });
  assert.equal(provider.reads.filter((p) => p === '/etc/varnish/x.vcl').length, 1);
  assert.deepEqual(m.files.get('/etc/varnish/default.vcl')!.tree.errors, []);
  assert.equal(m.files.get('/etc/varnish/x.vcl')!.tree.errors.length, 1);
  assert.equal(m.subs.get('vcl_recv')!.length, 2);
});
