// One HTTP request to a server under test (a fresh connection each time, so nothing is reused between clients).
import * as http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Connect from this address (Linux routes all of 127.0.0.0/8 to lo: 127.0.0.2 is a client outside an ACL of 127.0.0.1). */
  localAddress?: string;
}

export function request(port: number, path: string, o: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', agent: false, localAddress: o.localAddress, headers: { Host: o.host ?? 'localhost', ...o.headers }, timeout: 15000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from 127.0.0.1:${port}${path} within 15 s`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
