// What the stdio tests of the language server share: the server bundle, its process over stdio, and
// waits that end as soon as the awaited message arrives (with an upper bound).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export const uriOf = (p: string) => pathToFileURL(p).href;

/** Builds dist/server.js from source when it is missing or older than a server source file. */
export async function ensureServerBundle(): Promise<void> {
  const built = fs.existsSync(SERVER) ? fs.statSync(SERVER).mtimeMs : 0;
  const newest = (dir: string): number => {
    let m = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      m = Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return m;
  };
  if (built > 0 && built >= newest(path.join(ROOT, 'server', 'src'))) return;
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['server/src/lsp/main.ts'],
    outfile: 'dist/server.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
}

/** The server bundle started with `--stdio`, and a JSON-RPC connection to it (not yet listening). */
export function spawnServer(): { proc: ChildProcess; conn: MessageConnection } {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  return { proc, conn };
}

/** Ends the connection and, if still running, the server process (by PID). */
export function disposeServer(proc: ChildProcess, conn: MessageConnection): void {
  conn.dispose();
  if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
    try {
      process.kill(proc.pid);
    } catch {
      // already gone
    }
  }
}

export function withTimeout<T>(p: Promise<T>, what: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** Probes re-checked on every message from the server (call `poke()` when one arrives). */
export class Waiters {
  private readonly pending = new Set<() => void>();

  constructor(private readonly timeoutMs: number) {}

  poke(): void {
    for (const w of [...this.pending]) w();
  }

  /** Resolves with the first non-undefined value of `probe`. */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = this.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (value !== undefined) {
          finish();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.pending.delete(check);
      };
      this.pending.add(check);
      check();
    });
  }
}
