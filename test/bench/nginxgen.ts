// A deterministic generator of a large nginx cache configuration for the benchmark, with the mix of
// ../shared/bench/synthetic-cache.conf (proxy_cache_path zones, virtual hosts, cached locations with key,
// valid, use_stale, lock, bypass, no_cache, add_header, proxy_set_header and proxy_pass) plus what real
// configurations also have: maps deciding when to skip the cache, an upstream per few servers, FastCGI
// cached locations, static locations with expires, `if` blocks, health checks. `nginx -t` (1.22) accepts
// the output with a private prefix (`nginx -t -p PREFIX/ -c FILE`): every path is relative to it.
//
//   node --import tsx test/bench/nginxgen.ts [LINES] > big.conf     (default 35000 lines)

import { rng } from '../prng';
import { fitLines } from './fitLines';

const PROXY_ZONES = 10;
const FASTCGI_ZONES = 2;
/** Servers per upstream. */
const SERVERS_PER_UPSTREAM = 8;
/** Servers per skip-cache map. */
const SERVERS_PER_MAP = 25;
/** Distinct listen ports (the servers share them by name). */
const PORTS = 64;

const KEYS = [
  '$scheme$request_method$host$request_uri',
  '$scheme$request_method$host$request_uri',
  '$scheme$request_method$host$request_uri',
  '$scheme$request_method$host$uri$is_args$args',
  '$scheme$request_method$host$request_uri$http_accept_encoding',
];
const TTLS = ['1m', '5m', '10m', '10m', '30m', '1h', '6h'];
const NOT_FOUND_TTLS = ['10s', '30s', '1m', '1m', '5m'];
const USE_STALE = [
  'error timeout updating http_500 http_502',
  'error timeout updating http_500 http_502 http_503 http_504',
  'error timeout updating',
  'updating',
];
/** fastcgi_cache_use_stale knows http_500 and http_503, not http_502 or http_504. */
const FASTCGI_USE_STALE = ['error timeout updating http_500 http_503', 'error timeout updating', 'updating'];
const SECTIONS = ['api', 'catalog', 'search', 'content', 'news', 'media', 'feeds', 'docs', 'shop', 'blog'];
const STATIC_EXT = ['css|js', 'png|jpe?g|gif|webp|avif', 'svg|ico', 'woff2?|ttf|otf', 'mp4|webm'];
const STATIC_EXPIRES = ['1h', '1d', '7d', '30d', 'max'];

export interface NginxGenOptions {
  /** Target line count; the output has exactly this many lines (padded with comment lines). */
  lines?: number;
  seed?: number;
}

/** Generates the configuration; `lines` (default 35,000) is matched exactly (at least the preamble). */
export function generateNginx(opts: NginxGenOptions = {}): string {
  const target = opts.lines ?? 35_000;
  const seed = opts.seed ?? 20240611;
  return fitLines(target, (servers) => build(servers, seed), (i) => (i === 0 ? '# Reserved virtual hosts (generated): one line per free slot.' : `# reserved slot ${i}: no server configured`));
}

function build(servers: number, seed: number): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  const upstreams = Math.ceil(servers / SERVERS_PER_UPSTREAM);
  const maps = Math.max(2, Math.ceil(servers / SERVERS_PER_MAP));

  line(`# Generated benchmark nginx configuration: ${servers} virtual hosts caching through ${PROXY_ZONES} proxy zones.`);
  line('pid logs/nginx.pid;');
  line('error_log /dev/null;');
  line('events { worker_connections 1024; }');
  line('http {');
  line('  access_log off;');
  line('  client_body_temp_path temp_client_body; proxy_temp_path temp_proxy; fastcgi_temp_path temp_fastcgi; uwsgi_temp_path temp_uwsgi; scgi_temp_path temp_scgi;');
  line('  server_names_hash_bucket_size 128;');
  line();
  for (let z = 0; z < PROXY_ZONES; z++) {
    line(`  proxy_cache_path cache_zone${z} levels=1:2 keys_zone=zone${z}:${z % 3 === 0 ? 20 : 10}m max_size=${1 + (z % 4)}g inactive=${z % 2 ? '60m' : '1d'} use_temp_path=off;`);
  }
  for (let z = 0; z < FASTCGI_ZONES; z++) {
    line(`  fastcgi_cache_path cache_fcgi${z} levels=1:2 keys_zone=fcgi${z}:10m max_size=2g inactive=60m use_temp_path=off;`);
  }
  line();
  for (let m = 0; m < maps; m++) {
    line(`  map $http_cookie $skip_cache_${m} {`);
    line('    default 0;');
    line(`    "~*session_${m}=" 1;`);
    line('    "~*logged_in" 1;');
    if (m % 2 === 0) line('    "~*cart_items=[1-9]" 1;');
    line('  }');
  }
  line('  map $request_method $purge_method {');
  line('    default 0;');
  line('    PURGE 1;');
  line('  }');
  line();
  for (let u = 0; u < upstreams; u++) {
    line(`  upstream app_${u} {`);
    line(`    server 127.0.${(u >> 8) & 255}.${1 + (u & 127)}:${8000 + (u % 100)} max_fails=3 fail_timeout=10s;`);
    line(`    server 127.0.${(u >> 8) & 255}.${129 + (u & 127)}:${8000 + (u % 100)} max_fails=3 fail_timeout=10s;`);
    if (u % 3 === 0) line(`    server 127.1.${(u >> 8) & 255}.${1 + (u & 127)}:${8000 + (u % 100)} backup;`);
    line(`    keepalive ${16 << (u % 3)};`);
    line('  }');
  }

  // One stream for the servers only: the preamble above depends on the server count, the servers do not.
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  let location = 0;
  for (let s = 0; s < servers; s++) {
    const upstream = `app_${Math.floor(s / SERVERS_PER_UPSTREAM)}`;
    const map = `$skip_cache_${s % maps}`;
    line();
    line('  server {');
    line(`    listen 127.0.0.1:${18100 + (s % PORTS)};`);
    line(`    server_name s${s}.example.com www.s${s}.example.com;`);
    if (s % 5 === 0) {
      line('    if ($purge_method) {');
      line('      return 405;');
      line('    }');
    }
    const cached = 7 + Math.floor(r() * 4);
    for (let c = 0; c < cached; c++, location++) {
      const zone = `zone${location % PROXY_ZONES}`;
      const section = SECTIONS[c % SECTIONS.length];
      line(c === 0 ? '    location / {' : `    location /${section}/v${location}/ {`);
      line(`      proxy_cache ${zone};`);
      line(`      proxy_cache_key ${pick(KEYS)};`);
      line(`      proxy_cache_valid 200 302 ${pick(TTLS)};`);
      line(`      proxy_cache_valid 404 ${pick(NOT_FOUND_TTLS)};`);
      line(`      proxy_cache_use_stale ${pick(USE_STALE)};`);
      if (r() < 0.3) line('      proxy_cache_background_update on;');
      line('      proxy_cache_lock on;');
      if (r() < 0.2) line(`      proxy_cache_lock_timeout ${pick(['5s', '10s', '30s'])};`);
      const skip = r();
      if (skip < 0.1) {
        line('      set $skip_cache 0;');
        line('      if ($request_uri ~* "/(preview|draft)/") {');
        line('        set $skip_cache 1;');
        line('      }');
        line('      proxy_cache_bypass $skip_cache $http_pragma;');
        line('      proxy_no_cache $skip_cache;');
      } else if (skip < 0.4) {
        line(`      proxy_cache_bypass ${map} $arg_nocache;`);
        line(`      proxy_no_cache ${map} $arg_nocache;`);
      } else {
        line('      proxy_cache_bypass $http_pragma;');
        line('      proxy_no_cache $cookie_session;');
      }
      line(`      add_header X-Cache-Status $upstream_cache_status${r() < 0.5 ? ' always' : ''};`);
      line('      proxy_set_header Host $host;');
      line('      proxy_set_header X-Real-IP $remote_addr;');
      if (r() < 0.5) {
        line('      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
        line('      proxy_set_header X-Forwarded-Proto $scheme;');
      }
      if (r() < 0.25) line('      proxy_http_version 1.1;');
      line(`      proxy_pass http://${upstream};`);
      line('    }');
    }
    if (r() < 0.8) {
      line('    location /static/ {');
      line(`      root /srv/www/s${s};`);
      line(`      expires ${pick(STATIC_EXPIRES)};`);
      line('      add_header Cache-Control "public";');
      line('      access_log off;');
      line('    }');
    }
    if (r() < 0.4) {
      line(`    location ~* \\.(${pick(STATIC_EXT)})$ {`);
      line(`      root /srv/www/s${s}/assets;`);
      line(`      expires ${pick(STATIC_EXPIRES)};`);
      line('      try_files $uri =404;');
      line('    }');
    }
    if (s % 3 === 1) {
      line('    location ~ ^/app/.+\\.php$ {');
      line(`      root /srv/www/s${s};`);
      line(`      fastcgi_cache fcgi${s % FASTCGI_ZONES};`);
      line('      fastcgi_cache_key $scheme$request_method$host$request_uri;');
      line(`      fastcgi_cache_valid 200 301 302 ${pick(TTLS)};`);
      line(`      fastcgi_cache_use_stale ${pick(FASTCGI_USE_STALE)};`);
      line('      fastcgi_cache_lock on;');
      line(`      fastcgi_cache_bypass ${map};`);
      line(`      fastcgi_no_cache ${map};`);
      line('      add_header X-Cache-Status $upstream_cache_status;');
      line('      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;');
      line('      fastcgi_param QUERY_STRING $query_string;');
      line('      fastcgi_param REQUEST_METHOD $request_method;');
      line(`      fastcgi_pass 127.0.0.1:${9000 + (s % 4)};`);
      line('    }');
    }
    if (s % 4 === 2) {
      line('    location = /healthz {');
      line('      access_log off;');
      line('      return 200 "ok\\n";');
      line('    }');
    }
    line('  }');
  }
  line('}');
  return out.join('\n') + '\n';
}

if (require.main === module) {
  const n = process.argv[2] ? Number(process.argv[2]) : 35_000;
  process.stdout.write(generateNginx({ lines: n }));
}
