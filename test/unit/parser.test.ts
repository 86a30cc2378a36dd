// The nginx parser: lossless tokens, offsets, recovery, and the awkward inputs real configs contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginx } from '../../server/src/analyzer/nginx/parser';
import { scanAll } from '../../server/src/analyzer/nginx/scanner';
import { isKnownDirective } from '../../server/src/analyzer/nginx/directives';
import type { Directive, Node } from '../../server/src/analyzer/nginx/tree';

const parse = (text: string) => parseNginx(text, { isKnownDirective });

function directives(nodes: Node[], out: Directive[] = []): Directive[] {
  for (const n of nodes) {
    if (n.type !== 'directive') continue;
    out.push(n);
    if (n.block) directives(n.block.children, out);
  }
  return out;
}

const names = (text: string) => directives(parse(text).children).map((d) => d.name.value);

test('tokens give back the text, offsets increase', () => {
  const samples = [
    'http {\n  server { listen 80; }\n}\n',
    '\uFEFFuser nginx;\r\nevents {}\r\n',
    'log_format main \'$remote_addr "$request"\'\n    \'$status\';',
    'location ~* "\\.(js|css){1,2}$" { expires 7d; }',
    'content_by_lua_block { local s = "}" -- }\n ngx.say(s) }',
    'set $a "unterminated\nreturn 200;',
    'a#b c; # comment\n{{ x }} {% if y %}',
    'no final newline;',
  ];
  for (const s of samples) {
    const toks = scanAll(s);
    assert.equal(toks.map((t) => s.slice(t.start, t.end)).join(''), s);
    for (let i = 1; i < toks.length; i++) assert.equal(toks[i].start, toks[i - 1].end);
  }
});

test('words: quotes, escapes, # only at token start, ${var}', () => {
  const t = parse('add_header X-A "a \\"b\\" c" always;\nreturn 200 a#b;\nset $x ${host}z;');
  const [a, r, s] = directives(t.children);
  assert.equal(a.args[1].value, 'a "b" c');
  assert.equal(a.args[1].quote, '"');
  assert.equal(r.args[1].value, 'a#b');
  assert.equal(s.args[1].value, '${host}z');
  assert.equal(t.errors.length, 0);
  assert.equal(t.text.slice(a.args[1].offset, a.args[1].end), '"a \\"b\\" c"');
});

test('a missing ";" before a known directive on the next line does not swallow it', () => {
  const t = parse('location / {\n    proxy_pass http://app\n    proxy_cache shop;\n}\n');
  assert.deepEqual(names(t.text), ['location', 'proxy_pass', 'proxy_cache']);
  assert.equal(t.errors.length, 1);
  assert.match(t.errors[0].message, /missing ";"/);
  assert.equal(t.text.slice(t.errors[0].offset, t.errors[0].end), 'http://app');
});

test('multi-line arguments that are not directive names stay one statement', () => {
  const t = parse("log_format main '$a'\n    '$b'\n    $status;\n");
  assert.equal(t.errors.length, 0);
  assert.equal(directives(t.children)[0].args.length, 4);
});

test('unbalanced braces: errors, and everything after is still parsed', () => {
  const t = parse('http {\n  server {\n    listen 80;\n}\n');
  assert.ok(t.errors.some((e) => /not closed/.test(e.message)));
  assert.deepEqual(names(t.text), ['http', 'server', 'listen']);
  const u = parse('}\nuser nginx;\n');
  assert.ok(u.errors.some((e) => /unexpected "}"/.test(e.message)));
  assert.deepEqual(names(u.text), ['user']);
});

test('an unterminated quote ends at its line so later lines are still read', () => {
  const t = parse('set $a "oops;\nproxy_cache shop;\n');
  assert.ok(t.errors.some((e) => /unterminated/.test(e.message)));
  assert.ok(names(t.text).includes('proxy_cache'));
});

test('lua blocks: braces inside Lua strings and comments do not close the block', () => {
  const src = 'location / {\n  content_by_lua_block {\n    local t = { a = "}" } -- }\n    --[[ } ]] ngx.say([[}]])\n  }\n  proxy_cache shop;\n}\n';
  const t = parse(src);
  assert.equal(t.errors.length, 0);
  const ds = directives(t.children);
  const lua = ds.find((d) => d.name.value === 'content_by_lua_block')!;
  assert.ok(lua.block?.raw);
  assert.deepEqual(ds.map((d) => d.name.value), ['location', 'content_by_lua_block', 'proxy_cache']);
});

test('map/geo/types bodies hold arbitrary keys as data entries', () => {
  const t = parse('map $http_user_agent $ua {\n  default desktop;\n  ~*mobile mobile;\n  "~*(iphone|ipad)" ios;\n}\n');
  const map = directives(t.children)[0];
  assert.equal(map.dataBlock, true);
  assert.equal(map.block!.children.filter((c) => c.type === 'directive').length, 3);
  assert.equal(t.errors.length, 0);
});

test('if conditions with quoted regexes containing braces', () => {
  const t = parse('if ($request_uri ~* "^/a{2,3}$") {\n  return 403;\n}\n');
  assert.equal(t.errors.length, 0);
  const ifd = directives(t.children)[0];
  assert.deepEqual(ifd.args.map((a) => a.value), ['($request_uri', '~*', '^/a{2,3}$', ')']);
});

test('template placeholders are reported as templates, not garbage', () => {
  const t = parse('server {\n  server_name {{ host }};\n  listen ${PORT};\n  {% if tls %}\n  listen 443 ssl;\n  {% endif %}\n}\n');
  assert.equal(t.errors.filter((e) => e.kind === 'syntax').length, 0);
  assert.equal(t.errors.filter((e) => e.kind === 'template').length, 4);
  assert.deepEqual(names(t.text), ['server', 'server_name', 'listen', 'listen']);
});

test('CRLF, BOM, non-UTF-8 text and very long lines', () => {
  const long = 'x'.repeat(4000);
  const t = parse(`\uFEFFhttp {\r\n  map $a $b {\r\n    default "${long}";\r\n  }\r\n  server_name caf\u00e9.example;\r\n}`);
  assert.equal(t.errors.length, 0);
  assert.deepEqual(names(t.text), ['http', 'map', 'default', 'server_name']);
});

test('never throws on arbitrary input', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = ' \n\t{};"\'#\\$()abcxyz_~*^=/';
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const n = Math.floor(rnd() * 200);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    const t = parse(s);
    assert.equal(scanAll(s).map((x) => s.slice(x.start, x.end)).join(''), s);
    assert.ok(Array.isArray(t.errors));
  }
});
