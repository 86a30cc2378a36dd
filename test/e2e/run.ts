// `npm run test:e2e`: packages the .vsix, installs code-server (cached), and runs the editor layers —
// exthost (mocha suite in VS Code's extension host), ui (Playwright on the workbench), nvim (Neovim as
// an LSP client), electron (@vscode/test-electron, skipped with a reason when VS Code cannot be
// downloaded). Each layer prints `<layer>: N passed, M failed`; the exit code is non-zero if any failed.
//
//   --layers exthost,ui,nvim,electron   which layers (default: all)
//   --auto                              as part of `npm test`: outside CI, a layer whose tool (Chromium,
//                                       Neovim) is missing is skipped with a message; in CI it fails.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE, CHROMIUM, CODE_SERVER_DIR, logger } from './lib/harness';
import { ROOT } from './lib/workspace';

type Layer = 'exthost' | 'ui' | 'nvim' | 'electron';
const ALL: Layer[] = ['exthost', 'ui', 'nvim', 'electron'];

interface Outcome {
  layer: Layer;
  line: string;
  ok: boolean;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** The tool a layer cannot run without, if it is missing. */
function missingTool(layer: Layer): string | undefined {
  if ((layer === 'exthost' || layer === 'ui') && !fs.existsSync(CHROMIUM)) return `Chromium (${CHROMIUM}; apt-get install chromium)`;
  if (layer === 'nvim' && !onPath('nvim')) return 'Neovim (nvim; apt-get install neovim)';
  return undefined;
}

/** Runs one layer as its own process, echoing its output; its verdict is its summary line and exit code. */
function runLayer(layer: Layer, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'e2e', `${layer}.ts`), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      process.stdout.write(b);
    });
    child.on('close', (code) => {
      const lines = out.split('\n').filter((l) => l.startsWith(`${layer}: `));
      const line = lines.at(-1) ?? `${layer}: 0 passed, 1 failed (no summary; exit ${code})`;
      const counts = /^\S+: (\d+) passed, (\d+) failed/.exec(line);
      const skipped = /^\S+: skipped/.test(line);
      const ok = code === 0 && (skipped || (counts !== null && Number(counts[2]) === 0 && Number(counts[1]) > 0));
      resolve({ layer, line, ok });
    });
  });
}

async function main(): Promise<number> {
  const log = logger('e2e');
  const auto = process.argv.includes('--auto');
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const wanted = (arg('layers')?.split(',') ?? ALL) as Layer[];
  for (const l of wanted) if (!ALL.includes(l)) throw new Error(`unknown layer "${l}" (known: ${ALL.join(', ')})`);

  const outcomes: Outcome[] = [];
  const layers: Layer[] = [];
  for (const layer of wanted) {
    const missing = missingTool(layer);
    if (!missing) layers.push(layer);
    else if (auto && !ci) outcomes.push({ layer, line: `${layer}: skipped — ${missing} is not installed; run .ci/run or install it`, ok: true });
    else outcomes.push({ layer, line: `${layer}: 0 passed, 1 failed — ${missing} is not installed`, ok: false });
  }

  if (layers.length > 0) {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
    const vsix = path.join(CACHE, `cachelint-${version}.vsix`);
    fs.mkdirSync(CACHE, { recursive: true });
    log('packaging the .vsix (vsce package, production build)');
    execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsix], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (layers.includes('exthost') || layers.includes('ui')) {
      log(`installing code-server into ${path.relative(ROOT, CODE_SERVER_DIR)} (reused when already there)`);
      execFileSync('bash', [path.join(ROOT, 'test', 'e2e', 'install-code-server.sh'), CODE_SERVER_DIR], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    for (const layer of layers) {
      log(`layer ${layer}`);
      const args = layer === 'nvim' ? ['--server', path.join(ROOT, 'dist', 'server.js')] : ['--vsix', vsix];
      outcomes.push(await runLayer(layer, args));
    }
  }

  console.log('\neditor tests:');
  for (const layer of wanted) {
    const o = outcomes.find((x) => x.layer === layer)!;
    console.log(`  ${o.line}`);
  }
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`e2e: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
