// The real servers as judges of a configuration: `nginx -t` in a private prefix and `varnishd -C` in a
// private working directory. Files are written byte for byte in their own encoding.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
export const VARNISHD = ['/usr/sbin/varnishd', '/usr/local/sbin/varnishd', '/usr/bin/varnishd'].find((p) => fs.existsSync(p));

export function isCi(): boolean {
  return !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
}

/** Runs a program; resolves with its exit code and stderr+stdout (never rejects on a non-zero exit). */
function runProgram(bin: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export interface Verdict {
  ok: boolean;
  /** The server's first error line, with the private directory shown as `<prefix>`. */
  message: string;
}

const WRITABLE = /(^|[\s"'=:])\/(var|run|tmp)\//g;

/** A fragment's context → a main configuration that includes it (relative path `rel`) there. */
export const NGINX_WRAPPERS: Record<string, (rel: string) => string> = {
  http: (rel) => `events {}\nhttp {\n    include ${rel};\n}\n`,
  server: (rel) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:8080;\n        include ${rel};\n    }\n}\n`,
  location: (rel) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:8080;\n        location / {\n            include ${rel};\n        }\n    }\n}\n`,
};

/**
 * A copy of an nginx configuration tree in a private prefix, for `nginx -t` on the original and on
 * fixed versions of its files. Paths under /var, /run and /tmp are moved into the prefix; a
 * self-signed certificate pair is added for `listen … ssl`. Call `dispose()` when done.
 */
export class NginxTree {
  readonly prefix: string;
  private readonly conf: string;
  private readonly originals = new Map<string, Buffer>();

  /** `tree`: the directory relative includes resolve against; `entry`: the file checked, in `context`. */
  constructor(private readonly tree: string, private readonly entry: string, private readonly context: string, certDir: string) {
    this.prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-fixsafety-'));
    this.conf = path.join(this.prefix, 'conf');
    this.copy(tree, this.conf);
    for (const f of ['test.crt', 'test.key']) if (!fs.existsSync(path.join(this.conf, f))) fs.copyFileSync(path.join(certDir, f), path.join(this.conf, f));
    for (const d of ['logs', 'var/log/nginx', 'var/cache/nginx', 'run', 'tmp']) fs.mkdirSync(path.join(this.prefix, d), { recursive: true });
    if (context !== 'main') {
      const wrap = NGINX_WRAPPERS[context];
      if (!wrap) throw new Error(`no wrapper for context ${context}`);
      fs.writeFileSync(path.join(this.conf, 'cachelint-wrapper.conf'), wrap(path.relative(tree, entry)));
    }
  }

  /** Moves writable absolute paths into the prefix (on latin1 text, so any byte survives) and creates their parents. */
  private relocate(bytes: Buffer): Buffer {
    const text = bytes.toString('latin1').replace(WRITABLE, (_m, lead: string, dir: string) => `${lead}${this.prefix}/${dir}/`);
    const mine = new RegExp(`${this.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:var|run|tmp)/[^\\s;"'{}]*`, 'g');
    for (const m of text.match(mine) ?? []) fs.mkdirSync(path.dirname(m), { recursive: true });
    return Buffer.from(text, 'latin1');
  }

  private copy(src: string, dst: string): void {
    fs.mkdirSync(dst, { recursive: true });
    for (const e of fs.readdirSync(src, { withFileTypes: true })) {
      const from = path.join(src, e.name);
      const to = path.join(dst, e.name);
      if (e.isDirectory()) this.copy(from, to);
      else if (e.isFile()) {
        const buf = fs.readFileSync(from);
        fs.writeFileSync(to, buf.includes(0) ? buf : this.relocate(buf));
      }
    }
  }

  /** `nginx -t` with `files` (absolute corpus paths → new bytes) in place of the originals; restores them afterwards. */
  async check(files: Map<string, Buffer> = new Map()): Promise<Verdict> {
    if (!NGINX) throw new Error('nginx is not installed');
    const written: string[] = [];
    try {
      for (const [p, bytes] of files) {
        const rel = path.relative(this.tree, p);
        if (rel.startsWith('..')) return { ok: false, message: `a fix edited ${p}, outside the tree ${this.tree}` };
        const to = path.join(this.conf, rel);
        if (!this.originals.has(to)) this.originals.set(to, fs.readFileSync(to));
        fs.writeFileSync(to, this.relocate(bytes));
        written.push(to);
      }
      const main = this.context === 'main' ? path.join(this.conf, path.relative(this.tree, this.entry)) : path.join(this.conf, 'cachelint-wrapper.conf');
      // A main config without an events block gets one, as the corpus labels were made.
      let mainPath = main;
      if (this.context === 'main') {
        const text = fs.readFileSync(main);
        if (!/^\s*events\s*\{/m.test(text.toString('latin1'))) {
          mainPath = path.join(path.dirname(main), '.cachelint-main.conf');
          fs.writeFileSync(mainPath, Buffer.concat([Buffer.from('events {}\n'), text]));
          written.push(mainPath);
        }
      }
      const r = await runProgram(NGINX, ['-t', '-p', `${this.prefix}/`, '-c', mainPath, '-e', path.join(this.prefix, 'logs', 'error.log')]);
      const lines = r.output.split(this.prefix).join('<prefix>').split('\n');
      return { ok: r.code === 0, message: r.code === 0 ? '' : (lines.find((l) => /\[emerg\]|\[crit\]|\[alert\]/.test(l)) ?? lines.join(' ').trim()) };
    } finally {
      for (const to of written) {
        const orig = this.originals.get(to);
        if (orig) fs.writeFileSync(to, orig);
        else fs.rmSync(to, { force: true });
      }
    }
  }

  dispose(): void {
    fs.rmSync(this.prefix, { recursive: true, force: true });
  }
}

/** A throw-away self-signed certificate (test.crt, test.key) in its own directory; remove it when done. */
export async function makeCertificate(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-cert-'));
  const r = await runProgram('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=cachelint.test', '-days', '2', '-keyout', path.join(dir, 'test.key'), '-out', path.join(dir, 'test.crt')]);
  if (r.code !== 0) throw new Error(`openssl failed: ${r.output}`);
  return dir;
}

/**
 * `varnishd -C` on `entry` with `files` (absolute paths under `root` → bytes) written into a private
 * directory under their path relative to `root`; `vcl_path` is the entry's directory there, as Varnish
 * resolves relative includes. `entry` must be one of `files`.
 */
export async function varnishCompile(root: string, entry: string, files: Map<string, Buffer>): Promise<Verdict> {
  if (!VARNISHD) throw new Error('varnishd is not installed');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-fixsafety-vcl-'));
  try {
    const src = path.join(work, 'src');
    for (const [p, bytes] of files) {
      const to = path.join(src, path.relative(root, p));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, bytes);
    }
    const state = path.join(work, 'state');
    fs.mkdirSync(state);
    // varnishd hands compilation to an unprivileged user: the directories must be open to it.
    for (const d of [work, state]) fs.chmodSync(d, 0o777);
    const main = path.join(src, path.relative(root, entry));
    const r = await runProgram(VARNISHD, ['-C', '-n', state, '-p', `vcl_path=${path.dirname(main)}`, '-f', main]);
    const lines = r.output.split(work).join('<work>').split('\n').filter((l) => l.trim() && !/^(Could not delete|Running VCC-compiler failed|VCL compilation failed|Message from VCC-compiler:)/.test(l));
    return { ok: r.code === 0, message: r.code === 0 ? '' : lines.slice(0, 3).join(' | ') };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
