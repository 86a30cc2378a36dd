// The real-world corpus in ../shared: no language error on any config nginx accepted, an error (or a
// template diagnostic) on those nginx rejected for syntax. The corpus is read in place, never copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { createNodeFileProvider } from '../../server/src/node/fileProvider';

const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../shared/corpus');
const LANG = new Set(['nginx/syntax', 'nginx/unknown-directive', 'nginx/not-allowed-here', 'nginx/invalid-arguments', 'nginx/invalid-value', 'nginx/duplicate-zone', 'nginx/zone-undefined']);
const SYNTAX_REASON = /unexpected|unterminated|unknown directive|not allowed|invalid number|no opening|not terminated|expecting/;

const available = fs.existsSync(path.join(CORPUS, 'LABELS.tsv'));

test('nginx corpus agrees with nginx -t', { skip: available ? false : `corpus not found at ${CORPUS} (set CACHELINT_CORPUS)` }, () => {
  const rows = fs.readFileSync(path.join(CORPUS, 'LABELS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const provider = createNodeFileProvider();
  const falseErrors: string[] = [];
  const missed: string[] = [];
  let accepted = 0;
  let rejected = 0;
  for (const [file, kind, context, verdict, reason] of rows) {
    if (kind !== 'nginx') continue;
    const abs = path.join(CORPUS, file);
    const entryContext = context === 'main' ? undefined : /body/.test(context) ? 'data' : context;
    const r = analyzeEntries([abs], { provider, settings: defaultSettings(), entryContext });
    assert.deepEqual(r.internalErrors, [], file);
    const errors = r.findings.filter((f) => f.path === abs && LANG.has(f.ruleId) && f.severity === 'error');
    // Verdicts about a file as part of a config that includes it cannot be checked on the file alone.
    if (/^(valid|syntax-ok)/.test(verdict) && verdict !== 'syntax-ok-in-including-config') {
      accepted++;
      for (const f of errors) falseErrors.push(`${file}:${r.files.get(abs)!.lines.positionAt(f.range.start).line + 1}: ${f.message} [${f.ruleId}]`);
    } else if (verdict === 'invalid' && SYNTAX_REASON.test(reason)) {
      // Errors nginx found in files outside the corpus (absolute /etc/nginx includes) are out of reach.
      if (/ in \/etc\//.test(reason)) continue;
      rejected++;
      const template = r.findings.some((f) => f.path === abs && f.ruleId === 'nginx/template-placeholder');
      if (!errors.length && !template) missed.push(`${file}: ${reason}`);
    }
  }
  assert.ok(accepted > 300, `accepted configs checked: ${accepted}`);
  assert.deepEqual(falseErrors, [], 'errors on configs nginx accepted');
  assert.deepEqual(missed, [], `syntax errors missed (of ${rejected})`);
});
