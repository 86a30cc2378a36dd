// A minimal SCGI application for live scenarios of the fastcgi/uwsgi/scgi cache family, which share the
// upstream cache code (the research stands in for PHP the same way: t14). The harness only points proxy_pass
// and upstream{} servers at its HTTP backend, so a fixture case passes to a fixed 127.0.0.1 port with
// `scgi_pass`, and the scenario runs this origin on that port for the duration of its requests. Like PHP, it
// answers HEAD without a body. Every request is recorded (method, URI, body).
import * as net from 'node:net';

export interface ScgiRequest {
  method: string;
  uri: string;
  body: string;
}

export class ScgiOrigin {
  readonly requests: ScgiRequest[] = [];
  private server?: net.Server;

  /** `answer` gives the headers (besides Status and Content-Type) and the body for a request. */
  constructor(private readonly answer: (r: ScgiRequest, n: number) => { headers?: Record<string, string>; body: string }) {}

  async start(port: number): Promise<void> {
    this.server = net.createServer((sock) => {
      let buf = Buffer.alloc(0);
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const colon = buf.indexOf(':');
        if (colon < 0) return;
        const len = Number(buf.subarray(0, colon).toString());
        if (buf.length < colon + 1 + len + 1) return;
        const fields = buf.subarray(colon + 1, colon + 1 + len).toString('latin1').split('\0');
        const env: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) env[fields[i]] = fields[i + 1];
        const bodyLen = Number(env.CONTENT_LENGTH ?? 0);
        const rest = buf.subarray(colon + 1 + len + 1);
        if (rest.length < bodyLen) return;
        const req: ScgiRequest = { method: env.REQUEST_METHOD ?? 'GET', uri: env.REQUEST_URI ?? '/', body: rest.subarray(0, bodyLen).toString('utf8') };
        this.requests.push(req);
        const a = this.answer(req, this.requests.length);
        const head = { 'Content-Type': 'text/plain', ...a.headers };
        const lines = ['Status: 200 OK', ...Object.entries(head).map(([k, v]) => `${k}: ${v}`)];
        sock.end(`${lines.join('\r\n')}\r\n\r\n${req.method === 'HEAD' ? '' : a.body}`);
        sock.removeAllListeners('data');
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
  }

  count(prefix = '/'): number {
    return this.requests.filter((r) => r.uri.startsWith(prefix)).length;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}

/** Runs `fn` with an SCGI origin on 127.0.0.1:`port`, stopping it afterwards. */
export async function withScgi<T>(port: number, answer: ConstructorParameters<typeof ScgiOrigin>[0], fn: (o: ScgiOrigin) => Promise<T>): Promise<T> {
  const o = new ScgiOrigin(answer);
  await o.start(port);
  try {
    return await fn(o);
  } finally {
    await o.stop();
  }
}
