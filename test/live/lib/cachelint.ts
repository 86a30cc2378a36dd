// The built CLI (dist/cli.js) as the live suite and the incident demo run it: its output when it exits 0 (no
// finding) or 1 (findings); anything else — a usage or I/O error — is thrown with its stderr.
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

export function cachelint(args: string[], cwd?: string): string {
  try {
    return execFileSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    if (e.status === 1) return e.stdout ?? '';
    throw new Error(`cachelint ${args.join(' ')} failed: ${e.stderr ?? err}`);
  }
}
