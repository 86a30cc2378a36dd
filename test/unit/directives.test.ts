// Directive knowledge read from @nginx/reference-lib: arity, contexts, docs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedIn, directiveDocs, directiveSpec, syntaxArity, variableDocs } from '../../server/src/analyzer/nginx/directives';

test('syntax lines give argument counts', () => {
  assert.deepEqual(syntaxArity(['[*`code`* ...] *`time`*']), { min: 1, max: Infinity });
  assert.deepEqual(syntaxArity(['`on` | `off`']), { min: 1, max: 1 });
  assert.deepEqual(syntaxArity(['*`name`* *`value`* [`always`]']), { min: 2, max: 3 });
  assert.deepEqual(directiveSpec('location')!.arity, { min: 1, max: 2 });
});

test('contexts per family', () => {
  const pass = directiveSpec('proxy_pass')!;
  assert.equal(allowedIn(pass, 'location', 'http'), true);
  assert.equal(allowedIn(pass, 'server', 'http'), false);
  assert.equal(allowedIn(pass, 'server', 'stream'), true);
  assert.equal(allowedIn(directiveSpec('proxy_cache')!, 'if in location', 'http'), false);
  assert.equal(allowedIn(directiveSpec('add_header')!, 'if in location', 'http'), true);
  assert.equal(allowedIn(directiveSpec('return')!, 'if in location', 'http'), true);
});

test('hover docs for directives and variables', () => {
  const d = directiveDocs('proxy_cache_valid')!;
  assert.match(d, /Syntax:/);
  assert.match(d, /Context: http, server, location/);
  assert.match(d, /ngx_http_proxy_module\.html#proxy_cache_valid/);
  assert.match(variableDocs('$upstream_cache_status')!, /ngx_http_upstream_module/);
  assert.match(variableDocs('$http_user_agent')!, /\$http_NAME/);
  assert.equal(variableDocs('$no_such_variable_x'), undefined);
});

test('directive docs follow the block family: proxy_pass in http is not the stream one', () => {
  const http = directiveDocs('proxy_pass', 'http')!;
  assert.match(http, /ngx_http_proxy_module/);
  assert.doesNotMatch(http, /ngx_stream_proxy_module/);
  const stream = directiveDocs('proxy_pass', 'stream')!;
  assert.match(stream, /ngx_stream_proxy_module/);
  assert.doesNotMatch(stream, /ngx_http_proxy_module/);
  // Outside any family block both are shown; core directives keep their docs everywhere.
  assert.match(directiveDocs('proxy_pass', 'any')!, /ngx_http_proxy_module[\s\S]*ngx_stream_proxy_module/);
  assert.match(directiveDocs('error_log', 'stream')!, /ngx_core_module/);
});
