// A rule fixture made runnable on the real nginx: copied with its include directories into a private prefix,
// every `listen` moved to a free port on 127.0.0.1, every upstream address and proxy_pass host pointed at the
// scenario's backend, cache and temp paths moved into the prefix, and an access log that records
// $upstream_cache_status for each request. Nothing else of the fixture changes, so cachelint finds the same
// thing on the copy and its fix is applied to the copy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, ready, start, stop, type Running } from './proc';

export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find((p) => fs.existsSync(p));

let version: string | undefined;
/** `nginx version: nginx/1.22.1` (nginx -v prints it on stderr); read once. */
export function nginxVersion(): string {
  if (!NGINX) return 'nginx not installed';
  version ??= execFileSync('sh', ['-c', `${NGINX} -v 2>&1`], { encoding: 'utf8' }).trim();
  return version;
}

/** Copies the fixture file and the `*.d` directories beside it. */
export function copyFixture(srcDir: string, file: string, dest: string): string {
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(srcDir, { withFileTypes: true })) {
    if (e.isDirectory() && /\.d$/.test(e.name)) fs.cpSync(path.join(srcDir, e.name), path.join(dest, e.name), { recursive: true });
  }
  fs.copyFileSync(path.join(srcDir, file), path.join(dest, file));
  return path.join(dest, file);
}

function confFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.conf$/.test(e.name)).map((e) => path.join(e.parentPath, e.name));
}

export class NginxSite {
  /** The port each `listen` value of the fixture now has. */
  readonly ports = new Map<string, number>();
  private proc?: Running;
  private logLines = 0;

  constructor(readonly dir: string, readonly main: string, private readonly backendPort: number) {}

  /** Rewrites the copied fixture in place (run before cachelint sees it). */
  async localize(): Promise<void> {
    const files = confFiles(this.dir);
    const listens = new Set<string>();
    const upstreams = new Set<string>();
    for (const f of files) {
      const t = fs.readFileSync(f, 'utf8');
      for (const m of t.matchAll(/^\s*listen\s+([^\s;]+)/gm)) listens.add(m[1]);
      for (const m of t.matchAll(/\bupstream\s+([\w.-]+)\s*\{/g)) upstreams.add(m[1]);
    }
    for (const l of listens) this.ports.set(l, await freePort());
    // An address of one of the fixture's own servers (a second tier in front of the first) keeps pointing there.
    const own = (hostPort: string): number | undefined => {
      const m = /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(hostPort);
      if (!m) return undefined;
      const key = [...this.ports.keys()].find((l) => l === m[1] || l.endsWith(`:${m[1]}`));
      return key === undefined ? undefined : this.ports.get(key);
    };
    const origin = (hostPort: string) => `127.0.0.1:${own(hostPort) ?? this.backendPort}`;
    let cacheN = 0;
    for (const f of files) {
      let t = fs.readFileSync(f, 'utf8');
      t = t.replace(/^(\s*)listen\s+([^\s;]+)([^;]*);/gm, (_m, ind: string, addr: string, flags: string) => {
        const keep = flags.split(/\s+/).filter((x) => /^(ssl|http2|default_server|default)$/.test(x));
        return `${ind}listen ${[`127.0.0.1:${this.ports.get(addr)}`, ...keep].join(' ')};`;
      });
      // A server without listen would take *:80 (as root): give it its own port on 127.0.0.1.
      t = await this.listenEverywhere(t);
      t = t.replace(/\b(proxy_pass\s+)https?:\/\/([^/;\s]+)/g, (m, pre: string, host: string) => (upstreams.has(host) ? m.replace(/https:/, 'http:') : `${pre}http://${origin(host)}`));
      t = t.replace(/(\bupstream\s+[\w.-]+\s*\{)([^}]*)\}/g, (_m, head: string, body: string) => `${head}${body.replace(/^(\s*)server\s+([^;\s]+)/gm, (_x, ind: string, addr: string) => `${ind}server ${origin(addr)}`)}}`);
      t = t.replace(/\b(proxy|fastcgi|uwsgi|scgi)_cache_path\s+\S+/g, (_m, fam: string) => `${fam}_cache_path ${path.join(this.dir, 'cache', String(cacheN++))}`);
      t = t.replace(/^(\s*)error_log\s+[^;]*;/gm, `$1error_log ${path.join(this.dir, 'error.log')} info;`);
      if (f === this.main) {
        const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${path.join(this.dir, 'tmp', k)};`).join(' ');
        t = t.replace(/^http\s*\{/m, `http { ${temp}`);
        // A fixture is an http{} block; a whole nginx.conf (the examples) keeps its main context.
        t = t.replace(/^\s*pid\s+[^;]*;/gm, '');
        const main = `pid ${path.join(this.dir, 'nginx.pid')}; error_log ${path.join(this.dir, 'error.log')} info;`;
        t = /^\s*events\s*\{/m.test(t) ? `${main}\n${t}` : `worker_processes 1; ${main} events { worker_connections 256; }\n${t}`;
      }
      fs.writeFileSync(f, t);
    }
    fs.mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'cache'), { recursive: true });
  }

  /** Adds `listen 127.0.0.1:<free port>;` to each http `server {` block that has no listen (registered as `server#N`). */
  private async listenEverywhere(t: string): Promise<string> {
    const out: string[] = [];
    let at = 0;
    for (const m of t.matchAll(/(^|[;{}\s])server\s*\{/g)) {
      const open = m.index! + m[0].length - 1;
      let depth = 0;
      let close = -1;
      for (let i = open; i < t.length; i++) {
        if (t[i] === '#') {
          const nl = t.indexOf('\n', i);
          i = nl < 0 ? t.length : nl;
        } else if (t[i] === '{') depth++;
        else if (t[i] === '}' && --depth === 0) {
          close = i;
          break;
        }
      }
      if (close < 0 || /^\s*listen\s/m.test(t.slice(open + 1, close))) continue;
      const key = `server#${this.ports.size}`;
      this.ports.set(key, await freePort());
      out.push(t.slice(at, open + 1), ` listen 127.0.0.1:${this.ports.get(key)};`);
      at = open + 1;
    }
    out.push(t.slice(at));
    return out.join('');
  }

  /** The port for a listen value of the fixture (the first one when not given). */
  port(listen?: string): number {
    const p = listen ? this.ports.get(listen) : [...this.ports.values()][0];
    if (p === undefined) throw new Error(`the fixture has no listen ${listen ?? ''}`);
    return p;
  }

  /**
   * Makes each request's cache status readable: one access log, at http level, with $upstream_cache_status (the
   * fixture's own access_log lines are dropped so nothing is logged twice). Done when the server starts — after
   * cachelint has read and fixed the copy, so the instrumentation never changes what cachelint sees.
   */
  private instrument(): void {
    for (const f of confFiles(this.dir)) {
      let t = fs.readFileSync(f, 'utf8');
      if (t.includes('cachelint_live')) continue;
      t = t.replace(/^(\s*)access_log\s+[^;]*;/gm, '$1# (access_log moved by the live harness)');
      if (f === this.main) {
        t = t.replace(/^http\s*\{/m, `http { log_format cachelint_live '$request_uri $upstream_cache_status $host'; access_log ${path.join(this.dir, 'access.log')} cachelint_live;`);
      }
      fs.writeFileSync(f, t);
    }
  }

  async start(): Promise<void> {
    if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx)');
    this.instrument();
    // Workers run as nobody when nginx starts as root: the prefix must be theirs to write.
    fs.chmodSync(this.dir, 0o777);
    for (const d of ['tmp', 'cache']) fs.chmodSync(path.join(this.dir, d), 0o777);
    fs.rmSync(path.join(this.dir, 'access.log'), { force: true });
    this.logLines = 0;
    this.proc = start(NGINX, ['-p', this.dir, '-c', this.main, '-e', path.join(this.dir, 'error.log'), '-g', 'daemon off;'], path.join(this.dir, 'nginx.out'));
    for (const p of this.ports.values()) await ready(this.proc, p);
  }

  /** The $upstream_cache_status of the next `n` requests logged (waits for nginx to write them). */
  async statuses(n: number): Promise<string[]> {
    const file = path.join(this.dir, 'access.log');
    const deadline = Date.now() + 5000;
    for (;;) {
      const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      if (lines.length >= this.logLines + n) {
        const got = lines.slice(this.logLines, this.logLines + n).map((l) => l.split(' ')[1]);
        this.logLines += n;
        return got;
      }
      if (Date.now() > deadline) throw new Error(`nginx logged ${lines.length - this.logLines} of ${n} requests`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    if (this.proc) await stop(this.proc);
    this.proc = undefined;
  }
}
