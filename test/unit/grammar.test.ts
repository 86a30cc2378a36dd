// Tokenizes nginx and VCL samples with the extension's TextMate grammars, the way VS Code does,
// and checks the scopes that themes colour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const root = path.resolve(__dirname, '..', '..');
const grammarFiles: Record<string, string> = {
  'source.nginx': path.join(root, 'syntaxes', 'nginx.tmLanguage.json'),
  'source.vcl': path.join(root, 'syntaxes', 'vcl.tmLanguage.json'),
};

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

let registryPromise: Promise<vsctm.Registry> | undefined;

function registry(): Promise<vsctm.Registry> {
  registryPromise ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const onigLib: vsctm.IOnigLib = {
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    };
    return new vsctm.Registry({
      onigLib: Promise.resolve(onigLib),
      loadGrammar: async (scopeName) => {
        const file = grammarFiles[scopeName];
        // Other languages (e.g. an embedded `source.lua`) are not installed here.
        return file === undefined ? null : vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
      },
    });
  })();
  return registryPromise;
}

async function tokenize(scopeName: string, text: string): Promise<Token[]> {
  const grammar = await (await registry()).loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} loads`);
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  text.split('\n').forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    for (const t of result.tokens) {
      tokens.push({ line, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

const nginx = (text: string) => tokenize('source.nginx', text);
const vcl = (text: string) => tokenize('source.vcl', text);

/** The n-th token (0-based) whose text is exactly `text`. */
function token(tokens: Token[], text: string, nth = 0): Token {
  const found = tokens.filter((t) => t.text === text);
  const t = found[nth];
  assert.ok(t, `no token ${JSON.stringify(text)} (#${nth}) in ${JSON.stringify(tokens.map((x) => x.text))}`);
  return t;
}

function hasScope(t: Token, scope: string): boolean {
  return t.scopes.some((s) => s === scope || s.startsWith(scope + '.'));
}

function assertScope(tokens: Token[], text: string, scope: string, nth = 0): void {
  const t = token(tokens, text, nth);
  assert.ok(hasScope(t, scope), `${JSON.stringify(text)} should have ${scope}, has ${t.scopes.join(' ')}`);
}

function assertNoScope(tokens: Token[], text: string, scope: string, nth = 0): void {
  const t = token(tokens, text, nth);
  assert.ok(!hasScope(t, scope), `${JSON.stringify(text)} should not have ${scope}, has ${t.scopes.join(' ')}`);
}

// ---------------------------------------------------------------- nginx

test('nginx: directive name and variables in proxy_cache_key', async () => {
  const tokens = await nginx('proxy_cache_key $scheme$host${my_key}x;');
  assertScope(tokens, 'proxy_cache_key', 'support.function.directive.nginx');
  assertScope(tokens, 'scheme', 'variable.language.nginx');
  assertScope(tokens, 'host', 'variable.language.nginx');
  assertScope(tokens, '$', 'punctuation.definition.variable.nginx', 1);
  assertScope(tokens, 'my_key', 'variable.other.nginx');
  assertScope(tokens, '${', 'punctuation.definition.variable.begin.nginx');
  assertScope(tokens, ';', 'punctuation.terminator.statement.nginx');
  assertNoScope(tokens, 'x', 'variable');
});

test('nginx: # starts a comment only at the start of a token', async () => {
  const tokens = await nginx('set $tag a#b;\n  # note');
  const word = tokens.find((t) => t.line === 0 && t.text.includes('a#b'));
  assert.ok(word, 'a#b is read as part of the argument');
  assert.ok(!hasScope(word, 'comment'), `a#b is not a comment: ${word.scopes.join(' ')}`);
  assertScope(tokens, ';', 'punctuation.terminator.statement.nginx');
  assertScope(tokens, '#', 'punctuation.definition.comment.nginx');
  assertScope(tokens, ' note', 'comment.line.number-sign.nginx');
});

test('nginx: an escaped quote does not end a double-quoted string', async () => {
  const line = 'add_header X-Test "a \\"quoted\\" b" always;';
  const tokens = await nginx(line);
  const open = line.indexOf('"');
  const close = line.lastIndexOf('"');
  let offset = 0;
  for (const t of tokens) {
    const inside = offset >= open && offset <= close;
    assert.equal(hasScope(t, 'string.quoted.double.nginx'), inside, `${JSON.stringify(t.text)} at ${offset}`);
    offset += t.text.length;
  }
  assertScope(tokens, '\\"', 'constant.character.escape.nginx');
  assertScope(tokens, ';', 'punctuation.terminator.statement.nginx');
});

test('nginx: variables inside strings, numbers with units, on/off', async () => {
  const tokens = await nginx(
    [
      "log_format edge '$remote_addr \"$request\"';",
      'proxy_cache_path /var/cache levels=1:2 keys_zone=shop:50m inactive=30s;',
      'proxy_cache_valid 200 301 10m;',
      'proxy_cache_lock on;',
    ].join('\n'),
  );
  assertScope(tokens, 'remote_addr', 'string.quoted.single.nginx');
  assertScope(tokens, 'remote_addr', 'variable.language.nginx');
  assertScope(tokens, 'request', 'variable.language.nginx');
  assertScope(tokens, 'keys_zone', 'variable.parameter.nginx');
  assertScope(tokens, '50', 'constant.numeric.nginx');
  assertScope(tokens, 'm', 'keyword.other.unit.nginx');
  assertScope(tokens, '200', 'constant.numeric.nginx');
  assertScope(tokens, '10', 'constant.numeric.nginx');
  assertScope(tokens, 'm', 'keyword.other.unit.nginx', 1);
  assertScope(tokens, 'on', 'constant.language.boolean.nginx');
});

test('nginx: block directives, location modifiers and regexes', async () => {
  const tokens = await nginx(
    [
      'http {',
      '  upstream app { server 127.0.0.1:8081; }',
      '  server {',
      '    location = /health { return 200; }',
      '    location ~* \\.(png|jpg)$ { expires 7d; }',
      '    location ^~ /static/ { try_files $uri @app; }',
      '  }',
      '}',
    ].join('\n'),
  );
  assertScope(tokens, 'http', 'storage.type.block.nginx');
  assertScope(tokens, 'upstream', 'storage.type.block.nginx');
  assertScope(tokens, 'app', 'entity.name.type.nginx');
  // `server` inside upstream is a plain directive, `server {` is a block.
  assertScope(tokens, 'server', 'support.function.directive.nginx', 0);
  assertScope(tokens, 'server', 'storage.type.block.nginx', 1);
  assertScope(tokens, '127.0.0.1', 'constant.numeric.ip-address.nginx');
  assertScope(tokens, 'location', 'storage.type.block.nginx');
  assertScope(tokens, '=', 'keyword.operator.location-modifier.nginx');
  assertScope(tokens, '/health', 'string.unquoted.path.location.nginx');
  assertScope(tokens, 'return', 'keyword.control.flow.nginx');
  assertScope(tokens, '~*', 'keyword.operator.location-modifier.nginx');
  assertScope(tokens, '\\.', 'string.regexp.nginx');
  assertScope(tokens, '|', 'keyword.operator.or.regexp');
  assertScope(tokens, '$', 'keyword.control.anchor.regexp');
  assertScope(tokens, '^~', 'keyword.operator.location-modifier.nginx');
  assertScope(tokens, '/static/', 'string.unquoted.path.location.nginx');
  assertScope(tokens, '@app', 'entity.name.function.named-location.nginx');
  assertScope(tokens, '}', 'punctuation.section.block.end.nginx', 0);
  // Braces nest: the last `}` closes `http`, the outermost block.
  const last = tokens.filter((t) => t.text === '}').at(-1);
  assert.ok(last && hasScope(last, 'punctuation.section.block.end.nginx'));
  assert.deepEqual(last.scopes, ['source.nginx', 'meta.block.nginx', 'punctuation.section.block.end.nginx']);
});

test('nginx: if conditions with operators and regexes', async () => {
  const tokens = await nginx(
    [
      'if ($http_cookie ~* "session=([^;]+)") { set $sid $1; }',
      'if ($uri ~ ^/(a|b)$) { break; }',
      'if (!-f $request_filename) { return 404; }',
      'if ($request_method != GET) { return 405; }',
    ].join('\n'),
  );
  assertScope(tokens, 'if', 'keyword.control.conditional.nginx');
  assertScope(tokens, '~*', 'keyword.operator.regex.nginx');
  assertScope(tokens, 'session=', 'string.regexp.nginx');
  assertScope(tokens, '1', 'variable.other.capture.nginx');
  assertScope(tokens, '~', 'keyword.operator.regex.nginx');
  // The regex's own `)` belongs to the regex; the last `)` closes the condition.
  assertScope(tokens, ')', 'punctuation.definition.group.regexp', 0);
  assertScope(tokens, ')', 'punctuation.section.condition.end.nginx', 1);
  assertScope(tokens, ')', 'punctuation.definition.group.regexp', 2);
  assertScope(tokens, ')', 'punctuation.section.condition.end.nginx', 3);
  assertScope(tokens, '!-f', 'keyword.operator.file-test.nginx');
  assertScope(tokens, '!=', 'keyword.operator.comparison.nginx');
});

test('nginx: map keys, regex keys and include paths', async () => {
  const tokens = await nginx(
    [
      'map $uri $backend {',
      '  default      app;',
      '  ~^/api/(?<v>v\\d+)/  api_$v;',
      '  /exact       static;',
      '  include /etc/nginx/maps/*.map;',
      '}',
      'include conf.d/*.conf;',
    ].join('\n'),
  );
  assertScope(tokens, 'map', 'storage.type.block.nginx');
  assertScope(tokens, 'default', 'keyword.other.map.nginx');
  assertScope(tokens, '~', 'keyword.operator.regex.nginx');
  assertScope(tokens, 'v', 'variable.other.named-capture.regexp');
  assertScope(tokens, '/exact', 'string.unquoted.map-key.nginx');
  assertScope(tokens, 'include', 'keyword.control.import.nginx');
  assertScope(tokens, '/etc/nginx/maps/*.map', 'string.unquoted.path.include.nginx');
  assertScope(tokens, 'conf.d/*.conf', 'string.unquoted.path.include.nginx');
  assertNoScope(tokens, 'conf.d/*.conf', 'meta.block.nginx');
});

test('nginx: template placeholders', async () => {
  const tokens = await nginx(
    ['server_name {{ host }} www.example.com;', '{% if cache %}', 'proxy_cache shop;', '{% endif %}'].join('\n'),
  );
  assertScope(tokens, '{{', 'punctuation.definition.template-expression.begin.nginx');
  assertScope(tokens, 'host', 'meta.template.expression.nginx');
  assertScope(tokens, 'host', 'variable.other.template.nginx');
  assertScope(tokens, '{%', 'meta.template.statement.nginx');
  assertScope(tokens, 'endif', 'keyword.control.template.nginx');
  assertScope(tokens, ';', 'punctuation.terminator.statement.nginx');
  assertScope(tokens, 'proxy_cache', 'support.function.directive.nginx');
});

test('nginx: *_by_lua_block body is Lua and ends at its own closing brace', async () => {
  const tokens = await nginx(
    [
      'location /lua {',
      '  content_by_lua_block { local s = "}" -- }',
      '    local t = { a = { 1 } } --[[ } ]] local u = [[ } ]]',
      '    if s then ngx.say(s) end',
      '  }',
      '  proxy_cache zone;',
      '}',
    ].join('\n'),
  );
  assertScope(tokens, 'content_by_lua_block', 'support.function.directive.nginx');
  assertScope(tokens, 'local', 'meta.embedded.block.lua');
  assertScope(tokens, 'local', 'storage.modifier.local.lua');
  assertScope(tokens, '}', 'string.quoted.double.lua', 0);
  assertScope(tokens, '--', 'comment.line.double-dash.lua');
  assertScope(tokens, ' }', 'comment.line.double-dash.lua');
  assertScope(tokens, '{', 'punctuation.section.block.begin.nginx', 1);
  assertScope(tokens, '{', 'punctuation.section.table.begin.lua', 2);
  assertScope(tokens, ' } ', 'comment.block.lua', 0);
  assertScope(tokens, ' } ', 'string.quoted.other.multiline.lua', 1);
  assertScope(tokens, 'if', 'keyword.control.lua');
  assertScope(tokens, 'end', 'keyword.control.lua');
  assertScope(tokens, 'say', 'meta.embedded.block.lua');

  const close = tokens.find((t) => t.line === 4 && t.text === '}');
  assert.ok(close, 'closing brace of the Lua block');
  assert.ok(hasScope(close, 'punctuation.section.block.end.nginx'));
  assert.ok(!hasScope(close, 'meta.embedded.block.lua'));

  const after = token(tokens, 'proxy_cache');
  assert.equal(after.line, 5);
  assert.ok(hasScope(after, 'support.function.directive.nginx'), after.scopes.join(' '));
  assert.ok(!after.scopes.some((s) => s.includes('lua')), after.scopes.join(' '));
  const final = tokens.find((t) => t.line === 6 && t.text === '}');
  assert.ok(final && hasScope(final, 'punctuation.section.block.end.nginx'));
  assert.ok(!final.scopes.some((s) => s.startsWith('invalid')));
});

test('nginx: a Lua block closed on the same line as its last statement', async () => {
  const tokens = await nginx(['content_by_lua_block { local s = "}" -- }', '  ngx.say(s) }', 'proxy_cache zone;'].join('\n'));
  const close = tokens.filter((t) => t.line === 1 && t.text === '}');
  assert.equal(close.length, 1);
  assert.deepEqual(close[0]?.scopes, [
    'source.nginx',
    'meta.directive.lua-block.nginx',
    'punctuation.section.block.end.nginx',
  ]);
  assertScope(tokens, 'say', 'entity.name.function.call.lua');
  assert.deepEqual(token(tokens, 'proxy_cache').scopes, [
    'source.nginx',
    'meta.directive.nginx',
    'support.function.directive.nginx',
  ]);
});

// ---------------------------------------------------------------- VCL

test('vcl: version, subroutines, return actions', async () => {
  const tokens = await vcl(
    ['vcl 4.1;', 'sub vcl_recv {', '  call normalize;', '  return (hash);', '}', 'sub normalize { }'].join('\n'),
  );
  assertScope(tokens, 'vcl', 'keyword.other.version.vcl');
  assertScope(tokens, '4.1', 'constant.numeric.version.vcl');
  assertScope(tokens, 'sub', 'storage.type.function.vcl');
  assertScope(tokens, 'vcl_recv', 'entity.name.function.vcl');
  assertScope(tokens, 'vcl_recv', 'support.function.builtin.vcl');
  assertScope(tokens, 'return', 'keyword.control.flow.return.vcl');
  assertScope(tokens, 'hash', 'keyword.control.return-action.vcl');
  assertScope(tokens, 'normalize', 'entity.name.function.vcl', 1);
  assertNoScope(tokens, 'normalize', 'support.function.builtin.vcl', 1);
});

test('vcl: variables keep header names whole', async () => {
  const tokens = await vcl('if (beresp.http.Set-Cookie && req.url ~ "^/a") { unset beresp.http.Set-Cookie; }');
  assertScope(tokens, 'beresp.http.Set-Cookie', 'variable.language.vcl', 0);
  assertScope(tokens, 'beresp.http.Set-Cookie', 'variable.language.vcl', 1);
  assertScope(tokens, 'req.url', 'variable.language.vcl');
  assertScope(tokens, '&&', 'keyword.operator.logical.vcl');
  assertScope(tokens, '~', 'keyword.operator.match.vcl');
  assertScope(tokens, '^', 'string.regexp.vcl');
  assertScope(tokens, 'unset', 'keyword.other.vcl');
});

test('vcl: strings, durations, sizes and comments', async () => {
  const tokens = await vcl(
    [
      'set beresp.http.X-Long = {"long "quoted" text"};',
      'set beresp.http.X-Triple = """x " y""";',
      'set beresp.ttl = 10m; // c',
      'set beresp.http.X-Size = 10KB; /* c */ # h',
    ].join('\n'),
  );
  assertScope(tokens, '{"', 'punctuation.definition.string.begin.vcl');
  assertScope(tokens, 'long "quoted" text', 'string.quoted.other.long.vcl');
  assertScope(tokens, 'x " y', 'string.quoted.triple.vcl');
  assertScope(tokens, '10', 'constant.numeric.duration.vcl', 0);
  assertScope(tokens, 'm', 'keyword.other.unit.vcl');
  assertScope(tokens, '10', 'constant.numeric.bytes.vcl', 1);
  assertScope(tokens, '//', 'comment.line.double-slash.vcl');
  assertScope(tokens, ' c', 'comment.line.double-slash.vcl');
  assertScope(tokens, '/*', 'comment.block.vcl');
  assertScope(tokens, ' c ', 'comment.block.vcl');
  assertScope(tokens, '#', 'comment.line.number-sign.vcl');
});

test('vcl: declarations, VMOD calls and inline C', async () => {
  const tokens = await vcl(
    [
      'import std;',
      'backend origin { .host = "127.0.0.1"; }',
      'sub vcl_init { new rr = directors.round_robin(); }',
      'sub vcl_deliver { set resp.http.X-Id = std.toupper(req.http.X-Id); }',
      'C{ if (x) { } }C',
    ].join('\n'),
  );
  assertScope(tokens, 'import', 'keyword.control.import.vcl');
  assertScope(tokens, 'std', 'support.class.vmod.vcl');
  assertScope(tokens, 'backend', 'storage.type.backend.vcl');
  assertScope(tokens, 'origin', 'entity.name.type.backend.vcl');
  assertScope(tokens, 'host', 'variable.other.property.vcl');
  assertScope(tokens, 'directors', 'support.class.vmod.vcl');
  assertScope(tokens, 'round_robin', 'support.function.vmod.vcl');
  assertScope(tokens, 'toupper', 'support.function.vmod.vcl');
  assertScope(tokens, 'C{', 'punctuation.section.embedded.begin.vcl');
  assertScope(tokens, ' if (x) { } ', 'comment.block.inline-c.vcl');
  assertScope(tokens, '}C', 'punctuation.section.embedded.end.vcl');
});
