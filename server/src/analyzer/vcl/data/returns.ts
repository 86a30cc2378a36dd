// Legal `return (action)` per built-in subroutine and Varnish version, and what each action does (for hovers).
//
// Sources and verification:
// - 7.1: every action × each of the 14 methods and 21 helper subroutines compiled with varnishd 7.1.1
//   (test/unit/vcl-data/fixtures/probe-7.1.1.json; `Invalid return "x"` / `Expected return action name.` on
//   rejection); `vcl(label)` from vcl_step.rst (it cannot be probed without a loaded label).
// - 8.0: doc/sphinx/reference/vcl_step.rst with vcl_backend_refresh (merge, obj_stale, beresp, fail, abandon, retry,
//   error); the other subroutines are unchanged from 7.1 there.
// - 6.0: derived from the 7.1 table and the 6.0 release notes: `miss` is legal in vcl_hit (removed in 6.2.0,
//   "Retire return(miss) from vcl_hit {}"), `error` in vcl_backend_fetch / vcl_backend_response is in 6.0.6+
//   (backport of the 6.3 `error` transition), `restart` in vcl_recv since 6.0.0.
import { subroutineContext } from './builtin';
import type { BuiltinMethod, Evidence, VarnishVersion } from './versions';

export type ReturnAction =
  | 'abandon'
  | 'beresp'
  | 'deliver'
  | 'error'
  | 'fail'
  | 'fetch'
  | 'hash'
  | 'lookup'
  | 'merge'
  | 'miss'
  | 'obj_stale'
  | 'ok'
  | 'pass'
  | 'pipe'
  | 'purge'
  | 'restart'
  | 'retry'
  | 'synth'
  | 'vcl';

export interface ReturnActionSpec {
  readonly name: ReturnAction;
  /** How it is written, with its optional arguments. */
  readonly syntax: string;
  /** One or two sentences for hovers, cache-oriented. */
  readonly description: string;
  /** First release with the action, if after 4.0. */
  readonly since?: string;
  /** Release that removed it. */
  readonly removed?: string;
}

export const RETURN_ACTIONS: Readonly<Record<ReturnAction, ReturnActionSpec>> = {
  abandon: {
    name: 'abandon',
    syntax: 'abandon',
    description: 'Give up the backend fetch without a response object; waiting client requests get a 503 (or a stale object if one is in grace). Nothing is cached.',
  },
  beresp: {
    name: 'beresp',
    syntax: 'beresp',
    since: '8.0.0',
    description: 'After a 304 revalidation: keep the stale body but use `beresp` as it is now (headers received or set in VCL) instead of the RFC header merge; Content-Length, Content-Encoding, ETag and Last-Modified are still taken from the stale object.',
  },
  deliver: {
    name: 'deliver',
    syntax: 'deliver',
    description: 'Client side: send the (cached or fetched) response to the client. In vcl_backend_response: accept the response and store it for `beresp.ttl` unless it is uncacheable; returning here skips the built-in Set-Cookie / Cache-Control / Vary checks. In vcl_backend_error: deliver (and possibly cache) the synthetic backend response.',
  },
  error: {
    name: 'error',
    syntax: 'error[(status[, reason])]',
    since: '6.0.6',
    description: 'Go to vcl_backend_error, with `beresp.status` and `beresp.reason` preset from the arguments (503 by default).',
  },
  fail: {
    name: 'fail',
    syntax: 'fail[(reason)]',
    description: 'Fail the task: a client request ends with a 503 through vcl_synth (without calling it again on failure), a backend fetch goes to vcl_backend_error; in vcl_init it aborts loading the VCL with the reason.',
  },
  fetch: {
    name: 'fetch',
    syntax: 'fetch',
    description: 'Start the backend request (vcl_miss: the response can be cached; vcl_pass: it will not be) or, in vcl_backend_fetch, send it to the backend.',
  },
  hash: {
    name: 'hash',
    syntax: 'hash',
    description: 'Continue to vcl_hash and look the request up in the cache. Returning it from vcl_recv skips the built-in checks (Authorization, Cookie, method), so personalised requests may be served from cache.',
  },
  lookup: {
    name: 'lookup',
    syntax: 'lookup',
    description: 'End vcl_hash and look up the key built with hash_data(); a user `return (lookup)` skips the built-in hashing of URL and Host.',
  },
  merge: {
    name: 'merge',
    syntax: 'merge',
    since: '8.0.0',
    description: 'After a 304 revalidation: merge the new headers into the stale object and reuse its body (the RFC behaviour, and the built-in default).',
  },
  miss: {
    name: 'miss',
    syntax: 'miss',
    removed: '6.2.0',
    description: 'Varnish 6.0/6.1 only, in vcl_hit: treat the hit as a miss and fetch a new copy (it often turned into a pass). Removed in 6.2; use `req.hash_always_miss` in vcl_recv, or `return (pass)`.',
  },
  obj_stale: {
    name: 'obj_stale',
    syntax: 'obj_stale',
    since: '8.0.0',
    description: 'After a 304 revalidation: keep the stale object exactly as it was, ignoring the new response headers.',
  },
  ok: {
    name: 'ok',
    syntax: 'ok',
    description: 'Normal end of vcl_init (the VCL loads) or vcl_fini.',
  },
  pass: {
    name: 'pass',
    syntax: 'pass | pass(duration) in vcl_backend_response',
    description: 'Client side: bypass the cache for this request (vcl_pass, then a private fetch that is not stored). In vcl_backend_response, `pass(duration)` makes a hit-for-pass object: later requests for the key are passed for that long.',
  },
  pipe: {
    name: 'pipe',
    syntax: 'pipe',
    description: 'Turn the connection into a raw tunnel to the backend (vcl_pipe): nothing is cached and later requests on the same connection bypass VCL.',
  },
  purge: {
    name: 'purge',
    syntax: 'purge',
    description: 'Look the key up through vcl_hash and evict the object with all its variants, then run vcl_purge. Guard it with an ACL: anyone can otherwise empty the cache.',
  },
  restart: {
    name: 'restart',
    syntax: 'restart',
    description: 'Start the request over in vcl_recv with the current `req` (up to `max_restarts`, then a 503).',
  },
  retry: {
    name: 'retry',
    syntax: 'retry',
    description: 'Run the backend fetch again from vcl_backend_fetch, counting `bereq.retries` (after `max_retries`, vcl_backend_error / a 503).',
  },
  synth: {
    name: 'synth',
    syntax: 'synth(status[, reason])',
    description: 'Answer the client with a synthetic response built in vcl_synth; it never enters the cache.',
  },
  vcl: {
    name: 'vcl',
    syntax: 'vcl(label)',
    description: 'Switch the request to the VCL loaded under `label` and run its vcl_recv (only while `req.restarts == 0` and from the active VCL).',
  },
};

/** Legal return actions of the 7.1 methods (varnishd 7.1.1 probes; `vcl` from vcl_step.rst). */
const RETURNS_71: Readonly<Record<Exclude<BuiltinMethod, 'vcl_backend_refresh'>, readonly ReturnAction[]>> = {
  vcl_recv: ['fail', 'synth', 'restart', 'pass', 'pipe', 'hash', 'purge', 'vcl'],
  vcl_pipe: ['fail', 'synth', 'pipe'],
  vcl_pass: ['fail', 'synth', 'restart', 'fetch'],
  vcl_hash: ['fail', 'lookup'],
  vcl_purge: ['fail', 'synth', 'restart'],
  vcl_miss: ['fail', 'synth', 'restart', 'pass', 'fetch'],
  vcl_hit: ['fail', 'synth', 'restart', 'pass', 'deliver'],
  vcl_deliver: ['fail', 'synth', 'restart', 'deliver'],
  vcl_synth: ['fail', 'restart', 'deliver'],
  vcl_backend_fetch: ['fail', 'abandon', 'fetch', 'error'],
  vcl_backend_response: ['fail', 'abandon', 'deliver', 'retry', 'pass', 'error'],
  vcl_backend_error: ['fail', 'abandon', 'deliver', 'retry'],
  vcl_init: ['ok', 'fail'],
  vcl_fini: ['ok'],
};

/** Legal return actions per method and version. */
export const RETURNS: Readonly<Record<VarnishVersion, Readonly<Partial<Record<BuiltinMethod, readonly ReturnAction[]>>>>> = {
  '6.0': { ...RETURNS_71, vcl_hit: ['fail', 'synth', 'restart', 'pass', 'miss', 'deliver'] },
  '7.1': RETURNS_71,
  '8.0': {
    ...RETURNS_71,
    vcl_backend_refresh: ['merge', 'obj_stale', 'beresp', 'fail', 'abandon', 'retry', 'error'],
  },
};

/** How each version's return table was established. */
export const RETURNS_EVIDENCE: Readonly<Record<VarnishVersion, Evidence>> = { '6.0': 'derived', '7.1': 'probed', '8.0': 'doc' };

/** Return actions the VCL compiler of a version knows at all (others: "Expected return action name."). */
export function knownActions(version: VarnishVersion): ReturnAction[] {
  const set = new Set<ReturnAction>();
  for (const list of Object.values(RETURNS[version])) list?.forEach((a) => set.add(a));
  return (Object.keys(RETURN_ACTIONS) as ReturnAction[]).filter((a) => set.has(a));
}

/**
 * Legal returns inside a built-in subroutine (methods, and helpers such as `vcl_req_cookie`, which take the
 * returns of the method they run in). Undefined when `sub` is not a built-in subroutine of that version.
 */
export function legalReturns(sub: string, version: VarnishVersion): readonly ReturnAction[] | undefined {
  const m = subroutineContext(sub, version);
  return m ? RETURNS[version][m] : undefined;
}

/**
 * Legal returns in a custom subroutine called from the given methods: Varnish accepts an action there only
 * if it is legal in every method that (transitively) calls the subroutine.
 */
export function legalReturnsInContexts(methods: readonly BuiltinMethod[], version: VarnishVersion): ReturnAction[] {
  const lists = methods.map((m) => RETURNS[version][m] ?? []);
  if (!lists.length) return [];
  return lists[0].filter((a) => lists.every((l) => l.includes(a)));
}

export function isLegalReturn(sub: string, action: string, version: VarnishVersion): boolean | undefined {
  const legal = legalReturns(sub, version);
  return legal ? (legal as readonly string[]).includes(action) : undefined;
}

/**
 * Arguments an action takes in a given method: `pass(DURATION)` only in vcl_backend_response, `synth(INT[,
 * STRING])` (status required), `error([INT[, STRING]])`, `fail([STRING])`, `vcl(label)`.
 */
export function actionArguments(action: ReturnAction, method: BuiltinMethod): 'none' | 'optional' | 'required' {
  if (action === 'synth' || action === 'vcl') return 'required';
  if (action === 'error' || action === 'fail') return 'optional';
  if (action === 'pass' && method === 'vcl_backend_response') return 'optional';
  return 'none';
}
