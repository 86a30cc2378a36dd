// The VCL parser on the real-world corpus in ../shared: every file round-trips through its tokens, parses
// without throwing and with ordered offsets; no syntax error on any VCL varnishd 7.1.1 accepted; a syntax error
// on every VCL it rejected for a reason a parser can see. The corpus is read in place, never copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseVcl } from '../../../server/src/analyzer/vcl/parser';
import { buildVclModel } from '../../../server/src/analyzer/vcl/model';
import { walkStatements, type VclTree } from '../../../server/src/analyzer/vcl/tree';
import { createNodeFileProvider } from '../../../server/src/node/fileProvider';

const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../../shared/corpus');
const available = fs.existsSync(path.join(CORPUS, 'LABELS.tsv'));
const skip = available ? false : `corpus not found at ${CORPUS} (set CACHELINT_CORPUS)`;

/** varnishd messages that need the symbol table or types (a VMOD's signature, a variable's type): not the parser's. */
const NEEDS_TYPES = /Expected '=' got '\+='|Expected '\.' got ';'|Wrong enum value|While compiling function call|Expected BYTES unit|Unknown duration unit '[kmgtp]?b?'/i;
/** varnishd messages for errors in the text itself, which the parser must find. */
const SYNTAX =
  /Unterminated|Syntax error at|comment contains \/\*|^Expected one of|^Expected '[^']*' got|^Expected (ID|CSTR|CNUM|FNUM|CBLOB) got|^Expected an action|include not followed|include <string> not followed|silly buggers|VCL version [\d.]+ not supported|Expected 'from path|Expected a flag|Unknown ACL flag|Unknown include flag|contains illegal character|Backend Syntax has changed|Unknown field|Field '\w+' redefined|(Address|Probe request) redefinition|Expected \.host or \.path|mask is not numeric|mask only allowed once|Expected return action name|Arguments not allowed|Missing argument|Expected '\{' or name of probe|Unknown token|Too many digits|BLOB must have|in BLOB:|BLOB character|end of BLOB|Unknown duration unit|Unknown BYTES unit|End of input/;

/** The category of a varnishd rejection, from LABELS.tsv's reason: the message after "[kind] ". */
export function classify(reason: string): 'syntax' | 'needs-types' | 'semantic' {
  const msg = reason.replace(/^"/, '').replace(/^\[[^\]]*\]\s*/, '');
  if (NEEDS_TYPES.test(msg)) return 'needs-types';
  return SYNTAX.test(msg) ? 'syntax' : 'semantic';
}

function vclFiles(dir: string, out: string[] = []): string[] {
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) vclFiles(p, out);
    else if (f.endsWith('.vcl')) out.push(p);
  }
  return out;
}

function checkTree(file: string, text: string, tree: VclTree): void {
  const toks = tree.tokens;
  assert.equal(toks.map((t) => text.slice(t.start, t.end)).join(''), text, `${file}: tokens do not give back the text`);
  for (let i = 1; i < toks.length; i++) assert.equal(toks[i].start, toks[i - 1].end, `${file}: token ${i} not contiguous`);
  let last = 0;
  for (const it of tree.items) {
    assert.ok(it.start >= last && it.end >= it.start && it.end <= text.length, `${file}: item ranges out of order at ${it.start}`);
    last = it.end;
  }
  walkStatements(tree.items, (s, parents) => {
    const p = parents[parents.length - 1];
    assert.ok(s.start <= s.end, `${file}: statement range at ${s.start}`);
    if (p) assert.ok(s.start >= p.start && s.end <= p.end, `${file}: statement at ${s.start} outside its parent`);
  });
  for (const e of tree.errors) assert.ok(e.range.start <= e.range.end && e.range.end <= text.length, `${file}: error range`);
}

test('every corpus VCL file: lossless tokens, no throw, ordered offsets', { skip }, () => {
  const files = vclFiles(path.join(CORPUS, 'vcl'));
  assert.ok(files.length > 1300, `files: ${files.length}`);
  for (const file of files) {
    const text = fs.readFileSync(file, 'latin1');
    for (const mode of ['top', 'body', 'acl'] as const) checkTree(file, text, parseVcl(text, { mode }));
  }
});

test('VCL corpus agrees with varnishd -C (7.1.1)', { skip }, (t) => {
  const rows = fs.readFileSync(path.join(CORPUS, 'LABELS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const provider = createNodeFileProvider();
  const falseErrors: string[] = [];
  const missed: string[] = [];
  const counts = { accepted: 0, rejected: 0, syntax: 0, syntaxCaught: 0, needsTypes: 0, needsTypesCaught: 0, semantic: 0, semanticWithSyntaxError: 0 };
  for (const [file, kind, , verdict, reason] of rows) {
    if (kind !== 'vcl') continue;
    const abs = path.join(CORPUS, file);
    const model = buildVclModel([abs], { provider });
    const errors = [...model.files.values()].flatMap((f) => f.tree.errors.map((e) => ({ file: f.path, text: f.text, e })));
    if (verdict.startsWith('valid')) {
      counts.accepted++;
      for (const { file: f, text, e } of errors) falseErrors.push(`${path.relative(CORPUS, f)}:${text.slice(0, e.range.start).split('\n').length}: ${e.message}`);
    } else if (verdict === 'invalid') {
      counts.rejected++;
      const c = classify(reason);
      if (c === 'syntax') {
        counts.syntax++;
        if (errors.length) counts.syntaxCaught++;
        else missed.push(`${file}: ${reason.slice(0, 160)}`);
      } else if (c === 'needs-types') {
        counts.needsTypes++;
        if (errors.length) counts.needsTypesCaught++;
      } else {
        counts.semantic++;
        if (errors.length) counts.semanticWithSyntaxError++;
      }
    }
  }
  t.diagnostic(JSON.stringify(counts));
  assert.ok(counts.accepted > 1000, `accepted VCLs checked: ${counts.accepted}`);
  assert.deepEqual(falseErrors, [], 'syntax errors on VCL varnishd accepted');
  assert.deepEqual(missed, [], `syntax errors missed (of ${counts.syntax})`);
});
