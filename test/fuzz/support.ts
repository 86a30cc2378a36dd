// Shared pieces of the fuzz tests: run budget, corpus mutants, config-shaped generators, pathological inputs,
// the parser invariants, an in-memory analysis, and a seeded runner that minimises what it finds.
//
// Environment:
//   CACHELINT_FUZZ_RUNS   multiplier of every property's run count (default 1; e.g. 20 for a long run).
//   CACHELINT_FUZZ_SEED   base seed (default 20240607); each property derives its own seed from it and its name.
//   CACHELINT_FUZZ_PATH   with CACHELINT_FUZZ_SEED, replays one failure (the `path` a failure prints).
//   CACHELINT_CORPUS      the real-world corpus (default <repo>/../shared/corpus); inline samples without it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseNginx } from '../../server/src/analyzer/nginx/parser';
import { scanAll } from '../../server/src/analyzer/nginx/scanner';
import { isKnownDirective } from '../../server/src/analyzer/nginx/directives';
import type { Directive, NginxTree, Node } from '../../server/src/analyzer/nginx/tree';
import { parseVcl } from '../../server/src/analyzer/vcl/parser';
import type { VclTree } from '../../server/src/analyzer/vcl/tree';
import { analyzeEntries } from '../../server/src/analyzer/analyze';
import { defaultSettings, type FileProvider } from '../../server/src/analyzer/types';
import type { AnalysisResult } from '../../server/src/analyzer/api';

export const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../shared/corpus');

/** Multiplier of every run count (CACHELINT_FUZZ_RUNS, default 1). */
export const RUNS_FACTOR = Math.max(0, Number(process.env.CACHELINT_FUZZ_RUNS ?? '1')) || 1;
export const BASE_SEED = Number(process.env.CACHELINT_FUZZ_SEED ?? '20240607') | 0;

/** Run count for a property whose default is `n`. */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * RUNS_FACTOR));
}

export type Dialect = 'nginx' | 'vcl';
export const VCL_MODES = ['top', 'body', 'acl'] as const;

// ---------------------------------------------------------------- corpus

export interface CorpusFile {
  /** Path relative to the corpus root. */
  file: string;
  dialect: Dialect;
  /** The analysis context of a fragment (`http`, `server`, `location`, `data`), from LABELS.tsv. */
  entryContext?: string;
  bytes: Buffer;
}

const INLINE: CorpusFile[] = [
  {
    file: 'inline/nginx.conf',
    dialect: 'nginx',
    bytes: Buffer.from(
      'http {\n  proxy_cache_path /var/cache/n levels=1:2 keys_zone=z:10m max_size=1g inactive=60m;\n  map $http_user_agent $m { default 0; ~*mobile 1; }\n' +
        '  server {\n    listen 80;\n    server_name a.example;\n    location / {\n      proxy_cache z;\n      proxy_cache_key $scheme$host$request_uri;\n' +
        '      proxy_cache_valid 200 10m;\n      if ($m) { return 302 /m; }\n      proxy_pass http://up;\n    }\n' +
        '    location /lua { content_by_lua_block { ngx.say("}") } }\n  }\n}\n',
    ),
  },
  {
    file: 'inline/default.vcl',
    dialect: 'vcl',
    bytes: Buffer.from(
      'vcl 4.1;\nimport std;\nbackend b { .host = "127.0.0.1"; .port = "8080"; .probe = { .url = "/"; .interval = 5s; } }\n' +
        'acl purgers { "127.0.0.1"; !"10.0.0.0"/8; }\nsub vcl_recv {\n  if (req.method == "PURGE") { if (client.ip ~ purgers) { return (purge); } return (synth(405)); }\n' +
        '  if (req.url ~ "^/admin") { return (pass); } elseif (req.http.Cookie) { unset req.http.Cookie; } else { set req.http.x = {"y"}; }\n}\n' +
        'sub vcl_backend_response {\n  set beresp.ttl = 10m;\n  set beresp.grace = 1h;\n  if (beresp.http.Set-Cookie) { set beresp.uncacheable = true; return (pass(120s)); }\n}\n',
    ),
  },
];

let corpusCache: CorpusFile[] | undefined;

/**
 * The labelled corpus files (LABELS.tsv), read as bytes so that mutants can be decoded in several ways; the
 * inline samples when the corpus is not there.
 */
export function corpus(): CorpusFile[] {
  if (corpusCache) return corpusCache;
  const labels = path.join(CORPUS, 'LABELS.tsv');
  if (!fs.existsSync(labels)) return (corpusCache = INLINE);
  const out: CorpusFile[] = [];
  for (const line of fs.readFileSync(labels, 'utf8').trim().split('\n').slice(1)) {
    const [file, kind, context] = line.split('\t');
    const abs = path.join(CORPUS, file);
    if ((kind !== 'nginx' && kind !== 'vcl') || !fs.existsSync(abs)) continue;
    const entryContext = kind === 'vcl' || context === 'main' ? undefined : /body/.test(context) ? 'data' : context;
    out.push({ file, dialect: kind, entryContext, bytes: fs.readFileSync(abs) });
  }
  out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return (corpusCache = out.length ? out : INLINE);
}

export function corpusOf(dialect: Dialect): CorpusFile[] {
  const all = corpus().filter((f) => f.dialect === dialect);
  return all.length ? all : INLINE.filter((f) => f.dialect === dialect);
}

// ---------------------------------------------------------------- mutants

/** Characters and fragments inserted into real files: the structure characters first (shrinking prefers them). */
const SNIPPETS = [
  '{', '}', ';', '"', "'", '#', '\\', '$', '(', ')', '~', '\n', '\r', '\r\n', '\t', ' ', '\0', '{{', '}}', '{%', '%}',
  '${', '${X}', '"""', '{"', '"}', 'C{', '}C', '/*', '*/', '//', ':', '!', '.', '=', '+=', '-', '10s', '\u00e9',
  '\uFEFF', '\uD800', '\uDC00', '\u2028', 'location / {', 'if ($a) {', 'map $a $b {', 'sub vcl_recv {', 'if (req.url) {',
  'include "x";', 'include x;', 'vcl 4.1;', 'return (pass);', 'set req.http.x = ', 'content_by_lua_block {', '--[[', ']]',
];

export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; snippet: number }
  | { op: 'bytes'; at: number; bytes: number[] }
  | { op: 'nul'; at: number }
  | { op: 'duplicate'; at: number; len: number; to: number };

/** A position as a fraction (of 2^16) of the length, so it applies to a file of any size. */
const at = fc.integer({ min: 0, max: 0xffff });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at, snippet: fc.nat({ max: SNIPPETS.length - 1 }) }),
  fc.record({ op: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('bytes' as const), at, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('nul' as const), at }),
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({ op: fc.constant('duplicate' as const), at, len: fc.integer({ min: 1, max: 400 }), to: at }),
);

/** How mutated bytes become text: UTF-8 (invalid sequences become U+FFFD), Latin-1, or UTF-16LE (lone surrogates). */
export type Encoding = 'utf8' | 'latin1' | 'utf16le';

export interface Mutant {
  file: number;
  mutations: Mutation[];
  encoding: Encoding;
}

/** A mutant of one of `files`: a few byte-level mutations, decoded with one of the encodings. */
export function mutantArb(files: CorpusFile[]): fc.Arbitrary<Mutant> {
  return fc.record({
    file: fc.nat({ max: files.length - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }),
    encoding: fc.constantFrom<Encoding>('utf8', 'utf8', 'utf8', 'latin1', 'utf16le'),
  });
}

const pos = (frac: number, len: number) => Math.floor((frac / 0x10000) * (len + 1));

export function applyMutations(bytes: Buffer, mutations: Mutation[]): Buffer {
  let b = bytes;
  for (const m of mutations) {
    const i = pos(m.at, b.length);
    switch (m.op) {
      case 'truncate':
        b = b.subarray(0, i);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, i), b.subarray(i + m.len)]);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, i), Buffer.from(SNIPPETS[m.snippet], 'utf8'), b.subarray(i)]);
        break;
      case 'bytes':
        b = Buffer.concat([b.subarray(0, i), Buffer.from(m.bytes), b.subarray(i)]);
        break;
      case 'nul':
        b = Buffer.concat([b.subarray(0, i), Buffer.from([0]), b.subarray(i)]);
        break;
      case 'duplicate': {
        const chunk = Buffer.from(b.subarray(i, i + m.len));
        const j = pos(m.to, b.length);
        b = Buffer.concat([b.subarray(0, j), chunk, b.subarray(j)]);
        break;
      }
    }
  }
  return b;
}

export function mutantText(files: CorpusFile[], m: Mutant): string {
  return applyMutations(files[m.file].bytes, m.mutations).toString(m.encoding);
}

// ---------------------------------------------------------------- generated text

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Arbitrary strings: ASCII with control characters, full Unicode code points, and raw UTF-16 (lone surrogates). */
export const arbitraryText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: codeUnit, maxLength: 200 }),
);

const STRUCTURE = ['{', '}', ';', '"', "'", '#', '$', '\\', '(', ')', '~', '\n', '\n', ' ', ' ', '\t', '\r\n', '\r'];

const NGINX_WORDS = [
  'http', 'events', 'server', 'location', 'location /', 'location ~* \\.(js|css)$', 'location = /x', 'if', 'if ($request_method = POST)', 'map', 'geo', 'types',
  'split_clients', 'upstream', 'limit_except GET', 'include', 'set', 'return', 'rewrite', 'add_header', 'expires', 'proxy_pass', 'proxy_cache',
  'proxy_cache_path', 'proxy_cache_key', 'proxy_cache_valid', 'proxy_cache_bypass', 'proxy_no_cache', 'proxy_cache_use_stale',
  'proxy_ignore_headers', 'proxy_cache_methods', 'proxy_cache_lock', 'proxy_buffering', 'fastcgi_cache', 'fastcgi_cache_key',
  'fastcgi_cache_path', 'uwsgi_cache', 'scgi_cache', 'listen', 'server_name', 'default', 'content_by_lua_block', 'access_by_lua_block',
  '# cachelint-disable-next-line', '# cachelint-disable', '# cachelint: context=location', '$host', '$request_uri', '$uri',
  '$args', '$scheme', '$http_cookie', '$remote_addr', '${host}', '${UPSTREAM}', '{{ host }}', '{% if x %}', '{% endif %}',
  'keys_zone=z:10m', 'keys_zone=z:1k', 'levels=1:2', 'max_size=1g', 'inactive=60m', '/var/cache/a', 'z', 'off', 'on', 'any',
  '200', '302', '404', '5xx', '10m', '0', '1s', '-1', 'always', 'http://up', 'http://up/', 'updating', 'error', 'timeout',
  'Set-Cookie', 'Cache-Control', 'X-Accel-Expires', 'POST', '~*', '^/a{2,3}$', '"a b"', "'c'", '--[[', ']]', '[[', '"}"', 'ngx.say("}")',
];

const VCL_WORDS = [
  'vcl 4.1;', 'vcl 4.0;', 'import std;', 'import directors;', 'include "x.vcl";', 'sub', 'sub vcl_recv', 'sub vcl_backend_response',
  'sub vcl_deliver', 'sub vcl_hash', 'sub vcl_hit', 'sub vcl_miss', 'sub vcl_pass', 'sub vcl_synth', 'sub vcl_init', 'sub vcl_backend_fetch',
  'sub vcl_req_cookie', 'backend', 'backend default', 'probe', 'probe p', 'acl', 'acl purgers', 'if', 'else', 'elseif', 'elsif', 'else if',
  'return', 'return (pass);', 'return (hash);', 'return (deliver);', 'return (synth(404, "x"));', 'return (pass(10s));', 'return;',
  'set', 'unset', 'call', 'new', 'hash_data', 'synthetic', 'ban', 'std.log', 'regsub', 'req.url', 'req.http.Cookie', 'req.http.X-A',
  'req.method', 'beresp.ttl', 'beresp.grace', 'beresp.uncacheable', 'beresp.http.Set-Cookie', 'beresp.http.Vary', 'resp.http.X-Cache',
  'obj.hits', 'client.ip', 'bereq.url', '.host', '.port', '.url', '.probe', '.interval', '.request', '"127.0.0.1"', '"/"', '10s',
  '1.5m', '0s', '-1s', '100KB', 'true', 'false', '1', '4.', '"str"', '{"long"}', '"""x"""', ':AAAA:', 'C{ x }C', '/* c */', '# c',
  '// c', '"PURGE"', '"^/admin"', 'purgers', '"10.0.0.0"/8', '!', '=', '==', '!=', '~', '!~', '+=', '&&', '||', '+', '-', '*', '/', '.',
  ',', '(', ')', '{', '}', ';', '"', '{"', '"}', '"""', '\n', ' ', '  ', '\t',
];

function soup(words: string[], maxLength: number): fc.Arbitrary<string> {
  const unit = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...STRUCTURE) }, { weight: 4, arbitrary: fc.constantFrom(...words) }, { weight: 1, arbitrary: codeUnit });
  return fc.array(unit, { maxLength }).map((parts) => parts.join(''));
}

/** Token soup in nginx's alphabet: structure characters, directive names, variables, placeholders. */
export const nginxSoup = soup(NGINX_WORDS, 120);
/** Token soup in VCL's alphabet: keywords, operators, names, strings of every delimiter, comments. */
export const vclSoup = soup(VCL_WORDS, 120);

/** Well-formed-looking nginx: nested blocks of directives, then optionally damaged. */
export const nginxStructured: fc.Arbitrary<string> = fc
  .letrec<{ stmt: string; block: string }>((tie) => ({
    stmt: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.constantFrom(...NGINX_WORDS), fc.array(fc.constantFrom(...NGINX_WORDS), { maxLength: 4 })).map(([n, a]) => `${[n, ...a].join(' ')};`),
      fc.tuple(fc.constantFrom(...NGINX_WORDS), fc.array(fc.constantFrom(...NGINX_WORDS), { maxLength: 2 }), tie('block')).map(([n, a, b]) => `${[n, ...a].join(' ')} ${b}`),
    ),
    block: fc.array(tie('stmt'), { maxLength: 5 }).map((s) => `{\n${s.join('\n')}\n}`),
  }))
  .stmt;

/** Well-formed-looking VCL: subs of nested ifs and statements, backends, ACLs. */
export const vclStructured: fc.Arbitrary<string> = fc
  .letrec<{ stmt: string; body: string; decl: string; file: string }>((tie) => ({
    stmt: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.array(fc.constantFrom(...VCL_WORDS), { maxLength: 5 }).map((w) => `${w.join(' ')};`),
      fc.tuple(fc.array(fc.constantFrom(...VCL_WORDS), { maxLength: 4 }), tie('body'), fc.option(tie('body'))).map(
        ([c, b, e]) => `if (${c.join(' ')}) ${b}${e ? ` else ${e}` : ''}`,
      ),
    ),
    body: fc.array(tie('stmt'), { maxLength: 5 }).map((s) => `{\n${s.join('\n')}\n}`),
    decl: fc.oneof(
      fc.tuple(fc.constantFrom('vcl_recv', 'vcl_backend_response', 'vcl_deliver', 'vcl_hash', 'x'), tie('body')).map(([n, b]) => `sub ${n} ${b}`),
      fc.array(fc.constantFrom('.host = "h";', '.port = "80";', '.probe = { .url = "/"; }', '.x', '= 1s;'), { maxLength: 4 }).map((f) => `backend b { ${f.join(' ')} }`),
      fc.array(fc.constantFrom('"a";', '!"b"/8;', '( "c" );', '"d"', '/', '24', ';'), { maxLength: 4 }).map((e) => `acl a { ${e.join(' ')} }`),
    ),
    file: fc.array(tie('decl'), { maxLength: 4 }).map((ds) => `vcl 4.1;\n${ds.join('\n')}\n`),
  }))
  .file;

// ---------------------------------------------------------------- pathological inputs

/** A chain of `n` subs, each calling the next (deep call graph). */
export function subChain(n: number): string {
  return 'vcl 4.1;\nsub vcl_recv { call s0; }\n' + Array.from({ length: n }, (_, i) => `sub s${i} { call s${i + 1}; }\n`).join('') + `sub s${n} { return (pass); }\n`;
}

/** Explicit worst cases: very long lines, very deep nesting, huge maps, floods of one structure character. */
export function pathological(dialect: Dialect): Record<string, string> {
  if (dialect === 'nginx') {
    return {
      'a 200,000-character line': 'http {\n  server_name ' + 'a'.repeat(200_000) + ';\n}\n',
      'a 200,000-character quoted argument': 'add_header X "' + 'b'.repeat(200_000) + '";\n',
      'a 200,000-character unterminated quote': 'set $a "' + 'c'.repeat(200_000),
      'a 200,000-character comment': '#' + 'd'.repeat(200_000),
      '10,000 nested locations': 'http { server {\n' + 'location / {\n'.repeat(10_000) + 'proxy_cache z;\n' + '}\n'.repeat(10_000) + '} }\n',
      '10,000 nested locations, never closed': 'location / {\n'.repeat(10_000),
      '10,000 nested ifs': 'location / {\n' + 'if ($a) {\n'.repeat(10_000) + 'return 403;\n' + '}\n'.repeat(10_000) + '}\n',
      '10,000 stray braces': '{'.repeat(10_000) + '}'.repeat(10_000),
      '50,000 closing braces': '}'.repeat(50_000),
      '50,000 semicolons': ';'.repeat(50_000),
      'a stray block of 200,000 statements': '{ ' + 'a;'.repeat(200_000) + ' }',
      'a map with 100,000 entries':
        'http {\n  map $uri $cached {\n    default 0;\n' + Array.from({ length: 100_000 }, (_, i) => `    /p/${i} ${i % 7};\n`).join('') + '  }\n  server { location / { proxy_cache $cached; } }\n}\n',
      '20,000 locations in one server': 'http { server {\n' + Array.from({ length: 20_000 }, (_, i) => `location /l${i} { proxy_cache z; }\n`).join('') + '} }\n',
      '20,000 unterminated quotes': '"a\n'.repeat(20_000),
      '10,000 template placeholders': 'server_name ' + '{{ h }}'.repeat(10_000) + ';\n',
      'a Lua block of 200,000 braces': 'content_by_lua_block {' + '{'.repeat(100_000) + '}'.repeat(100_000) + '}\n',
      '100,000 lines of "${"': '${\n'.repeat(100_000),
    };
  }
  return {
    'a 200,000-character line': 'vcl 4.1;\nsub vcl_recv { set req.http.x = "' + 'a'.repeat(200_000) + '"; }\n',
    'a 200,000-character long string, unterminated': 'vcl 4.1;\nsub vcl_recv { set req.http.x = {"' + 'a'.repeat(200_000),
    'a 200,000-character comment, unterminated': 'vcl 4.1;\n/*' + ' '.repeat(200_000),
    '10,000 nested ifs': 'vcl 4.1;\nsub vcl_recv {\n' + 'if (req.url) {\n'.repeat(10_000) + 'return (pass);\n' + '}\n'.repeat(10_000) + '}\n',
    '10,000 nested ifs, never closed': 'vcl 4.1;\nsub vcl_recv {\n' + 'if (req.url) {\n'.repeat(10_000),
    '10,000 nested blocks': 'vcl 4.1;\nsub vcl_recv { ' + '{'.repeat(10_000) + '}'.repeat(10_000) + ' }\n',
    '10,000 nested parentheses': 'vcl 4.1;\nsub vcl_recv { if (' + '('.repeat(10_000) + 'req.url' + ')'.repeat(10_000) + ') { return (pass); } }\n',
    '10,000 chained else-ifs': 'vcl 4.1;\nsub vcl_recv {\n if (req.url == "/") { return (pass); }\n' + ' elseif (req.url == "/x") { set req.http.a = "b"; }\n'.repeat(10_000) + '}\n',
    '10,000 operators in one expression': 'vcl 4.1;\nsub vcl_recv { if (' + 'req.url == "a" || '.repeat(10_000) + 'true) { return (pass); } }\n',
    'two chains of 498 operators, one inside the other': 'vcl 4.1;\nsub vcl_recv { if (req.url == "a" || (' + 'req.url == "a" || '.repeat(498) + 'true) || ' + 'req.url == "a" || '.repeat(497) + 'true) { return (pass); } }\n',
    '10,000 regex alternatives': 'vcl 4.1;\nsub vcl_recv { if (req.url ~ ' + '"a" + '.repeat(10_000) + '"b") { return (pass); } }\n',
    '10,000 chained method calls': 'vcl 4.1;\nsub vcl_init { new o = d.round_robin(); }\nsub vcl_recv { set req.backend_hint = o' + '.backend()'.repeat(10_000) + '; }\n',
    '10,000 string concatenations': 'vcl 4.1;\nsub vcl_recv { set req.http.x = ' + '"a" + '.repeat(10_000) + '"b"; }\n',
    '10,000 unary minuses': 'vcl 4.1;\nsub vcl_backend_response { set beresp.ttl = ' + '-'.repeat(10_000) + '1s; }\n',
    'an ACL with 100,000 entries': 'vcl 4.1;\nacl a {\n' + Array.from({ length: 100_000 }, (_, i) => `  "10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}";\n`).join('') + '}\nsub vcl_recv { if (client.ip ~ a) { return (pass); } }\n',
    '50,000 closing braces': '}'.repeat(50_000),
    '20,000 unterminated strings': '"a\n'.repeat(20_000),
    '50,000 comment openers': '/*'.repeat(50_000),
  };
}

// ---------------------------------------------------------------- invariants

function fail(label: string, message: string): never {
  throw new Error(`${label}: ${message}`);
}

/** The nginx scanner's tokens give back the text, contiguous; every node and error lies inside the text. */
export function checkNginx(text: string, label = 'nginx'): NginxTree {
  const tokens = scanAll(text);
  let at = 0;
  for (const t of tokens) {
    if (t.start !== at) fail(label, `token at ${t.start} does not start where the previous ended (${at})`);
    if (t.end <= t.start) fail(label, `empty or inverted token [${t.start}, ${t.end})`);
    at = t.end;
  }
  if (at !== text.length) fail(label, `tokens end at ${at}, the text at ${text.length}`);
  const tree = parseNginx(text, { isKnownDirective });
  if (tree.text !== text) fail(label, 'tree.text differs from the text');
  const len = text.length;
  let lastError = -1;
  for (const e of tree.errors) {
    if (!(e.offset >= 0 && e.offset <= e.end && e.end <= len)) fail(label, `error range [${e.offset}, ${e.end}) outside the text (${len}): ${e.message}`);
    if (e.offset < lastError) fail(label, 'errors are not sorted by offset');
    lastError = e.offset;
  }
  // Depth-first with an explicit stack: the check must not itself overflow on deep trees.
  const stack: { nodes: Node[]; lo: number; hi: number }[] = [{ nodes: tree.children, lo: 0, hi: len }];
  while (stack.length) {
    const { nodes, lo, hi } = stack.pop()!;
    let prevStart = lo;
    for (const n of nodes) {
      if (!(n.offset >= lo && n.offset <= n.end && n.end <= hi)) fail(label, `${n.type} [${n.offset}, ${n.end}) outside its parent [${lo}, ${hi})`);
      if (n.offset < prevStart) fail(label, `${n.type} at ${n.offset} comes before its previous sibling (${prevStart})`);
      prevStart = n.offset;
      if (n.type === 'comment') {
        if (text[n.offset] !== '#' || text.slice(n.offset + 1, n.end) !== n.text) fail(label, `comment at ${n.offset} does not give back its text`);
        continue;
      }
      if (n.type !== 'directive') continue;
      checkDirective(text, n, label);
      if (n.block && !n.block.raw) stack.push({ nodes: n.block.children, lo: n.block.open + 1, hi: n.block.close ?? len });
    }
  }
  return tree;
}

function checkDirective(text: string, d: Directive, label: string): void {
  let prev = d.offset;
  for (const w of [d.name, ...d.args]) {
    if (!(w.offset >= prev && w.offset < w.end && w.end <= d.end)) fail(label, `word [${w.offset}, ${w.end}) out of order or outside its statement [${d.offset}, ${d.end})`);
    if (text.slice(w.offset, w.end) !== w.raw) fail(label, `word at ${w.offset}: raw ${JSON.stringify(w.raw)} is not the text there`);
    prev = w.end;
  }
  if (d.semicolon !== undefined && (text[d.semicolon] !== ';' || d.semicolon < prev || d.end !== d.semicolon + 1)) fail(label, `";" of the statement at ${d.offset} misplaced`);
  if (d.block) {
    const { open, close } = d.block;
    if (text[open] !== '{' || open < prev) fail(label, `block "{" of the statement at ${d.offset} misplaced (${open})`);
    if (close !== undefined && (text[close] !== '}' || close < open || d.end !== close + 1)) fail(label, `block "}" of the statement at ${d.offset} misplaced (${close})`);
  }
}

/** The VCL tokens give back the text, contiguous; every node range and error range lies inside the text. */
export function checkVcl(text: string, mode: (typeof VCL_MODES)[number], label = 'vcl'): VclTree {
  label = `${label} (${mode})`;
  const tree = parseVcl(text, { mode });
  if (tree.text !== text) fail(label, 'tree.text differs from the text');
  let at = 0;
  for (const t of tree.tokens) {
    if (t.start !== at) fail(label, `token at ${t.start} does not start where the previous ended (${at})`);
    if (t.end <= t.start) fail(label, `empty or inverted token [${t.start}, ${t.end})`);
    at = t.end;
  }
  if (at !== text.length) fail(label, `tokens end at ${at}, the text at ${text.length}`);
  const len = text.length;
  for (const e of tree.errors) {
    if (!(e.range.start >= 0 && e.range.start <= e.range.end && e.range.end <= len)) fail(label, `error range [${e.range.start}, ${e.range.end}) outside the text (${len}): ${e.message}`);
  }
  for (const c of tree.comments) if (!(c.start >= 0 && c.start < c.end && c.end <= len)) fail(label, `comment [${c.start}, ${c.end}) outside the text`);
  // Every object with a range: inside the text, and inside the range of the node that holds it.
  const stack: { v: unknown; lo: number; hi: number; where: string }[] = [];
  let prevItem = 0;
  for (const item of tree.items) {
    if (item.start < prevItem) fail(label, `${item.type} at ${item.start} comes before the previous item (${prevItem})`);
    prevItem = item.start;
    stack.push({ v: item, lo: 0, hi: len, where: item.type });
  }
  while (stack.length) {
    const { v, lo, hi, where } = stack.pop()!;
    if (Array.isArray(v)) {
      for (const x of v) stack.push({ v: x, lo, hi, where });
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    const o = v as Record<string, unknown>;
    let [clo, chi] = [lo, hi];
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      if (!(o.start >= lo && o.start <= o.end && o.end <= hi)) fail(label, `${where}${o.type ? '.' + String(o.type) : ''} [${o.start}, ${o.end}) outside its holder [${lo}, ${hi})`);
      [clo, chi] = [o.start, o.end];
    }
    // `open` may stand where a missing `{` was expected (zero-width); `close` is always a real `}` or `)`.
    if (typeof o.open === 'number' && !(o.open >= clo && o.open <= chi)) fail(label, `${where}.open = ${o.open} outside [${clo}, ${chi}]`);
    if (typeof o.close === 'number' && !(o.close >= clo && o.close < chi && (text[o.close] === '}' || text[o.close] === ')'))) fail(label, `${where}.close = ${o.close} is not a "}" or ")" inside [${clo}, ${chi})`);
    for (const [k, x] of Object.entries(o)) if (x && typeof x === 'object') stack.push({ v: x, lo: clo, hi: chi, where: `${where}.${k}` });
  }
  return tree;
}

/** Every parser invariant of a text, for its dialect (VCL: in every mode). */
export function checkParsers(dialect: Dialect, text: string, label?: string): void {
  if (dialect === 'nginx') checkNginx(text, label);
  else for (const mode of VCL_MODES) checkVcl(text, mode, label);
}

// ---------------------------------------------------------------- analysis

/** An in-memory file system; glob matches `*` and `?` within one path segment. */
export function memoryProvider(files: Record<string, string>): FileProvider {
  return {
    readFile: (p) => (Object.prototype.hasOwnProperty.call(files, p) ? files[p] : undefined),
    glob(pattern) {
      const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\[\]]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
      return Object.keys(files).filter((f) => re.test(f)).sort();
    },
  };
}

export const ENTRY: Record<Dialect, string> = { nginx: '/etc/nginx/nginx.conf', vcl: '/etc/varnish/default.vcl' };

/** Analyses `text` as the one entry file of its dialect; fails on a throw or on any internal (rule) error. */
export function checkAnalysis(dialect: Dialect, text: string, label: string = dialect, entryContext?: string): AnalysisResult {
  const entry = ENTRY[dialect];
  // Included files exist so that the include paths are followed too; they are small and valid.
  const files: Record<string, string> = {
    [entry]: text,
    '/etc/nginx/x': 'proxy_cache_valid 200 1m;\n',
    '/etc/nginx/conf.d/a.conf': 'location /inc { proxy_cache z; }\n',
    '/etc/varnish/x.vcl': 'sub vcl_hit { return (deliver); }\n',
    '/etc/varnish/x': 'set req.http.x = "y";\n',
  };
  let r: AnalysisResult;
  try {
    r = analyzeEntries([entry], { provider: memoryProvider(files), settings: defaultSettings(), entryContext });
  } catch (err) {
    throw new Error(`${label}: analysis threw: ${err instanceof Error ? err.stack : String(err)}`);
  }
  if (r.internalErrors.length) fail(label, `internal errors: ${r.internalErrors.join(' | ')}`);
  for (const f of r.findings) {
    const t = r.files.get(f.path)?.text;
    if (t === undefined) fail(label, `finding ${f.ruleId} on an unknown file ${f.path}`);
    if (!(f.range.start >= 0 && f.range.start <= f.range.end && f.range.end <= t.length)) fail(label, `finding ${f.ruleId} range [${f.range.start}, ${f.range.end}) outside ${f.path} (${t.length})`);
  }
  return r;
}

// ---------------------------------------------------------------- runner

/** A stable 32-bit seed per property, derived from the base seed and the property's name. */
export function seedFor(name: string): number {
  let h = BASE_SEED ^ 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h | 0;
}

/**
 * Checks `check(text)` on `numRuns` generated values. On failure the error gives the seed and path to replay
 * it (CACHELINT_FUZZ_SEED / CACHELINT_FUZZ_PATH), the counterexample fast-check shrank, and that text
 * minimised further by deleting chunks while the same failure remains (small enough for a fixture).
 */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T>, toText: (v: T) => string, check: (text: string) => void, numRuns: number): { runs: number } {
  const replay = process.env.CACHELINT_FUZZ_PATH;
  const seed = replay !== undefined ? BASE_SEED : seedFor(name);
  const details = fc.check(
    fc.property(arb, (v) => {
      check(toText(v));
    }),
    { seed, numRuns, path: replay, endOnFailure: false },
  );
  if (!details.failed) return { runs: details.numRuns };
  const text = toText(details.counterexample![0]);
  const signature = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0].replace(/\d+/g, 'N').replace(/^[^:]*: /, '').slice(0, 60);
  const want = signature(details.errorInstance);
  const small = minimise(text, (t) => {
    try {
      check(t);
      return false;
    } catch (e) {
      return signature(e) === want;
    }
  });
  throw new Error(
    `${name}: failed after ${details.numRuns} run(s); replay with CACHELINT_FUZZ_SEED=${seed} CACHELINT_FUZZ_PATH="${details.counterexamplePath}"\n` +
      `error: ${String(details.errorInstance instanceof Error ? details.errorInstance.stack : details.errorInstance).slice(0, 3000)}\n` +
      `counterexample text (${text.length} chars): ${JSON.stringify(text.length > 2000 ? text.slice(0, 2000) + '…' : text)}\n` +
      `minimised (${small.length} chars): ${JSON.stringify(small)}`,
  );
}

/** Delta debugging over characters: the shortest text found (in bounded work) for which `fails` still holds. */
export function minimise(text: string, fails: (t: string) => boolean, budget = 3000): string {
  let cur = text;
  let tries = 0;
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1 && tries < budget; ) {
    let removed = false;
    for (let i = 0; i < cur.length && tries < budget; ) {
      const cand = cur.slice(0, i) + cur.slice(i + chunk);
      tries++;
      if (fails(cand)) {
        cur = cand;
        removed = true;
      } else i += chunk;
    }
    if (!removed) chunk >>= 1;
  }
  return cur;
}

/** Fixtures replayed by the regression test: `test/fuzz/fixtures/<name>.{conf,vcl}`. */
export const FIXTURES = path.join(__dirname, 'fixtures');
