// Layer "nvim": headless Neovim 0.7 (Debian `nvim`) as a second real LSP client of the bundled
// language server over stdio, on a copy of examples/incident. The checks run in Lua
// (test/e2e/nvim/init.lua: diagnostics, hover, code action applied and written, republish,
// definition) and come back as a JSON report; this runner prints them.
// Usage: node --import tsx test/e2e/nvim.ts --server dist/server.js   (does not build the server)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logger, runFolder, summary } from './lib/harness';
import { INCIDENT, ROOT } from './lib/workspace';

const LAYER = 'nvim';
const NVIM = process.env.NVIM_PATH ?? '/usr/bin/nvim';
const INIT = path.join(ROOT, 'test', 'e2e', 'nvim', 'init.lua');
const TIMEOUT_MS = Number(process.env.CACHELINT_E2E_TIMEOUT_MS ?? 60_000);

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

interface Report {
  nvim?: string;
  ok?: boolean;
  checks?: Check[];
  initialized_ms?: number;
  diagnostics_ms?: number;
  republish_ms?: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Signals nvim's process group (nvim and the server it started); quiet when it is gone. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

async function main(): Promise<boolean> {
  const server = path.resolve(arg('server') ?? '');
  if (!fs.existsSync(server) || !fs.statSync(server).isFile()) throw new Error(`--server ${server}: no such file (build it with \`node esbuild.js\`)`);
  const log = logger(LAYER);
  const run = runFolder(LAYER);
  const incident = path.join(run.root, 'incident');
  fs.cpSync(INCIDENT, incident, { recursive: true });
  const file = path.join(incident, 'conf.d', 'shop.conf');
  const reportFile = path.join(run.root, 'report.json');
  const logFile = path.join(run.root, 'nvim.log');
  let ok = false;
  try {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(NVIM, ['--headless', '-n', '-i', 'NONE', '-u', INIT, file], {
      cwd: run.root,
      env: { ...process.env, ...run.env, LSP_SERVER: server, LSP_REPORT: reportFile },
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    log(`nvim ${child.pid} on ${path.relative(run.root, file)}`);
    let timer: NodeJS.Timeout | undefined;
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }>((resolve, reject) => {
      let timedOut = false;
      timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid, 'SIGKILL');
      }, TIMEOUT_MS);
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal, timedOut }));
    });
    clearTimeout(timer);
    // The server is nvim's child in the same group: make sure nothing outlives the run.
    killGroup(child.pid, 'SIGKILL');
    log(result.timedOut ? `nvim killed after ${TIMEOUT_MS} ms` : `nvim exited: ${result.code ?? result.signal}`);

    let report: Report = {};
    let problem: string | undefined;
    if (fs.existsSync(reportFile)) {
      try {
        report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
      } catch (err) {
        problem = `unreadable report ${reportFile}: ${err instanceof Error ? err.message : String(err)}`;
      }
    } else {
      problem = `no report from nvim (${result.timedOut ? 'timed out' : `exit ${result.code ?? result.signal}`})`;
    }
    const checks = report.checks ?? [];
    if (report.nvim) {
      const times = (['initialized', 'diagnostics', 'republish'] as const).filter((k) => report[`${k}_ms`] !== undefined).map((k) => `${k} ${report[`${k}_ms`]} ms`);
      log(`Neovim ${report.nvim}${times.length ? `: ${times.join(', ')}` : ''}`);
    }
    for (const c of checks) console.log(c.ok ? `  ok   ${c.name}` : `  FAIL ${c.name}: ${(c.detail ?? '').replace(/\s*\n\s*/g, ' ')}`);
    const passed = checks.filter((c) => c.ok).length;
    let failed = checks.length - passed;
    if (!problem && result.code !== 0) problem = `nvim ${result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`}`;
    if (problem && failed === 0) {
      console.log(`  FAIL ${LAYER}: ${problem}`);
      failed++;
    }
    ok = failed === 0 && passed > 0;
    if (!ok) {
      const tail = fs.readFileSync(logFile, 'utf8').trim();
      if (tail) console.error(`nvim output (${logFile}):\n${tail.slice(-4000)}`);
      // nvim logs the server's stderr and its own LSP errors here (stdpath('cache') is inside the run).
      const lspLog = path.join(run.env.XDG_CACHE_HOME, 'nvim', 'lsp.log');
      const errors = fs.existsSync(lspLog) ? fs.readFileSync(lspLog, 'utf8').split('\n').filter((l) => /^\[(ERROR|WARN)\]/.test(l)) : [];
      if (errors.length) console.error(`errors in ${lspLog}:\n${errors.join('\n').slice(-4000)}`);
    }
    console.log(summary(LAYER, passed, failed));
    return ok;
  } finally {
    run.finish(ok);
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    console.log(summary(LAYER, 0, 1));
    process.exit(1);
  },
);
