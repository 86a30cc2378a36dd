// How the facade reads VCL programs: entries included by another entry, and superseded findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEntries } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { createNodeFileProvider, createOverlayProvider } from '../../server/src/node/fileProvider';

function analyse(files: Record<string, string>, entries: string[]) {
  return analyzeEntries(entries, { provider: createOverlayProvider(createNodeFileProvider(), new Map(Object.entries(files))), settings: defaultSettings() });
}

const MAIN = `vcl 4.1;
include "backends.vcl";
sub vcl_recv {
    set req.backend_hint = app;
}
`;
const BACKENDS = `backend app {
    .host = "127.0.0.1";
}
`;

test('an included VCL given before its includer is read inside that program, not as a program of its own', () => {
  const r = analyse({ '/v/default.vcl': MAIN, '/v/backends.vcl': BACKENDS }, ['/v/backends.vcl', '/v/default.vcl']);
  assert.deepEqual(r.internalErrors, []);
  const ids = r.findings.map((f) => `${f.path} ${f.ruleId}`);
  assert.ok(!ids.some((i) => i.startsWith('/v/backends.vcl vcl/missing-version')), ids.join('\n'));
  assert.ok(!ids.some((i) => i.includes('unused-declaration')), 'app is used by the program that includes it');
});

test('a Varnish 3 idiom gets the removed-syntax finding (with its fix) instead of a syntax error on the same text', () => {
  const text = `vcl 4.1;\nbackend app { .host = "127.0.0.1"; }\nsub vcl_backend_response {\n    return (hit_for_pass);\n}\n`;
  const r = analyse({ '/v/old.vcl': text }, ['/v/old.vcl']);
  const at = (id: string) => r.findings.filter((f) => f.ruleId === id).map((f) => r.files.get(f.path)!.lines.positionAt(f.range.start).line + 1);
  assert.deepEqual(at('vcl/removed-syntax'), [4]);
  assert.deepEqual(at('vcl/syntax'), []);
});

test('the varnishd parameters VCC reads decide what is an error: vcc_allow_inline_c and vcc_err_unref', () => {
  const text = `vcl 4.1;\nbackend app { .host = "127.0.0.1"; }\nacl office { "10.0.0.0"/8; }\nsub vcl_recv {\n    C{ VRT_log(ctx, "x"); }C\n}\n`;
  const run = (vcc: { allowInlineC: boolean; errUnref: boolean }) => {
    const settings = { ...defaultSettings(), vcc };
    const r = analyzeEntries(['/v/p.vcl'], { provider: createOverlayProvider(createNodeFileProvider(), new Map([['/v/p.vcl', text]])), settings });
    return r.findings.filter((f) => f.ruleId === 'vcl/syntax' || f.ruleId === 'vcl/unused-declaration').map((f) => `${f.ruleId} ${f.severity}`);
  };
  assert.deepEqual(run({ allowInlineC: false, errUnref: true }).sort(), ['vcl/syntax error', 'vcl/unused-declaration error']);
  assert.deepEqual(run({ allowInlineC: true, errUnref: false }), ['vcl/unused-declaration warning']);
});

test('an unterminated inline C block is a syntax error even where inline C is allowed', () => {
  const text = `vcl 4.1;\nbackend app { .host = "127.0.0.1"; }\nC{ static int x;\n`;
  const settings = { ...defaultSettings(), vcc: { allowInlineC: true, errUnref: true } };
  const r = analyzeEntries(['/v/c.vcl'], { provider: createOverlayProvider(createNodeFileProvider(), new Map([['/v/c.vcl', text]])), settings });
  assert.deepEqual(r.findings.filter((f) => f.ruleId === 'vcl/syntax').map((f) => f.message.split(':')[0]), ['Unterminated inline C source, starting at']);
});
