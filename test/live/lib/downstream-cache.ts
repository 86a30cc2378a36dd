// A second, independent nginx put in front of the server under test as a downstream cache (a CDN stand-in):
// default TTL 10 minutes for 200s (proxy_cache_valid), the origin's Cache-Control/Expires honoured as nginx does.
// It tells whether the headers the fixture sends let a downstream cache store its responses. Scenario-owned
// helper: the harness does not use it. Started and stopped by PID, in a private prefix, on 127.0.0.1 only.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NGINX } from './nginx';
import { freePort, ready, start, stop, type Running } from './proc';
import { request, type Reply } from './client';
import type { Live } from './scenario';

/** The real port of a fixture server, read from the Location of the 301 nginx sends for a directory without
 *  its trailing slash (`dirUrl` names a directory below the server's root). */
export async function portOf(t: Live, listen: string, dirUrl: string): Promise<number> {
  const r = await t.get(dirUrl, { listen });
  const m = /^https?:\/\/[^/:]+:(\d+)\//.exec(String(r.headers.location ?? ''));
  if (r.status !== 301 || !m) throw new Error(`no directory redirect with a port from ${listen}${dirUrl}: ${r.status} ${r.headers.location ?? ''}`);
  return Number(m[1]);
}

export class DownstreamCache {
  private proc?: Running;
  private dir = '';
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<void> {
    if (!NGINX) throw new Error('nginx is not installed');
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-downstream-'));
    for (const d of ['', 'cache', 'tmp']) {
      fs.mkdirSync(path.join(this.dir, d), { recursive: true });
      fs.chmodSync(path.join(this.dir, d), 0o777);
    }
    this.port = await freePort();
    const conf = path.join(this.dir, 'nginx.conf');
    fs.writeFileSync(
      conf,
      `worker_processes 1; pid ${this.dir}/nginx.pid; error_log ${this.dir}/error.log info;
events { worker_connections 64; }
http {
    access_log off;
    proxy_temp_path ${this.dir}/tmp;
    client_body_temp_path ${this.dir}/tmp;
    proxy_cache_path ${this.dir}/cache keys_zone=downstream:1m;
    server {
        listen 127.0.0.1:${this.port};
        location / {
            proxy_cache downstream;
            proxy_cache_valid 200 10m;
            add_header X-Downstream-Cache $upstream_cache_status always;
            proxy_pass http://127.0.0.1:${this.upstreamPort};
        }
    }
}
`,
    );
    this.proc = start(NGINX, ['-p', this.dir, '-c', conf, '-e', path.join(this.dir, 'error.log'), '-g', 'daemon off;'], path.join(this.dir, 'nginx.out'));
    await ready(this.proc, this.port);
  }

  /** A GET through the downstream cache; `cache` is its own $upstream_cache_status. */
  async get(p: string, host = 'localhost'): Promise<Reply & { cache: string }> {
    const r = await request(this.port, p, { host });
    return { ...r, cache: String(r.headers['x-downstream-cache'] ?? '-') };
  }

  async stop(): Promise<void> {
    if (this.proc) await stop(this.proc);
    this.proc = undefined;
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
