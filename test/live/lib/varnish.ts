// A rule fixture made runnable on the real Varnish: the VCL (with its include directories) copied into a private
// working directory, every backend pointed at the scenario's backend, and varnishd started in the foreground
// on a free port of 127.0.0.1 with a small malloc storage. A response is a hit when its X-Varnish header
// carries two transaction ids (the request's and the cached object's).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, ready, start, stop, type Running } from './proc';

export const VARNISHD = ['/usr/sbin/varnishd', '/usr/local/sbin/varnishd'].find((p) => fs.existsSync(p));

let version: string | undefined;
/** `varnish-7.1.1`; read once. */
export function varnishVersion(): string {
  if (!VARNISHD) return 'varnishd not installed';
  if (version === undefined) {
    const out = execFileSync('sh', ['-c', `${VARNISHD} -V 2>&1`], { encoding: 'utf8' });
    version = /varnish-[\d.]+/.exec(out)?.[0] ?? out.split('\n')[0];
  }
  return version;
}

export class VarnishSite {
  port = 0;
  private proc?: Running;

  constructor(readonly dir: string, readonly main: string, private readonly backendPort: number) {}

  async localize(): Promise<void> {
    const files = fs.readdirSync(this.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.vcl$/.test(e.name));
    for (const e of files) {
      const f = path.join(e.parentPath, e.name);
      let t = fs.readFileSync(f, 'utf8');
      t = t.replace(/^\s*\.port\s*=\s*"[^"]*"\s*;[^\n]*\n/gm, '');
      t = t.replace(/(\.host\s*=\s*)"[^"]*"\s*;/g, `$1"127.0.0.1"; .port = "${this.backendPort}";`);
      fs.writeFileSync(f, t);
    }
    this.port = await freePort();
  }

  async start(): Promise<void> {
    if (!VARNISHD) throw new Error('varnishd is not installed (apt-get install varnish)');
    const work = path.join(this.dir, 'varnishd');
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    // varnishd drops to its own user when started as root: its files must be readable, its workdir writable.
    for (const d of [this.dir, work]) fs.chmodSync(d, 0o777);
    this.proc = start(
      VARNISHD,
      ['-F', '-n', work, '-a', `127.0.0.1:${this.port}`, '-f', this.main, '-T', 'none', '-s', 'malloc,32m', '-p', `vcl_path=${path.dirname(this.main)}`, '-p', 'thread_pools=1', '-p', 'thread_pool_min=10'],
      path.join(this.dir, 'varnishd.out'),
    );
    await ready(this.proc, this.port, 30000);
  }

  async stop(): Promise<void> {
    if (this.proc) await stop(this.proc);
    this.proc = undefined;
  }
}
