// The scripted origin a live scenario puts behind nginx or Varnish: routes by path prefix answer with the
// status, headers and body the scenario needs, and every request is recorded (method, path, headers), so a
// scenario can count backend fetches. Listens on 127.0.0.1 only, on a port the OS picks.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  /** The status; a function can change it per request (an outage in the middle of a run). */
  status?: number | ((req: http.IncomingMessage, n: number) => number);
  /** Response headers; a function gets the request (and the route's request count) to vary them. */
  headers?: Record<string, string | string[]> | ((req: http.IncomingMessage, n: number) => Record<string, string | string[]>);
  /** The body; a function may echo the request (e.g. the Host or Cookie the origin saw). */
  body?: string | ((req: http.IncomingMessage, n: number) => string);
  /** Delay before answering, in ms (e.g. a slow origin for stampede scenarios). */
  delayMs?: number;
}

export interface BackendRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export class Backend {
  readonly requests: BackendRequest[] = [];
  private server?: http.Server;
  port = 0;

  /** Routes by longest matching path prefix; unmatched paths answer 200 with `Cache-Control: max-age=60`. */
  constructor(private readonly routes: Record<string, Route> = {}) {}

  async start(): Promise<number> {
    const counts = new Map<string, number>();
    this.server = http.createServer((req, res) => {
      this.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
      const key = Object.keys(this.routes)
        .filter((p) => (req.url ?? '/').startsWith(p))
        .sort((a, b) => b.length - a.length)[0];
      const route: Route = key !== undefined ? this.routes[key] : { headers: { 'Cache-Control': 'max-age=60' } };
      const n = (counts.get(key ?? '') ?? 0) + 1;
      counts.set(key ?? '', n);
      const answer = () => {
        const headers = typeof route.headers === 'function' ? route.headers(req, n) : route.headers ?? {};
        const body = typeof route.body === 'function' ? route.body(req, n) : route.body ?? `origin response ${n} for ${req.url}\n`;
        const status = typeof route.status === 'function' ? route.status(req, n) : route.status ?? 200;
        res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), ...headers });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      req.resume();
      req.on('end', () => (route.delayMs ? setTimeout(answer, route.delayMs) : answer()));
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Backend requests whose path starts with `prefix`. */
  count(prefix = '/'): number {
    return this.requests.filter((r) => r.url.startsWith(prefix)).length;
  }

  reset(): void {
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}
