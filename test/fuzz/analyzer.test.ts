// Property tests of the whole analysis (parse, include graph, model, every rule) on an in-memory workspace,
// nginx and VCL: it never throws, no rule throws (no internal error), every finding's range is in its file.
//
// Seeded and reproducible. CACHELINT_FUZZ_RUNS multiplies every run count (default 1, about 20 s; 20 for a
// long run); a failure prints CACHELINT_FUZZ_SEED and CACHELINT_FUZZ_PATH to replay it, and its input
// minimised, to be saved in test/fuzz/fixtures/. See support.ts for the other variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkAnalysis, checkParsers, corpusOf, fuzz, mutantArb, mutantText, nginxSoup, nginxStructured, pathological, runs, subChain, vclSoup, vclStructured, type Dialect } from './support';

const id = (s: string) => s;

for (const dialect of ['nginx', 'vcl'] as const satisfies Dialect[]) {
  const check = (text: string) => {
    checkAnalysis(dialect, text);
  };

  test(`${dialect} analysis: generated configurations`, (t) => {
    const arb = dialect === 'nginx' ? fc.oneof(nginxSoup, nginxStructured) : fc.oneof(vclSoup, vclStructured);
    const r = fuzz(`${dialect}-analysis-generated`, arb, id, check, runs(dialect === 'nginx' ? 1000 : 600));
    t.diagnostic(`${r.runs} inputs`);
  });

  test(`${dialect} analysis: mutants of the corpus, in their labelled context`, (t) => {
    const files = corpusOf(dialect);
    // A file and its context travel together: the context is part of the input, not of the text.
    const r = fuzz(
      `${dialect}-analysis-mutants`,
      mutantArb(files),
      (m) => JSON.stringify([files[m.file].entryContext ?? null, mutantText(files, m)]),
      (input) => {
        const [ctx, text] = JSON.parse(input) as [string | null, string];
        checkAnalysis(dialect, text, dialect, ctx ?? undefined);
      },
      runs(dialect === 'nginx' ? 800 : 1000),
    );
    t.diagnostic(`${r.runs} mutants of ${files.length} files`);
  });

  test(`${dialect} analysis: pathological inputs`, () => {
    for (const [name, text] of Object.entries(pathological(dialect))) checkAnalysis(dialect, text, name);
  });
}

test('nginx analysis: deep nesting is reported, not a crash', () => {
  const text = 'http { server {\n' + 'location / {\n'.repeat(10_000) + '}\n'.repeat(10_000) + '} }\n';
  const r = checkAnalysis('nginx', text);
  assert.ok(r.findings.some((f) => f.ruleId === 'nginx/syntax' && /nested more than/.test(f.message)));
});

test('VCL parser: a chain of 5,000 subs each calling the next', () => {
  checkParsers('vcl', subChain(5_000));
});

// The recursion check of vcl/invalid-value once walked the call graph recursively and exhausted the stack here.
test('VCL analysis: a chain of 5,000 subs each calling the next', () => {
  checkAnalysis('vcl', subChain(5_000));
});
