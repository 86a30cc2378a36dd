// Layer "electron": the same mocha suite as test/e2e/exthost.ts (test/e2e/suite), run by
// @vscode/test-electron in a downloaded VS Code desktop build against the installed .vsix. This is the
// runner for machines that can reach Microsoft's update server (users, the project's public CI).
// When VS Code cannot be downloaded (an offline machine), it prints one line saying the layer was
// skipped and why, counts nothing as passed, and exits 0.
//
// Usage: node --import tsx test/e2e/electron.ts [--vsix FILE]
//   (default: cachelint-<version>.vsix at the repo root, built by `npm run package`)
// On Linux without a display, VS Code needs an X server: run it as
//   xvfb-run -a node --import tsx test/e2e/electron.ts
// Environment: CACHELINT_E2E_DOWNLOAD_TIMEOUT_MS (default 120000: how long the download may make no
// progress before the update server counts as unreachable), CACHELINT_E2E_TIMEOUT_MS (default 300000:
// the whole test launch), CACHELINT_E2E_GREP (passed to the suite), CACHELINT_E2E_KEEP (keep the run
// folder after a pass).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  downloadAndUnzipVSCode,
  resolveCliArgsFromVSCodeExecutablePath,
  runTests,
  ProgressReportStage,
  TestRunFailedError,
  type ProgressReport,
  type ProgressReporter,
} from '@vscode/test-electron';
import { CACHE, EXTENSION_ID, logger, runFolder, summary } from './lib/harness';
import { buildSuite } from './lib/suite';
import { QUIET_SETTINGS, ROOT, writeExthostWorkspace } from './lib/workspace';

const LAYER = 'electron';
/** The VS Code release matching the extension's engine (and code-server 4.100.3 of the exthost layer). */
const VSCODE_VERSION = '1.100.3';
const VSCODE_CACHE = path.join(CACHE, 'vscode');
const DOWNLOAD_TIMEOUT_MS = Number(process.env.CACHELINT_E2E_DOWNLOAD_TIMEOUT_MS ?? 120_000);
const TIMEOUT_MS = Number(process.env.CACHELINT_E2E_TIMEOUT_MS ?? 300_000);
const INSTALL_TIMEOUT_MS = 120_000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The .vsix to test: --vsix FILE, or cachelint-<version>.vsix at the repo root. */
function findVsix(): string {
  const given = arg('vsix');
  if (given !== undefined) {
    const vsix = path.resolve(given);
    if (!fs.existsSync(vsix)) throw new Error(`--vsix ${vsix}: no such file`);
    return vsix;
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const vsix = path.join(ROOT, `cachelint-${version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix}: no such file; build it with \`npm run package\` or pass --vsix FILE`);
  return vsix;
}

/** VS Code could not be downloaded for a reason outside this project: the layer is skipped. */
class DownloadUnavailable extends Error {}

const NETWORK_CODES = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH'];
/** What @vscode/test-electron 2.x says (it throws plain strings) when the update server answers with an error status. */
const HTTP_FAILURES = ['Failed to get JSON', 'Failed to get VS Code archive location'];

/** One line describing `err` (an Error, an AggregateError, a string, …), following `cause` and `errors`. */
function describe(err: unknown, depth = 0): string {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; errors?: unknown[]; cause?: unknown };
    let text = e.message || (typeof e.code === 'string' ? e.code : e.name);
    if (depth < 3 && Array.isArray(e.errors) && e.errors.length > 0) text = `${text}: ${describe(e.errors[0], depth + 1)}`;
    else if (depth < 3 && e.cause !== undefined) text = `${text}: ${describe(e.cause, depth + 1)}`;
    return text;
  }
  return String(err);
}

/** Whether `err` says the update server was unreachable or refused (network failure, timeout, HTTP error). */
function isNetworkFailure(err: unknown, depth = 0): boolean {
  if (depth > 3 || err === undefined || err === null) return false;
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e.code === 'string' && NETWORK_CODES.includes(e.code)) return true;
  const text = err instanceof Error ? err.message : String(err);
  if (NETWORK_CODES.some((c) => text.includes(c)) || /getaddrinfo|timeout|timed out|socket hang up/i.test(text)) return true;
  if (HTTP_FAILURES.some((s) => text.includes(s)) || /\b(status|HTTP)\s*[45]\d\d\b/i.test(text)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isNetworkFailure(x, depth + 1))) return true;
  return isNetworkFailure(e.cause, depth + 1);
}

/**
 * Downloads VS Code (or finds it in the cache) and returns its executable. The library retries and
 * then throws a generic message, so a reporter keeps the underlying errors; a watchdog gives up when
 * the download makes no progress for DOWNLOAD_TIMEOUT_MS (the library cannot be cancelled: the
 * process exits soon after).
 */
async function downloadVSCode(log: (msg: string) => void): Promise<string> {
  fs.mkdirSync(VSCODE_CACHE, { recursive: true });
  const errors: unknown[] = [];
  let lastTenth = -1;
  let touch = () => {};
  const reporter: ProgressReporter = {
    report(r: ProgressReport) {
      touch();
      if (r.stage === ProgressReportStage.FoundMatchingInstall) log(`VS Code ${VSCODE_VERSION} found in ${r.downloadedPath}`);
      else if (r.stage === ProgressReportStage.Downloading && r.totalBytes > 0) {
        const tenth = Math.floor((10 * r.bytesSoFar) / r.totalBytes);
        if (tenth !== lastTenth) log(`downloading VS Code ${VSCODE_VERSION}: ${tenth * 10}% of ${(r.totalBytes / 1e6).toFixed(0)} MB`);
        lastTenth = tenth;
      } else if (r.stage === ProgressReportStage.Retrying) {
        errors.push(r.error);
        log(`download attempt ${r.attempt} of ${r.totalAttempts} failed (${describe(r.error)}); retrying`);
      } else if (r.stage === ProgressReportStage.NewInstallComplete) log(`VS Code ${VSCODE_VERSION} installed in ${r.downloadedPath}`);
    },
    error(err: unknown) {
      errors.push(err);
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new Error(`no progress for ${DOWNLOAD_TIMEOUT_MS / 1000} s (timeout)`)), DOWNLOAD_TIMEOUT_MS);
    };
  });
  touch();
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: VSCODE_CACHE, reporter, timeout: Math.min(30_000, DOWNLOAD_TIMEOUT_MS) }),
      stalled,
    ]);
  } catch (err) {
    // The thrown error first, then what the reporter saw (the library's final error hides the cause).
    const all = [err, ...errors.reverse()];
    const network = all.find((e) => isNetworkFailure(e));
    if (network !== undefined) throw new DownloadUnavailable(describe(network).split('\n')[0].slice(0, 160));
    throw new Error(`downloading VS Code ${VSCODE_VERSION} failed: ${all.map((e) => describe(e)).join(' | ')}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the VS Code CLI (a child this runner starts and, on timeout, kills); resolves with its output. */
function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  // Windows runs code.cmd through a shell (CVE-2024-27980), so quote the arguments there.
  const shell = process.platform === 'win32';
  const quote = (s: string) => (shell ? `"${s}"` : s);
  return new Promise((resolve, reject) => {
    const child = spawn(quote(cli), args.map(quote), { env, shell, stdio: ['ignore', 'pipe', 'pipe'], timeout: INSTALL_TIMEOUT_MS, windowsHide: true });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(cli)} ${args.join(' ')} failed (${signal ?? code}):\n${out}`));
    });
  });
}

async function main(): Promise<boolean> {
  const vsix = findVsix();
  const log = logger(LAYER);
  const tests = await buildSuite();
  const run = runFolder(LAYER);
  const ws = path.join(run.root, 'ws');
  const userData = path.join(run.root, 'user-data');
  const extensionsDir = path.join(run.root, 'extensions');
  const report = path.join(run.root, 'report.txt');
  let ok = false;
  let skipped = false;
  try {
    fs.mkdirSync(ws);
    writeExthostWorkspace(ws);
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 1));
    fs.mkdirSync(extensionsDir);

    let vscodeExecutablePath: string;
    try {
      vscodeExecutablePath = await downloadVSCode(log);
    } catch (err) {
      if (!(err instanceof DownloadUnavailable)) throw err;
      console.log(`${LAYER}: skipped — VS Code ${VSCODE_VERSION} could not be downloaded (${err.message}); no tests counted`);
      skipped = true;
      return true;
    }

    // Install the .vsix as a user would, into this run's private profile.
    const env = { ...process.env, ...run.env };
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath, { reuseMachineInstall: true });
    const installOut = await runCli(cli, [...cliArgs, '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userData], env);
    const installed = fs.readdirSync(extensionsDir).filter((n) => n.startsWith(`${EXTENSION_ID}-`) && fs.statSync(path.join(extensionsDir, n)).isDirectory());
    if (installed.length !== 1) throw new Error(`expected the .vsix installed once, found ${JSON.stringify(installed)}:\n${installOut}`);
    const extensionDir = path.join(extensionsDir, installed[0]);
    log(`extension installed at ${extensionDir}; the suite runs in VS Code ${VSCODE_VERSION}`);

    const isRoot = process.getuid?.() === 0;
    let code: number | string;
    let timer: NodeJS.Timeout | undefined;
    try {
      const launched = runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: extensionDir,
        extensionTestsPath: tests,
        launchArgs: [
          ws,
          '--disable-workspace-trust',
          '--user-data-dir',
          userData,
          '--extensions-dir',
          extensionsDir,
          '--disable-gpu',
          ...(isRoot ? ['--no-sandbox'] : []),
        ],
        extensionTestsEnv: { ...run.env, CACHELINT_E2E_REPORT: report, CACHELINT_E2E_GREP: process.env.CACHELINT_E2E_GREP ?? '' },
      });
      // runTests cannot be cancelled; on timeout the process exits (after the summary), ending VS Code's stdio.
      code = await Promise.race([launched, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), TIMEOUT_MS)))]);
    } catch (err) {
      if (!(err instanceof TestRunFailedError)) throw err;
      code = err.signal ?? err.code ?? 'failed';
    } finally {
      clearTimeout(timer);
    }
    log(`VS Code finished: ${code}`);

    const text = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '';
    // The suite's own summary line is named after the exthost layer; this layer prints its own.
    process.stdout.write(text.split('\n').filter((l) => !/^exthost: \d+ passed, \d+ failed$/.test(l)).join('\n'));
    const m = /^exthost: (\d+) passed, (\d+) failed$/m.exec(text);
    ok = code === 0 && m !== null && Number(m[2]) === 0 && Number(m[1]) > 0;
    if (m && (code === 0 || Number(m[2]) > 0)) console.log(summary(LAYER, Number(m[1]), Number(m[2])));
    else if (m) console.log(`${summary(LAYER, Number(m[1]), 1)} (the suite passed but VS Code ended with ${code})`);
    else {
      if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) console.error('no display: run this layer under `xvfb-run -a`');
      console.log(`${summary(LAYER, 0, 1)} (no report from the suite: ${code})`);
    }
    return ok;
  } finally {
    run.finish(ok || skipped);
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
