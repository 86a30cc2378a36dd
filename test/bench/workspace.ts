// A generated workspace of hundreds of nginx/VCL files with includes, and the language server indexing it:
// time to index, files indexed, files with published findings, open-file requests during indexing, RSS.
//
//   node --import tsx test/bench/workspace.ts [FILES]   (default 500; dist/server.js from `node esbuild.js --production`)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { DocumentSymbol, Hover, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver';
import { memoryOf } from './lsp';
import { median } from './stats';
import { rng } from '../prng';
import { withTimeout as bounded } from '../lsp/harness';

export interface GenerateOptions {
  /** About how many files to write (at least 40). */
  files: number;
  /** Same seed, same workspace. */
  seed?: number;
}

/** What was generated, for checks: every path is absolute. */
export interface GeneratedWorkspace {
  files: string[];
  /** nginx and VCL main configs. */
  roots: string[];
  /** Site files whose main config is not in an ancestor directory (`platform/env-N/main/nginx.conf` includes `../vhosts/*.conf`). */
  detachedSites: string[];
  /** Files no main config includes (analysed alone). */
  orphans: string[];
  /** Misconfigurations written on purpose: the file and the rule that reports it. */
  planted: Array<{ path: string; rule: string }>;
}

/**
 * Writes a realistic workspace of about `opts.files` config files under `dir` (emptied first):
 * nginx environments `env-N/nginx/` (nginx.conf with `conf.d/*.conf` and `sites-enabled/*`, local
 * snippets), environments whose main config is beside its sites rather than above them
 * (`platform/env-N/main/nginx.conf` → `../vhosts/*.conf`), `shared/snippets/` included from every
 * environment, unreferenced `legacy/sites-available/` files, and Varnish services
 * `varnish/NAME/default.vcl` including their parts. About one site in eight carries a cache
 * misconfiguration (volatile or per-client key, tiny TTL, unknown zone), and so do a few VCL parts.
 * Deterministic for a seed. Also writes the returned manifest to `dir/.manifest.json`.
 */
export function generateWorkspace(dir: string, opts: GenerateOptions): GeneratedWorkspace {
  const total = Math.max(40, Math.floor(opts.files));
  const rand = rng(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const root = path.resolve(dir);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const out: GeneratedWorkspace = { files: [], roots: [], detachedSites: [], orphans: [], planted: [] };
  const write = (rel: string, text: string): string => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    out.files.push(p);
    return p;
  };

  // Shared snippets, included from many sites of every environment.
  write('shared/snippets/security-headers.conf', 'add_header X-Content-Type-Options nosniff always;\nadd_header X-Frame-Options SAMEORIGIN always;\nadd_header Referrer-Policy strict-origin-when-cross-origin always;\n');
  write('shared/snippets/proxy-headers.conf', 'proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header X-Forwarded-Proto $scheme;\nproxy_http_version 1.1;\nproxy_set_header Connection "";\n');
  write('shared/snippets/static-assets.conf', 'expires 7d;\nadd_header Cache-Control "public, max-age=604800, immutable";\naccess_log off;\n');
  write('shared/snippets/cache-status.conf', 'add_header X-Cache-Status $upstream_cache_status always;\n');

  // Varnish services: 6 files each.
  const vclServices = Math.max(1, Math.round((total * 0.06) / 6));
  for (let v = 0; v < vclServices; v++) {
    const name = `svc-${v}`;
    const backends = `backend default {\n    .host = "127.0.0.1";\n    .port = "${8100 + v}";\n    .first_byte_timeout = 30s;\n}\n`;
    const hashClientIp = v % 3 === 1;
    const ttlZero = v % 3 === 2;
    const recv = [
      'sub vcl_recv {',
      '    if (req.method == "PURGE") {',
      '        if (!client.ip ~ purgers) {',
      '            return (synth(405, "Not allowed"));',
      '        }',
      '        return (purge);',
      '    }',
      '    if (req.url ~ "^/(admin|login|cart)") {',
      '        return (pass);',
      '    }',
      '    set req.http.Cookie = regsuball(req.http.Cookie, "(^|;\\s*)(_ga|_gid|_fbp)=[^;]*", "");',
      '    if (req.http.Cookie ~ "^\\s*$") {',
      '        unset req.http.Cookie;',
      '    }',
      '}',
      '',
    ].join('\n');
    const hash = ['sub vcl_hash {', '    hash_data(req.url);', hashClientIp ? '    hash_data(client.ip);' : '    hash_data(req.http.host);', '    return (lookup);', '}', ''].join('\n');
    const response = ttlZero
      ? ['sub vcl_backend_response {', '    if (bereq.url ~ "^/api/live") {', '        set beresp.ttl = 0s;', '        return (deliver);', '    }', '    set beresp.grace = 1h;', '}', ''].join('\n')
      : ['sub vcl_backend_response {', '    if (beresp.status >= 500) {', '        set beresp.ttl = 5s;', '    }', '    set beresp.grace = 1h;', '}', ''].join('\n');
    const deliver = ['sub vcl_deliver {', '    if (obj.hits > 0) {', '        set resp.http.X-Cache = "HIT";', '    } else {', '        set resp.http.X-Cache = "MISS";', '    }', '}', ''].join('\n');
    const main = [
      'vcl 4.1;',
      '',
      'import std;',
      '',
      'acl purgers {',
      '    "127.0.0.1";',
      '}',
      '',
      'include "backends.vcl";',
      'include "recv.vcl";',
      'include "hash.vcl";',
      'include "backend_response.vcl";',
      'include "deliver.vcl";',
      '',
    ].join('\n');
    out.roots.push(write(`varnish/${name}/default.vcl`, main));
    write(`varnish/${name}/backends.vcl`, backends);
    write(`varnish/${name}/recv.vcl`, recv);
    const hashPath = write(`varnish/${name}/hash.vcl`, hash);
    const respPath = write(`varnish/${name}/backend_response.vcl`, response);
    write(`varnish/${name}/deliver.vcl`, deliver);
    if (hashClientIp) out.planted.push({ path: hashPath, rule: 'vcl/hash-high-cardinality' });
    if (ttlZero) out.planted.push({ path: respPath, rule: 'vcl/ttl-zero-early-return' });
  }

  // Legacy site files nothing includes.
  const orphanCount = Math.max(2, Math.round(total * 0.04));
  for (let i = 0; i < orphanCount; i++) {
    const volatile = i % 4 === 0;
    const p = write(
      `legacy/sites-available/old-${String(i).padStart(3, '0')}.conf`,
      [
        'server {',
        '    listen 80;',
        `    server_name old-${i}.example.com;`,
        '    location / {',
        `        proxy_pass http://127.0.0.1:${9000 + i};`,
        volatile ? '        proxy_cache_key $scheme$host$request_uri$request_id;' : '        proxy_cache_key $scheme$host$request_uri;',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    out.orphans.push(p);
    if (volatile) out.planted.push({ path: p, rule: 'nginx/cache-key-volatile-variable' });
  }

  // nginx environments share what is left: 8 fixed files each plus sites.
  const left = total - out.files.length;
  const envs = Math.max(2, Math.round(left / 60));
  const perEnv = Math.floor(left / envs);
  for (let k = 0; k < envs; k++) {
    const detached = k % 3 === 2;
    // Where the main config is, where its sites are, and how includes name snippets (relative to the main config's directory).
    const base = detached ? `platform/env-${k}` : `env-${k}/nginx`;
    const mainDir = detached ? `${base}/main` : base;
    const sitesDir = detached ? `${base}/vhosts` : `${base}/sites-enabled`;
    const snippets = detached ? '../snippets' : 'snippets';
    const shared = detached ? '../../../shared/snippets' : '../../shared/snippets';
    const confD = detached ? '../conf.d' : 'conf.d';
    const upstreams = 3 + (k % 3);
    const shortInactive = k % 4 === 1;
    const zones = Array.from({ length: upstreams }, (_, i) => `env${k}_z${i}`);

    const mainPath = write(
      `${mainDir}/nginx.conf`,
      [
        'user www-data;',
        'worker_processes auto;',
        'pid /run/nginx.pid;',
        '',
        'events {',
        '    worker_connections 4096;',
        '}',
        '',
        'http {',
        '    sendfile on;',
        '    tcp_nopush on;',
        '    keepalive_timeout 65;',
        '    server_tokens off;',
        '',
        `    include ${confD}/*.conf;`,
        `    include ${detached ? '../vhosts/*.conf' : 'sites-enabled/*'};`,
        '}',
        '',
      ].join('\n'),
    );
    out.roots.push(mainPath);
    write(`${base}/conf.d/upstreams.conf`, zones.map((_, i) => `upstream env${k}_app${i} {\n    server 127.0.0.1:${8000 + k * 10 + i};\n    keepalive 32;\n}\n`).join('\n'));
    const zonesPath = write(
      `${base}/conf.d/cache-zones.conf`,
      zones
        .map((z, i) => `proxy_cache_path /var/cache/nginx/env${k}/${i} levels=1:2 keys_zone=${z}:64m max_size=4g inactive=${shortInactive && i === 0 ? '30s' : '2h'} use_temp_path=off;\n`)
        .join(''),
    );
    if (shortInactive) out.planted.push({ path: zonesPath, rule: 'nginx/inactive-shorter-than-ttl' });
    write(`${base}/conf.d/maps.conf`, `map $http_cookie $env${k}_skip_cache {\n    default 0;\n    ~*session 1;\n    ~*logged_in 1;\n}\n`);
    write(`${base}/conf.d/logging.conf`, `log_format env${k}_cache '$remote_addr [$time_local] "$request" $status $upstream_cache_status $request_time';\naccess_log /var/log/nginx/env${k}.access.log env${k}_cache;\n`);
    write(`${base}/snippets/proxy-cache.conf`, 'proxy_ignore_headers Cache-Control Expires;\nproxy_cache_lock on;\nproxy_cache_lock_timeout 5s;\nproxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;\nproxy_cache_background_update on;\nproxy_cache_revalidate on;\n');
    write(`${base}/snippets/ssl.conf`, 'ssl_protocols TLSv1.2 TLSv1.3;\nssl_session_cache shared:SSL:10m;\nssl_session_timeout 1h;\n');
    write(`${base}/snippets/gzip.conf`, 'gzip on;\ngzip_types text/css application/javascript application/json image/svg+xml;\ngzip_min_length 1024;\n');

    const sites = Math.max(1, perEnv - 8 + (k === envs - 1 ? left - perEnv * envs : 0));
    for (let j = 0; j < sites; j++) {
      const flaw = rand() < 0.125 ? pick(['volatile', 'per-client', 'tiny-ttl', 'no-zone'] as const) : undefined;
      const host = `s${j}.env${k}.example.com`;
      const lines = ['server {', '    listen 80;', `    server_name ${host};`, `    include ${shared}/security-headers.conf;`, `    include ${snippets}/gzip.conf;`, ''];
      const locations = 2 + Math.floor(rand() * 3);
      for (let l = 0; l < locations; l++) {
        const u = (j + l) % upstreams;
        const first = l === 0;
        lines.push(
          `    location /${first ? 'api' : `p${l}`}/ {`,
          `        proxy_pass http://env${k}_app${u};`,
          `        include ${shared}/proxy-headers.conf;`,
          `        proxy_cache ${first && flaw === 'no-zone' ? `env${k}_missing` : zones[u]};`,
          `        proxy_cache_key ${first && flaw === 'volatile' ? '$scheme$host$request_uri$request_id' : first && flaw === 'per-client' ? '$scheme$host$request_uri$remote_addr' : '$scheme$host$uri$is_args$arg_page'};`,
          `        proxy_cache_valid 200 301 ${first && flaw === 'tiny-ttl' ? '1s' : '10m'};`,
          '        proxy_cache_valid 404 1m;',
          `        proxy_cache_bypass $env${k}_skip_cache;`,
          `        proxy_no_cache $env${k}_skip_cache;`,
          `        include ${snippets}/proxy-cache.conf;`,
          `        include ${shared}/cache-status.conf;`,
          '    }',
        );
      }
      lines.push('    location /static/ {', `        root /srv/env${k}/s${j};`, `        include ${shared}/static-assets.conf;`, '    }', '}', '');
      const name = detached ? `site-${String(j).padStart(3, '0')}.conf` : `site-${String(j).padStart(3, '0')}`;
      const p = write(`${sitesDir}/${name}`, lines.join('\n'));
      if (detached) out.detachedSites.push(p);
      const rule = { volatile: 'nginx/cache-key-volatile-variable', 'per-client': 'nginx/cache-key-per-client-variable', 'tiny-ttl': 'nginx/cache-valid-zero-or-tiny', 'no-zone': 'nginx/zone-undefined' } as const;
      if (flaw) out.planted.push({ path: p, rule: rule[flaw] });
    }
  }
  // The manifest, hidden from the index (dot files are skipped), read back by benchWorkspace.
  fs.writeFileSync(path.join(root, '.manifest.json'), JSON.stringify(out, null, 1));
  return out;
}

export interface WorkspaceBenchResult {
  /** Files in the workspace. */
  files: number;
  /** The index's own count (its last progress message, "N/M files"). */
  indexedFiles: number;
  /** `initialized` → progress `end` (ms). */
  indexMs: number;
  progressReports: number;
  /** Files with non-empty diagnostics published at the end (the open one included). */
  filesWithDiagnostics: number;
  /** Planted misconfigurations whose rule was published for their file. */
  plantedFound: number;
  planted: number;
  /** Hovers on the open file sent while the index was running (one after another). */
  hover: { runs: number[]; median: number; max: number; answeredBeforeEnd: number };
  /** documentSymbol on the open file while indexing. */
  documentSymbol: { ms: number; answeredBeforeEnd: boolean };
  /** VmHWM / VmRSS of the server at the end (bytes). */
  peakRss: number;
  rss: number;
}

const WAIT_MS = 120_000;
const HOVERS = 7;

const withTimeout = <T>(p: Promise<T>, what: string, ms = WAIT_MS): Promise<T> => bounded(p, what, ms);

/**
 * Starts the language server (`serverPath`, e.g. dist/server.js) over stdio with `dir` as the
 * workspace folder and a client declaring `window.workDoneProgress`, opens one file whose main
 * config is not above it, and measures the indexing run. The workspace should come from
 * `generateWorkspace` (its manifest is read from `dir/.manifest.json` when present).
 */
export async function benchWorkspace(serverPath: string, dir: string): Promise<WorkspaceBenchResult> {
  const manifestPath = path.join(dir, '.manifest.json');
  const manifest: GeneratedWorkspace | undefined = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : undefined;
  const files = manifest?.files ?? listFiles(dir);
  const openPath = manifest?.detachedSites[0] ?? files.find((f) => /sites-enabled|vhosts/.test(f)) ?? files[0];
  const openUri = pathToFileURL(openPath).href;
  const openText = fs.readFileSync(openPath, 'utf8');

  const proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const conn: MessageConnection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const published = new Map<string, PublishDiagnosticsParams>();
  let lastMessage = '';
  let reports = 0;
  let ended = false;
  let t0 = 0;
  let endAt = 0;
  let firstReport: () => void = () => undefined;
  const firstReported = new Promise<void>((resolve) => (firstReport = resolve));
  let end: () => void = () => undefined;
  const endReached = new Promise<void>((resolve) => (end = resolve));
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.set(p.uri, p);
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.onNotification('window/showMessage', () => undefined);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onUnhandledProgress((p: { token: unknown; value: { kind: string; message?: string } }) => {
    if (p.value.kind === 'report') {
      reports++;
      if (p.value.message) lastMessage = p.value.message;
      if (/^\d+\/\d+ files$/.test(p.value.message ?? '')) firstReport();
    } else if (p.value.kind === 'end') {
      ended = true;
      endAt = performance.now();
      firstReport();
      end();
    }
  });
  conn.listen();

  try {
    const wsUri = pathToFileURL(dir).href;
    await withTimeout(
      conn.sendRequest<InitializeResult>('initialize', {
        processId: process.pid,
        clientInfo: { name: 'cachelint-bench' },
        rootUri: wsUri,
        workspaceFolders: [{ uri: wsUri, name: 'workspace' }],
        capabilities: {
          window: { workDoneProgress: true },
          workspace: { configuration: false, workspaceFolders: true },
          textDocument: {
            synchronization: { dynamicRegistration: false },
            publishDiagnostics: { relatedInformation: true, versionSupport: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          },
        },
      }),
      'initialize',
    );
    t0 = performance.now();
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: openUri, languageId: 'nginx', version: 1, text: openText } });

    // Requests on the open file once the index is analysing (its first "N/M files" report).
    await withTimeout(firstReported, 'the first progress report');
    const lines = openText.split('\n');
    const line = Math.max(0, lines.findIndex((l) => /^\s*proxy_cache\s/.test(l)));
    const position = { line, character: (lines[line] ?? '').search(/\S/) + 3 };
    const hoverRuns: number[] = [];
    let beforeEnd = 0;
    for (let i = 0; i < HOVERS; i++) {
      const t = performance.now();
      await withTimeout(conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: openUri }, position }), 'hover');
      hoverRuns.push(performance.now() - t);
      if (!ended) beforeEnd++;
    }
    const t = performance.now();
    await withTimeout(conn.sendRequest<DocumentSymbol[] | null>('textDocument/documentSymbol', { textDocument: { uri: openUri } }), 'documentSymbol');
    const symbolMs = performance.now() - t;
    const symbolBeforeEnd = !ended;

    await withTimeout(endReached, 'the end of indexing');
    const indexMs = endAt - t0;
    // Everything published before the end has arrived with it (one ordered stream); one round trip more lets the open file's own publish arrive too.
    await withTimeout(conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: openUri } }), 'a last round trip');
    const mem = memoryOf(proc.pid!);
    const withDiagnostics = [...published.values()].filter((p) => p.diagnostics.length > 0);
    const byPath = new Map(withDiagnostics.map((p) => [p.uri, p]));
    const plantedFound = (manifest?.planted ?? []).filter((x) => byPath.get(pathToFileURL(x.path).href)?.diagnostics.some((d) => d.code === x.rule)).length;
    await withTimeout(conn.sendRequest('shutdown'), 'shutdown', 10_000);
    await conn.sendNotification('exit');
    return {
      files: files.length,
      indexedFiles: Number(/^(\d+)\/\d+ files$/.exec(lastMessage)?.[1] ?? NaN),
      indexMs,
      progressReports: reports,
      filesWithDiagnostics: withDiagnostics.length,
      plantedFound,
      planted: manifest?.planted.length ?? 0,
      hover: { runs: hoverRuns, median: median(hoverRuns), max: Math.max(...hoverRuns), answeredBeforeEnd: beforeEnd },
      documentSymbol: { ms: symbolMs, answeredBeforeEnd: symbolBeforeEnd },
      peakRss: mem.hwm,
      rss: mem.rss,
    };
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}${stderr ? `; server stderr: ${stderr.slice(-500)}` : ''}`);
  } finally {
    conn.dispose();
    setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
        try {
          process.kill(proc.pid);
        } catch {
          // already gone
        }
      }
    }, 2000).unref();
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile() && !e.name.startsWith('.')) out.push(p);
  }
  return out.sort();
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 500);
  const root = path.resolve(__dirname, '..', '..');
  const server = path.join(root, 'dist', 'server.js');
  if (!fs.existsSync(server)) throw new Error(`${server} is missing: run \`node esbuild.js --production\` first`);
  const dir = path.join(__dirname, '.cache', `workspace-${count}`);
  const ws = generateWorkspace(dir, { files: count, seed: 1 });
  process.stderr.write(`workspace: ${ws.files.length} files (${ws.roots.length} main configs, ${ws.orphans.length} not included, ${ws.planted.length} planted problems) in ${dir}\n`);
  const r = await benchWorkspace(server, dir);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const rows: Array<[string, string]> = [
    ['files in the workspace', String(r.files)],
    ['files indexed', String(r.indexedFiles)],
    ['initialized → progress end', ms(r.indexMs)],
    ['progress reports', String(r.progressReports)],
    ['files with diagnostics published', String(r.filesWithDiagnostics)],
    ['planted problems published', `${r.plantedFound}/${r.planted}`],
    ['hover on the open file while indexing: median', ms(r.hover.median)],
    ['hover while indexing: max', ms(r.hover.max)],
    ['hovers answered before the progress end', `${r.hover.answeredBeforeEnd}/${r.hover.runs.length}`],
    ['documentSymbol while indexing', `${ms(r.documentSymbol.ms)}${r.documentSymbol.answeredBeforeEnd ? ' (before the end)' : ' (after the end)'}`],
    ['server peak RSS (VmHWM)', mb(r.peakRss)],
    ['server RSS at the end', mb(r.rss)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
