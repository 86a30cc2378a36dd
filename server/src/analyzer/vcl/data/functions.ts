// Built-in VCL functions and the basics of the bundled vmod_std and vmod_directors: signatures, where they may
// be called, and whether the compiler or only the runtime enforces that.
//
// Sources: vcl(7) "Functions" and vmod_std(3) / vmod_directors(3) of the installed 7.1.1 (signatures verbatim);
// where-callable verified with varnishd 7.1.1 for hash_data, synthetic, ban, regsub, regsuball, std.ban,
// std.cache_req_body, std.late_100_continue, std.set_ip_tos, std.log, std.collect, std.rollback and
// `new directors.round_robin()` in all 35 built-in subroutines (fixtures/probe-7.1.1.json). Version gates from the
// release notes: std.fnmatch 6.0.1, std.bytes 6.2 (derived), std.blobread 6.5, std.ban / std.ban_error 6.6,
// std.strftime 7.1, std.now / std.timed_call 7.2, directors.lookup 6.2; std.real2integer / real2time /
// time2integer / time2real removed in 8.0; ban() deprecated since 6.6. Signatures are those of 7.1.1; 6.0's
// std.duration / integer / ip / real / time took a mandatory fallback before the 6.2 rework (derived from the
// 6.2 upgrade notes). Not verified for 6.0: whether std.file_exists, std.getenv and std.syntax already existed.
import { subroutineContext } from './builtin';
import { existsIn, expandScope, type BuiltinMethod, type VarnishVersion } from './versions';

export interface FunctionParam {
  readonly type: string;
  readonly name?: string;
  /** Written `[TYPE name]` in the signature: may be left out. */
  readonly optional: boolean;
  /** Default value from `TYPE name=value`. */
  readonly default?: string;
}

export interface VclFunctionSpec {
  /** As called: `hash_data`, `std.log`, `directors.round_robin`, `.add_backend` for an object method. */
  readonly name: string;
  /** `builtin` for the VCL language functions. */
  readonly module: 'builtin' | 'std' | 'directors';
  /** `constructor`: used as `new x = directors.round_robin(...)`; `method`: called on such an object. */
  readonly kind: 'function' | 'constructor' | 'method';
  /** For methods: the constructor whose objects have it (`directors.round_robin`). */
  readonly of?: string;
  /** Signature as documented: `RET name(TYPE arg, [TYPE opt], TYPE def=value)`. */
  readonly signature: string;
  /** Scope expression of the built-in subroutines it may be called from (Varnish notation, see versions.ts). */
  readonly callableIn: string;
  /** `compile`: varnishd refuses the VCL elsewhere; `runtime`: the call fails (or does nothing) at run time. */
  readonly enforced: 'compile' | 'runtime';
  readonly since?: string;
  readonly removed?: string;
  /** Deprecated in this release, with the replacement. */
  readonly deprecated?: { readonly since: string; readonly use: string };
  /** A different signature in another version (6.0's conversion functions took a mandatory fallback). */
  readonly changes?: Readonly<Partial<Record<VarnishVersion, { readonly signature: string }>>>;
  readonly description: string;
}

const A = 'all';

export const FUNCTIONS: readonly VclFunctionSpec[] = [
  // VCL built-ins (vcl(7) "Functions")
  {
    name: 'hash_data',
    module: 'builtin',
    kind: 'function',
    signature: 'VOID hash_data(STRING input)',
    callableIn: 'vcl_hash',
    enforced: 'compile',
    description: 'Adds `input` to the cache key. The built-in vcl_hash hashes req.url and the Host header (or server.ip); anything per-client added here splits the cache per client.',
  },
  {
    name: 'synthetic',
    module: 'builtin',
    kind: 'function',
    signature: 'VOID synthetic(STRING body)',
    callableIn: 'vcl_synth, vcl_backend_error',
    enforced: 'compile',
    description: 'Sets the body of a synthetic response; the same as `set resp.body` (vcl_synth) or `set beresp.body` (vcl_backend_error).',
  },
  {
    name: 'ban',
    module: 'builtin',
    kind: 'function',
    signature: 'VOID ban(STRING expression)',
    callableIn: A,
    enforced: 'runtime',
    deprecated: { since: '6.6.0', use: 'std.ban()' },
    description: 'Invalidates every cached object matching the ban expression (e.g. `obj.http.x-url ~ ^/news`), without error reporting. Guard it: every call adds to the ban list.',
  },
  {
    name: 'regsub',
    module: 'builtin',
    kind: 'function',
    signature: 'STRING regsub(STRING str, REGEX regex, STRING sub)',
    callableIn: A,
    enforced: 'compile',
    description: 'Returns `str` with the first match of the literal `regex` replaced by `sub` (\\0 or \\& is the whole match, \\1…\\9 the groups); unchanged when nothing matches.',
  },
  {
    name: 'regsuball',
    module: 'builtin',
    kind: 'function',
    signature: 'STRING regsuball(STRING str, REGEX regex, STRING sub)',
    callableIn: A,
    enforced: 'compile',
    description: 'Like regsub() but replaces every match — the usual way to strip tracking cookies or query parameters before hashing.',
  },

  // vmod_std (vmod_std(3), 7.1.1)
  { name: 'std.random', module: 'std', kind: 'function', signature: 'REAL random(REAL lo, REAL hi)', callableIn: A, enforced: 'compile', description: 'A random number between lo and hi. Never hash it.' },
  { name: 'std.round', module: 'std', kind: 'function', signature: 'REAL round(REAL r)', callableIn: A, enforced: 'compile', description: 'Rounds r to the nearest integer.' },
  {
    name: 'std.collect',
    module: 'std',
    kind: 'function',
    signature: 'VOID collect(HEADER hdr, STRING sep=", ")',
    callableIn: A,
    enforced: 'compile',
    description: 'Merges repeated headers of that name into one, joined with sep (useful before matching Cookie or Cache-Control).',
  },
  {
    name: 'std.querysort',
    module: 'std',
    kind: 'function',
    signature: 'STRING querysort(STRING)',
    callableIn: A,
    enforced: 'compile',
    description: 'Sorts the query parameters of a URL so that equivalent URLs share one cache entry.',
  },
  { name: 'std.toupper', module: 'std', kind: 'function', signature: 'STRING toupper(STRING s)', callableIn: A, enforced: 'compile', description: 'Upper-cases s.' },
  { name: 'std.tolower', module: 'std', kind: 'function', signature: 'STRING tolower(STRING s)', callableIn: A, enforced: 'compile', description: 'Lower-cases s (e.g. to normalise a header before hashing).' },
  { name: 'std.strstr', module: 'std', kind: 'function', signature: 'STRING strstr(STRING s1, STRING s2)', callableIn: A, enforced: 'compile', description: 'The part of s1 from the first occurrence of s2, or NULL.' },
  {
    name: 'std.fnmatch',
    module: 'std',
    kind: 'function',
    signature: 'BOOL fnmatch(STRING pattern, STRING subject, BOOL pathname, BOOL noescape, BOOL period)',
    callableIn: A,
    enforced: 'compile',
    since: '6.0.1',
    description: 'Shell-style wildcard match (e.g. /foo/*/bar), built at run time.',
  },
  { name: 'std.fileread', module: 'std', kind: 'function', signature: 'STRING fileread(STRING)', callableIn: A, enforced: 'compile', description: 'Contents of a file, read once and cached for the life of the VCL.' },
  { name: 'std.blobread', module: 'std', kind: 'function', signature: 'BLOB blobread(STRING)', callableIn: A, enforced: 'compile', since: '6.5.0', description: 'Contents of a binary file as a BLOB, read once.' },
  { name: 'std.file_exists', module: 'std', kind: 'function', signature: 'BOOL file_exists(STRING path)', callableIn: A, enforced: 'compile', description: 'Whether the file exists.' },
  { name: 'std.healthy', module: 'std', kind: 'function', signature: 'BOOL healthy(BACKEND be)', callableIn: A, enforced: 'compile', description: 'Whether the backend or director is healthy — e.g. to extend req.grace while it is sick.' },
  { name: 'std.port', module: 'std', kind: 'function', signature: 'INT port(IP ip)', callableIn: A, enforced: 'compile', description: 'The port of an IP value (replacement of Varnish 3 client.port / server.port).' },
  {
    name: 'std.duration',
    module: 'std',
    kind: 'function',
    signature: 'DURATION duration([STRING s], [DURATION fallback], [REAL real], [INT integer])',
    callableIn: A,
    enforced: 'compile',
    changes: { '6.0': { signature: 'DURATION duration(STRING s, DURATION fallback)' } },
    description: 'Converts a string such as "10m" (or a number) to a DURATION, e.g. a TTL taken from a backend header; fallback when it does not parse.',
  },
  {
    name: 'std.bytes',
    module: 'std',
    kind: 'function',
    signature: 'BYTES bytes([STRING s], [BYTES fallback], [REAL real], [INT integer])',
    callableIn: A,
    enforced: 'compile',
    since: '6.2.0',
    description: 'Converts a string such as "10MB" (or a number) to BYTES.',
  },
  {
    name: 'std.integer',
    module: 'std',
    kind: 'function',
    signature: 'INT integer([STRING s], [INT fallback], [BOOL bool], [BYTES bytes], [DURATION duration], [REAL real], [TIME time])',
    callableIn: A,
    enforced: 'compile',
    changes: { '6.0': { signature: 'INT integer(STRING s, INT fallback)' } },
    description: 'Converts a string or another value to INT.',
  },
  {
    name: 'std.ip',
    module: 'std',
    kind: 'function',
    signature: 'IP ip(STRING s, [IP fallback], BOOL resolve=1, [STRING p])',
    callableIn: A,
    enforced: 'compile',
    changes: { '6.0': { signature: 'IP ip(STRING s, IP fallback, BOOL resolve=1, [STRING p])' } },
    description: 'Converts a string (e.g. X-Forwarded-For) to an IP, for ACL matching.',
  },
  {
    name: 'std.real',
    module: 'std',
    kind: 'function',
    signature: 'REAL real([STRING s], [REAL fallback], [INT integer], [BOOL bool], [BYTES bytes], [DURATION duration], [TIME time])',
    callableIn: A,
    enforced: 'compile',
    changes: { '6.0': { signature: 'REAL real(STRING s, REAL fallback)' } },
    description: 'Converts a string or another value to REAL.',
  },
  {
    name: 'std.time',
    module: 'std',
    kind: 'function',
    signature: 'TIME time([STRING s], [TIME fallback], [REAL real], [INT integer])',
    callableIn: A,
    enforced: 'compile',
    changes: { '6.0': { signature: 'TIME time(STRING s, TIME fallback)' } },
    description: 'Parses an HTTP date (or epoch number) into a TIME.',
  },
  {
    name: 'std.strftime',
    module: 'std',
    kind: 'function',
    signature: 'STRING strftime(TIME time, STRING format)',
    callableIn: A,
    enforced: 'compile',
    since: '7.1.0',
    description: 'Formats a TIME in UTC with strftime(3).',
  },
  { name: 'std.now', module: 'std', kind: 'function', signature: 'TIME now()', callableIn: A, enforced: 'compile', since: '7.2.0', description: 'The current time, not constant within a subroutine (unlike now).' },
  {
    name: 'std.timed_call',
    module: 'std',
    kind: 'function',
    signature: 'REAL timed_call(SUB)',
    callableIn: A,
    enforced: 'compile',
    since: '7.2.0',
    description: 'Calls a subroutine and returns how long it took.',
  },
  { name: 'std.log', module: 'std', kind: 'function', signature: 'VOID log(STRING s)', callableIn: A, enforced: 'compile', description: 'Writes s to the shared memory log (VCL_Log tag).' },
  { name: 'std.syslog', module: 'std', kind: 'function', signature: 'VOID syslog(INT priority, STRING s)', callableIn: A, enforced: 'compile', description: 'Writes s to syslog with the given priority.' },
  { name: 'std.timestamp', module: 'std', kind: 'function', signature: 'VOID timestamp(STRING s)', callableIn: A, enforced: 'compile', description: 'Adds a Timestamp log record labelled s.' },
  { name: 'std.syntax', module: 'std', kind: 'function', signature: 'BOOL syntax(REAL)', callableIn: A, enforced: 'compile', description: 'Whether the VCL syntax version is at least the argument.' },
  { name: 'std.getenv', module: 'std', kind: 'function', signature: 'STRING getenv(STRING name)', callableIn: A, enforced: 'compile', description: 'An environment variable of varnishd, or the empty string.' },
  {
    name: 'std.cache_req_body',
    module: 'std',
    kind: 'function',
    signature: 'BOOL cache_req_body(BYTES size)',
    callableIn: 'vcl_recv',
    enforced: 'runtime',
    description: 'Buffers a request body up to size so that it can be sent again (retries, restarts) or hashed; returns false when the body is larger. Meant for vcl_recv (7.1.1 compiles it anywhere).',
  },
  {
    name: 'std.late_100_continue',
    module: 'std',
    kind: 'function',
    signature: 'VOID late_100_continue(BOOL late)',
    callableIn: 'vcl_recv',
    enforced: 'runtime',
    description: 'Send `100 Continue` only when the body is actually read; no effect outside vcl_recv.',
  },
  {
    name: 'std.set_ip_tos',
    module: 'std',
    kind: 'function',
    signature: 'VOID set_ip_tos(INT tos)',
    callableIn: 'client',
    enforced: 'runtime',
    description: 'Sets the DSCP / TOS byte of the client connection (affects every later request on it).',
  },
  {
    name: 'std.rollback',
    module: 'std',
    kind: 'function',
    signature: 'VOID rollback(HTTP h)',
    callableIn: 'vcl_recv, vcl_pass, vcl_hash, vcl_purge, vcl_miss, vcl_hit, vcl_deliver, vcl_synth, backend',
    enforced: 'runtime',
    description: 'Restores req or bereq to the state it was received in (fails in vcl_pipe since 6.6).',
  },
  {
    name: 'std.ban',
    module: 'std',
    kind: 'function',
    signature: 'BOOL ban(STRING)',
    callableIn: A,
    enforced: 'runtime',
    since: '6.6.0',
    description: 'Invalidates every cached object matching the ban expression; false on error (details in std.ban_error()). Guard it with an ACL and a method check.',
  },
  {
    name: 'std.ban_error',
    module: 'std',
    kind: 'function',
    signature: 'STRING ban_error()',
    callableIn: A,
    enforced: 'runtime',
    since: '6.6.0',
    description: 'The error of the last std.ban() call of this task, or "".',
  },
  {
    name: 'std.real2integer',
    module: 'std',
    kind: 'function',
    signature: 'INT real2integer(REAL r, INT fallback)',
    callableIn: A,
    enforced: 'compile',
    removed: '8.0.0',
    deprecated: { since: '6.2.0', use: 'std.integer(real=std.round(...), fallback=...)' },
    description: 'Deprecated conversion, removed in 8.0.',
  },
  {
    name: 'std.real2time',
    module: 'std',
    kind: 'function',
    signature: 'TIME real2time(REAL r, TIME fallback)',
    callableIn: A,
    enforced: 'compile',
    removed: '8.0.0',
    deprecated: { since: '6.2.0', use: 'std.time(real=std.round(...), fallback=...)' },
    description: 'Deprecated conversion, removed in 8.0.',
  },
  {
    name: 'std.time2integer',
    module: 'std',
    kind: 'function',
    signature: 'INT time2integer(TIME t, INT fallback)',
    callableIn: A,
    enforced: 'compile',
    removed: '8.0.0',
    deprecated: { since: '6.2.0', use: 'std.integer(time=..., fallback=...)' },
    description: 'Deprecated conversion, removed in 8.0.',
  },
  {
    name: 'std.time2real',
    module: 'std',
    kind: 'function',
    signature: 'REAL time2real(TIME t, REAL fallback)',
    callableIn: A,
    enforced: 'compile',
    removed: '8.0.0',
    deprecated: { since: '6.2.0', use: 'std.real(time=..., fallback=...)' },
    description: 'Deprecated conversion, removed in 8.0.',
  },

  // vmod_directors (vmod_directors(3), 7.1.1): constructors only with `new` in vcl_init.
  {
    name: 'directors.round_robin',
    module: 'directors',
    kind: 'constructor',
    signature: 'new xround_robin = directors.round_robin()',
    callableIn: 'vcl_init',
    enforced: 'compile',
    description: 'A director that sends each request to the next healthy backend in turn.',
  },
  {
    name: 'directors.fallback',
    module: 'directors',
    kind: 'constructor',
    signature: 'new xfallback = directors.fallback(BOOL sticky=0)',
    callableIn: 'vcl_init',
    enforced: 'compile',
    description: 'A director that uses the first healthy backend in the order they were added (sticky: stay on the last one used).',
  },
  {
    name: 'directors.random',
    module: 'directors',
    kind: 'constructor',
    signature: 'new xrandom = directors.random()',
    callableIn: 'vcl_init',
    enforced: 'compile',
    description: 'A director that picks a healthy backend at random, by weight.',
  },
  {
    name: 'directors.hash',
    module: 'directors',
    kind: 'constructor',
    signature: 'new xhash = directors.hash()',
    callableIn: 'vcl_init',
    enforced: 'compile',
    description: 'A director that picks the backend from a hash of a string (e.g. client.identity or req.url) — sticky, but remaps many keys when a backend changes.',
  },
  {
    name: 'directors.shard',
    module: 'directors',
    kind: 'constructor',
    signature: 'new xshard = directors.shard()',
    callableIn: 'vcl_init',
    enforced: 'compile',
    description: 'A consistent-hashing director: each key (URL by default) maps to one backend, and only a share of keys move when backends change — used to shard a cache tier.',
  },
  {
    name: 'directors.shard_param',
    module: 'directors',
    kind: 'constructor',
    signature: 'new xshard_param = directors.shard_param()',
    callableIn: 'vcl_init',
    enforced: 'compile',
    description: 'A parameter set for shard directors, shared or changed per backend request.',
  },
  {
    name: 'directors.lookup',
    module: 'directors',
    kind: 'function',
    signature: 'BACKEND lookup(STRING)',
    callableIn: 'housekeeping',
    enforced: 'runtime',
    since: '6.2.0',
    description: 'The backend with that name; only from vcl_init and vcl_fini.',
  },
  ...(['round_robin', 'fallback', 'random', 'hash', 'shard'] as const).flatMap((d): VclFunctionSpec[] => {
    const add = {
      round_robin: 'VOID add_backend(BACKEND)',
      fallback: 'VOID add_backend(BACKEND)',
      random: 'VOID add_backend(BACKEND, REAL)',
      hash: 'VOID add_backend(BACKEND, REAL weight=1.0)',
      shard: 'BOOL add_backend(BACKEND backend, [STRING ident], [DURATION rampup], [REAL weight])',
    }[d];
    const backend = {
      round_robin: 'BACKEND backend()',
      fallback: 'BACKEND backend()',
      random: 'BACKEND backend()',
      hash: 'BACKEND backend(STRING)',
      shard: 'BACKEND backend([ENUM by], [INT key], [BLOB key_blob], [INT alt], [REAL warmup], [BOOL rampup], [ENUM healthy], [BLOB param], [ENUM resolve])',
    }[d];
    const remove = d === 'shard' ? 'BOOL remove_backend([BACKEND backend], [STRING ident])' : 'VOID remove_backend(BACKEND)';
    return [
      { name: '.add_backend', of: `directors.${d}`, signature: add, description: 'Adds a backend (usually in vcl_init).' },
      { name: '.remove_backend', of: `directors.${d}`, signature: remove, description: 'Removes a backend.' },
      {
        name: '.backend',
        of: `directors.${d}`,
        signature: backend,
        description: 'The director to use, e.g. `set req.backend_hint = x.backend();` (resolved when the fetch starts).',
      },
    ].map((m) => ({ ...m, module: 'directors' as const, kind: 'method' as const, callableIn: A, enforced: 'runtime' as const }));
  }),
  {
    name: '.reconfigure',
    module: 'directors',
    kind: 'method',
    of: 'directors.shard',
    signature: 'BOOL reconfigure(INT replicas=67)',
    callableIn: A,
    enforced: 'runtime',
    description: 'Applies added / removed backends to the hash ring (optional since 6.6: done at the end of the task).',
  },
  {
    name: '.use',
    module: 'directors',
    kind: 'method',
    of: 'directors.shard_param',
    signature: 'BLOB use()',
    callableIn: 'vcl_pipe, backend',
    enforced: 'runtime',
    description: 'The parameter set for the `param` argument of a shard director, only in backend context and vcl_pipe.',
  },
];

/** A function as it is in one version. */
export interface VclFunctionInfo extends VclFunctionSpec {
  readonly returns: string;
  readonly params: readonly FunctionParam[];
  /** `callableIn` expanded to built-in methods. */
  readonly callableMethods: readonly BuiltinMethod[];
}

/** Splits `RET name(TYPE a, [TYPE b], TYPE c=1)` into its return type and parameters. */
export function parseSignature(signature: string): { returns: string; params: FunctionParam[] } {
  const m = /^(?:new \w+ = [\w.]+|(\w+) [\w.]+)\((.*)\)$/.exec(signature);
  if (!m) throw new Error(`bad signature: ${signature}`);
  const returns = m[1] ?? 'OBJECT';
  const params: FunctionParam[] = [];
  // Split on the commas outside [...] and "...".
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (const ch of m[2]) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '[') depth++;
    else if (!quoted && ch === ']') depth--;
    if (ch === ',' && !quoted && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    const optional = p.startsWith('[');
    const inner = p.replace(/^\[|\]$/g, '');
    const pm = /^(\w+)(?:\s+(\w+))?(?:=(.*))?$/.exec(inner);
    if (!pm) throw new Error(`bad parameter ${p} in ${signature}`);
    params.push({ type: pm[1], name: pm[2], optional: optional || pm[3] !== undefined, default: pm[3] });
  }
  return { returns, params };
}

/** The functions of a version (removed ones left out, later additions left out). */
export function functionsFor(version: VarnishVersion): VclFunctionInfo[] {
  return [...functionTable(version)];
}

const FUNCTION_TABLES = new Map<VarnishVersion, readonly VclFunctionInfo[]>();
/** The functions of a version, resolved once (the tables are constant). */
function functionTable(version: VarnishVersion): readonly VclFunctionInfo[] {
  let t = FUNCTION_TABLES.get(version);
  if (!t) {
    t = FUNCTIONS.filter((f) => existsIn(version, f.since, f.removed)).map((f) => {
      const signature = f.changes?.[version]?.signature ?? f.signature;
      return { ...f, signature, ...parseSignature(signature), callableMethods: expandScope(f.callableIn, version) };
    });
    FUNCTION_TABLES.set(version, t);
  }
  return t;
}

/** A function by its called name (`hash_data`, `std.log`, `directors.shard`); methods need `of`. */
export function lookupFunction(name: string, version: VarnishVersion, of?: string): VclFunctionInfo | undefined {
  return functionTable(version).find((f) => f.name === name && (of === undefined || f.of === of));
}

/**
 * Whether a function may be called in a built-in subroutine (helpers follow their method). Undefined when the
 * function or subroutine is unknown in that version. Check `enforced` to tell a compile error from a runtime one.
 */
export function isCallableIn(name: string, sub: string, version: VarnishVersion, of?: string): boolean | undefined {
  const f = lookupFunction(name, version, of);
  const m = subroutineContext(sub, version);
  if (!f || !m) return undefined;
  return f.callableMethods.includes(m);
}
