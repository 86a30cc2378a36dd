// Property tests of the nginx and VCL parsers (every VCL mode): they never throw, the tokens give back the
// exact text, offsets are contiguous and inside the text, node and error ranges are inside the text.
//
// Seeded and reproducible. CACHELINT_FUZZ_RUNS multiplies every run count (default 1, about 10 s; 20 for a
// long run); a failure prints CACHELINT_FUZZ_SEED and CACHELINT_FUZZ_PATH to replay it, and its input
// minimised, to be saved in test/fuzz/fixtures/. See support.ts for the other variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  arbitraryText,
  checkNginx,
  checkParsers,
  checkVcl,
  corpusOf,
  fuzz,
  mutantArb,
  mutantText,
  nginxSoup,
  nginxStructured,
  pathological,
  runs,
  vclSoup,
  vclStructured,
  type Dialect,
} from './support';
import { MAX_DEPTH } from '../../server/src/analyzer/nginx/parser';

const id = (s: string) => s;

for (const dialect of ['nginx', 'vcl'] as const satisfies Dialect[]) {
  const check = (text: string) => checkParsers(dialect, text);

  test(`${dialect} parser: arbitrary strings (ASCII controls, full Unicode, lone surrogates)`, (t) => {
    const r = fuzz(`${dialect}-parser-arbitrary`, arbitraryText, id, check, runs(1500));
    t.diagnostic(`${r.runs} inputs`);
  });

  test(`${dialect} parser: strings of the config alphabet`, (t) => {
    const r = fuzz(`${dialect}-parser-soup`, dialect === 'nginx' ? nginxSoup : vclSoup, id, check, runs(1500));
    t.diagnostic(`${r.runs} inputs`);
  });

  test(`${dialect} parser: nested configurations`, (t) => {
    const r = fuzz(`${dialect}-parser-structured`, dialect === 'nginx' ? nginxStructured : vclStructured, id, check, runs(500));
    t.diagnostic(`${r.runs} inputs`);
  });

  test(`${dialect} parser: mutants of the corpus (truncated, braces and quotes added or removed, bytes, NULs, encodings)`, (t) => {
    const files = corpusOf(dialect);
    const r = fuzz(`${dialect}-parser-mutants`, mutantArb(files), (m) => mutantText(files, m), check, runs(dialect === 'nginx' ? 400 : 800));
    t.diagnostic(`${r.runs} mutants of ${files.length} files`);
  });

  test(`${dialect} parser: pathological inputs`, () => {
    for (const [name, text] of Object.entries(pathological(dialect))) checkParsers(dialect, text, name);
  });
}

test('nginx parser: nesting deeper than the limit is one error and the rest of the file is still read', () => {
  const deep = (n: number) => 'location / {\n'.repeat(n) + 'proxy_cache z;\n' + '}\n'.repeat(n) + 'user nginx;\n';
  const ok = checkNginx(deep(MAX_DEPTH));
  assert.deepEqual(ok.errors, []);
  const tree = checkNginx(deep(MAX_DEPTH + 5));
  assert.equal(tree.errors.length, 1);
  assert.match(tree.errors[0].message, /nested more than \d+ deep/);
  const last = tree.children[tree.children.length - 1];
  assert.ok(last.type === 'directive' && last.name.value === 'user', 'the statement after the deep block is parsed at the top level');
});

test('VCL parser: nesting deeper than the limit is reported and the next sub is still read', () => {
  const text = 'sub a {\n' + 'if (req.url) {\n'.repeat(500) + '}\n'.repeat(500) + '}\nsub b { return (pass); }\n';
  const tree = checkVcl(text, 'top');
  assert.ok(tree.errors.some((e) => /nested too deeply/.test(e.message)));
  assert.deepEqual(tree.items.map((d) => (d.type === 'sub' ? d.name.text : d.type)), ['a', 'b']);
});

test('VCL parser: a chain of more than 500 operators is one error and the next statement is still read', () => {
  const chain = (n: number) => 'sub vcl_recv {\n  if (' + 'req.url == "a" || '.repeat(n) + 'true) { return (pass); }\n  set req.http.x = "y";\n}\n';
  assert.deepEqual(checkVcl(chain(500), 'top').errors, []);
  const tree = checkVcl(chain(600), 'top');
  assert.deepEqual(tree.errors.map((e) => e.message), ['Expression too long: more than 500 operators']);
  const sub = tree.items[0];
  assert.ok(sub.type === 'sub');
  assert.deepEqual(sub.body.body.map((s) => s.type), ['if', 'set']);
});
