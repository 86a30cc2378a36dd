// The workspaces the editor tests open: copies of the incident example (one per test that edits
// files), a VCL file and a generated 35,000-line config.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const INCIDENT = path.join(ROOT, 'examples', 'incident');

/** Folders of the extension-host workspace that hold a copy of examples/incident. */
export const INCIDENT_COPIES = ['incident', 'included', 'fix-each', 'fix-all', 'disable', 'settings'] as const;

/** Lines of the generated large config, and the text of its one location with a zero TTL. */
export const BIG_LINES = 35_000;
export const BIG_MARKER = 'proxy_cache_valid 200 0;';

export const VCL = `vcl 4.1;

backend app {
    .host = "127.0.0.1";
    .port = "8081";
}

sub strip_cookies {
    unset req.http.Cookie;
}

sub vcl_recv {
    if (req.url ~ "^/admin") {
        return (pass);
    }
    if (req.url ~ "^/static/") {
        call strip_cookies;
    }
}

sub vcl_backend_response {
    set beresp.ttl = 10m;
}
`;

/** A VCL with a missing `;` before `}`: varnishd refuses it. */
export const VCL_BROKEN = `vcl 4.1;

backend app {
    .host = "127.0.0.1";
}

sub vcl_recv {
    set req.http.X-Test = "1"
}
`;

/**
 * An nginx.conf of exactly `lines` lines: one zone, many servers with cached locations, and a single
 * location near the end whose `proxy_cache_valid 200 0;` must be reported.
 */
export function bigConfig(lines = BIG_LINES): string {
  const head = [
    'events {',
    '    worker_connections 1024;',
    '}',
    'http {',
    '    proxy_cache_path /var/cache/nginx/big levels=1:2 keys_zone=big:100m inactive=1h;',
  ];
  const server = (i: number): string[] => [
    '    server {',
    `        listen ${10000 + (i % 50000)};`,
    `        server_name site${i}.example.com;`,
    '        location / {',
    '            proxy_pass http://127.0.0.1:8081;',
    '            proxy_cache big;',
    '            proxy_cache_valid 200 301 10m;',
    '        }',
    '    }',
  ];
  const last = [
    '    server {',
    '        listen 9999;',
    '        server_name last.example.com;',
    '        location / {',
    '            proxy_pass http://127.0.0.1:8081;',
    '            proxy_cache big;',
    `            ${BIG_MARKER}`,
    '        }',
    '    }',
  ];
  const out = [...head];
  for (let i = 0; out.length + server(i).length + last.length + 1 <= lines; i++) out.push(...server(i));
  out.push(...last);
  while (out.length < lines - 1) out.push('    # padding');
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Writes the extension-host workspace into `ws` (which must exist). */
export function writeExthostWorkspace(ws: string): void {
  for (const name of INCIDENT_COPIES) fs.cpSync(INCIDENT, path.join(ws, name), { recursive: true });
  fs.mkdirSync(path.join(ws, 'vcl'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'vcl', 'default.vcl'), VCL);
  fs.writeFileSync(path.join(ws, 'vcl', 'broken.vcl'), VCL_BROKEN);
  fs.mkdirSync(path.join(ws, 'big'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'big', 'nginx.conf'), bigConfig());
}

/** Editor settings that keep a test run quiet and deterministic. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'files.autoSave': 'off',
  'git.enabled': false,
  'editor.hover.delay': 100,
};
