// Fixes never break a configuration nginx accepts. For every rule's fixtures and every corpus config
// that the real `nginx -t` accepts: apply every fix cachelint offers (safe and unsafe) with all rules
// on, as `--fix --unsafe-fixes` does (in passes until nothing changes), and `nginx -t` must still accept
// the result; running it again must find nothing more to fix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries, collectFixEdits, entryContextOf, fixUntilStable, type AnalyzeOptions } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { RULES } from '../../server/src/analyzer/rules';
import { createNodeFileProvider } from '../../server/src/node/fileProvider';
import { isCi, nginxMissing, nginxTest } from './nginxCheck';

const FIXTURES = path.join(__dirname, '..', 'rules', 'fixtures');
const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../shared/corpus');

/** Rules whose report fixture is a configuration nginx rejects by design. */
const LANGUAGE = new Set([
  'nginx/syntax',
  'nginx/template-placeholder',
  'nginx/unknown-directive',
  'nginx/not-allowed-here',
  'nginx/invalid-arguments',
  'nginx/include-not-found',
  'nginx/include-cycle',
  'nginx/invalid-value',
  'nginx/duplicate-zone',
  'nginx/zone-undefined',
]);

/** Passes `--fix` makes at most; the fixes must converge well before. */
const MAX_PASSES = 10;

const missing = nginxMissing();
// In CI a missing nginx fails the run; elsewhere the suite says why it did not run.
const skip = missing && !isCi() ? missing : false;

/** A main configuration that puts a fragment (relative path `rel`) where it belongs. */
const WRAPPERS: Record<string, (rel: string) => string> = {
  http: (rel) => `http {\n    include ${rel};\n}\n`,
  server: (rel) => `http {\n    server {\n        listen 127.0.0.1:8080;\n        include ${rel};\n    }\n}\n`,
  location: (rel) => `http {\n    server {\n        listen 127.0.0.1:8080;\n        location / {\n            include ${rel};\n        }\n    }\n}\n`,
};
const WRAPPER_NAME = 'cachelint-wrapper.conf';

/**
 * `nginx -t` on `entry` (inside `tree`) as nginx would load it: a main config directly, a fragment through
 * a wrapper. `texts` replaces files (absolute paths) by their fixed versions.
 */
function nginxOn(tree: string, entry: string, context: string, texts: Map<string, string> = new Map()) {
  const rel = path.relative(tree, entry);
  const others = new Map<string, string>();
  for (const [p, t] of texts) {
    const r = path.relative(tree, p);
    assert.ok(!r.startsWith('..'), `a fix edited ${p}, outside ${tree}`);
    if (p !== entry || context !== 'main') others.set(r, t);
  }
  if (context === 'main') return nginxTest(tree, rel, texts.get(entry) ?? fs.readFileSync(entry, 'latin1'), others);
  const wrap = WRAPPERS[context];
  assert.ok(wrap, `no wrapper for context ${context}`);
  return nginxTest(tree, WRAPPER_NAME, wrap(rel), others);
}

interface Fixed {
  /** The context the entry was analysed in. */
  context: string;
  /** New text per changed file (absolute paths). */
  texts: Map<string, string>;
  /** Fixable findings left after the first pass (must be none). */
  left: string[];
}

/**
 * Applies every fix (all rules at their default severity, safe and unsafe) the way `--fix --unsafe-fixes`
 * does, in passes until nothing changes; `left` names what a further pass would still change (must be
 * nothing: the fixes converge).
 */
function fixEverything(entry: string, opts: Partial<AnalyzeOptions> = {}): Fixed {
  const provider = createNodeFileProvider();
  const settings = defaultSettings();
  const before = analyzeEntries([entry], { provider, settings, ...opts });
  assert.deepEqual(before.internalErrors, [], `internal errors on ${entry}`);
  const context = entryContextOf(before, entry);
  const { texts, result } = fixUntilStable([entry], { provider, settings, ...opts }, { unsafe: true, maxPasses: MAX_PASSES });
  const again = collectFixEdits(result.findings, { unsafe: true });
  const left = [...again.keys()].flatMap((p) =>
    result.findings.filter((f) => f.path === p && f.fixes.length > 0).map((f) => `${path.basename(p)}:${result.files.get(p)!.lines.positionAt(f.range.start).line + 1} ${f.ruleId}`),
  );
  return { context, texts, left };
}

describe('fixes keep configurations that nginx -t accepts accepted', { skip }, () => {
  for (const rule of RULES.filter((r) => r.dialect === 'nginx')) {
    const dir = path.join(FIXTURES, rule.id);
    const entries = LANGUAGE.has(rule.id) ? ['clean.conf'] : ['report.conf', 'clean.conf'];
    test(`${rule.id}: ${entries.join(' and ')} pass nginx -t before and after every fix`, () => {
      for (const name of entries) {
        const entry = path.join(dir, name);
        const { context, texts, left } = fixEverything(entry);
        const before = nginxOn(dir, entry, context);
        assert.ok(before.ok, `nginx -t rejects the fixture ${rule.id}/${name} (read as ${context}):\n${before.output}`);
        assert.deepEqual(left, [], `${rule.id}/${name}: a fixes do not converge: another pass would still change`);
        if (texts.size === 0) continue;
        const after = nginxOn(dir, entry, context, texts);
        assert.ok(after.ok, `nginx -t rejects ${rule.id}/${name} after the fixes:\n${after.output}\n--- fixed ---\n${texts.get(entry) ?? '(unchanged)'}`);
      }
    });
  }
});

describe('fixes on the corpus keep nginx -t happy', { skip: skip || (!fs.existsSync(path.join(CORPUS, 'LABELS.tsv')) && `corpus not found at ${CORPUS} (set CACHELINT_CORPUS)`) }, () => {
  test('every corpus config nginx accepts is still accepted after all fixes, and a second pass changes nothing', () => {
    const rows = fs.readFileSync(path.join(CORPUS, 'LABELS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    let checked = 0;
    let changed = 0;
    let accepted = 0;
    const skippedWhy: string[] = [];
    const broken: string[] = [];
    for (const [file, kind, context, verdict] of rows) {
      if (kind !== 'nginx' || verdict !== 'valid' || !(context === 'main' || context in WRAPPERS)) continue;
      const abs = path.join(CORPUS, file);
      const { texts, left } = fixEverything(abs, context === 'main' ? {} : { entryContext: context });
      checked++;
      if (left.length) broken.push(`${file}: fixes do not converge: ${left.join(', ')}`);
      if (texts.size === 0) continue;
      changed++;
      // The tree its relative includes resolve against: the repository folder of the corpus file.
      const tree = path.join(CORPUS, file.split('/').slice(0, 2).join('/'));
      // Only configurations nginx accepts in this setup count (some need files from outside the corpus).
      const base = nginxOn(tree, abs, context);
      if (!base.ok) {
        skippedWhy.push(`${file}: ${base.output.split('\n')[0]}`);
        continue;
      }
      accepted++;
      const after = nginxOn(tree, abs, context, texts);
      if (!after.ok) broken.push(`${file}: nginx -t rejects it after the fixes: ${after.output.split('\n').find((l) => /emerg|error/.test(l)) ?? after.output}`);
    }
    console.log(`corpus: ${checked} configs, ${changed} changed by fixes, ${accepted} of those checked with nginx -t before and after (${skippedWhy.length} need files from outside the corpus${skippedWhy.length ? `, e.g. ${skippedWhy[0]}` : ''})`);
    assert.ok(checked > 200, `corpus configs checked: ${checked}`);
    assert.deepEqual(broken, [], `of ${changed} corpus configs changed by fixes`);
  });
});
