// Fixes keep a file's line endings and encoding: every rule's report fixture, read as a CRLF file with a
// latin1 byte in it (and as an LF file), gets every fix it offers applied alone and all safe fixes
// together; no lone LF or CR appears, the latin1 byte survives, and the bytes outside the edits are kept.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries, disableForLineFix, fixUntilStable } from '../../server/src/analyzer/analyze';
import type { FileProvider } from '../../server/src/analyzer/types';
import { defaultSettings } from '../../server/src/analyzer/types';
import { RULES } from '../../server/src/analyzer/rules';
import { globIncludeMask, toAnalyzerPath } from '../../server/src/node/fileProvider';
import { byPath, checkEdits, eolStyle } from './fixCheck';

const FIXTURES = path.join(__dirname, '..', 'rules', 'fixtures');
/** A latin1 comment line: `é` is 0xE9 in latin1 and invalid as UTF-8, so the CLI reads such a file as latin1. */
const LATIN1_LINE = '# caf\u00e9 na\u00efve\n';

/** The fixture files under `dir`, rewritten: LF → CRLF (when `crlf`) and a latin1 comment line appended. */
function provider(dir: string, crlf: boolean): FileProvider {
  return {
    readFile(p) {
      if (!p.startsWith(dir + '/')) return undefined;
      let text: string;
      try {
        text = fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
      text = text.replace(/\r\n/g, '\n') + LATIN1_LINE;
      return crlf ? text.replace(/\n/g, '\r\n') : text;
    },
    glob: (pattern) => globIncludeMask(pattern),
  };
}

describe('fixes keep line endings and the latin1 encoding', () => {
  for (const crlf of [true, false]) {
    const style = crlf ? 'crlf' : 'lf';
    test(`every rule's report fixture as a ${style.toUpperCase()} latin1 file`, () => {
      const problems: string[] = [];
      let fixesChecked = 0;
      let fixAllChanged = 0;
      for (const rule of RULES) {
        const dir = toAnalyzerPath(path.join(FIXTURES, rule.id));
        const entry = `${dir}/report.${rule.dialect === 'vcl' ? 'vcl' : 'conf'}`;
        if (!fs.existsSync(entry)) continue;
        const fp = provider(dir, crlf);
        // Fixtures with characters latin1 cannot hold are not latin1 files.
        if (/[^\u0000-\u00ff]/.test(fp.readFile(entry) ?? '')) continue;
        const opts = { provider: fp, settings: defaultSettings() };
        const result = analyzeEntries([entry], opts);
        for (const f of result.findings) {
          const file = result.files.get(f.path)!;
          for (const fix of [...f.fixes, disableForLineFix(file, f)]) {
            fixesChecked++;
            for (const [p, edits] of byPath(fix.edits)) {
              const text = result.files.get(p)?.text;
              if (text === undefined) {
                problems.push(`${rule.id}: "${fix.title}" edits ${p}, which was not analysed`);
                continue;
              }
              assert.equal(eolStyle(text), style, `${p} is read as ${style}`);
              const { fixed, problems: found } = checkEdits(text, edits, 'latin1');
              for (const pr of found) problems.push(`${rule.id}: "${fix.title}": ${pr}`);
              if (p === entry && !Buffer.from(fixed, 'latin1').includes(Buffer.from([0xe9]))) problems.push(`${rule.id}: "${fix.title}" lost the latin1 byte`);
            }
          }
        }
        const all = fixUntilStable([entry], opts, { unsafe: true });
        for (const [p, t] of all.texts) {
          fixAllChanged++;
          if (eolStyle(t) !== style) problems.push(`${rule.id}: all fixes together leave ${path.basename(p)} with ${eolStyle(t)} line breaks`);
          if (/[^\u0000-\u00ff]/.test(t)) problems.push(`${rule.id}: all fixes together put a non-latin1 character into ${path.basename(p)}`);
        }
      }
      // Enough fixes of every kind (insert a line, remove a statement, edit in place, disable a line).
      assert.ok(fixesChecked > 100, `fixes checked: ${fixesChecked}`);
      assert.ok(fixAllChanged > 20, `fixtures changed by all fixes: ${fixAllChanged}`);
      assert.deepEqual(problems, []);
    });
  }

  test('the checker sees a lone LF in a CRLF file and a character latin1 cannot hold', () => {
    const text = 'events {}\r\nhttp {\r\n}\r\n';
    const at = text.indexOf('}\r\n', 10);
    const lf = checkEdits(text, [{ path: 'x', start: at, end: at, newText: '    proxy_cache_lock on;\n' }], 'latin1');
    assert.ok(lf.problems.some((p) => /lone LF/.test(p)), lf.problems.join('; '));
    const wide = checkEdits(text, [{ path: 'x', start: at, end: at, newText: '    # \u2014\r\n' }], 'latin1');
    assert.ok(wide.problems.some((p) => /latin1/.test(p)), wide.problems.join('; '));
    const split = checkEdits(text, [{ path: 'x', start: text.indexOf('\n'), end: text.indexOf('\n'), newText: '' }], 'utf8');
    assert.ok(split.problems.some((p) => /splits a CRLF/.test(p)), split.problems.join('; '));
    const ok = checkEdits(text, [{ path: 'x', start: at, end: at, newText: '    proxy_cache_lock on;\r\n' }], 'latin1');
    assert.deepEqual(ok.problems, []);
  });
});
