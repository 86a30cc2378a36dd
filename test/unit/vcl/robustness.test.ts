// The VCL parser, model and flow never throw and never hang: mutated real files and pathological inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseVcl } from '../../../server/src/analyzer/vcl/parser';
import { buildVclModel } from '../../../server/src/analyzer/vcl/model';
import { paths, reaches } from '../../../server/src/analyzer/vcl/flow';
import { memory } from './memory';
import { rng } from '../../prng';

const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../../shared/corpus');

const SNIPPETS = ['{', '}', '(', ')', ';', '"', '{"', '"}', '"""', 'C{', '}C', '/*', '*/', '#', ':', '!', '~', 'sub ', 'if ', 'else ', 'return (', 'set ', '=', '+=', '.', '\n', 'include "x";', 'vcl 4.1;', '-', '10s', '\u00e9'];

function mutate(text: string, r: () => number): string {
  const n = 1 + Math.floor(r() * 4);
  let t = text;
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (t.length + 1));
    const k = r();
    if (k < 0.4) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 20));
    else if (k < 0.9) t = t.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + t.slice(at);
    else t = t.slice(0, at);
  }
  return t;
}

function check(text: string, label: string): void {
  for (const mode of ['top', 'body', 'acl'] as const) {
    const tree = parseVcl(text, { mode });
    assert.equal(tree.tokens.map((t) => text.slice(t.start, t.end)).join(''), text, `${label} (${mode}): lossless`);
    for (const e of tree.errors) assert.ok(e.range.start >= 0 && e.range.end <= text.length && e.range.start <= e.range.end, `${label}: error range`);
  }
  const m = buildVclModel(['/m.vcl'], { provider: memory({ '/m.vcl': text, '/x': 'sub x { }' }), builtin: 'vcl 4.0; sub vcl_recv { return (hash); }' });
  for (const name of m.subs.keys()) {
    paths(m, name, { maxPaths: 200 });
    reaches(m, name, (s) => s.stmt.type === 'return', () => false);
  }
}

test('mutated corpus files: no throw, lossless, errors in range', () => {
  const dir = path.join(CORPUS, 'vcl');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.vcl')) files.push(p);
    }
  };
  const r = rng(20240607);
  const samples: [string, string][] = [];
  if (fs.existsSync(dir)) {
    walk(dir);
    files.sort();
    for (let i = 0; i < files.length; i += 23) samples.push([files[i], fs.readFileSync(files[i], 'latin1')]);
  } else {
    samples.push(['inline', 'vcl 4.1;\nbackend b { .host = "x"; }\nsub vcl_recv { if (req.url ~ "^/a") { return (pass); } else { set req.http.x = {"y"}; } }\n']);
  }
  for (const [file, text] of samples) for (let k = 0; k < 12; k++) check(mutate(text, r), `${path.basename(file)} #${k}`);
});

test('pathological inputs finish quickly', () => {
  const cases: Record<string, string> = {
    parens: 'sub vcl_recv { set req.http.x = ' + '('.repeat(20000) + '1' + ')'.repeat(20000) + '; }',
    unclosedParens: 'sub vcl_recv { if (' + '('.repeat(20000) + ' }',
    braces: 'sub vcl_recv { ' + '{'.repeat(20000) + '}'.repeat(20000) + ' }',
    unclosedBraces: 'sub vcl_recv { ' + '{'.repeat(20000),
    minus: 'sub vcl_recv { set req.http.x = ' + '-'.repeat(20000) + '1; }',
    calls: 'sub vcl_recv { set req.http.x = ' + 'f('.repeat(20000) + '; }',
    closers: '}'.repeat(50000),
    semicolons: ';'.repeat(50000),
    quotes: '"a\n'.repeat(20000),
    longString: '{"' + 'x'.repeat(500000),
    comments: '/*'.repeat(50000),
    blobs: ':aa?\n'.repeat(20000),
    manyIfs: 'sub vcl_recv { ' + 'if (req.url) { set req.http.a = "b"; } else { call vcl_recv; } '.repeat(3000) + '}',
  };
  for (const [name, text] of Object.entries(cases)) {
    const t0 = Date.now();
    check(text, name);
    const ms = Date.now() - t0;
    assert.ok(ms < 5000, `${name} took ${ms} ms`);
  }
  // Errors are capped per file.
  assert.ok(parseVcl('}'.repeat(5000)).errors.length <= 1001);
});
