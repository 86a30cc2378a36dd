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
