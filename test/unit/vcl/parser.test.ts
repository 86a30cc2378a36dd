// The VCL scanner and parser: lossless tokens, the syntax Varnish 7.1 accepts, its error messages, recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVcl } from '../../../server/src/analyzer/vcl/parser';
import { scanVcl } from '../../../server/src/analyzer/vcl/scanner';
import {
  walkStatements,
  type AclDecl,
  type BackendDecl,
  type BinaryExpr,
  type CallExpr,
  type Expr,
  type IfStmt,
  type ImportDecl,
  type IncludeNode,
  type NumberExpr,
  type ProbeDecl,
  type ReturnStmt,
  type SetStmt,
  type Statement,
  type SubDecl,
  type VclTree,
} from '../../../server/src/analyzer/vcl/tree';

const V = 'vcl 4.1;\nbackend b { .host = "127.0.0.1"; }\n';

function ok(text: string): VclTree {
  const t = parseVcl(text);
  assert.deepEqual(t.errors, [], `unexpected errors in:\n${text}`);
  return t;
}
function sub(t: VclTree, name?: string): SubDecl {
  const s = t.items.find((d): d is SubDecl => d.type === 'sub' && (!name || d.name.text === name));
  assert.ok(s, `sub ${name}`);
  return s;
}
function stmts(t: VclTree): Statement[] {
  const out: Statement[] = [];
  walkStatements(t.items, (s) => {
    if (s.type !== 'block') out.push(s);
  });
  return out;
}
/** The source text of a node. */
const src = (t: VclTree, n: { start: number; end: number }) => t.text.slice(n.start, n.end);
/** A compact rendering of an expression tree: binary/unary in parentheses. */
function show(t: VclTree, e: Expr): string {
  switch (e.type) {
    case 'binary':
      return `(${show(t, e.left)} ${e.op} ${show(t, e.right)})`;
    case 'unary':
      return `(${e.op}${show(t, e.operand)})`;
    case 'paren':
      return show(t, e.expr);
    case 'call':
      return `${show(t, e.callee)}(${e.args.map((a) => (a.name ? `${a.name.text}=` : '') + show(t, a.value)).join(', ')})`;
    case 'member':
      return `${show(t, e.object)}.${e.property.text}`;
    default:
      return src(t, e);
  }
}
function messages(text: string): string[] {
  return parseVcl(text).errors.map((e) => e.message);
}

test('tokens give back the text exactly, contiguous, whatever the input', () => {
  const samples = [
    V + 'sub vcl_recv {\r\n  # c\r\n  // d\r\n  /* e\r\n f */ set req.http.X-A = {"a "q" b"} + """x"y""";\r\n}',
    'C{ int x; }C\nsub a { C{ y }C }',
    'sub a { set req.http.x = "unterminated\n  set req.http.y = 1; }',
    '{" never closed\nsub b { }',
    '/* never closed',
    ':AAAA: :bad?: ??? _x é \u00a0 \ufeff',
    '',
    'no final newline;',
  ];
  for (const s of samples) {
    const { tokens } = scanVcl(s);
    assert.equal(tokens.map((t) => s.slice(t.start, t.end)).join(''), s);
    for (let i = 1; i < tokens.length; i++) assert.equal(tokens[i].start, tokens[i - 1].end);
    assert.deepEqual(parseVcl(s).tokens, tokens);
  }
});

test('lexing follows VCC: dots are tokens, `-` is part of names, numbers and units are separate', () => {
  const s = 'req.http.X-Forwarded-For 10s 1.5m 4. != !~ += :AAAA: C{x}C {"l"} """t""" "s"';
  const kinds = scanVcl(s).tokens.filter((t) => t.kind !== 'ws').map((t) => `${t.kind}:${s.slice(t.start, t.end)}`);
  assert.deepEqual(kinds, [
    'id:req', 'op:.', 'id:http', 'op:.', 'id:X-Forwarded-For', 'cnum:10', 'id:s', 'fnum:1.5', 'id:m', 'fnum:4.',
    'op:!=', 'op:!~', 'op:+=', 'blob::AAAA:', 'csrc:C{x}C', 'cstr:{"l"}', 'cstr:"""t"""', 'cstr:"s"',
  ]);
});

test('version, import, include', () => {
  const t = ok('vcl 4.0;\nimport std;\nimport directors as d from "/usr/lib/vmod.so";\ninclude "x.vcl";\ninclude +glob "conf.d/*.vcl";\n');
  assert.equal(t.items[0].type, 'vcl');
  assert.equal((t.items[0] as { version: string }).version, '4.0');
  const [, std, dir, inc, glob] = t.items as [unknown, ImportDecl, ImportDecl, IncludeNode, IncludeNode];
  assert.equal(std.name.text, 'std');
  assert.equal(dir.alias?.text, 'd');
  assert.equal(dir.from?.value, '/usr/lib/vmod.so');
  assert.deepEqual([inc.glob, inc.path?.value], [false, 'x.vcl']);
  assert.deepEqual([glob.glob, glob.path?.value], [true, 'conf.d/*.vcl']);
  ok('vcl 4.1;');
});

test('backends, probes (named and inline), backend none', () => {
  const t = ok(`vcl 4.1;
probe p { .url = "/health"; .interval = 5s; .timeout = 1 s; .window = 5; .threshold = 3; .expected_response = 200; }
probe q { .request = "GET / HTTP/1.1" "Host: x" "Connection: close"; }
backend a { .host = "127.0.0.1"; .port = "8080"; .probe = p; .connect_timeout = 500ms; .max_connections = 10; }
backend b { .host = "h"; .probe = { .url = "/"; .interval = 1.5m; } .first_byte_timeout = 1m; }
backend c none;
backend d None;
`);
  const [, p, q, a, b, c] = t.items as [unknown, ProbeDecl, ProbeDecl, BackendDecl, BackendDecl, BackendDecl];
  assert.deepEqual(p.body.fields.map((f) => f.name.text), ['url', 'interval', 'timeout', 'window', 'threshold', 'expected_response']);
  assert.equal((p.body.fields[1].values[0] as NumberExpr).seconds, 5);
  assert.equal(q.body.fields[0].values.length, 3);
  assert.equal(a.name.text, 'a');
  assert.equal(src(t, a.fields[2].values[0]), 'p');
  assert.equal((a.fields[3].values[0] as NumberExpr).seconds, 0.5);
  assert.equal(b.fields[1].probe?.fields[1].name.text, 'interval');
  assert.equal((b.fields[1].probe?.fields[1].values[0] as NumberExpr).seconds, 90);
  assert.equal(c.none, true);
  // Names keep their ranges.
  assert.equal(src(t, a.name), 'a');
  assert.equal(src(t, a.fields[0].name), 'host');
});

test('acls: entries, negation, masks both ways, parentheses, flags', () => {
  const t = ok(V + 'acl purgers +log -pedantic { "localhost"; !"10.0.0.23"; "10.0.0.0"/8; "192.168.0.0/16"; ( "maybe.example" ); ! ( "x" ); }');
  const acl = t.items[2] as AclDecl;
  assert.deepEqual(acl.flags.map((f) => f.sign + f.name.text), ['+log', '-pedantic']);
  assert.deepEqual(
    acl.entries.map((e) => [e.negated, e.paren, e.addr.value, e.mask]),
    [[false, false, 'localhost', undefined], [true, false, '10.0.0.23', undefined], [false, false, '10.0.0.0', 8], [false, false, '192.168.0.0/16', 16], [false, true, 'maybe.example', undefined], [true, true, 'x', undefined]],
  );
});

test('statements: set with every operator, unset, call, return forms, hash_data, ban, synthetic, new', () => {
  const t = ok(V + `sub vcl_init { new rr = directors.round_robin(); rr.add_backend(b); }
sub helper { return; }
sub vcl_recv {
  set req.http.a = "x"; set req.http.a += "y"; set req.restarts -= 1; set req.ttl *= 2; set req.ttl /= 2;
  unset req.http.Cookie;
  call helper;
  std.log("x"); ban("obj.http.x ~ " + req.url); std.cache_req_body(1MB);
  if (req.url == "/a") { return (synth(404, "Not " + "found")); }
  if (req.url == "/b") { return (pass); }
  if (req.url == "/c") { return (vcl(other_label)); }
  if (req.url == "/d") { return (fail("x")); }
  return(hash);
}
sub vcl_backend_response { if (beresp.ttl < 0s) { return (pass(10s)); } }
sub vcl_hash { hash_data(req.url); }
sub vcl_synth { synthetic("body"); }
`);
  const all = stmts(t);
  assert.deepEqual(
    all.map((s) => s.type),
    ['new', 'expr', 'return', 'set', 'set', 'set', 'set', 'set', 'unset', 'call', 'expr', 'ban', 'expr', 'if', 'return', 'if', 'return', 'if', 'return', 'if', 'return', 'return', 'if', 'return', 'hash_data', 'synthetic'],
  );
  assert.deepEqual(all.filter((s): s is SetStmt => s.type === 'set').map((s) => s.op), ['=', '+=', '-=', '*=', '/=']);
  const rets = all.filter((s): s is ReturnStmt => s.type === 'return');
  assert.deepEqual(rets.map((r) => r.action?.text), [undefined, 'synth', 'pass', 'vcl', 'fail', 'hash', 'pass']);
  assert.deepEqual(rets[1].args.map((a) => show(t, a)), ['404', '("Not " + "found")']);
  assert.equal(show(t, rets[3].args[0]), 'other_label');
  assert.equal((rets[6].args[0] as NumberExpr).seconds, 10);
  const call = all.find((s) => s.type === 'call')!;
  assert.equal(call.type === 'call' && call.target.name, 'helper');
  const bodyCall = all.filter((s) => s.type === 'expr')[2];
  assert.equal(bodyCall.type === 'expr' && (bodyCall.expr.args[0].value as NumberExpr).bytes, 1024 * 1024);
});

test('if / elseif / elsif / elif / else if / else', () => {
  const t = ok('vcl 4.0;\nsub vcl_recv { if (req.url == "/a") { } elsif (req.url == "/b") { } elif (req.url == "/c") { } else if (req.url == "/d") { } elseif (req.url == "/e") { } else { set req.http.x = "y"; } }');
  const s = sub(t).body.body[0] as IfStmt;
  assert.deepEqual(s.branches.map((b) => b.keyword.text), ['if', 'elsif', 'elif', 'else if', 'elseif']);
  assert.deepEqual(s.branches.map((b) => show(t, b.cond)), ['(req.url == "/a")', '(req.url == "/b")', '(req.url == "/c")', '(req.url == "/d")', '(req.url == "/e")']);
  assert.equal(s.else?.body.length, 1);
  assert.equal(src(t, s.branches[3].keyword), 'else if');
});

test('nested blocks and inline C are statements', () => {
  const t = ok(V + 'sub vcl_recv { { { set req.http.x = "1"; } } C{ printf("x"); }C }');
  assert.deepEqual(sub(t).body.body.map((s) => s.type), ['block', 'inline-c']);
  assert.equal(ok('C{ #include <stdio.h> }C\n' + V).items[0].type, 'inline-c');
});

test('expressions: precedence as in VCC, calls with named arguments, names, literals', () => {
  const t = ok(V + `sub vcl_recv {
  if (!client.ip ~ purgers && req.method == "PURGE" || req.http.X-Foo != "a" && !req.http.Cookie) { }
  if (req.restarts + 1 * 2 > 3 - -1 && req.ttl <= 1.5h) { }
  if (std.integer(s = req.http.x, fallback = 0) >= 10 && true) { }
  set req.http.y = regsub(req.url, "^/(.*)$", "\\1") + {"long"} + """triple""";
  set req.http.z = req.http.host.lower();
  set req.grace = std.duration(req.http.g, 10s) + 1w + 1y + 100ms + 2d;
  set req.http."quoted header" = "v";
}`);
  const ifs = sub(t).body.body.filter((s): s is IfStmt => s.type === 'if');
  assert.equal(show(t, ifs[0].branches[0].cond), '(((!(client.ip ~ purgers)) && (req.method == "PURGE")) || ((req.http.X-Foo != "a") && (!req.http.Cookie)))');
  assert.equal(show(t, ifs[1].branches[0].cond), '(((req.restarts + (1 * 2)) > (3 - -1)) && (req.ttl <= 1.5h))');
  assert.equal(show(t, ifs[2].branches[0].cond), '((std.integer(s=req.http.x, fallback=0) >= 10) && true)');
  const call = ((ifs[2].branches[0].cond as BinaryExpr).left as BinaryExpr).left as CallExpr;
  assert.deepEqual(call.args.map((a) => a.name?.text), ['s', 'fallback']);
  const sets = sub(t).body.body.filter((s): s is SetStmt => s.type === 'set');
  assert.equal(sets[1].target.name, 'req.http.z');
  assert.equal(show(t, sets[1].value), 'req.http.host.lower()');
  const units: string[] = [];
  const walk = (e: Expr): void => {
    if (e.type === 'number') units.push(`${e.raw}${e.unit?.text ?? ''}=${e.seconds}`);
    if (e.type === 'binary') (walk(e.left), walk(e.right));
  };
  walk(sets[2].value);
  assert.deepEqual(units, ['1w=604800', '1y=31536000', '100ms=0.1', '2d=172800']);
  assert.equal(sets[3].target.name, 'req.http.quoted header');
  assert.equal(sets[3].target.parts[2].quoted, true);
  const hyphen = ((ifs[0].branches[0].cond as BinaryExpr).right as BinaryExpr).left as BinaryExpr;
  assert.equal(hyphen.left.type === 'name' && hyphen.left.parts.map((p) => p.text).join('|'), 'req|http|X-Foo');
});

test('7.1 forms: import … as, call of a SUB-valued method, an ACL given by a function, legacy synth(…) call', () => {
  const t = ok(V + `import debug as dbg;
sub vcl_recv {
  call dbg.total_recall();
  if (client.ip ~ dbg.null_acl() || client.ip !~ o.get()) { synth(404, "x"); }
}`);
  const all = stmts(t);
  const call = all[0];
  assert.ok(call.type === 'call' && call.target.name === 'dbg.total_recall' && call.expr?.type === 'call');
  const cond = (all[1] as IfStmt).branches[0].cond;
  assert.equal(show(t, cond), '((client.ip ~ dbg.null_acl()) || (client.ip !~ o.get()))');
  const legacy = all[2];
  assert.ok(legacy.type === 'expr' && legacy.expr.callee.type === 'name' && legacy.expr.callee.name === 'synth');
});

test('Varnish 2/3 forms parse (the names are checked later): remove, error, esi, req.request, vcl_fetch', () => {
  const t = ok(`backend b { .host = "x"; }
sub vcl_fetch { set beresp.cacheable = true; esi; }
sub vcl_recv { if (req.request == "PURGE") { purge; error 200 "Purged"; } remove req.http.Cookie; set req.backend = b; return (lookup); }`);
  const unknown = stmts(t).filter((s) => s.type === 'unknown');
  assert.deepEqual(unknown.map((s) => s.type === 'unknown' && [s.keyword.name, s.args.map((a) => src(t, a))]), [
    ['esi', []],
    ['purge', []],
    ['error', ['200', '"Purged"']],
    ['remove', ['req.http.Cookie']],
  ]);
});

test("Varnish's messages for syntax errors", () => {
  const cases: [string, string][] = [
    ['sub vcl_recv { set req.http.x = "a" }', "Expected ';' got '}'"],
    ['sub vcl_recv { set req.http.x = "a\n"; }', 'Unterminated string, starting at'],
    ['sub vcl_recv { set req.http.x = {"never closed; }', 'Unterminated long-string, starting at'],
    ['sub vcl_recv { set req.http.x = """never closed; }', 'Unterminated long-string, starting at'],
    ['sub vcl_recv { /* x', 'Unterminated /* ... */ comment, starting at'],
    ['C{ x', 'Unterminated inline C source, starting at'],
    ['sub vcl_recv { set req.http.x = "a" "b"; }', "Expected ';' got '\"b\"'"],
    ['sub vcl_recv { set req.http.x >> "a"; }', "Expected '=' got '>>'"],
    ['sub vcl_recv { if (req.url ~ "a" - "b") {} }', "Expected ')' got '-'"],
    ['sub vcl_recv { if (req.url ~ "a" + req.http.foo) {} }', "Expected CSTR got 'req'"],
    ['sub vcl_recv { if (!!req.url) {} }', "Unknown token '!' when looking for BOOL"],
    ['sub vcl_recv { return (foobar); }', 'Expected return action name.'],
    ['sub vcl_recv { return; }', "Expected '(' got ';'"],
    ['sub vcl_recv { return (synth); }', 'Missing argument.'],
    ['sub vcl_recv { return (hash(1)); }', 'Arguments not allowed.'],
    ['sub vcl_recv { if (req.url) { } else set req.url = "/"; }', "'else' must be followed by 'if' or '{'"],
    ['sub vcl_recv { ; }', "Expected an action, 'if', '{' or '}'"],
    ['sub vcl_backend_response { set beresp.ttl = 10x; }', "Unknown duration unit 'x'"],
    ['sub vcl_recv { set req.http.x = 1234567890123456; }', 'Too many digits for integer.'],
    ['sub vcl_recv { ? }', 'Syntax error at'],
    ['director d round-robin { }', "Expected one of 'acl', 'sub', 'backend', 'probe', 'import', or 'vcl'. Found: 'director'"],
    ['import std to;', "Expected 'from path ...'"],
    ['include <<', 'include not followed by string constant.'],
    ['include "x" |', 'include <string> not followed by semicolon.'],
    ['acl a + log { }', 'Expected a flag at:'],
    ['acl a +foo { }', 'Unknown ACL flag:'],
    ['acl a { "10.1.2" ); }', "Expected ';' got ')'"],
    ['acl a { "1.2.3.4/x"; }', '.../mask is not numeric.'],
    ['backend b { set .host = "x"; }', 'NB: Backend Syntax has changed'],
    ['backend b { .host = "x"; .probe = "NONE"; }', `Expected '{' or name of probe, got '"NONE"' at`],
    ['backend b { .host = "x"; .probe = { .timeout = "120s"; } }', `Expected CNUM got '"120s"'`],
    ['backend b { .port = "80"; }', 'Expected .host or .path.'],
    ['backend b { .host = "x"; .colour = "red"; }', "Unknown field: 'colour' at"],
    ['backend b { .host = "x"; .port = "1"; .port = "2"; }', "Field 'port' redefined at:"],
    ['backend b { .host = "x"; .path = "/s"; }', 'Address redefinition at:'],
    ['backend 0abc { .host = "x"; }', "Expected ID got '0'"],
    ['sub foo.bar { }', "Name of subroutine, 'foo.bar', contains illegal character '.'"],
    ['vcl 4.2;', 'VCL version 4.2 not supported.'],
    ['vcl 4.10;', "Don't play silly buggers with VCL version numbers"],
    ['vcl 4.1', "Expected 'vcl N.N;' found no semi-colon"],
    ['sub vcl_recv { set req.http.x = :AAA: ; }', 'BLOB must have n*4 base64 characters'],
    ['sub vcl_recv { if (req.url) { }', 'End of input while in compound statement'],
    ['sub vcl_recv { set .http.x = "a"; }', "Expected ID got '.'"],
    ['sub vcl_recv { std.log"a"; }', `Expected '(' got '"a"'`],
    ['sub vcl_recv { vd.|| add_backend(s1); }', "Expected ID got '||'"],
    ['sub vcl_recv { if (req.url) {} ; }', "Expected an action, 'if', '{' or '}'"],
  ];
  for (const [text, message] of cases) {
    const got = messages(text);
    assert.ok(got.some((m) => m.startsWith(message)), `${text}\n  expected: ${message}\n  got: ${got.join(' | ')}`);
  }
});

test('errors carry the range of the offending token', () => {
  const text = 'sub vcl_recv { set req.http.x = "a" }';
  const [e] = parseVcl(text).errors;
  assert.equal(text.slice(e.range.start, e.range.end), '}');
  const t2 = 'sub vcl_recv {\n  set req.http.x = "abc\n}';
  const [u] = parseVcl(t2).errors;
  assert.equal(t2.slice(u.range.start, u.range.end), '"');
});

test('recovery: an error in one sub does not lose the next one', () => {
  const text = `vcl 4.1;
sub a { set req.http.x = ; set req.http.y = "ok"; }
sub b { if (req.url { return (pass); } }
sub c { set req.http.x = "no semicolon"
  set req.http.z = "next"; }
sub d { if (req.url) { set req.http.x = "unclosed";
sub e { return (hash); }
sub f { @@@ set req.http.q = "after junk"; }
`;
  const t = parseVcl(text);
  assert.deepEqual(t.items.filter((d) => d.type === 'sub').map((d) => (d as SubDecl).name.text), ['a', 'b', 'c', 'd', 'e', 'f']);
  const names = (s: string) => {
    const out: string[] = [];
    walkStatements([sub(t, s)], (x) => {
      if (x.type === 'set') out.push(x.target.name);
      if (x.type === 'return') out.push(`return ${x.action?.text}`);
    });
    return out;
  };
  assert.deepEqual(names('a'), ['req.http.x', 'req.http.y']);
  assert.deepEqual(names('b'), ['return pass']);
  assert.deepEqual(names('c'), ['req.http.x', 'req.http.z']);
  assert.deepEqual(names('e'), ['return hash']);
  assert.deepEqual(names('f'), ['req.http.q']);
  assert.ok(t.errors.some((e) => e.message === "Expected '}' got 'sub'"));
});

test('recovery at top level: junk is skipped up to the next declaration', () => {
  const t = parseVcl('vcl 4.1;\n}\ndirector x round-robin { { .backend = a; } }\nbackend b { .host = "x"; }\n0;\nsub vcl_recv { }');
  assert.deepEqual(t.items.map((d) => d.type), ['vcl', 'junk', 'junk', 'backend', 'junk', 'sub']);
});

test('body mode: a file included inside a sub holds statements; acl mode holds entries', () => {
  const text = 'if (req.url ~ "^/x") { return (pass); }\nset req.http.a = "b";\n';
  const b = parseVcl(text, { mode: 'body' });
  assert.deepEqual(b.errors, []);
  assert.deepEqual(b.items.map((s) => s.type), ['if', 'set']);
  const a = parseVcl('"10.0.0.0"/8;\n!"10.0.0.1";\ninclude "more.acl";\n', { mode: 'acl' });
  assert.deepEqual(a.errors, []);
  assert.deepEqual(a.items.map((s) => s.type), ['acl-entry', 'acl-entry', 'include']);
  // At the top level, statements are errors.
  assert.ok(parseVcl(text).errors.length > 0);
});

test('include may appear inside a sub and inside an acl (Varnish splices tokens)', () => {
  const t = ok(V + 'acl a { include "acl.inc"; "127.0.0.1"; }\nsub vcl_recv { include "recv.inc"; }');
  const acl = t.items[2] as AclDecl;
  assert.equal(acl.includes[0].path?.value, 'acl.inc');
  assert.equal(sub(t).body.body[0].type, 'include');
});

test('every node range lies within its parent and names keep their ranges', () => {
  const t = ok(V + 'sub vcl_recv { if (req.http.Cookie ~ "x") { set req.http.X-A = std.tolower(req.http.B); } }');
  const s = sub(t);
  assert.equal(src(t, s.name), 'vcl_recv');
  const ifs = s.body.body[0] as IfStmt;
  const set = ifs.branches[0].body.body[0] as SetStmt;
  assert.equal(src(t, set), 'set req.http.X-A = std.tolower(req.http.B);');
  assert.equal(src(t, set.target), 'req.http.X-A');
  assert.deepEqual(set.target.parts.map((p) => src(t, p)), ['req', 'http', 'X-A']);
  assert.equal(src(t, ifs.branches[0].cond), 'req.http.Cookie ~ "x"');
  assert.ok(s.start <= ifs.start && ifs.end <= s.end && ifs.start <= set.start && set.end <= ifs.end);
});
