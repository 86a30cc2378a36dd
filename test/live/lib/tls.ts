// HTTPS requests for live scenarios about $scheme (the fixture's TLS listen ports come from t.port()).
import * as https from 'node:https';
import type { Reply, RequestOptions } from './client';

/** An HTTPS request to 127.0.0.1:`port` (self-signed certificates accepted), on a fresh connection. */
export function tlsRequest(port: number, path: string, o: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const host = o.host ?? 'localhost';
    const req = https.request(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', agent: false, servername: host, rejectUnauthorized: false, headers: { Host: host, ...o.headers }, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no TLS answer from 127.0.0.1:${port}`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
