// Fixes never corrupt a configuration: on the real-world corpus, every fix cachelint offers (safe and
// unsafe, and "Disable … for this line") keeps its edits in range and apart, keeps the bytes around
// them, the line endings and the encoding, and leaves a config the real server (`nginx -t`,
// `varnishd -C`) accepted still accepted; all safe fixes together (as `--fix`) too, and a second pass
// changes nothing. A deterministic sample by default; the whole corpus with CACHELINT_FUZZ_RUNS set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeEntries, disableForLineFix, fixUntilStable, type AnalyzeOptions } from '../../server/src/analyzer/analyze';
import type { AnalysisResult } from '../../server/src/analyzer/api';
import type { Fix } from '../../server/src/analyzer/types';
import { applyTextEdits } from '../../server/src/analyzer/fixes';
import { defaultSettings } from '../../server/src/analyzer/types';
import { createNodeFileProvider, readTextFile } from '../../server/src/node/fileProvider';
import { rng } from '../prng';
import { byPath, checkEdits, eolStyle, type Encoding } from './fixCheck';
import { NGINX, NGINX_WRAPPERS, NginxTree, VARNISHD, isCi, makeCertificate, varnishCompile, type Verdict } from './servers';
import { mapLimit } from '../mapLimit';

const CORPUS = process.env.CACHELINT_CORPUS ?? path.join(__dirname, '../../../shared/corpus');
/** The long run (`npm run fuzz`): every corpus config instead of a sample. */
const FULL = !!process.env.CACHELINT_FUZZ_RUNS;
/** The seed that picks the sample: the same seed, the same configs. */
const SEED = Number(process.env.CACHELINT_FUZZ_SEED ?? 7321);
/** Sample every Nth of the configs that offer a fix (nginx -t takes ~20 ms, varnishd -C ~300 ms). */
const EVERY = { nginx: 2, vcl: 25 } as const;
/** Server runs at once. */
const JOBS = 2;
/** `--fix` re-analyses and fixes again at most this many times (as the CLI does). */
const MAX_PASSES = 10;

const corpusMissing = fs.existsSync(path.join(CORPUS, 'LABELS.tsv')) ? undefined : `corpus not found at ${CORPUS} (set CACHELINT_CORPUS)`;

/** Why a server's checks cannot run: a missing server fails in CI and skips elsewhere. */
function skipFor(bin: string | undefined, name: string): string | false {
  if (corpusMissing) return corpusMissing;
  if (bin || isCi()) return false;
  return `${name} is not installed (apt-get install ${name === 'varnishd' ? 'varnish' : 'nginx'})`;
}

interface Config {
  server: 'nginx' | 'vcl';
  /** Path relative to the corpus. */
  file: string;
  /** nginx: main, http, server or location; VCL: main. */
  context: string;
}

/** Corpus configs the real server accepted as they are (per LABELS.tsv), that cachelint can place. */
function acceptedConfigs(): Config[] {
  const rows = fs.readFileSync(path.join(CORPUS, 'LABELS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const out: Config[] = [];
  for (const [file, kind, context, verdict] of rows) {
    if (verdict !== 'valid') continue;
    if (kind === 'nginx' && (context === 'main' || context in NGINX_WRAPPERS)) out.push({ server: 'nginx', file, context });
    else if (kind === 'vcl') out.push({ server: 'vcl', file, context: 'main' });
  }
  return out;
}

function analyse(c: Config, provider = createNodeFileProvider()): { opts: AnalyzeOptions; result: AnalysisResult } {
  const opts: AnalyzeOptions = { provider, settings: defaultSettings(), entryContext: c.server === 'nginx' && c.context !== 'main' ? c.context : undefined };
  return { opts, result: analyzeEntries([path.join(CORPUS, c.file)], opts) };
}

/** Every fix offered for the analysis: each finding's own fixes and its "Disable … for this line". */
function allFixes(result: AnalysisResult): { label: string; fix: Fix }[] {
  const out: { label: string; fix: Fix }[] = [];
  for (const f of result.findings) {
    const file = result.files.get(f.path);
    const line = file ? file.lines.positionAt(f.range.start).line + 1 : 0;
    for (const fix of [...f.fixes, ...(file ? [disableForLineFix(file, f)] : [])]) {
      out.push({ label: `${path.basename(f.path)}:${line} ${f.ruleId} "${fix.title}"${fix.safe ? ' (safe)' : ''}`, fix });
    }
  }
  return out;
}

/** The sample: every Nth config (per server) of those that offer a fix, from an offset the seed picks. */
function sample(all: Config[]): Config[] {
  const withFix = all.filter((c) => analyse(c).result.findings.some((f) => f.fixes.length > 0));
  if (FULL) return withFix;
  const random = rng(SEED);
  const out: Config[] = [];
  for (const server of ['nginx', 'vcl'] as const) {
    const mine = withFix.filter((c) => c.server === server);
    const start = Math.floor(random() * EVERY[server]);
    for (let i = start; i < mine.length; i += EVERY[server]) out.push(mine[i]);
  }
  return out;
}

interface Figures {
  configs: number;
  acceptedBefore: number;
  notAcceptedHere: string[];
  fixes: number;
  /** Distinct fixed configs sent to the server (fixes that give the same text are checked once). */
  variants: number;
  acceptedAfter: number;
  allSafeChanged: number;
  allSafeAccepted: number;
  secondPassClean: number;
  problems: string[];
  /** Whether the judge was shown to reject a broken config. */
  judgeChecked: boolean;
}

const newFigures = (): Figures => ({ configs: 0, acceptedBefore: 0, notAcceptedHere: [], fixes: 0, variants: 0, acceptedAfter: 0, allSafeChanged: 0, allSafeAccepted: 0, secondPassClean: 0, problems: [], judgeChecked: false });

/**
 * Checks one config. The second-pass property, precisely: after `--fix` (all safe fixes, in passes
 * until a pass changes nothing, at most MAX_PASSES), a fresh analysis of the fixed files offers no
 * safe fix (any safe fix of any finding, not only the one `--fix` would pick) whose edits, applied
 * alone, change the text of any file.
 */
async function checkConfig(c: Config, fig: Figures, certDir: string): Promise<void> {
  const entry = path.join(CORPUS, c.file);
  const { opts, result } = analyse(c);
  fig.configs++;
  const where = (s: string) => fig.problems.push(`${c.file}: ${s}`);
  if (result.internalErrors.length) where(`internal errors: ${result.internalErrors.join('; ')}`);

  const encodings = new Map<string, Encoding>();
  const originals = new Map<string, string>();
  for (const p of result.files.keys()) {
    const tf = readTextFile(p);
    if (tf) {
      encodings.set(p, tf.encoding);
      originals.set(p, tf.text);
    }
  }
  const bytesOf = (texts: Map<string, string>) => new Map([...texts].map(([p, t]) => [p, Buffer.from(t, encodings.get(p) ?? 'utf8')] as const));

  const root = path.join(CORPUS, c.file.split('/').slice(0, 2).join('/'));
  const tree = c.server === 'nginx' ? new NginxTree(root, entry, c.context, certDir) : undefined;
  const judge = (texts: Map<string, string>): Promise<Verdict> => {
    if (tree) return tree.check(bytesOf(texts));
    const files = bytesOf(originals);
    for (const [p, b] of bytesOf(texts)) files.set(p, b);
    return varnishCompile(root, entry, files);
  };
  try {
    const base = await judge(new Map());
    const accepted = base.ok;
    if (accepted) fig.acceptedBefore++;
    else fig.notAcceptedHere.push(`${c.file}: ${base.message}`);
    if (accepted && !fig.judgeChecked) {
      // The judge itself: an unbalanced brace added to an accepted config must be rejected.
      fig.judgeChecked = true;
      const broken = await judge(new Map([[entry, `${originals.get(entry) ?? ''}\n}\n`]]));
      if (broken.ok) where('the server accepts the config with an extra "}": the check cannot see broken configs');
    }

    // Each fix alone.
    const checked = new Map<string, Verdict>();
    for (const { label, fix } of allFixes(result)) {
      fig.fixes++;
      const texts = new Map<string, string>();
      for (const [p, edits] of byPath(fix.edits)) {
        const text = originals.get(p);
        if (text === undefined) {
          where(`${label}: edits ${p}, which the analysis did not read`);
          continue;
        }
        const { fixed, problems } = checkEdits(text, edits, encodings.get(p) ?? 'utf8');
        for (const pr of problems) where(`${label}: ${pr}`);
        if (fixed !== text) texts.set(p, fixed);
      }
      if (!accepted || texts.size === 0) continue;
      const key = [...texts].sort().map(([p, t]) => `${p}\0${t}`).join('\0\0');
      let v = checked.get(key);
      if (!v) {
        fig.variants++;
        v = await judge(texts);
        checked.set(key, v);
        if (v.ok) fig.acceptedAfter++;
      }
      if (!v.ok) where(`${label}: the server rejects the config after this fix: ${v.message}`);
    }

    // All safe fixes together, as `--fix` applies them.
    const fixed = fixUntilStable([entry], opts, { unsafe: false, maxPasses: MAX_PASSES });
    if (fixed.passes >= MAX_PASSES) where(`--fix did not settle in ${MAX_PASSES} passes`);
    for (const [p, t] of fixed.texts) {
      const orig = originals.get(p) ?? '';
      const style = eolStyle(orig);
      if ((style === 'crlf' || style === 'lf') && eolStyle(t) !== style) where(`--fix changed the line endings of ${path.basename(p)} from ${style} to ${eolStyle(t)}`);
      if (encodings.get(p) === 'latin1' && /[^\u0000-\u00ff]/.test(t)) where(`--fix put characters latin1 cannot hold into ${path.basename(p)}`);
    }
    if (fixed.texts.size > 0) {
      fig.allSafeChanged++;
      if (accepted) {
        const v = await judge(fixed.texts);
        if (v.ok) fig.allSafeAccepted++;
        else where(`the server rejects the config after all safe fixes (--fix): ${v.message}`);
      }
    }
    // The second pass.
    const again: string[] = [];
    for (const f of fixed.result.findings) {
      for (const fix of f.fixes.filter((x) => x.safe)) {
        for (const [p, edits] of byPath(fix.edits)) {
          const text = fixed.result.files.get(p)?.text;
          if (text !== undefined && applyTextEdits(text, edits) !== text) again.push(`${f.ruleId} "${fix.title}"`);
        }
      }
    }
    if (again.length) where(`after --fix, a second pass would still change the text: ${[...new Set(again)].join(', ')}`);
    else fig.secondPassClean++;
  } finally {
    tree?.dispose();
  }
}

function summary(server: string, f: Figures): string {
  return (
    `${server}: ${f.configs} configs tried (${FULL ? 'full corpus' : `sample, seed ${SEED}`}), ${f.acceptedBefore} accepted before` +
    ` (${f.notAcceptedHere.length} not accepted by the installed server, left out${f.notAcceptedHere.length ? `, e.g. ${f.notAcceptedHere[0]}` : ''});` +
    ` ${f.fixes} fixes applied one by one, ${f.variants} distinct fixed configs, ${f.acceptedAfter} accepted after;` +
    ` --fix changed ${f.allSafeChanged}, accepted after ${f.allSafeAccepted}; second pass changes nothing on ${f.secondPassClean}`
  );
}

describe('fixes keep corpus configs that the real server accepts accepted, byte-safe and settled', () => {
  let certDir: string | undefined;
  let configs: Config[] = [];
  before(async () => {
    if (corpusMissing) return;
    configs = sample(acceptedConfigs());
    if (NGINX) certDir = await makeCertificate();
  });
  after(() => {
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  for (const [server, bin, name] of [
    ['nginx', NGINX, 'nginx'],
    ['vcl', VARNISHD, 'varnishd'],
  ] as const) {
    test(`${server}: every fix alone and all safe fixes together`, { skip: skipFor(bin, name), timeout: FULL ? 3_600_000 : 120_000 }, async () => {
      assert.ok(bin, `${name} is not installed, and CI needs it`);
      const mine = configs.filter((c) => c.server === server);
      const fig = newFigures();
      await mapLimit(mine, JOBS, (c) => checkConfig(c, fig, certDir!));
      console.log(summary(server, fig));
      // The sample must exercise the servers: configs accepted before and fixes checked after.
      assert.ok(fig.acceptedBefore >= Math.min(5, mine.length), `configs accepted before: ${fig.acceptedBefore} of ${mine.length}`);
      assert.ok(fig.variants > 0, 'fixed configs sent to the server');
      assert.ok(fig.judgeChecked, 'the server was shown to reject a broken config');
      assert.deepEqual(fig.problems, []);
    });
  }
});
