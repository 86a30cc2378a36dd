// A deterministic generator of a large, realistic VCL 4.1 program for the benchmark: backends with probes,
// a round-robin director, ACLs, and per-site subs (routing with regexes, cookie/header normalisation,
// purge handling, hashing, TTL policy, delivery headers) called from the built-in subs. The output
// compiles with `varnishd -C` (7.1): every backend, probe, ACL and sub is used.
//
//   node --import tsx test/bench/vclgen.ts [LINES] > big.vcl     (default 10000 lines)

import { rng } from '../prng';
import { fitLines } from './fitLines';

const STATIC_EXT = ['css|js', 'png|jpe?g|gif|webp|avif', 'svg|ico', 'woff2?|ttf|otf|eot', 'mp4|webm|m4s', 'pdf|zip|gz'];
const API_PREFIXES = ['api', 'graphql', 'rpc', 'v1', 'v2', 'internal/api', 'rest'];
const PRIVATE_PATHS = ['account', 'cart', 'checkout', 'login', 'logout', 'admin', 'wp-admin', 'user', 'my', 'orders'];
const TRACKING = ['_ga', '_gid', '_fbp', '__utm[a-z]+', '_hj[a-zA-Z]+', 'mp_[a-z0-9_]+', '_gcl_au'];
const TTLS = ['30s', '2m', '5m', '10m', '30m', '1h', '4h', '12h', '1d', '7d'];
const GRACES = ['10s', '30s', '1m', '5m', '1h', '6h', '24h'];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'NL', 'SE', 'JP', 'BR', 'IN', 'AU'];

export interface VclGenOptions {
  /** Target line count; the output has exactly this many lines (padded with comment lines). */
  lines?: number;
  seed?: number;
}

/** Generates the VCL program; `lines` (default 10,000) is matched exactly. */
export function generateVcl(opts: VclGenOptions = {}): string {
  const target = opts.lines ?? 10_000;
  const seed = opts.seed ?? 20240607;
  return fitLines(target, (sites) => build(sites, seed), (i) => (i === 0 ? '# Site notes (generated): one line per reserved site slot.' : `# reserved slot ${i}: no site configured`));
}

function build(sites: number, seed: number): string {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const out: string[] = [];
  const line = (s = '') => out.push(s);

  const probes = 6;
  const acls = Math.max(4, Math.min(24, Math.ceil(sites / 8)));
  const backends = Math.max(2, Math.ceil(sites / 2));

  line('vcl 4.1;');
  line();
  line('# Generated benchmark VCL: a multi-site edge configuration.');
  line('import std;');
  line('import directors;');
  line();
  for (let p = 0; p < probes; p++) {
    line(`probe health_${p} {`);
    line('    .request =');
    line(`        "GET /healthz/${p} HTTP/1.1"`);
    line('        "Host: health.internal"');
    line('        "Connection: close";');
    line(`    .timeout = ${1 + (p % 3)}s;`);
    line(`    .interval = ${5 + p}s;`);
    line('    .window = 5;');
    line('    .threshold = 3;');
    line('}');
    line();
  }
  for (let b = 0; b < backends; b++) {
    line(`backend origin_${b} {`);
    line(`    .host = "10.${10 + (b >> 8)}.${b & 255}.${10 + (b % 200)}";`);
    line(`    .port = "${8000 + (b % 50)}";`);
    line(`    .probe = health_${b % probes};`);
    line(`    .connect_timeout = ${1 + (b % 4)}s;`);
    line(`    .first_byte_timeout = ${30 + (b % 5) * 15}s;`);
    line(`    .between_bytes_timeout = ${5 + (b % 10)}s;`);
    line(`    .max_connections = ${200 + (b % 8) * 50};`);
    line('}');
    line();
  }
  for (let a = 0; a < acls; a++) {
    line(`acl trusted_${a} {`);
    line('    "localhost";');
    line(`    "10.${a}.0.0"/16;`);
    line(`    "192.168.${a}.0"/24;`);
    if (a % 3 === 0) line(`    ! "10.${a}.99.0"/24;`);
    line(`    "172.${16 + (a % 16)}.${a}.${a + 1}";`);
    line('}');
    line();
  }

  line('sub vcl_init {');
  const pools = Math.max(1, Math.ceil(backends / 8));
  for (let p = 0; p < pools; p++) {
    line(`    new pool_${p} = directors.round_robin();`);
    for (let b = p * 8; b < Math.min(backends, p * 8 + 8); b++) line(`    pool_${p}.add_backend(origin_${b});`);
  }
  line('}');
  line();

  // Per-site subs.
  const recvSubs: string[] = [];
  const hashSubs: string[] = [];
  const berespSubs: string[] = [];
  const deliverSubs: string[] = [];
  for (let s = 0; s < sites; s++) {
    const host = `site${s}\\.example\\.(com|net)`;
    const api = pick(API_PREFIXES);
    const priv = pick(PRIVATE_PATHS);
    const ext = pick(STATIC_EXT);
    const acl = `trusted_${s % acls}`;
    const pool = `pool_${s % pools}`;
    const track = [pick(TRACKING), pick(TRACKING)];

    recvSubs.push(`recv_site_${s}`);
    line(`# Site ${s}: routing and request normalisation.`);
    line(`sub recv_site_${s} {`);
    line(`    if (req.http.host ~ "^(www\\.)?${host}$") {`);
    line(`        set req.http.X-Site = "site${s}";`);
    line(`        set req.backend_hint = ${pool}.backend();`);
    line(`        if (req.method == "PURGE" || req.method == "BAN") {`);
    line(`            if (!(client.ip ~ ${acl})) {`);
    line('                return (synth(405, "Not allowed"));');
    line('            }');
    line('            if (req.method == "BAN") {');
    line('                ban("req.http.host == " + req.http.host + " && req.url ~ " + req.url);');
    line('                return (synth(200, "Banned"));');
    line('            }');
    line('            return (purge);');
    line('        }');
    line(`        if (req.url ~ "^/${api}/") {`);
    line('            return (pass);');
    line(`        } elsif (req.url ~ "^/(${priv})(/|$)" || req.http.Authorization) {`);
    line('            return (pass);');
    line(`        } elsif (req.url ~ "(?i)\\.(${ext})(\\?.*)?$") {`);
    line('            unset req.http.Cookie;');
    line('            set req.url = regsub(req.url, "\\?.*$", "");');
    line('            return (hash);');
    line('        }');
    line(`        set req.http.Cookie = regsuball(req.http.Cookie, "(^|;\\s*)(${track[0]}|${track[1]})=[^;]*", "");`);
    line('        set req.http.Cookie = regsub(req.http.Cookie, "^;\\s*", "");');
    line('        if (req.http.Cookie ~ "^\\s*$") {');
    line('            unset req.http.Cookie;');
    line('        }');
    line('        set req.url = std.querysort(req.url);');
    line('        set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|gclid|fbclid)=[^&]*", "\\1");');
    if (s % 4 === 0) {
      line(`        if (req.http.CF-IPCountry == "${pick(COUNTRIES)}") {`);
      line(`            set req.http.X-Region = "${pick(COUNTRIES).toLowerCase()}";`);
      line('        }');
    }
    line('    }');
    line('}');
    line();

    hashSubs.push(`hash_site_${s}`);
    line(`sub hash_site_${s} {`);
    line(`    if (req.http.X-Site == "site${s}") {`);
    line('        if (req.http.X-Forwarded-Proto) {');
    line('            hash_data(req.http.X-Forwarded-Proto);');
    line('        }');
    if (s % 4 === 0) line('        hash_data(req.http.X-Region);');
    line('    }');
    line('}');
    line();

    berespSubs.push(`beresp_site_${s}`);
    line(`sub beresp_site_${s} {`);
    line(`    if (bereq.http.X-Site == "site${s}") {`);
    line(`        if (bereq.url ~ "(?i)\\.(${ext})$") {`);
    line('            unset beresp.http.Set-Cookie;');
    line(`            set beresp.ttl = ${pick(TTLS)};`);
    line(`            set beresp.grace = ${pick(GRACES)};`);
    line('            set beresp.http.Cache-Control = "public, max-age=" + std.integer(std.duration(beresp.ttl, 0s), 0);');
    line('        } elsif (beresp.status >= 500 && beresp.status < 600) {');
    line('            if (bereq.is_bgfetch) {');
    line('                return (abandon);');
    line('            }');
    line('            set beresp.ttl = 1s;');
    line('            set beresp.uncacheable = true;');
    line(`        } elsif (beresp.http.Content-Type ~ "^(text/html|application/json)") {`);
    line(`            set beresp.ttl = ${pick(TTLS)};`);
    line(`            set beresp.grace = ${pick(GRACES)};`);
    line('            set beresp.keep = 1h;');
    line('        }');
    line('        if (beresp.http.Surrogate-Key) {');
    line('            set beresp.http.X-Surrogate-Key = beresp.http.Surrogate-Key;');
    line('            unset beresp.http.Surrogate-Key;');
    line('        }');
    line('    }');
    line('}');
    line();

    deliverSubs.push(`deliver_site_${s}`);
    line(`sub deliver_site_${s} {`);
    line(`    if (req.http.X-Site == "site${s}") {`);
    line('        unset resp.http.X-Surrogate-Key;');
    line(`        set resp.http.X-Served-By = "edge-${s % 7}";`);
    line('        if (resp.http.Vary ~ "(?i)User-Agent") {');
    line('            set resp.http.Vary = regsub(resp.http.Vary, "(?i),?\\s*User-Agent", "");');
    line('        }');
    line('    }');
    line('}');
    line();
  }

  line('sub vcl_recv {');
  line('    if (req.method == "PRI") {');
  line('        return (synth(405));');
  line('    }');
  line('    if (req.restarts == 0) {');
  line('        set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, "^([^,]+).*$", "\\1");');
  line('    }');
  line('    set req.http.host = std.tolower(regsub(req.http.host, ":[0-9]+$", ""));');
  line('    unset req.http.X-Site;');
  line('    unset req.http.X-Region;');
  line('    if (req.url ~ "^/healthz$") {');
  line('        return (synth(200, "OK"));');
  line('    }');
  for (const s of recvSubs) line(`    call ${s};`);
  line('    if (!req.http.X-Site) {');
  line('        return (synth(404, "Unknown site"));');
  line('    }');
  line('}');
  line();
  line('sub vcl_hash {');
  line('    hash_data(req.url);');
  line('    if (req.http.host) {');
  line('        hash_data(req.http.host);');
  line('    } else {');
  line('        hash_data(server.ip);');
  line('    }');
  for (const s of hashSubs) line(`    call ${s};`);
  line('    return (lookup);');
  line('}');
  line();
  line('sub vcl_backend_fetch {');
  line('    unset bereq.http.X-Region;');
  line('}');
  line();
  line('sub vcl_backend_response {');
  line('    if (beresp.http.Cache-Control ~ "(?i)(private|no-store)") {');
  line('        set beresp.uncacheable = true;');
  line('        set beresp.ttl = 120s;');
  line('        return (deliver);');
  line('    }');
  for (const s of berespSubs) line(`    call ${s};`);
  line('}');
  line();
  line('sub vcl_deliver {');
  line('    if (obj.hits > 0) {');
  line('        set resp.http.X-Cache = "HIT";');
  line('        set resp.http.X-Cache-Hits = obj.hits;');
  line('    } else {');
  line('        set resp.http.X-Cache = "MISS";');
  line('    }');
  for (const s of deliverSubs) line(`    call ${s};`);
  line('    unset resp.http.Via;');
  line('    unset resp.http.X-Varnish;');
  line('}');
  line();
  line('sub vcl_synth {');
  line('    set resp.http.Content-Type = "text/plain; charset=utf-8";');
  line('    set resp.body = resp.reason;');
  line('    return (deliver);');
  line('}');
  return out.join('\n') + '\n';
}

if (require.main === module) {
  const n = process.argv[2] ? Number(process.argv[2]) : 10_000;
  process.stdout.write(generateVcl({ lines: n }));
}
