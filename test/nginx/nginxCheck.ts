// Runs the real `nginx -t` on a configuration tree copied into a private prefix: paths under /var, /run
// and /tmp are moved into the prefix, so the check writes nothing outside it.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));

/** Why the nginx checks cannot run here, or undefined when they can. In CI a missing nginx is a failure. */
export function nginxMissing(): string | undefined {
  if (NGINX) return undefined;
  return 'nginx is not installed (apt-get install nginx)';
}

export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

let certDir: string | undefined;
/** A throw-away self-signed certificate (test.crt, test.key) for configs with `listen … ssl`. */
function certificate(): string {
  if (certDir) return certDir;
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=cachelint.test', '-days', '2', '-keyout', path.join(certDir, 'test.key'), '-out', path.join(certDir, 'test.crt')], {
    stdio: 'ignore',
  });
  process.on('exit', () => fs.rmSync(certDir!, { recursive: true, force: true }));
  return certDir;
}

const ABSOLUTE_WRITABLE = /(^|[\s"'=:])\/(var|run|tmp)\//g;

/** Moves /var, /run and /tmp paths into the prefix and creates their parent directories there. */
function relocate(text: string, prefix: string): string {
  const out = text.replace(ABSOLUTE_WRITABLE, (_m, lead: string, dir: string) => `${lead}${prefix}/${dir}/`);
  const mine = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:var|run|tmp)/[^\\s;"'{}]*`, 'g');
  for (const m of out.match(mine) ?? []) fs.mkdirSync(path.dirname(m), { recursive: true });
  return out;
}

function copyTree(src: string, dst: string, prefix: string): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isDirectory()) copyTree(from, to, prefix);
    else if (e.isFile()) {
      const buf = fs.readFileSync(from);
      // Text files get their writable absolute paths moved into the prefix; binary files are copied.
      fs.writeFileSync(to, buf.includes(0) ? buf : relocate(buf.toString('latin1'), prefix), buf.includes(0) ? undefined : 'latin1');
    }
  }
}

export interface NginxVerdict {
  ok: boolean;
  output: string;
}

/**
 * `nginx -t` on `mainText` written as `<tree>/<mainName>` inside a copy of `tree` (the directory its
 * relative includes resolve against). `overrides` replace files of the copy (relative paths).
 */
export function nginxTest(tree: string, mainName: string, mainText: string, overrides: Map<string, string> = new Map()): NginxVerdict {
  if (!NGINX) throw new Error(nginxMissing());
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-nginx-'));
  try {
    const conf = path.join(prefix, 'conf');
    copyTree(tree, conf, prefix);
    for (const [rel, text] of overrides) fs.writeFileSync(path.join(conf, rel), relocate(text, prefix), 'latin1');
    const cert = certificate();
    for (const f of ['test.crt', 'test.key']) if (!fs.existsSync(path.join(conf, f))) fs.copyFileSync(path.join(cert, f), path.join(conf, f));
    for (const d of ['logs', 'var/log/nginx', 'var/cache/nginx', 'run', 'tmp']) fs.mkdirSync(path.join(prefix, d), { recursive: true });
    const hasEvents = /^\s*events\s*\{/m.test(mainText);
    fs.writeFileSync(path.join(conf, mainName), relocate(hasEvents ? mainText : `events {}\n${mainText}`, prefix), 'latin1');
    const r = spawnSync(NGINX, ['-t', '-p', `${prefix}/`, '-c', path.join(conf, mainName), '-e', path.join(prefix, 'logs', 'error.log')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const output = `${r.stderr ?? ''}${r.stdout ?? ''}`
      .split(prefix)
      .join('<prefix>')
      .split('\n')
      .filter((l) => !/syntax is ok|test is successful/.test(l))
      .join('\n');
    return { ok: r.status === 0, output: output.trim() };
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}
