// The live harness's runnable copy of a fixture: every server on 127.0.0.1 only (a server without listen gets
// a port too, never *:80), origin addresses on the scripted backend, a fixture's own second tier kept, private
// paths; and the access-log instrumentation added only when the server starts, after cachelint has read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NginxSite } from '../../live/lib/nginx';
import { VarnishSite } from '../../live/lib/varnish';

const NGINX_FIXTURE = `http {
    proxy_cache_path /var/cache/nginx/a keys_zone=a:10m;
    access_log /var/log/nginx/access.log combined;
    upstream app { server 10.0.0.5:8081; keepalive 4; }
    server {
        listen 443 ssl default_server;
        location / { proxy_pass http://app; proxy_cache a; }
    }
    server {
        server_name edge.test;
        location / { proxy_pass http://127.0.0.1:443; }
    }
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass https://origin.example.com/base; }
    }
}
`;

test('an nginx fixture listens on 127.0.0.1 only and reaches the scripted backend', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localize-'));
  const main = path.join(dir, 'report.conf');
  fs.writeFileSync(main, NGINX_FIXTURE);
  const site = new NginxSite(dir, main, 40001);
  await site.localize();
  const t = fs.readFileSync(main, 'utf8');
  const listens = [...t.matchAll(/listen\s+([^;]+);/g)].map((m) => m[1]);
  assert.equal(listens.length, 3, t);
  for (const l of listens) assert.match(l, /^127\.0\.0\.1:\d+( |$)/, l);
  assert.match(listens[0], / ssl default_server$/, 'listen flags are kept');
  assert.equal(site.ports.size, 3);
  assert.match(t, /upstream app \{ server 127\.0\.0\.1:40001; keepalive 4; \}/);
  // proxy_pass to the fixture's own :443 server keeps pointing at it (its new port); other hosts go to the backend.
  assert.ok(t.includes(`proxy_pass http://127.0.0.1:${site.port('443')};`), t);
  assert.ok(t.includes('proxy_pass http://127.0.0.1:40001/base;'), t);
  assert.ok(!t.includes('/var/cache'), 'the cache lives in the private prefix');
  // cachelint reads this copy: the fixture's access_log is still there, no instrumentation yet.
  assert.ok(!t.includes('cachelint_live'));
  assert.match(t, /access_log \/var\/log|access_log [^;]*combined/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a VCL fixture sends every backend to the scripted backend', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localize-'));
  const main = path.join(dir, 'report.vcl');
  fs.writeFileSync(main, 'vcl 4.1;\nbackend a {\n    .host = "app.internal";\n    .port = "8080";\n}\nbackend b { .host = "10.1.1.1"; }\n');
  const site = new VarnishSite(dir, main, 40002);
  await site.localize();
  const t = fs.readFileSync(main, 'utf8');
  assert.equal([...t.matchAll(/\.host = "127\.0\.0\.1"; \.port = "40002";/g)].length, 2, t);
  assert.ok(!/8080|app\.internal|10\.1\.1\.1/.test(t), t);
  assert.ok(site.port > 0);
  fs.rmSync(dir, { recursive: true, force: true });
});
