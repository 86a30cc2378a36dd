// Every VCL variable with its type, where it can be read, set and unset, per Varnish version, and a one-line
// cache-oriented description for hovers. Also the Varnish 2/3 (and later removed) syntax with its replacement
// (REMOVED_SYNTAX), for the vcl/removed-syntax rule.
//
// Notation: `read` / `write` / `unset` are scope expressions in Varnish's own notation (vcl_var.rst):
// `client` (vcl_recv … vcl_synth), `backend` (every vcl_backend_*; includes vcl_backend_refresh in 8.0), `both`,
// `all` (also vcl_init / vcl_fini), or explicit `vcl_*` names. The resolved views (variablesFor, lookupVariable)
// expand them to concrete built-in methods; helper subroutines (vcl_req_*, vcl_beresp_*, …) follow the method
// they run in (varnishd 7.1.1 agrees for all 21 helpers × all variables × read/set/unset).
//
// Sources and verification:
// - 7.1: `man 7 vcl-var` of the installed 7.1.1 for names, types and scopes, and one compile probe per
//   variable × subroutine × access with varnishd 7.1.1 (35 subroutines × 140 names × 3 = 14,700 compiles,
//   test/unit/vcl-data/fixtures/probe-7.1.1.json). snapshot.test.ts proves the 7.1 view equals the probes.
//   Where probes and the man page disagree the probes win (storage.<name>.* is also readable in vcl_init/vcl_fini).
// - 8.0: the 7.1 entries plus the VCL-variable changes listed in doc/sphinx/whats-new/changes-7.2 … changes-8.0
//   and the 7.7 vcl_var.rst (xid as INT, transit_buffer, trace, protected Content-Length/Transfer-Encoding,
//   task_deadline, unsettable timeouts, req.filters/bereq.filters, narrower req.is_hitmiss/is_hitpass, req.hash in
//   vcl_synth/vcl_pipe, param.*, obj_stale.*, vcl_backend_refresh). Entries marked `derived` for 8.0 (obj_stale.*,
//   param.*, beresp in vcl_backend_refresh, every `backend`-scoped variable in vcl_backend_refresh) follow from the
//   release notes and the 8.0 built-in VCL, not from the 8.0 reference text.
// - 6.0: derived: the 7.1 entries minus what the release notes of 6.1 … 7.1 add, with the 6.0.x backports
//   (req.grace 6.0.1, req.is_hitmiss/is_hitpass 6.0.3, sess.timeout_idle 6.0.5) and the scope changes of 6.6
//   (client.identity on the backend side, bereq.xid in vcl_pipe, resp.proto read-only in VCL 4.1).
import { subroutineContext } from './builtin';
import {
  existsIn,
  expandScope,
  type BuiltinMethod,
  type Evidence,
  type VarnishVersion,
  type VclSyntax,
} from './versions';

export type VclType =
  | 'STRING'
  | 'HEADER'
  | 'INT'
  | 'REAL'
  | 'BOOL'
  | 'DURATION'
  | 'TIME'
  | 'IP'
  | 'BACKEND'
  | 'STEVEDORE'
  | 'BLOB'
  | 'BODY'
  | 'HTTP'
  | 'BYTES'
  /** `param.<name>` (8.0): the type of the named parameter. */
  | 'PARAM';

export type Access = 'read' | 'write' | 'unset';

interface Scopes {
  /** Scope expression where the variable can be read (`Readable from:`). */
  readonly read?: string;
  /** Where it can be `set` (`Writable from:`). */
  readonly write?: string;
  /** Where it can be `unset` (`Unsettable from:`). */
  readonly unset?: string;
}

export interface VariableSpec extends Scopes {
  /**
   * The name as Varnish documents it. Families: `req.http.*` (any header of the request), `storage.<name>.x`
   * (any storage backend), `param.<name>` (any exposed parameter).
   */
  readonly name: string;
  readonly type: VclType;
  /** Only in files whose `vcl X.Y;` is this syntax (`req.proto` is writable in 4.0, read-only in 4.1). */
  readonly syntax?: VclSyntax;
  /** First release that has it (absent: every supported version). A 6.0.x number means an LTS backport. */
  readonly since?: string;
  /** Release that removed it. */
  readonly removed?: string;
  /** Per-version differences from the fields above (which describe 7.1 when the variable exists there). */
  readonly changes?: Readonly<Partial<Record<VarnishVersion, Scopes & { readonly type?: VclType }>>>;
  /** One line for hovers, about what it means for caching. */
  readonly description: string;
  /** Overrides the default evidence (6.0 derived, 7.1 probed, 8.0 doc). */
  readonly evidence?: Readonly<Partial<Record<VarnishVersion, Evidence>>>;
  /** A caveat shown with the evidence. */
  readonly note?: string;
}

const C = 'client';
const B = 'backend';
const CB = 'client, backend';
const PB = 'vcl_pipe, backend';
const BR = 'vcl_backend_response, vcl_backend_error';
const DS = 'vcl_deliver, vcl_synth';
const HD = 'vcl_hit, vcl_deliver';

/** Timeout variables became unsettable in 7.5 ("unset" restores the parameter value). */
const UNSET_75 = (scope: string) => ({ '8.0': { unset: scope } });

export const VARIABLES: readonly VariableSpec[] = [
  // local, server, remote, client
  {
    name: 'client.identity',
    type: 'STRING',
    read: CB,
    write: C,
    changes: { '6.0': { read: C } },
    description: 'Identity of the client for the hash/shard directors (sticky load balancing); defaults to client.ip — set it from a session cookie to keep users on one backend.',
  },
  {
    name: 'client.ip',
    type: 'IP',
    read: CB,
    description: "The client's address (the PROXY-protocol source when used). Per client: hashing it gives every client its own cache entry.",
  },
  { name: 'server.hostname', type: 'STRING', read: 'all', description: 'Host name of the machine running Varnish.' },
  { name: 'server.identity', type: 'STRING', read: 'all', description: 'Identity given with `varnishd -i` (default: the host name); used in the Via header.' },
  {
    name: 'server.ip',
    type: 'IP',
    read: CB,
    description: 'Address the client connection was accepted on; the built-in vcl_hash hashes it instead of the Host header when a request has none.',
  },
  {
    name: 'remote.ip',
    type: 'IP',
    read: CB,
    description: 'Address of the TCP peer: the client, or the proxy / load balancer in front of Varnish.',
  },
  {
    name: 'local.endpoint',
    type: 'STRING',
    read: CB,
    syntax: '4.1',
    description: 'The `-a` listen address the session was accepted on (e.g. `:81`).',
  },
  { name: 'local.ip', type: 'IP', read: CB, description: 'Local address (and port) of the TCP connection.' },
  {
    name: 'local.socket',
    type: 'STRING',
    read: CB,
    syntax: '4.1',
    description: 'Name of the `-a` listen socket the session was accepted on (e.g. to tell a TLS terminator from plain HTTP).',
  },

  // req
  { name: 'req', type: 'HTTP', read: C, description: 'The whole client request, for VMOD functions such as std.rollback(req).' },
  {
    name: 'req.backend_hint',
    type: 'BACKEND',
    read: C,
    write: C,
    description: 'Backend or director the fetch will use (copied to bereq.backend on a miss or pass).',
  },
  {
    name: 'req.can_gzip',
    type: 'BOOL',
    read: C,
    description: 'True when the client accepts gzip; gzipped objects are gunzipped on delivery for the others.',
  },
  {
    name: 'req.esi',
    type: 'BOOL',
    read: C,
    write: C,
    syntax: '4.0',
    description: 'Set to false to skip ESI processing on delivery (VCL 4.0 only; VCL 4.1 uses resp.do_esi).',
  },
  { name: 'req.esi_level', type: 'INT', read: C, description: 'ESI nesting depth: 0 for the request the client sent.' },
  {
    name: 'req.grace',
    type: 'DURATION',
    read: C,
    write: C,
    since: '6.0.1',
    changes: { '8.0': { unset: C } },
    description: "Upper limit on grace for this request's lookup: a stale object is served only while within min(req.grace, obj.grace) past its TTL.",
  },
  {
    name: 'req.hash',
    type: 'BLOB',
    read: 'vcl_hit, vcl_miss, vcl_pass, vcl_purge, vcl_deliver',
    changes: { '8.0': { read: 'vcl_hit, vcl_miss, vcl_pass, vcl_purge, vcl_deliver, vcl_synth, vcl_pipe' } },
    description: 'The cache key computed in vcl_hash (digest of the hash_data() inputs).',
  },
  {
    name: 'req.hash_always_miss',
    type: 'BOOL',
    read: C,
    write: C,
    description: 'Force a miss and refetch even when a fresh object is cached; the new object replaces it (cache warming). Unguarded, every request goes to the backend.',
  },
  {
    name: 'req.hash_ignore_busy',
    type: 'BOOL',
    read: C,
    write: C,
    description: 'Do not wait for an object being fetched by another request (disables request coalescing; meant for cache peers to avoid deadlocks).',
  },
  {
    name: 'req.hash_ignore_vary',
    type: 'BOOL',
    read: C,
    write: C,
    since: '7.0.0',
    description: 'Ignore Vary during lookup and take the first variant found.',
  },
  {
    name: 'req.http.*',
    type: 'HEADER',
    read: C,
    write: C,
    unset: C,
    description: 'A client request header (`set`/`unset` act on every header of that name). Cookie and Authorization make the built-in VCL pass.',
  },
  {
    name: 'req.http.content-length',
    type: 'HEADER',
    read: C,
    since: '7.4.0',
    description: 'Request Content-Length: protected since 7.4, read-only (unset req.body instead).',
  },
  {
    name: 'req.http.transfer-encoding',
    type: 'HEADER',
    read: C,
    since: '7.4.0',
    description: 'Request Transfer-Encoding: protected since 7.4, read-only.',
  },
  {
    name: 'req.is_hitmiss',
    type: 'BOOL',
    read: C,
    since: '6.0.3',
    changes: { '8.0': { read: 'vcl_miss, vcl_deliver, vcl_pass, vcl_synth' } },
    description: 'True when the lookup hit a hit-for-miss object (an uncacheable response marked for uncacheable_ttl / 120 s).',
  },
  {
    name: 'req.is_hitpass',
    type: 'BOOL',
    read: C,
    since: '6.0.3',
    changes: { '8.0': { read: 'vcl_pass, vcl_deliver, vcl_synth' } },
    description: 'True when the lookup hit a hit-for-pass object (made by return (pass(DURATION)) in vcl_backend_response).',
  },
  {
    name: 'req.method',
    type: 'STRING',
    read: C,
    write: C,
    description: 'Request method; the built-in VCL only caches GET and HEAD, and a miss is fetched with GET.',
  },
  {
    name: 'req.proto',
    type: 'STRING',
    read: C,
    write: C,
    syntax: '4.0',
    description: 'HTTP version of the client request (writable in VCL 4.0).',
  },
  { name: 'req.proto', type: 'STRING', read: C, syntax: '4.1', description: 'HTTP version of the client request, e.g. HTTP/1.1 or HTTP/2.0.' },
  { name: 'req.restarts', type: 'INT', read: C, description: 'How many times the request was restarted (limit: max_restarts).' },
  { name: 'req.storage', type: 'STEVEDORE', read: C, write: C, description: 'Storage backend used to buffer the request body (std.cache_req_body).' },
  { name: 'req.time', type: 'TIME', read: C, since: '7.1.0', description: 'When the request was fully received; constant across restarts.' },
  {
    name: 'req.filters',
    type: 'STRING',
    read: 'vcl_recv',
    write: 'vcl_recv',
    since: '7.7.0',
    description: 'Fetch processors (VFP) the request body is pulled through, e.g. before std.cache_req_body().',
  },
  {
    name: 'req.trace',
    type: 'BOOL',
    read: C,
    write: C,
    since: '7.4.0',
    description: 'Whether VCL_trace log records are emitted for this request (default: the `feature +trace` flag).',
  },
  { name: 'req.transport', type: 'STRING', read: C, since: '7.1.0', description: 'The protocol the request came in with: "HTTP/1" or "HTTP/2".' },
  {
    name: 'req.ttl',
    type: 'DURATION',
    read: C,
    write: C,
    changes: { '8.0': { unset: C } },
    description: 'Upper limit on object age for this lookup: objects older than req.ttl are not fresh hits (a lower effective TTL for this request).',
  },
  {
    name: 'req.url',
    type: 'STRING',
    read: C,
    write: C,
    description: 'Request URL with the query string; hashed by the built-in vcl_hash, so normalise it here (sort or strip tracking parameters).',
  },
  {
    name: 'req.xid',
    type: 'STRING',
    read: C,
    changes: { '8.0': { type: 'INT' } },
    description: 'Transaction id of the request (as in X-Varnish and the log). Unique per request: never hash it.',
  },

  // req_top
  { name: 'req_top.http.*', type: 'HEADER', read: C, description: 'Header of the top-level request of an ESI tree (same as req.http outside ESI).' },
  { name: 'req_top.method', type: 'STRING', read: C, description: 'Method of the top-level request of an ESI tree.' },
  { name: 'req_top.proto', type: 'STRING', read: C, description: 'HTTP version of the top-level request of an ESI tree.' },
  { name: 'req_top.time', type: 'TIME', read: C, since: '7.1.0', description: 'When the top-level request of an ESI tree was received.' },
  { name: 'req_top.url', type: 'STRING', read: C, description: 'URL of the top-level request of an ESI tree.' },

  // bereq
  { name: 'bereq', type: 'HTTP', read: B, description: 'The whole backend request, for VMOD functions.' },
  {
    name: 'bereq.backend',
    type: 'BACKEND',
    read: PB,
    write: PB,
    description: 'Backend or director this fetch goes to (from req.backend_hint).',
  },
  {
    name: 'bereq.between_bytes_timeout',
    type: 'DURATION',
    read: B,
    write: B,
    changes: UNSET_75(PB),
    description: 'Longest pause between body bytes from the backend before the fetch fails.',
  },
  {
    name: 'bereq.body',
    type: 'BODY',
    unset: 'vcl_backend_fetch',
    description: 'The request body sent to the backend; unset it to send none (the built-in VCL does for GET).',
  },
  {
    name: 'bereq.connect_timeout',
    type: 'DURATION',
    read: PB,
    write: PB,
    changes: UNSET_75(PB),
    description: 'How long to wait for the backend connection.',
  },
  {
    name: 'bereq.filters',
    type: 'STRING',
    read: 'vcl_backend_fetch',
    write: 'vcl_backend_fetch',
    since: '7.7.0',
    description: 'Delivery processors (VDP) the request body is pushed through when sent to the backend.',
  },
  {
    name: 'bereq.first_byte_timeout',
    type: 'DURATION',
    read: B,
    write: B,
    changes: UNSET_75(PB),
    description: 'How long to wait for the first byte of the backend response.',
  },
  { name: 'bereq.hash', type: 'BLOB', read: PB, description: 'The cache key of the request that caused this fetch (copy of req.hash).' },
  { name: 'bereq.http.*', type: 'HEADER', read: PB, write: PB, unset: PB, description: 'A header sent to the backend.' },
  {
    name: 'bereq.http.content-length',
    type: 'HEADER',
    read: B,
    since: '7.4.0',
    description: 'Backend request Content-Length: protected since 7.4, read-only (unset bereq.body instead).',
  },
  {
    name: 'bereq.http.transfer-encoding',
    type: 'HEADER',
    read: B,
    since: '7.4.0',
    description: 'Backend request Transfer-Encoding: protected since 7.4, read-only.',
  },
  {
    name: 'bereq.is_bgfetch',
    type: 'BOOL',
    read: B,
    description: 'True for a background fetch that refreshes an object a client got in grace.',
  },
  { name: 'bereq.is_hitmiss', type: 'BOOL', read: B, since: '6.6.0', description: 'True when this fetch was caused by a hit on a hit-for-miss object.' },
  { name: 'bereq.is_hitpass', type: 'BOOL', read: B, since: '6.6.0', description: 'True when this fetch was caused by a hit on a hit-for-pass object.' },
  {
    name: 'bereq.method',
    type: 'STRING',
    read: PB,
    write: PB,
    description: 'Backend request method; GET for every cache miss (restore req.method here to cache other methods).',
  },
  { name: 'bereq.proto', type: 'STRING', read: PB, write: PB, syntax: '4.0', description: 'HTTP version of the backend request (writable in VCL 4.0).' },
  { name: 'bereq.proto', type: 'STRING', read: PB, syntax: '4.1', description: 'HTTP version of the backend request.' },
  { name: 'bereq.retries', type: 'INT', read: B, description: 'How many times this fetch was retried (limit: max_retries).' },
  {
    name: 'bereq.task_deadline',
    type: 'DURATION',
    read: 'vcl_pipe',
    write: 'vcl_pipe',
    unset: 'vcl_pipe',
    since: '7.5.0',
    description: 'Maximum duration of a pipe session (default: pipe_task_deadline).',
  },
  { name: 'bereq.time', type: 'TIME', read: PB, since: '7.1.0', description: 'When the first backend request was prepared; constant across retries.' },
  {
    name: 'bereq.trace',
    type: 'BOOL',
    read: B,
    write: B,
    since: '7.4.0',
    description: 'Whether VCL_trace log records are emitted for this fetch (inherited from req.trace).',
  },
  {
    name: 'bereq.uncacheable',
    type: 'BOOL',
    read: B,
    description: 'True for pass and hit-for-pass fetches: the response will not be cached whatever vcl_backend_response does.',
  },
  { name: 'bereq.url', type: 'STRING', read: PB, write: PB, description: 'URL sent to the backend (from req.url).' },
  {
    name: 'bereq.xid',
    type: 'STRING',
    read: PB,
    changes: { '6.0': { read: B }, '8.0': { type: 'INT' } },
    description: 'Transaction id of the backend request.',
  },

  // beresp
  {
    name: 'beresp',
    type: 'HTTP',
    read: BR,
    changes: { '8.0': { read: `${BR}, vcl_backend_refresh` } },
    evidence: { '8.0': 'derived' },
    description: 'The whole backend response, for VMOD functions.',
  },
  { name: 'beresp.age', type: 'DURATION', read: BR, description: 'Age of the response (from its Age header); it is subtracted from the TTL the response gets.' },
  { name: 'beresp.backend', type: 'BACKEND', read: BR, description: 'The backend the response came from (the one a director picked).' },
  { name: 'beresp.backend.ip', type: 'IP', read: 'vcl_backend_response', syntax: '4.0', description: 'IP of the backend the response came from (VCL 4.0 only).' },
  { name: 'beresp.backend.name', type: 'STRING', read: BR, description: 'Name of the backend the response came from.' },
  {
    name: 'beresp.body',
    type: 'BODY',
    write: 'vcl_backend_error',
    description: 'Body of the synthetic backend error response; it is cached when beresp.ttl > 0s.',
  },
  { name: 'beresp.do_esi', type: 'BOOL', read: BR, write: BR, description: 'Parse the body for ESI tags before storing it (needed for ESI on delivery).' },
  { name: 'beresp.do_gunzip', type: 'BOOL', read: BR, write: BR, description: 'Store the object uncompressed.' },
  { name: 'beresp.do_gzip', type: 'BOOL', read: BR, write: BR, description: 'Compress the object with gzip before storing it.' },
  {
    name: 'beresp.do_stream',
    type: 'BOOL',
    read: BR,
    write: BR,
    description: 'Stream the body to waiting clients while it is fetched (default true).',
  },
  {
    name: 'beresp.filters',
    type: 'STRING',
    read: 'vcl_backend_response',
    write: 'vcl_backend_response',
    since: '6.1.0',
    description: 'Fetch processors (VFP) the body is pulled through before storage (gzip, gunzip, esi, …).',
  },
  {
    name: 'beresp.grace',
    type: 'DURATION',
    read: BR,
    write: BR,
    description: 'How long past its TTL the object may still be served stale while a background fetch refreshes it (default: stale-while-revalidate or default_grace).',
  },
  {
    name: 'beresp.http.*',
    type: 'HEADER',
    read: BR,
    write: BR,
    unset: BR,
    changes: {
      '8.0': { read: `${BR}, vcl_backend_refresh`, write: `${BR}, vcl_backend_refresh`, unset: `${BR}, vcl_backend_refresh` },
    },
    evidence: { '8.0': 'derived' },
    description: 'A backend response header. Set-Cookie, Cache-Control (private, no-cache, no-store), Surrogate-Control and Vary: * make the built-in VCL mark the object hit-for-miss.',
  },
  {
    name: 'beresp.http.content-length',
    type: 'HEADER',
    read: BR,
    since: '7.4.0',
    description: 'Backend response Content-Length: protected since 7.4, read-only.',
  },
  {
    name: 'beresp.http.transfer-encoding',
    type: 'HEADER',
    read: BR,
    since: '7.4.0',
    description: 'Backend response Transfer-Encoding: protected since 7.4, read-only.',
  },
  {
    name: 'beresp.keep',
    type: 'DURATION',
    read: BR,
    write: BR,
    description: 'Extra lifetime after TTL and grace during which the object is only kept for conditional (If-Modified-Since / If-None-Match) revalidation.',
  },
  { name: 'beresp.proto', type: 'STRING', read: BR, write: BR, syntax: '4.0', description: 'HTTP version of the backend response (writable in VCL 4.0).' },
  { name: 'beresp.proto', type: 'STRING', read: BR, syntax: '4.1', description: 'HTTP version of the backend response.' },
  { name: 'beresp.reason', type: 'STRING', read: BR, write: BR, description: 'Reason phrase of the backend response.' },
  {
    name: 'beresp.status',
    type: 'INT',
    read: BR,
    write: BR,
    description: 'Backend status. The core gives a TTL only to 200, 203, 204, 300, 301, 304, 404, 410, 414 (302/307 with explicit freshness); other statuses start with ttl −1.',
  },
  { name: 'beresp.storage', type: 'STEVEDORE', read: BR, write: BR, description: 'Storage backend the object is stored in (default: round-robin, or Transient for short-lived objects).' },
  {
    name: 'beresp.storage_hint',
    type: 'STRING',
    read: BR,
    write: BR,
    syntax: '4.0',
    description: 'Name of the storage to use (VCL 4.0 only, deprecated since 5.1; use beresp.storage).',
  },
  { name: 'beresp.time', type: 'TIME', read: BR, since: '7.1.0', description: 'When the backend response headers were received.' },
  {
    name: 'beresp.transit_buffer',
    type: 'BYTES',
    read: 'vcl_backend_response',
    write: 'vcl_backend_response',
    since: '7.3.0',
    description: 'How far the client may lag behind an uncacheable streaming fetch (default: transit_buffer); limits storage used by passes.',
  },
  {
    name: 'beresp.ttl',
    type: 'DURATION',
    read: BR,
    write: BR,
    description: 'How long the object stays fresh in the cache (default: s-maxage / max-age / Expires, else default_ttl). ≤ 0s makes the built-in VCL mark it hit-for-miss.',
  },
  {
    name: 'beresp.uncacheable',
    type: 'BOOL',
    read: BR,
    write: BR,
    description: 'Set to true to not cache the object; with a positive TTL it becomes a hit-for-miss marker. Setting it back to false is ignored.',
  },
  {
    name: 'beresp.was_304',
    type: 'BOOL',
    read: BR,
    description: 'True when a conditional fetch got 304 Not Modified and the stale object was revalidated.',
  },

  // obj
  { name: 'obj.age', type: 'DURATION', read: HD, description: 'Age of the cached object.' },
  { name: 'obj.can_esi', type: 'BOOL', read: HD, since: '6.5.0', description: 'True when the object was ESI-parsed at fetch, so ESI can be applied on delivery.' },
  { name: 'obj.grace', type: 'DURATION', read: HD, description: 'Grace period of the cached object.' },
  { name: 'obj.hits', type: 'INT', read: HD, description: 'How many times the object was hit; 0 in vcl_deliver means this request was a miss.' },
  { name: 'obj.http.*', type: 'HEADER', read: 'vcl_hit', description: 'A header stored with the cached object (read-only: cached objects cannot be modified).' },
  { name: 'obj.keep', type: 'DURATION', read: HD, description: 'Keep period of the cached object.' },
  { name: 'obj.proto', type: 'STRING', read: 'vcl_hit', description: 'HTTP version stored with the object.' },
  { name: 'obj.reason', type: 'STRING', read: 'vcl_hit', description: 'Reason phrase stored with the object.' },
  { name: 'obj.status', type: 'INT', read: 'vcl_hit', description: 'Status stored with the object.' },
  { name: 'obj.storage', type: 'STEVEDORE', read: HD, description: 'Storage backend holding the object.' },
  { name: 'obj.time', type: 'TIME', read: HD, since: '7.1.0', description: 'When the object was created by the origin (about now − obj.age).' },
  {
    name: 'obj.ttl',
    type: 'DURATION',
    read: HD,
    description: 'Remaining time to live of the cached object (negative when it is stale, in grace or keep). Read-only since 4.0.',
  },
  {
    name: 'obj.uncacheable',
    type: 'BOOL',
    read: 'vcl_deliver',
    description: 'True when the delivered object is not cached (pass, hit-for-pass or hit-for-miss).',
  },

  // obj_stale (8.0)
  {
    name: 'obj_stale.http.*',
    type: 'HEADER',
    read: 'vcl_backend_refresh',
    since: '8.0.0',
    evidence: { '8.0': 'derived' },
    description: 'A header of the stale object being revalidated by a 304.',
  },
  {
    name: 'obj_stale.is_valid',
    type: 'BOOL',
    read: 'vcl_backend_refresh',
    since: '8.0.0',
    evidence: { '8.0': 'derived' },
    description: 'False when the stale object was banned or purged while the revalidation was in flight.',
  },
  {
    name: 'obj_stale.status',
    type: 'INT',
    read: 'vcl_backend_refresh',
    since: '8.0.0',
    evidence: { '8.0': 'derived' },
    description: 'Status of the stale object being revalidated (the built-in VCL only revalidates 200).',
  },

  // resp
  { name: 'resp', type: 'HTTP', read: DS, description: 'The whole response to the client, for VMOD functions.' },
  { name: 'resp.body', type: 'BODY', write: 'vcl_synth', description: 'Body of the synthetic response built in vcl_synth.' },
  {
    name: 'resp.do_esi',
    type: 'BOOL',
    read: DS,
    write: DS,
    syntax: '4.1',
    description: 'Set to false to deliver an ESI-parsed object without processing its ESI tags (default obj.can_esi).',
  },
  {
    name: 'resp.filters',
    type: 'STRING',
    read: DS,
    write: DS,
    since: '6.2.0',
    evidence: { '6.0': 'derived' },
    note: 'The release that added resp.filters is inferred (after 6.1, before 6.5).',
    description: 'Delivery processors (VDP) the body is pushed through (esi, gunzip, range, …).',
  },
  {
    name: 'resp.http.*',
    type: 'HEADER',
    read: DS,
    write: DS,
    unset: DS,
    description: 'A response header sent to the client; changing it does not change the cached object.',
  },
  { name: 'resp.http.content-length', type: 'HEADER', read: DS, since: '7.4.0', description: 'Response Content-Length: protected since 7.4, read-only.' },
  { name: 'resp.http.transfer-encoding', type: 'HEADER', read: DS, since: '7.4.0', description: 'Response Transfer-Encoding: protected since 7.4, read-only.' },
  { name: 'resp.is_streaming', type: 'BOOL', read: DS, description: 'True when the response is delivered while the backend fetch is still running.' },
  { name: 'resp.proto', type: 'STRING', read: DS, write: DS, syntax: '4.0', description: 'HTTP version of the response (writable in VCL 4.0).' },
  {
    name: 'resp.proto',
    type: 'STRING',
    read: DS,
    syntax: '4.1',
    changes: { '6.0': { write: DS } },
    description: 'HTTP version of the response (read-only in VCL 4.1 since 6.6).',
  },
  { name: 'resp.reason', type: 'STRING', read: DS, write: DS, description: 'Reason phrase sent to the client.' },
  {
    name: 'resp.status',
    type: 'INT',
    read: DS,
    write: DS,
    description: 'Status sent to the client; a 200 becomes 304 after vcl_deliver when the client revalidated successfully.',
  },
  { name: 'resp.time', type: 'TIME', read: DS, since: '7.1.0', description: 'When the response started to be prepared.' },

  // special
  {
    name: 'now',
    type: 'TIME',
    read: 'all',
    description: 'The current time (constant within one subroutine). As a string it has 1 s resolution: hashing it makes a new cache key every second.',
  },

  // param (8.0)
  {
    name: 'param.uncacheable_ttl',
    type: 'DURATION',
    read: 'all',
    since: '8.0.0',
    evidence: { '8.0': 'derived' },
    note: 'Documented as a VCL variable in changes-8.0.rst; the readable scope is inferred.',
    description: 'The uncacheable_ttl parameter (2 min by default): the TTL the built-in VCL gives hit-for-miss objects.',
  },
  {
    name: 'param.<name>',
    type: 'PARAM',
    read: 'all',
    since: '8.0.0',
    evidence: { '8.0': 'derived' },
    note: 'Varnish 8.0 exposes "some runtime parameters" as param.<name>; which ones is not listed here.',
    description: 'A varnishd runtime parameter, read-only.',
  },

  // sess
  {
    name: 'sess.idle_send_timeout',
    type: 'DURATION',
    read: C,
    write: C,
    since: '6.4.0',
    changes: UNSET_75(C),
    description: 'Send timeout for each piece of a response on this connection (default: idle_send_timeout).',
  },
  {
    name: 'sess.send_timeout',
    type: 'DURATION',
    read: C,
    write: C,
    since: '6.4.0',
    changes: UNSET_75(C),
    description: 'Total send timeout for HTTP/1 responses on this connection (default: send_timeout).',
  },
  {
    name: 'sess.timeout_idle',
    type: 'DURATION',
    read: C,
    write: C,
    since: '6.0.5',
    changes: UNSET_75(C),
    description: 'Idle timeout of this client connection (default: timeout_idle).',
  },
  {
    name: 'sess.timeout_linger',
    type: 'DURATION',
    read: C,
    write: C,
    since: '6.4.0',
    changes: UNSET_75(C),
    description: 'Linger timeout of this client connection (default: timeout_linger).',
  },
  {
    name: 'sess.xid',
    type: 'STRING',
    read: CB,
    syntax: '4.1',
    changes: { '8.0': { type: 'INT' } },
    description: 'Id of the client session (connection), shared by its requests.',
  },

  // storage
  {
    name: 'storage.<name>.free_space',
    type: 'BYTES',
    read: 'all',
    note: 'vcl-var(7) says "client, backend"; varnishd 7.1.1 also accepts it in vcl_init and vcl_fini.',
    description: 'Free space in the named storage (malloc only).',
  },
  {
    name: 'storage.<name>.happy',
    type: 'BOOL',
    read: 'all',
    note: 'vcl-var(7) says "client, backend"; varnishd 7.1.1 also accepts it in vcl_init and vcl_fini.',
    description: 'Health of the named storage (no bundled storage implements it).',
  },
  {
    name: 'storage.<name>.used_space',
    type: 'BYTES',
    read: 'all',
    note: 'vcl-var(7) says "client, backend"; varnishd 7.1.1 also accepts it in vcl_init and vcl_fini.',
    description: 'Used space in the named storage (malloc only).',
  },
];

/** A variable as it is in one version: scopes expanded to concrete built-in methods. */
export interface VariableInfo {
  /** The documented name; for a family (`req.http.*`, `storage.<name>.x`, `param.<name>`) the pattern. */
  readonly name: string;
  readonly family: boolean;
  readonly type: VclType;
  readonly syntax?: VclSyntax;
  readonly readable: readonly BuiltinMethod[];
  readonly writable: readonly BuiltinMethod[];
  readonly unsettable: readonly BuiltinMethod[];
  readonly since?: string;
  readonly removed?: string;
  readonly description: string;
  readonly evidence: Evidence;
  readonly note?: string;
}

const DEFAULT_EVIDENCE: Readonly<Record<VarnishVersion, Evidence>> = { '6.0': 'derived', '7.1': 'probed', '8.0': 'doc' };

function resolve(spec: VariableSpec, v: VarnishVersion): VariableInfo {
  const ch = spec.changes?.[v] ?? {};
  const readable = expandScope(ch.read ?? spec.read, v);
  const writable = expandScope(ch.write ?? spec.write, v);
  const unsettable = expandScope(ch.unset ?? spec.unset, v);
  let evidence = spec.evidence?.[v] ?? DEFAULT_EVIDENCE[v];
  // `backend` now includes vcl_backend_refresh: that part is inferred from the scope definition.
  if (v === '8.0' && evidence === 'doc' && [readable, writable, unsettable].some((l) => l.includes('vcl_backend_refresh')))
    evidence = 'derived';
  return {
    name: spec.name,
    family: /\*|<name>/.test(spec.name),
    type: ch.type ?? spec.type,
    syntax: spec.syntax,
    readable,
    writable,
    unsettable,
    since: spec.since,
    removed: spec.removed,
    description: spec.description,
    evidence,
    note: spec.note,
  };
}

/** The variables of a version; with `syntax`, only those that exist in files of that VCL syntax. */
export function variablesFor(version: VarnishVersion, syntax?: VclSyntax): VariableInfo[] {
  return [...table(version, syntax).list];
}

interface VariableTable {
  list: readonly VariableInfo[];
  /** Exact (non-family) names. */
  exact: ReadonlyMap<string, VariableInfo>;
  byName: ReadonlyMap<string, VariableInfo>;
}

/** The resolved variables of a version and syntax, built once (the tables are constant). */
const TABLES = new Map<string, VariableTable>();
function table(version: VarnishVersion, syntax?: VclSyntax): VariableTable {
  const key = `${version}/${syntax ?? ''}`;
  let t = TABLES.get(key);
  if (!t) {
    const list = VARIABLES.filter((s) => existsIn(version, s.since, s.removed) && (!syntax || !s.syntax || s.syntax === syntax)).map((s) => resolve(s, version));
    const exact = new Map<string, VariableInfo>();
    const byName = new Map<string, VariableInfo>();
    for (const v of list) {
      if (!v.family && !exact.has(v.name)) exact.set(v.name, v);
      if (!byName.has(v.name)) byName.set(v.name, v);
    }
    t = { list, exact, byName };
    TABLES.set(key, t);
  }
  return t;
}

const FAMILY = /^(req|req_top|bereq|beresp|obj|obj_stale|resp)\.http\.(.+)$/;

/**
 * The entry a name in VCL refers to in a version and syntax: exact names first (including the protected
 * `*.http.content-length` / `transfer-encoding` of 7.4+), then the families — `req.http.<header>` (also quoted,
 * `req.http."x.y"`; header names are case-insensitive), `storage.<id>.<property>`, `param.<id>`.
 * Undefined when the name is not a variable there.
 */
export function lookupVariable(name: string, version: VarnishVersion, syntax: VclSyntax = '4.1'): VariableInfo | undefined {
  const t = table(version, syntax);
  const exact = t.exact.get(name);
  if (exact) return exact;
  const m = FAMILY.exec(name);
  if (m) {
    const header = m[2].replace(/^"(.*)"$/, '$1').toLowerCase();
    return t.byName.get(`${m[1]}.http.${header}`) ?? t.byName.get(`${m[1]}.http.*`);
  }
  const st = /^storage\.[A-Za-z_][\w-]*\.(\w+)$/.exec(name);
  if (st) return t.byName.get(`storage.<name>.${st[1]}`);
  if (/^param\.\w+$/.test(name)) return t.byName.get('param.<name>');
  return undefined;
}

/** Versions (of the supported ones) in which a name is a variable — for "available since 7.x" hints. */
export function variableVersions(name: string, syntax: VclSyntax = '4.1'): VarnishVersion[] {
  return (['6.0', '7.1', '8.0'] as VarnishVersion[]).filter((v) => lookupVariable(name, v, syntax));
}

function setFor(info: VariableInfo, access: Access): readonly BuiltinMethod[] {
  return access === 'read' ? info.readable : access === 'write' ? info.writable : info.unsettable;
}

/**
 * Whether `access` to variable `name` is allowed in built-in subroutine `sub` (a method or a helper such as
 * vcl_beresp_cookie). Undefined when the name is no variable of that version or `sub` is not built in.
 */
export function canAccess(
  name: string,
  access: Access,
  sub: string,
  version: VarnishVersion,
  syntax: VclSyntax = '4.1',
): boolean | undefined {
  const info = lookupVariable(name, version, syntax);
  const method = subroutineContext(sub, version);
  if (!info || !method) return undefined;
  return setFor(info, access).includes(method);
}

/**
 * The message varnishd gives for a disallowed access (as varnishd 7.1.1 words it), or undefined when the access
 * is allowed or the name / subroutine is unknown:
 * - read: `Not available in subroutine 'vcl_recv'.`
 * - set: `Cannot be set in subroutine …` (writable elsewhere); writable nowhere: `Variable is read only.`
 *   (readable here), `Not available in subroutine …` (readable elsewhere), `Variable cannot be set.` (bereq.body);
 * - unset: `Variable cannot be unset.` (unsettable nowhere) or `Cannot be unset in subroutine …`.
 * For helpers varnishd says "from subroutine '<method>'" and adds `...in subroutine "<helper>"`.
 * varnishd 7.1.1 answers `set` / `unset` of a `storage.<name>.*` property with `Symbol not found: '<name>'`.
 */
export function accessError(
  name: string,
  access: Access,
  sub: string,
  version: VarnishVersion,
  syntax: VclSyntax = '4.1',
): string | undefined {
  const info = lookupVariable(name, version, syntax);
  const method = subroutineContext(sub, version);
  if (!info || !method || setFor(info, access).includes(method)) return undefined;
  if (access !== 'read' && info.name.startsWith('storage.<name>.')) return `Symbol not found: '${name}'`;
  const where = method === sub ? `in subroutine '${method}'` : `from subroutine '${method}'`;
  if (access === 'read') return `Not available ${where}.`;
  if (access === 'write') {
    if (info.writable.length) return `Cannot be set ${where}.`;
    if (!info.readable.length) return 'Variable cannot be set.';
    return info.readable.includes(method) ? 'Variable is read only.' : `Not available ${where}.`;
  }
  return info.unsettable.length ? `Cannot be unset ${where}.` : 'Variable cannot be unset.';
}

// ---------------------------------------------------------------------------------------------------------------
// Removed syntax

export type RemovedKind = 'variable' | 'subroutine' | 'statement' | 'return' | 'function';

export interface RemovedSyntax {
  readonly id: string;
  readonly kind: RemovedKind;
  /** The old form: a variable or subroutine name, a statement keyword, `return (x)`, a function name. */
  readonly old: string;
  /** For `return` entries: the subroutines where the old action was used. */
  readonly inSubs?: readonly string[];
  /** What to write instead (VCL). */
  readonly replacement: string;
  /** True when the replacement has the opposite meaning (`beresp.cacheable = false` → `beresp.uncacheable = true`). */
  readonly inverted?: boolean;
  /** Release that removed (or, with `deprecated`, deprecated) it. */
  readonly removedIn: string;
  /** Still compiles, only deprecated. */
  readonly deprecated?: boolean;
  /** Only the `vcl 4.1` syntax rejects it (still valid under `vcl 4.0;`). */
  readonly syntax?: VclSyntax;
  /**
   * A before/after pair: whole `sub …` blocks, or statements that go into subroutine `in` (default vcl_recv).
   * varnishd.test.ts compiles both with 7.1.1 when the entry is rejected there.
   */
  readonly example?: { readonly before: string; readonly after: string; readonly in?: string };
  /** Explanation for the diagnostic / hover. */
  readonly note: string;
  /** How it was established: the varnishd 7.1.1 message seen, or the release note. */
  readonly evidence: string;
}

/**
 * Varnish 2.x/3.x VCL (and later removals) with the 4.x+ replacement. `removedIn` is compared with the target
 * version: `rejectedIn(entry)` lists the supported versions whose compiler refuses the old form.
 */
export const REMOVED_SYNTAX: readonly RemovedSyntax[] = [
  {
    id: 'vcl_fetch',
    kind: 'subroutine',
    old: 'vcl_fetch',
    replacement: 'vcl_backend_response',
    removedIn: '4.0.0',
    example: { before: 'sub vcl_fetch {\n  set beresp.ttl = 1h;\n}', after: 'sub vcl_backend_response {\n  set beresp.ttl = 1h;\n}' },
    note: 'vcl_fetch became vcl_backend_response in 4.0 and runs in the backend task: use bereq.* instead of req.*, and return (deliver | retry | abandon | pass(DURATION)).',
    evidence: "varnishd 7.1.1: The names 'vcl_*' are reserved for subroutines. (research e13)",
  },
  {
    id: 'vcl_error',
    kind: 'subroutine',
    old: 'vcl_error',
    replacement: 'vcl_synth (client side) / vcl_backend_error (backend side)',
    removedIn: '4.0.0',
    note: 'vcl_error was split: `error` on the client side became return (synth(...)) handled in vcl_synth with resp.*, and fetch failures go to vcl_backend_error with beresp.*.',
    evidence: "varnishd 7.1.1: The names 'vcl_*' are reserved for subroutines.",
  },
  {
    id: 'req.request',
    kind: 'variable',
    old: 'req.request',
    replacement: 'req.method',
    removedIn: '4.0.0',
    example: { before: 'if (req.request == "PURGE") { return (synth(405)); }', after: 'if (req.method == "PURGE") { return (synth(405)); }' },
    note: 'Renamed in 4.0.',
    evidence: "varnishd 7.1.1: Symbol not found: 'req.request' (probe)",
  },
  {
    id: 'bereq.request',
    kind: 'variable',
    old: 'bereq.request',
    replacement: 'bereq.method',
    removedIn: '4.0.0',
    note: 'Renamed in 4.0.',
    evidence: 'varnishd 7.1.1: Symbol not found (probe)',
  },
  {
    id: 'beresp.cacheable',
    kind: 'variable',
    old: 'beresp.cacheable',
    replacement: 'beresp.uncacheable',
    inverted: true,
    removedIn: '3.0.0',
    example: { before: 'set beresp.cacheable = false;', after: 'set beresp.uncacheable = true;', in: 'vcl_backend_response' },
    note: 'Removed between 2.1.5 and 3.0 beta 1. The replacement is inverted: cacheable = false means uncacheable = true, and uncacheable cannot be set back to false; to cache, leave it alone and set a positive beresp.ttl.',
    evidence: 'varnishd 7.1.1: Symbol not found (research e07, probe); doc/changes.rst',
  },
  {
    id: 'obj.cacheable',
    kind: 'variable',
    old: 'obj.cacheable',
    replacement: 'obj.uncacheable (vcl_deliver)',
    inverted: true,
    removedIn: '3.0.0',
    note: 'Varnish 2 name; obj.uncacheable (readable in vcl_deliver) has the opposite meaning.',
    evidence: 'varnishd 7.1.1: Unknown property (probe)',
  },
  {
    id: 'req.backend',
    kind: 'variable',
    old: 'req.backend',
    replacement: 'req.backend_hint (client side) / bereq.backend (backend side)',
    removedIn: '4.0.0',
    example: { before: 'set req.backend = default;', after: 'set req.backend_hint = default;' },
    note: 'In 4.0 the fetch moved to the backend task: the client side only hints the backend.',
    evidence: 'varnishd 7.1.1: Symbol not found (research e21, probe)',
  },
  {
    id: 'beresp.response',
    kind: 'variable',
    old: 'beresp.response',
    replacement: 'beresp.reason',
    removedIn: '4.0.0',
    note: 'Renamed in 4.0.',
    evidence: 'varnishd 7.1.1: Symbol not found (probe)',
  },
  {
    id: 'obj.response',
    kind: 'variable',
    old: 'obj.response',
    replacement: 'resp.reason (vcl_synth) / beresp.reason (vcl_backend_error)',
    removedIn: '4.0.0',
    note: 'Varnish 3 set obj.response in vcl_error; 4.0 builds synthetic responses in vcl_synth / vcl_backend_error.',
    evidence: 'varnishd 7.1.1: Unknown property (probe)',
  },
  {
    id: 'resp.response',
    kind: 'variable',
    old: 'resp.response',
    replacement: 'resp.reason',
    removedIn: '4.0.0',
    note: 'Renamed in 4.0.',
    evidence: 'varnishd 7.1.1: Symbol not found (probe)',
  },
  {
    id: 'obj.lastuse',
    kind: 'variable',
    old: 'obj.lastuse',
    replacement: 'no replacement (obj.age / obj.hits)',
    removedIn: '4.0.0',
    note: 'Removed in 4.0; 8.0 has a ban-expression variable obj.last_hit, not a VCL variable.',
    evidence: 'varnishd 7.1.1: Unknown property (probe)',
  },
  {
    id: 'beresp.saintmode',
    kind: 'variable',
    old: 'beresp.saintmode',
    replacement: 'the saintmode director of varnish-modules (vmod_saintmode)',
    removedIn: '4.0.0',
    note: 'Saint mode moved out of core in 4.0.',
    evidence: 'varnishd 7.1.1: Symbol not found (probe)',
  },
  {
    id: 'server.port',
    kind: 'variable',
    old: 'server.port',
    replacement: 'std.port(server.ip)',
    removedIn: '4.0.0',
    note: 'Ports are part of the IP values since 4.0.',
    evidence: 'varnishd 7.1.1: Symbol not found (probe)',
  },
  {
    id: 'client.port',
    kind: 'variable',
    old: 'client.port',
    replacement: 'std.port(client.ip)',
    removedIn: '4.0.0',
    note: 'Ports are part of the IP values since 4.0.',
    evidence: 'varnishd 7.1.1: Symbol not found (probe)',
  },
  {
    id: 'obj.write',
    kind: 'variable',
    old: 'set obj.* (obj.ttl, obj.grace, obj.http.*, obj.status …) in vcl_hit / vcl_error',
    replacement: 'beresp.* in vcl_backend_response (TTL, grace, headers of the stored object); resp.* in vcl_deliver / vcl_synth; ban() or return (purge) to invalidate',
    removedIn: '4.0.0',
    example: { before: 'sub vcl_hit {\n  set obj.ttl = 0s;\n}', after: 'sub vcl_recv {\n  if (req.method == "PURGE") { return (purge); }\n}' },
    note: 'Cached objects are read-only since 4.0: decide lifetime when the object is created, change the response copy on delivery, and invalidate with purge or ban.',
    evidence: 'varnishd 7.1.1: Variable is read only. (probe: obj.* writable nowhere)',
  },
  {
    id: 'beresp.storage_hint',
    kind: 'variable',
    old: 'beresp.storage_hint',
    replacement: 'beresp.storage (e.g. set beresp.storage = storage.s0;)',
    removedIn: '6.0.0',
    syntax: '4.1',
    note: 'Deprecated since 5.1 and gone in VCL 4.1 (still accepted under vcl 4.0).',
    evidence: 'vcl-var(7) 7.1.1: beresp.storage_hint VCL <= 4.0',
  },
  {
    id: 'beresp.backend.ip',
    kind: 'variable',
    old: 'beresp.backend.ip',
    replacement: 'no replacement in VCL 4.1 (beresp.backend.name / beresp.backend)',
    removedIn: '6.0.0',
    syntax: '4.1',
    note: 'Retired as of VCL 4.1 (still accepted under vcl 4.0).',
    evidence: 'doc/changes.rst 6.0.0; vcl-var(7) 7.1.1: VCL <= 4.0',
  },
  {
    id: 'req.esi',
    kind: 'variable',
    old: 'req.esi',
    replacement: 'resp.do_esi',
    removedIn: '6.0.0',
    syntax: '4.1',
    note: 'Replaced by resp.do_esi in VCL 4.1 (still accepted under vcl 4.0).',
    evidence: 'vcl-var(7) 7.1.1: req.esi VCL <= 4.0',
  },
  {
    id: 'remove',
    kind: 'statement',
    old: 'remove',
    replacement: 'unset',
    removedIn: '4.0.0',
    example: { before: 'remove req.http.Cookie;', after: 'unset req.http.Cookie;' },
    note: '`remove` was an alias of `unset` until 3.0.',
    evidence: "varnishd 7.1.1: Symbol not found: 'remove' (research e16)",
  },
  {
    id: 'esi',
    kind: 'statement',
    old: 'esi',
    replacement: 'set beresp.do_esi = true;',
    removedIn: '3.0.0',
    example: { before: 'esi;', after: 'set beresp.do_esi = true;', in: 'vcl_backend_response' },
    note: 'The Varnish 2 `esi;` statement in vcl_fetch became the beresp.do_esi flag.',
    evidence: 'Varnish 3.0 release notes; not a statement in 4.x+',
  },
  {
    id: 'error',
    kind: 'statement',
    old: 'error',
    replacement: 'return (synth(status, "reason")); — on the backend side return (error(status, "reason"));',
    removedIn: '4.0.0',
    example: { before: 'error 404 "Not found";', after: 'return (synth(404, "Not found"));' },
    note: 'The `error` statement jumped to vcl_error; 4.0 returns synth() to vcl_synth (backend side: error() to vcl_backend_error, 6.0.6+).',
    evidence: 'Not a statement in 4.x+',
  },
  {
    id: 'purge-function',
    kind: 'function',
    old: 'purge',
    replacement: 'ban("…") / std.ban("…") for expressions; return (purge) in vcl_recv for one URL',
    removedIn: '3.0.0',
    example: { before: 'purge("req.url == " req.url);', after: 'ban("req.url == " + req.url);' },
    note: 'Varnish 2 purge(expr) / purge_url() created bans; 3.0 renamed them ban() / ban_url(), and 4.0 removed ban_url() and string juxtaposition (use +).',
    evidence: 'Varnish 3.0 and 4.0 upgrade notes',
  },
  {
    id: 'purge_url',
    kind: 'function',
    old: 'purge_url',
    replacement: 'ban("req.url ~ " + regex)',
    removedIn: '3.0.0',
    note: 'Varnish 2 function.',
    evidence: 'Varnish 3.0 upgrade notes',
  },
  {
    id: 'ban_url',
    kind: 'function',
    old: 'ban_url',
    replacement: 'ban("req.url ~ " + regex)',
    removedIn: '4.0.0',
    note: 'Varnish 3 function, removed in 4.0.',
    evidence: 'Varnish 4.0 upgrade notes',
  },
  {
    id: 'purge-statement',
    kind: 'statement',
    old: 'purge',
    inSubs: ['vcl_hit', 'vcl_miss'],
    replacement: 'return (purge); in vcl_recv (then vcl_purge)',
    removedIn: '4.0.0',
    example: { before: 'sub vcl_hit {\n  if (req.request == "PURGE") { purge; error 200 "Purged"; }\n}', after: 'sub vcl_recv {\n  if (req.method == "PURGE") { return (purge); }\n}' },
    note: 'Varnish 3 `purge;` in vcl_hit / vcl_miss; 4.0 purges from vcl_recv and answers in vcl_purge.',
    evidence: 'Varnish 4.0 upgrade notes',
  },
  {
    id: 'restart-statement',
    kind: 'statement',
    old: 'restart',
    replacement: 'return (restart);',
    removedIn: '4.0.0',
    note: 'Varnish 3 allowed a bare `restart;`.',
    evidence: 'Varnish 4.0 upgrade notes',
  },
  {
    id: 'synthetic-statement',
    kind: 'statement',
    old: 'synthetic {"…"}',
    replacement: 'synthetic("…"); or set resp.body / beresp.body',
    removedIn: '4.0.0',
    note: 'Varnish 3 `synthetic` took a long string without parentheses, in vcl_error.',
    evidence: 'Varnish 4.0 upgrade notes',
  },
  {
    id: 'return-lookup-recv',
    kind: 'return',
    old: 'lookup',
    inSubs: ['vcl_recv'],
    replacement: 'return (hash);',
    removedIn: '4.0.0',
    example: { before: 'return (lookup);', after: 'return (hash);' },
    note: 'In 4.0 vcl_recv returns hash; lookup is only returned from vcl_hash.',
    evidence: 'varnishd 7.1.1: Invalid return "lookup" (research e14, probe)',
  },
  {
    id: 'return-hit_for_pass',
    kind: 'return',
    old: 'hit_for_pass',
    inSubs: ['vcl_fetch', 'vcl_backend_response'],
    replacement: 'return (pass(120s)); (hit-for-pass) or set beresp.uncacheable = true; (hit-for-miss)',
    removedIn: '4.0.0',
    note: 'Varnish 3 hit_for_pass; 5.1+ has return (pass(DURATION)), and the built-in VCL uses hit-for-miss.',
    evidence: 'varnishd 7.1.1: Expected return action name.',
  },
  {
    id: 'return-restart-backend',
    kind: 'return',
    old: 'restart',
    inSubs: ['vcl_fetch', 'vcl_backend_response', 'vcl_backend_error', 'vcl_backend_fetch'],
    replacement: 'return (retry);',
    removedIn: '4.0.0',
    note: 'The backend task retries instead of restarting (bereq.retries, max_retries).',
    evidence: 'varnishd 7.1.1: Invalid return "restart" (research e25, probe)',
  },
  {
    id: 'return-error',
    kind: 'return',
    old: 'error',
    inSubs: ['vcl_recv', 'vcl_hash', 'vcl_hit', 'vcl_miss', 'vcl_pass', 'vcl_deliver', 'vcl_pipe', 'vcl_purge', 'vcl_synth'],
    replacement: 'return (synth(status, "reason"));',
    removedIn: '4.0.0',
    note: 'Client-side subroutines answer with synth(); `error` is a backend-side action (vcl_backend_fetch / vcl_backend_response).',
    evidence: 'varnishd 7.1.1: Invalid return "error" (probe)',
  },
  {
    id: 'return-fetch-hit',
    kind: 'return',
    old: 'fetch',
    inSubs: ['vcl_hit'],
    replacement: '6.0: return (miss); 6.2+: return (pass), or set req.hash_always_miss = true in vcl_recv',
    removedIn: '6.0.0',
    note: 'return (fetch) in vcl_hit was deprecated since 4.0 and removed in 6.0.',
    evidence: 'doc/changes.rst 6.0.0; varnishd 7.1.1: Invalid return "fetch" (probe)',
  },
  {
    id: 'return-miss-hit',
    kind: 'return',
    old: 'miss',
    inSubs: ['vcl_hit'],
    replacement: 'return (pass), or set req.hash_always_miss = true in vcl_recv to refetch',
    removedIn: '6.2.0',
    example: { before: 'return (miss);', after: 'return (pass);', in: 'vcl_hit' },
    note: 'Legal in 6.0/6.1 (the 6.0 built-in vcl_hit uses it); removed in 6.2 because it mostly turned into a pass.',
    evidence: 'varnishd 7.1.1: Expected return action name. (research e15); changes-6.2.rst',
  },
  {
    id: 'ban-function',
    kind: 'function',
    old: 'ban',
    replacement: 'std.ban("…") (reports errors through std.ban_error())',
    removedIn: '6.6.0',
    deprecated: true,
    note: 'The ban() built-in is deprecated since 6.6 but still compiles (7.1.1: accepted in every subroutine).',
    evidence: 'changes-6.6.rst; varnishd 7.1.1 probe',
  },
  {
    id: 'std.real2integer',
    kind: 'function',
    old: 'std.real2integer',
    replacement: 'std.integer(real=std.round(...), fallback=...)',
    removedIn: '8.0.0',
    note: 'Deprecated since 6.2, removed in 8.0.',
    evidence: 'changes-8.0.rst / upgrading-8.0.rst',
  },
  {
    id: 'std.real2time',
    kind: 'function',
    old: 'std.real2time',
    replacement: 'std.time(real=std.round(...), fallback=...)',
    removedIn: '8.0.0',
    note: 'Deprecated since 6.2, removed in 8.0.',
    evidence: 'changes-8.0.rst / upgrading-8.0.rst',
  },
  {
    id: 'std.time2integer',
    kind: 'function',
    old: 'std.time2integer',
    replacement: 'std.integer(time=..., fallback=...)',
    removedIn: '8.0.0',
    note: 'Deprecated since 6.2, removed in 8.0.',
    evidence: 'changes-8.0.rst / upgrading-8.0.rst',
  },
  {
    id: 'std.time2real',
    kind: 'function',
    old: 'std.time2real',
    replacement: 'std.real(time=..., fallback=...)',
    removedIn: '8.0.0',
    note: 'Deprecated since 6.2, removed in 8.0.',
    evidence: 'changes-8.0.rst / upgrading-8.0.rst',
  },
];

/** Supported versions whose compiler rejects the old form (empty for deprecations). */
export function rejectedIn(entry: RemovedSyntax): VarnishVersion[] {
  if (entry.deprecated) return [];
  return (['6.0', '7.1', '8.0'] as VarnishVersion[]).filter((v) => !existsIn(v, undefined, entry.removedIn));
}

/** The removed-syntax entries that apply to a version (rejected there, or deprecated by then). */
export function removedSyntaxFor(version: VarnishVersion): RemovedSyntax[] {
  return REMOVED_SYNTAX.filter((e) => (e.deprecated ? !existsIn(version, undefined, e.removedIn) : rejectedIn(e).includes(version)));
}
