// Shared pieces of the editor tests: the run folder, a hermetic environment, code-server started on
// 127.0.0.1:0 in its own process group (stopped by PID), the installed .vsix and headless Chromium.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { QUIET_SETTINGS, ROOT } from './workspace';

export const CACHE = path.join(ROOT, 'test', 'e2e', '.cache');
export const CODE_SERVER_DIR = path.join(CACHE, 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const EXTENSION_ID = 'cachelint.cachelint';

/** A timestamped log line for a layer. */
export function logger(layer: string): (msg: string) => void {
  const t0 = Date.now();
  return (msg) => console.log(`[${layer} ${String(Date.now() - t0).padStart(6)} ms] ${msg}`);
}

export interface RunFolder {
  root: string;
  env: Record<string, string>;
  /** Removes the folder (after a pass) or says where it was kept (after a failure). */
  finish(ok: boolean): void;
}

/**
 * A fresh folder for one run, with XDG_* inside it and a short TMPDIR of its own (Unix socket paths
 * over 107 bytes crash Chromium and VS Code).
 */
export function runFolder(prefix: string): RunFolder {
  const base = process.env.CACHELINT_E2E_TMP ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const root = fs.mkdtempSync(path.join(base, `cachelint-${prefix}-`));
  const tmp = fs.mkdtempSync('/tmp/e2e-');
  const env: Record<string, string> = {
    XDG_DATA_HOME: path.join(root, 'xdg', 'data'),
    XDG_CONFIG_HOME: path.join(root, 'xdg', 'config'),
    XDG_CACHE_HOME: path.join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: path.join(root, 'xdg', 'state'),
    TMPDIR: tmp,
  };
  for (const d of Object.values(env)) fs.mkdirSync(d, { recursive: true });
  return {
    root,
    env,
    finish(ok) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (ok && !process.env.CACHELINT_E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
      else console.error(`kept the run folder: ${root}`);
    },
  };
}

export interface CodeServer {
  child: ChildProcess;
  port: number;
  /** Extensions folder holding the installed .vsix. */
  extensionsDir: string;
  /** Where the installed copy of the extension lives. */
  extensionDir: string;
  logFile: string;
}

/** code-server's arguments for a profile kept inside the run folder. */
function profileArgs(root: string): string[] {
  return ['--config', path.join(root, 'config.yaml'), '--user-data-dir', path.join(root, 'user-data'), '--extensions-dir', path.join(root, 'extensions')];
}

/**
 * Installs the .vsix with code-server's own `--install-extension` (as a user would), then starts
 * code-server on 127.0.0.1:0 and reads the port from its log.
 */
export async function startCodeServer(run: RunFolder, vsix: string, extraEnv: Record<string, string> = {}, settings: Record<string, unknown> = {}): Promise<CodeServer> {
  const userDir = path.join(run.root, 'user-data', 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 1));
  fs.writeFileSync(path.join(run.root, 'config.yaml'), 'auth: none\n');
  const env = { ...process.env, ...run.env, ...extraEnv };
  const installOut = execFileSync(process.execPath, [CODE_SERVER_ENTRY, ...profileArgs(run.root), '--install-extension', vsix], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const extensionsDir = path.join(run.root, 'extensions');
  const installed = fs.readdirSync(extensionsDir).filter((n) => n.startsWith(`${EXTENSION_ID}-`) && fs.statSync(path.join(extensionsDir, n)).isDirectory());
  if (installed.length !== 1) throw new Error(`expected the .vsix installed once, found ${JSON.stringify(installed)}:\n${installOut}`);
  const logFile = path.join(run.root, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--bind-addr',
      '127.0.0.1:0',
      ...profileArgs(run.root),
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`code-server reported no listening address within 60 s:\n${seen}`)), 60_000);
    const onData = (b: Buffer) => {
      fs.writeSync(log, b);
      if (seen.length < 65536) seen += b.toString();
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      void stopGroup(child);
      reject(err);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`code-server exited (${code}) before listening:\n${seen}`)));
  });
  // Keep logging after start-up.
  child.stdout!.on('data', (b: Buffer) => fs.writeSync(log, b));
  child.stderr!.on('data', (b: Buffer) => fs.writeSync(log, b));
  return { child, port, extensionsDir, extensionDir: path.join(extensionsDir, installed[0]), logFile };
}

/** Stops a process group started with `detached: true`: TERM, then KILL after 10 s. */
export async function stopGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // the group is gone already
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([gone.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 10_000)))]);
  clearTimeout(timer);
  if (timedOut) {
    signal('SIGKILL');
    await gone;
  }
}

/** Headless Debian Chromium (never a downloaded browser) with a fresh profile in the run folder. */
export function launchChromium(run: RunFolder, viewport = { width: 1400, height: 900 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(run.root, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, ...run.env } as Record<string, string>,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Re-checks `probe` every 50 ms until it gives a value (for files on disk, which raise no event here). */
export async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The last line of a layer's output, in the form every layer prints. */
export function summary(layer: string, passed: number, failed: number): string {
  return `${layer}: ${passed} passed, ${failed} failed`;
}
