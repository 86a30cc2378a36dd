// Runs the built CLI as a child process, in temporary directories with copies of the examples.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const EXAMPLES = path.join(ROOT, 'examples');
/** The CLI under test: the built bundle, or an installed one named by CACHELINT_CLI. */
export const CLI = process.env.CACHELINT_CLI ? path.resolve(process.env.CACHELINT_CLI) : path.join(ROOT, 'dist/cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with `args`. `uid`/`gid` run it as another user (the test must be root for that);
 * `noFileSize` runs it with a file size limit of 0 (SIGXFSZ ignored), so every write to a file fails
 * with EFBIG while its pipes still work — a write failure that holds even for root.
 */
export function cli(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string | undefined>; uid?: number; gid?: number; noFileSize?: boolean } = {},
): CliRun {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (node esbuild.js)`);
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const [cmd, argv]: [string, string[]] = opts.noFileSize
    ? ['/bin/sh', ['-c', 'trap "" XFSZ; ulimit -f 0 && exec "$0" "$@"', process.execPath, CLI, ...args]]
    : [process.execPath, [CLI, ...args]];
  const r = spawnSync(cmd, argv, {
    cwd: opts.cwd ?? ROOT,
    uid: opts.uid,
    gid: opts.gid,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: env as NodeJS.ProcessEnv,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmpDirs: string[] = [];

/** A fresh temporary directory, removed by `cleanup()`. */
export function tmpDir(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-cli-')));
  tmpDirs.push(d);
  return d;
}

export function cleanup(): void {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Copies `examples/<name>` to `<dest>/<as>` and returns that directory. */
export function copyExample(name: string, dest: string, as: string = name): string {
  const to = path.join(dest, as);
  fs.cpSync(path.join(EXAMPLES, name), to, { recursive: true });
  return to;
}

/** Writes files (relative path → content) under `dir`. */
export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
}

/** Asserts the shape of a usage/I-O failure: nothing on stdout, exactly one `cachelint: ` line on stderr. */
export function stderrLines(r: CliRun): string[] {
  return r.stderr.split('\n').filter((l) => l !== '');
}

/** 1-based number of the first line of a file containing `needle`. */
export function lineOf(file: string, needle: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

/** A config no rule has anything to say about: no proxying, no caching. */
export const CLEAN_CONF = 'worker_processes 1;\n\nevents {\n    worker_connections 64;\n}\n';

/** The lines of a config with an error-level finding and a safe fix (`$request_id` leaves the cache key). */
export const FIXABLE_LINES: readonly string[] = [
  'events {}',
  'http {',
  '    proxy_cache_path /var/cache/nginx/a keys_zone=a:10m;',
  '    server {',
  '        listen 127.0.0.1:8080;',
  '        location / {',
  '            proxy_pass http://127.0.0.1:8081;',
  '            proxy_cache a;',
  '            proxy_cache_valid 200 10m;',
  '            proxy_cache_key $scheme$host$request_uri$request_id;',
  '        }',
  '    }',
  '}',
  '',
];

export const PACKAGE_VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/** Whether the tests run as root (who can read and write files whatever their permission bits). */
export const IS_ROOT = process.getuid?.() === 0;

/** The unprivileged user root runs the CLI as, for checks that need permissions enforced. */
const NOBODY = 65534;

/**
 * How to run the CLI so that permission bits are enforced: as is for a normal user, as `nobody` for
 * root. Undefined (with the reason) when even that does not enforce them, e.g. on a file system that
 * ignores modes. `dir` must already exist; it is opened to the other user.
 */
export function enforcingUser(dir: string): { opts: { uid?: number; gid?: number }; skip?: undefined } | { opts?: undefined; skip: string } {
  const opts = IS_ROOT ? { uid: NOBODY, gid: NOBODY } : {};
  if (IS_ROOT) for (let d = dir; d.startsWith(`${os.tmpdir()}${path.sep}`); d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o755);
  const probe = path.join(dir, '.permission-probe');
  fs.writeFileSync(probe, 'x');
  fs.chmodSync(probe, 0o000);
  try {
    const r = spawnSync(process.execPath, ['-e', 'require("fs").readFileSync(process.argv[1])', probe], { ...opts, stdio: 'ignore' });
    if (r.error) return { skip: `cannot run the CLI as another user: ${r.error.message}` };
    return r.status === 0 ? { skip: 'file permissions are not enforced here (a mode 000 file was readable)' } : { opts };
  } finally {
    fs.rmSync(probe, { force: true });
  }
}
