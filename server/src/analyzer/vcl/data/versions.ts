// Varnish versions the VCL knowledge tables describe, the built-in subroutines (VCL "methods") of each, and
// Varnish's scope shorthands (`client`, `backend`, `both`, `all`, `housekeeping`) expanded to those subroutines.
// Pure data, no I/O.

/** The Varnish release lines the tables cover: 6.0 LTS (6.0.16), 7.x (7.1.1, the installed one), 8.0 (8.0.0). */
export type VarnishVersion = '6.0' | '7.1' | '8.0';

export const VARNISH_VERSIONS: readonly VarnishVersion[] = ['6.0', '7.1', '8.0'];

/** The exact release each line stands for, used to compare `since` / `removed` release numbers. */
export const VERSION_RELEASE: Readonly<Record<VarnishVersion, string>> = {
  '6.0': '6.0.16',
  '7.1': '7.1.1',
  '8.0': '8.0.0',
};

/** The `vcl X.Y;` syntax version of a file. Some variables differ between 4.0 and 4.1. */
export type VclSyntax = '4.0' | '4.1';

/** The built-in subroutines that Varnish calls itself (its state machine steps). */
export type BuiltinMethod =
  | 'vcl_recv'
  | 'vcl_pipe'
  | 'vcl_pass'
  | 'vcl_hash'
  | 'vcl_purge'
  | 'vcl_miss'
  | 'vcl_hit'
  | 'vcl_deliver'
  | 'vcl_synth'
  | 'vcl_backend_fetch'
  | 'vcl_backend_refresh'
  | 'vcl_backend_response'
  | 'vcl_backend_error'
  | 'vcl_init'
  | 'vcl_fini';

/** Client-side methods, in request order (`client` in Varnish's docs). */
export const CLIENT_METHODS: readonly BuiltinMethod[] = [
  'vcl_recv',
  'vcl_pipe',
  'vcl_pass',
  'vcl_hash',
  'vcl_purge',
  'vcl_miss',
  'vcl_hit',
  'vcl_deliver',
  'vcl_synth',
];

/** Housekeeping methods, run at VCL load / discard (`housekeeping`). */
export const HOUSEKEEPING_METHODS: readonly BuiltinMethod[] = ['vcl_init', 'vcl_fini'];

/** Backend-side methods per version (`backend`: every `vcl_backend_*`). 8.0 adds `vcl_backend_refresh`. */
export function backendMethods(v: VarnishVersion): readonly BuiltinMethod[] {
  return v === '8.0'
    ? ['vcl_backend_fetch', 'vcl_backend_refresh', 'vcl_backend_response', 'vcl_backend_error']
    : ['vcl_backend_fetch', 'vcl_backend_response', 'vcl_backend_error'];
}

/** All built-in methods of a version. */
export function methodsOf(v: VarnishVersion): readonly BuiltinMethod[] {
  return [...CLIENT_METHODS, ...backendMethods(v), ...HOUSEKEEPING_METHODS];
}

export function isBuiltinMethod(name: string, v: VarnishVersion): name is BuiltinMethod {
  return (methodsOf(v) as readonly string[]).includes(name);
}

/** Which task a method runs in. */
export function methodSide(m: BuiltinMethod): 'client' | 'backend' | 'housekeeping' {
  if ((CLIENT_METHODS as readonly string[]).includes(m)) return 'client';
  if ((HOUSEKEEPING_METHODS as readonly string[]).includes(m)) return 'housekeeping';
  return 'backend';
}

/** Varnish's scope shorthands, as written in `Readable from:` lines and `$Restrict` stanzas. */
export type ScopeName = 'client' | 'backend' | 'both' | 'all' | 'housekeeping';

/**
 * Expands a scope expression in Varnish's own notation — a comma-separated list of shorthands and `vcl_*`
 * names, e.g. `"vcl_pipe, backend"` — into the concrete built-in methods of version `v`, in method order.
 * Names of methods the version lacks (`vcl_backend_refresh` before 8.0) are dropped.
 */
export function expandScope(spec: string | undefined, v: VarnishVersion): BuiltinMethod[] {
  if (!spec) return [];
  const out = new Set<BuiltinMethod>();
  for (const raw of spec.split(',')) {
    const s = raw.trim();
    if (!s) continue;
    if (s === 'client' || s === 'both' || s === 'all') CLIENT_METHODS.forEach((m) => out.add(m));
    if (s === 'backend' || s === 'both' || s === 'all') backendMethods(v).forEach((m) => out.add(m));
    if (s === 'housekeeping' || s === 'all') HOUSEKEEPING_METHODS.forEach((m) => out.add(m));
    if (s.startsWith('vcl_')) {
      if (isBuiltinMethod(s, v)) out.add(s);
      else if (!isBuiltinMethod(s, '8.0')) throw new Error(`unknown subroutine in scope: ${s}`);
    } else if (!['client', 'backend', 'both', 'all', 'housekeeping'].includes(s)) throw new Error(`unknown scope: ${s}`);
  }
  return methodsOf(v).filter((m) => out.has(m));
}

/** Compares two release numbers such as `6.0.16` and `6.2.0` (negative when a < b). */
export function compareRelease(a: string, b: string): number {
  return releaseRank(a) - releaseRank(b);
}

const ranks = new Map<string, number>();

/** A release as one comparable number (`7.1.1` → 7001001); parts above 999 saturate. */
function releaseRank(r: string): number {
  let n = ranks.get(r);
  if (n === undefined) {
    const parts = r.split('.').map(Number);
    n = 0;
    for (let i = 0; i < 4; i++) n = n * 1000 + Math.min(999, parts[i] || 0);
    ranks.set(r, n);
  }
  return n;
}

/** Whether something that appeared in `since` (and disappeared in `removed`) exists in version `v`. */
export function existsIn(v: VarnishVersion, since?: string, removed?: string): boolean {
  const r = VERSION_RELEASE[v];
  return (!since || compareRelease(since, r) <= 0) && (!removed || compareRelease(removed, r) > 0);
}

/**
 * How a fact for one version was established:
 * - `probed`: compiled with the installed varnishd 7.1.1 (test/unit/vcl-data/fixtures/probe-7.1.1.json);
 * - `doc`: Varnish's own reference or release notes for that version (vcl_var.rst, vcl_step.rst, changes-*.rst);
 * - `derived`: inferred from the release notes / research file without the exact reference text of that release.
 */
export type Evidence = 'probed' | 'doc' | 'derived';
