// The built-in VCL per Varnish version and the built-in subroutines: the 14 (15 in 8.0) methods Varnish calls,
// and since 6.6 the overridable helper subroutines the built-in code is split into (vcl_builtin_*, vcl_req_*,
// vcl_beresp_*, and in 8.0 vcl_refresh_*).
//
// Varnish appends the built-in VCL to every loaded VCL. Subroutines of the same name are concatenated: the
// user's code runs first and the built-in code only runs when the user's code falls through without a
// `return`. A user VCL may also define a helper subroutine (e.g. `sub vcl_req_cookie { return; }`): its body is
// prepended to the built-in one, so an early `return;` switches that piece of the built-in policy off.
//
// Sources: `varnishd -x builtin` of the installed 7.1.1 (identical to the tag's bin/varnishd/builtin.vcl);
// bin/varnishd/builtin.vcl of the 6.0 branch and of varnish-cache HEAD for 8.0 (see
// test/unit/vcl-data/generate-builtin.ts for the exact provenance and caveats). The helper list of 7.1 is the
// list varnishd 7.1.1 prints for an unknown `sub vcl_*` ("Valid vcl_* subroutines are: …").
import { BUILTIN_VCL_TEXT } from './builtinText';
import { isBuiltinMethod, existsIn, type BuiltinMethod, type Evidence, type VarnishVersion } from './versions';

/**
 * The exact built-in VCL text of a version (as in bin/varnishd/builtin.vcl; `varnishd -x builtin` prints the
 * same text followed by one more newline).
 */
export function builtinVcl(version: VarnishVersion): string {
  return BUILTIN_VCL_TEXT[version];
}

/** How the 6.0 / 7.1 / 8.0 built-in texts were obtained. */
export const BUILTIN_VCL_EVIDENCE: Readonly<Record<VarnishVersion, { evidence: Evidence; source: string }>> = {
  '6.0': {
    evidence: 'doc',
    source:
      'varnishcache/varnish-cache bin/varnishd/builtin.vcl of the 6.0 branch (stored copy at commit 021f298d; its line numbers match those cited for tag varnish-6.0.16)',
  },
  '7.1': { evidence: 'probed', source: '`varnishd -x builtin` of varnish-7.1.1 (= tag varnish-7.1.1 bin/varnishd/builtin.vcl)' },
  '8.0': {
    evidence: 'derived',
    source:
      'varnishcache/varnish-cache HEAD 27d2ce15 bin/varnishd/builtin.vcl; subroutines match the documented 8.0.0 changes, the header comment may be newer than 8.0.0',
  },
};

/** `method`: called by Varnish; `wrapper`: `vcl_builtin_<method>` holding the built-in body; `helper`: a narrower piece. */
export type BuiltinSubKind = 'method' | 'wrapper' | 'helper';

export interface BuiltinSubSpec {
  readonly name: string;
  readonly kind: BuiltinSubKind;
  /** The method whose task the subroutine runs in (itself for a method): its variables and returns apply. */
  readonly context: BuiltinMethod;
  /** The built-in subroutine that calls it (helpers and wrappers). */
  readonly calledFrom?: string;
  /** First release that has it (absent: every supported version). */
  readonly since?: string;
  /** When it runs. */
  readonly runs: string;
  /**
   * What the built-in code does when the user's code falls through, per version; a version without an entry
   * takes the nearest earlier one.
   */
  readonly builtin: Readonly<Partial<Record<VarnishVersion, string>>>;
}

const HITMISS_TTL: Readonly<Record<VarnishVersion, string>> = {
  '6.0': '120 s',
  '7.1': '120 s',
  '8.0': 'param.uncacheable_ttl (the new uncacheable_ttl parameter, 2 min by default)',
};

/** Every built-in subroutine of every supported version, in the order of the built-in VCL. */
export const BUILTIN_SUBS: readonly BuiltinSubSpec[] = [
  {
    name: 'vcl_recv',
    kind: 'method',
    context: 'vcl_recv',
    runs: 'Runs first for every client request (and again after `return (restart)` and for each ESI include), once the request headers are parsed; decides whether the request is looked up in the cache (`hash`), bypasses it (`pass`, `pipe`), is purged, or answered synthetically.',
    builtin: {
      '6.0': 'Answers `PRI` with synth(405) and HTTP/1.1 without Host with synth(400); pipes methods other than GET, HEAD, PUT, POST, TRACE, OPTIONS, DELETE, PATCH; passes anything but GET/HEAD and every request carrying `Authorization` or `Cookie`; otherwise `return (hash)`.',
      '7.1': 'Calls `vcl_builtin_recv` (Host lower-casing and the Host, method, Authorization and Cookie checks of the vcl_req_* helpers), then `return (hash)`.',
    },
  },
  {
    name: 'vcl_pipe',
    kind: 'method',
    context: 'vcl_pipe',
    runs: 'Runs when `vcl_recv` returned `pipe`: the connection becomes a byte tunnel to the backend and no later request on it goes through VCL or the cache.',
    builtin: {
      '6.0': '`return (pipe)`; Varnish sets `Connection: close` on the piped request unless VCL unsets `bereq.http.connection`.',
      '7.1': 'Calls the empty `vcl_builtin_pipe`, then `return (pipe)`; Varnish sets `Connection: close` on the piped request unless VCL unsets `bereq.http.connection`.',
    },
  },
  {
    name: 'vcl_pass',
    kind: 'method',
    context: 'vcl_pass',
    runs: 'Runs when the request bypasses the cache: after `return (pass)` from `vcl_recv`/`vcl_miss`/`vcl_hit`, or on a hit on a hit-for-pass object.',
    builtin: { '6.0': '`return (fetch)`: the response is fetched and not stored.', '7.1': 'Calls the empty `vcl_builtin_pass`, then `return (fetch)`: the response is fetched and not stored.' },
  },
  {
    name: 'vcl_hash',
    kind: 'method',
    context: 'vcl_hash',
    runs: 'Runs after `vcl_recv` returned `hash` or `purge`; builds the cache key with `hash_data()`. A `return (lookup)` in user code skips the built-in hashing entirely.',
    builtin: {
      '6.0': 'Hashes `req.url` and `req.http.host` (or `server.ip` when there is no Host), then `return (lookup)`.',
      '7.1': 'Calls `vcl_builtin_hash` (hashes `req.url` and `req.http.host`, or `server.ip` without Host), then `return (lookup)`.',
    },
  },
  {
    name: 'vcl_purge',
    kind: 'method',
    context: 'vcl_purge',
    runs: 'Runs after `return (purge)` from `vcl_recv`, once the object and all its variants have been evicted.',
    builtin: { '6.0': '`return (synth(200, "Purged"))`.', '7.1': 'Calls the empty `vcl_builtin_purge`, then `return (synth(200, "Purged"))`.' },
  },
  {
    name: 'vcl_miss',
    kind: 'method',
    context: 'vcl_miss',
    runs: 'Runs when the lookup found no usable object, or found a hit-for-miss object (`obj.uncacheable`), before the backend fetch.',
    builtin: { '6.0': '`return (fetch)`.', '7.1': 'Calls the empty `vcl_builtin_miss`, then `return (fetch)`.' },
  },
  {
    name: 'vcl_hit',
    kind: 'method',
    context: 'vcl_hit',
    runs: 'Runs when the lookup found a cached object; it may be stale (ttl ≤ 0 but within grace or keep).',
    builtin: {
      '6.0': 'Delivers fresh objects and objects within `obj.ttl + obj.grace` (a stale delivery triggers a background fetch); otherwise `return (miss)` to fetch a new copy.',
      '7.1': 'Calls the empty `vcl_builtin_hit`, then `return (deliver)`; grace is decided by the core (`req.grace`, `obj.grace`), and a stale delivery triggers a background fetch.',
    },
  },
  {
    name: 'vcl_deliver',
    kind: 'method',
    context: 'vcl_deliver',
    runs: 'Runs before any response except a `vcl_synth` one is sent to the client; `resp` is a copy, changes do not touch the cached object.',
    builtin: { '6.0': '`return (deliver)`.', '7.1': 'Calls the empty `vcl_builtin_deliver`, then `return (deliver)`.' },
  },
  {
    name: 'vcl_synth',
    kind: 'method',
    context: 'vcl_synth',
    runs: 'Runs for `return (synth(...))` and for internal errors (500, 503); builds a response that never enters the cache.',
    builtin: {
      '6.0': 'Sets `Content-Type: text/html; charset=utf-8`, `Retry-After: 5` and the "Guru Meditation" HTML body (status, reason, XID), then `return (deliver)`.',
      '7.1': 'Calls `vcl_builtin_synth` (Content-Type, `Retry-After: 5`, the "Guru Meditation" HTML body), then `return (deliver)`.',
    },
  },
  {
    name: 'vcl_backend_fetch',
    kind: 'method',
    context: 'vcl_backend_fetch',
    runs: 'Runs in the backend task before the request is sent to the backend (for misses, passes and background fetches); `bereq` is already built from `req`.',
    builtin: {
      '6.0': 'Drops the request body of GET requests (`unset bereq.body`), then `return (fetch)`.',
      '7.1': 'Calls `vcl_builtin_backend_fetch` (drops the body of GET requests), then `return (fetch)`.',
    },
  },
  {
    name: 'vcl_backend_refresh',
    kind: 'method',
    context: 'vcl_backend_refresh',
    since: '8.0.0',
    runs: 'Runs when the backend answered a conditional request with 304 Not Modified; chooses how the stale object (`obj_stale`) is revalidated.',
    builtin: {
      '8.0': 'Calls `vcl_builtin_backend_refresh` (validity, If-Modified-Since/If-None-Match and status-200 checks, each failing with `error(503)`), then `return (merge)`: the 304 headers are merged into the stale object.',
    },
  },
  {
    name: 'vcl_backend_response',
    kind: 'method',
    context: 'vcl_backend_response',
    runs: 'Runs when the backend response headers have arrived, before the body is fetched; the place that decides TTL, grace, keep and cacheability of the object.',
    builtin: {
      '6.0': 'Unless `bereq.uncacheable`, turns the response into a hit-for-miss object (ttl 120 s, `beresp.uncacheable = true`) when `beresp.ttl <= 0s`, it has Set-Cookie, Surrogate-Control contains no-store, Cache-Control has no-cache/no-store/private (without Surrogate-Control) or `Vary: *`; then `return (deliver)`.',
      '7.1': 'Calls `vcl_builtin_backend_response`: unless `bereq.uncacheable`, the vcl_beresp_stale/cookie/control/vary helpers make a hit-for-miss object (ttl 120 s, `beresp.uncacheable = true`) for ttl ≤ 0, Set-Cookie, no-store/no-cache/private or `Vary: *`; then `return (deliver)`.',
      '8.0': 'Calls `vcl_builtin_backend_response`: `vcl_beresp_range` drops a meaningless Content-Range, then unless `bereq.uncacheable` the stale/cookie/control/vary helpers make a hit-for-miss object (ttl `param.uncacheable_ttl`) for ttl ≤ 0, Set-Cookie, no-store/no-cache/private or `Vary: *`; then `return (deliver)`.',
    },
  },
  {
    name: 'vcl_backend_error',
    kind: 'method',
    context: 'vcl_backend_error',
    runs: 'Runs when the fetch failed (no usable response, timeout) or `max_retries` was exceeded, or after `return (error)`; builds a synthetic backend response that may be cached when `beresp.ttl > 0s`.',
    builtin: {
      '6.0': 'Sets Content-Type, `Retry-After: 5` and the "Guru Meditation" HTML body on `beresp`, then `return (deliver)`.',
      '7.1': 'Calls `vcl_builtin_backend_error` (Content-Type, `Retry-After: 5`, the "Guru Meditation" HTML body), then `return (deliver)`.',
    },
  },
  {
    name: 'vcl_init',
    kind: 'method',
    context: 'vcl_init',
    runs: 'Runs once when the VCL is loaded, before any request; the only place for `new` (directors and other VMOD objects).',
    builtin: { '6.0': '`return (ok)`.' },
  },
  {
    name: 'vcl_fini',
    kind: 'method',
    context: 'vcl_fini',
    runs: 'Runs once when the VCL is discarded, after the last request using it has finished.',
    builtin: { '6.0': '`return (ok)`.' },
  },
  // 6.6+: the built-in bodies moved into vcl_builtin_* wrappers and narrower helpers.
  ...(
    [
      ['vcl_builtin_recv', 'vcl_recv', 'Calls `vcl_req_host`, `vcl_req_method`, `vcl_req_authorization` and `vcl_req_cookie` in that order.'],
      ['vcl_builtin_pipe', 'vcl_pipe', 'Empty.'],
      ['vcl_builtin_pass', 'vcl_pass', 'Empty.'],
      ['vcl_builtin_hash', 'vcl_hash', 'Hashes `req.url` and `req.http.host`, or `server.ip` when there is no Host header.'],
      ['vcl_builtin_purge', 'vcl_purge', 'Empty.'],
      ['vcl_builtin_hit', 'vcl_hit', 'Empty.'],
      ['vcl_builtin_miss', 'vcl_miss', 'Empty.'],
      ['vcl_builtin_deliver', 'vcl_deliver', 'Empty.'],
      ['vcl_builtin_synth', 'vcl_synth', 'Sets `Content-Type: text/html; charset=utf-8`, `Retry-After: 5` and the "Guru Meditation" HTML body from `resp.status`, `resp.reason` and `req.xid`.'],
      ['vcl_builtin_backend_fetch', 'vcl_backend_fetch', 'Drops the request body of GET requests (`unset bereq.body`).'],
      ['vcl_builtin_backend_response', 'vcl_backend_response', ''],
      ['vcl_builtin_backend_error', 'vcl_backend_error', 'Sets Content-Type, `Retry-After: 5` and the "Guru Meditation" HTML body on `beresp` from `beresp.status`, `beresp.reason` and `bereq.xid`.'],
    ] as const
  ).map(
    ([name, method, body]): BuiltinSubSpec => ({
      name,
      kind: 'wrapper',
      context: method,
      calledFrom: method,
      since: '6.6.0',
      runs: `Called by the built-in \`${method}\` before its final return; holds the built-in body of \`${method}\`. User code defined under this name runs first; \`return;\` skips the built-in part, any other return ends \`${method}\`.`,
      builtin:
        name === 'vcl_builtin_backend_response'
          ? {
              '7.1': 'Returns `deliver` when `bereq.uncacheable`; otherwise calls `vcl_beresp_stale`, `vcl_beresp_cookie`, `vcl_beresp_control` and `vcl_beresp_vary`.',
              '8.0': 'Calls `vcl_beresp_range`; returns `deliver` when `bereq.uncacheable`; otherwise calls `vcl_beresp_stale`, `vcl_beresp_cookie`, `vcl_beresp_control` and `vcl_beresp_vary`.',
            }
          : { '7.1': body },
    }),
  ),
  {
    name: 'vcl_builtin_backend_refresh',
    kind: 'wrapper',
    context: 'vcl_backend_refresh',
    calledFrom: 'vcl_backend_refresh',
    since: '8.0.0',
    runs: 'Called by the built-in `vcl_backend_refresh` before `return (merge)`; holds its built-in body.',
    builtin: { '8.0': 'Calls `vcl_refresh_valid`, `vcl_refresh_conditions` and `vcl_refresh_status`.' },
  },
  {
    name: 'vcl_req_host',
    kind: 'helper',
    context: 'vcl_recv',
    calledFrom: 'vcl_builtin_recv',
    since: '6.6.0',
    runs: 'First check of the built-in `vcl_recv`.',
    builtin: { '7.1': 'Lower-cases `req.http.host` when it has upper-case letters (so the cache key is case-insensitive) and answers an HTTP/1.1 top-level request without Host with `synth(400)`.' },
  },
  {
    name: 'vcl_req_method',
    kind: 'helper',
    context: 'vcl_recv',
    calledFrom: 'vcl_builtin_recv',
    since: '6.6.0',
    runs: 'Second check of the built-in `vcl_recv`.',
    builtin: {
      '7.1': 'Answers `PRI` with `synth(405)`, pipes methods other than GET, HEAD, PUT, POST, TRACE, OPTIONS, DELETE and PATCH, and passes everything but GET and HEAD (only GET/HEAD are cached by default).',
      '8.0': 'Answers methods other than GET, HEAD, PUT, POST, TRACE, OPTIONS, DELETE and PATCH with `synth(501)` and `Connection: close` (no longer pipe), and passes everything but GET and HEAD.',
    },
  },
  {
    name: 'vcl_req_authorization',
    kind: 'helper',
    context: 'vcl_recv',
    calledFrom: 'vcl_builtin_recv',
    since: '6.6.0',
    runs: 'Third check of the built-in `vcl_recv`. Overriding it with `return;` caches authenticated requests.',
    builtin: { '7.1': 'Passes every request with an `Authorization` header: authenticated responses are not cacheable by default.' },
  },
  {
    name: 'vcl_req_cookie',
    kind: 'helper',
    context: 'vcl_recv',
    calledFrom: 'vcl_builtin_recv',
    since: '6.6.0',
    runs: 'Last check of the built-in `vcl_recv`. Overriding it with `return;` caches requests that carry cookies.',
    builtin: { '7.1': 'Passes every request with a `Cookie` header ("risky to cache by default"), including analytics-only cookies.' },
  },
  {
    name: 'vcl_beresp_range',
    kind: 'helper',
    context: 'vcl_backend_response',
    calledFrom: 'vcl_builtin_backend_response',
    since: '7.6.0',
    runs: 'First step of the built-in `vcl_backend_response`, before the `bereq.uncacheable` check.',
    builtin: { '8.0': 'Unsets `beresp.http.Content-Range` unless the status is 206 or 416.' },
  },
  {
    name: 'vcl_beresp_stale',
    kind: 'helper',
    context: 'vcl_backend_response',
    calledFrom: 'vcl_builtin_backend_response',
    since: '6.6.0',
    runs: 'First cacheability check of the built-in `vcl_backend_response` (skipped when `bereq.uncacheable`).',
    builtin: { '7.1': 'Calls `vcl_beresp_hitmiss` when `beresp.ttl <= 0s` (the response is already expired or uncacheable by status).' },
  },
  {
    name: 'vcl_beresp_cookie',
    kind: 'helper',
    context: 'vcl_backend_response',
    calledFrom: 'vcl_builtin_backend_response',
    since: '6.6.0',
    runs: 'Second cacheability check of the built-in `vcl_backend_response`. Overriding it with `return;` caches responses that set cookies.',
    builtin: { '7.1': 'Calls `vcl_beresp_hitmiss` when the response has a `Set-Cookie` header, so per-user cookies are never stored.' },
  },
  {
    name: 'vcl_beresp_control',
    kind: 'helper',
    context: 'vcl_backend_response',
    calledFrom: 'vcl_builtin_backend_response',
    since: '6.6.0',
    runs: 'Third cacheability check of the built-in `vcl_backend_response`.',
    builtin: { '7.1': 'Calls `vcl_beresp_hitmiss` when Surrogate-Control contains no-store, or when there is no Surrogate-Control and Cache-Control contains no-cache, no-store or private (a Surrogate-Control without no-store masks a private Cache-Control).' },
  },
  {
    name: 'vcl_beresp_vary',
    kind: 'helper',
    context: 'vcl_backend_response',
    calledFrom: 'vcl_builtin_backend_response',
    since: '6.6.0',
    runs: 'Last cacheability check of the built-in `vcl_backend_response`.',
    builtin: { '7.1': 'Calls `vcl_beresp_hitmiss` when `Vary` is `*` (the response varies on everything).' },
  },
  {
    name: 'vcl_beresp_hitmiss',
    kind: 'helper',
    context: 'vcl_backend_response',
    calledFrom: 'vcl_beresp_stale, vcl_beresp_cookie, vcl_beresp_control, vcl_beresp_vary',
    since: '6.6.0',
    runs: 'Called by the vcl_beresp_* checks for an uncacheable response.',
    builtin: {
      '7.1': `Makes a hit-for-miss object: \`beresp.ttl = 120s\`, \`beresp.uncacheable = true\`, \`return (deliver)\`. Later requests for the key skip the waiting list and go straight to the backend for ${HITMISS_TTL['7.1']}.`,
      '8.0': `Makes a hit-for-miss object: \`beresp.ttl = param.uncacheable_ttl\`, \`beresp.uncacheable = true\`, \`return (deliver)\`. Later requests for the key go straight to the backend for ${HITMISS_TTL['8.0']}.`,
    },
  },
  {
    name: 'vcl_refresh_valid',
    kind: 'helper',
    context: 'vcl_backend_refresh',
    calledFrom: 'vcl_builtin_backend_refresh',
    since: '8.0.0',
    runs: 'First check of the built-in `vcl_backend_refresh`.',
    builtin: { '8.0': 'Returns `error(503, "Invalid object for refresh")` when the stale object was banned or purged during the fetch (`!obj_stale.is_valid`).' },
  },
  {
    name: 'vcl_refresh_conditions',
    kind: 'helper',
    context: 'vcl_backend_refresh',
    calledFrom: 'vcl_builtin_backend_refresh',
    since: '8.0.0',
    runs: 'Second check of the built-in `vcl_backend_refresh`.',
    builtin: { '8.0': 'Returns `error(503, "Unexpected 304")` when the backend request carried neither If-Modified-Since nor If-None-Match.' },
  },
  {
    name: 'vcl_refresh_status',
    kind: 'helper',
    context: 'vcl_backend_refresh',
    calledFrom: 'vcl_builtin_backend_refresh',
    since: '8.0.0',
    runs: 'Last check of the built-in `vcl_backend_refresh`.',
    builtin: { '8.0': 'Returns `error(503, "Invalid object for refresh (status)")` unless the stale object has status 200 (only 200 responses are revalidated).' },
  },
];

/** A built-in subroutine as it is in one version. */
export interface BuiltinSubInfo {
  readonly name: string;
  readonly kind: BuiltinSubKind;
  readonly context: BuiltinMethod;
  readonly calledFrom?: string;
  readonly since?: string;
  /** When it runs. */
  readonly runs: string;
  /** What the built-in code does after user code falls through, in this version. */
  readonly builtinBehavior: string;
  /** One paragraph for hovers: when it runs, then the built-in behaviour. */
  readonly description: string;
}

function pick(m: Readonly<Partial<Record<VarnishVersion, string>>>, v: VarnishVersion): string {
  const order: VarnishVersion[] = v === '8.0' ? ['8.0', '7.1', '6.0'] : v === '7.1' ? ['7.1', '6.0'] : ['6.0'];
  for (const k of order) if (m[k] !== undefined) return m[k]!;
  return '';
}

/** The built-in subroutines of a version (methods, and the 6.6+ wrappers and helpers where they exist). */
export function builtinSubs(version: VarnishVersion): BuiltinSubInfo[] {
  return BUILTIN_SUBS.filter((s) => existsIn(version, s.since)).map((s) => {
    const builtinBehavior = pick(s.builtin, version);
    return {
      name: s.name,
      kind: s.kind,
      context: s.context,
      calledFrom: s.calledFrom,
      since: s.since,
      runs: s.runs,
      builtinBehavior,
      description: `${s.runs} Built-in: ${builtinBehavior}`,
    };
  });
}

/** One built-in subroutine of a version, or undefined when the version has no such subroutine. */
export function builtinSub(name: string, version: VarnishVersion): BuiltinSubInfo | undefined {
  return builtinSubs(version).find((s) => s.name === name);
}

/**
 * The method whose rules (variables, return actions) apply inside a built-in subroutine: the method itself,
 * or the method a helper runs in (`vcl_req_cookie` → `vcl_recv`). Undefined for other names.
 */
export function subroutineContext(name: string, version: VarnishVersion): BuiltinMethod | undefined {
  if (isBuiltinMethod(name, version)) return name;
  return builtinSub(name, version)?.context;
}

/**
 * Whether `sub <name>` is rejected with "The names 'vcl_*' are reserved for subroutines.": any `vcl_` name that
 * is not a built-in subroutine of that version (e.g. Varnish 3's `vcl_fetch`, or `vcl_req_cookie` on 6.0).
 */
export function isReservedSubName(name: string, version: VarnishVersion): boolean {
  return name.startsWith('vcl_') && !builtinSub(name, version);
}

/** The release that introduced the split built-in (vcl_builtin_*, vcl_req_*, vcl_beresp_*). */
export const BUILTIN_SPLIT_SINCE = '6.6.0';
