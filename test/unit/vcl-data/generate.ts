// Regenerates the Varnish 7.1 ground-truth fixtures that the VCL knowledge tables
// (server/src/analyzer/vcl/data/) are checked against. Needs the installed varnishd and its man pages.
//
//   node --import tsx test/unit/vcl-data/generate.ts
//
// Writes
//   fixtures/vcl-var-7.1.1.json   every entry of `man 7 vcl-var` (type, readable/writable/unsettable scopes, first
//                                 sentence), i.e. Varnish's own doc/sphinx/reference/vcl_var.rst of the release;
//   fixtures/probe-7.1.1.json     the result of compiling one probe VCL per variable × subroutine × access
//                                 (read / set / unset) for all 14 built-in subroutines and the 21 built-in helper
//                                 subroutines, one per `return (action)` × subroutine, and one per built-in
//                                 function call × subroutine, with `varnishd -C`.
//   fixtures/builtin-7.1.1.vcl    `varnishd -x builtin` without its extra final newline (= bin/varnishd/builtin.vcl).
//
// The tables themselves are hand-written TypeScript (they also cover 6.0 and 8.0 and carry descriptions);
// snapshot.test.ts proves that the 7.1 view of the tables equals these fixtures entry by entry.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseVariables, renderManPage } from './manpage';
import { classify, compile, concreteName, probeVcl, statement, varnishdVersion, type Op } from './varnishd';
import { mapLimit } from '../../mapLimit';

const FIXTURES = path.join(__dirname, 'fixtures');

export const METHODS_71 = [
  'vcl_recv', 'vcl_pipe', 'vcl_pass', 'vcl_hash', 'vcl_purge', 'vcl_miss', 'vcl_hit', 'vcl_deliver', 'vcl_synth',
  'vcl_backend_fetch', 'vcl_backend_response', 'vcl_backend_error', 'vcl_init', 'vcl_fini',
];
export const HELPERS_71 = [
  'vcl_builtin_recv', 'vcl_req_host', 'vcl_req_method', 'vcl_req_authorization', 'vcl_req_cookie',
  'vcl_builtin_pipe', 'vcl_builtin_pass', 'vcl_builtin_hash', 'vcl_builtin_purge', 'vcl_builtin_hit',
  'vcl_builtin_miss', 'vcl_builtin_deliver', 'vcl_builtin_synth', 'vcl_builtin_backend_fetch',
  'vcl_builtin_backend_response', 'vcl_beresp_stale', 'vcl_beresp_cookie', 'vcl_beresp_control',
  'vcl_beresp_vary', 'vcl_beresp_hitmiss', 'vcl_builtin_backend_error',
];

/**
 * Names probed besides the documented ones: protected headers (ordinary headers in 7.1, read-only from 7.4),
 * variables that only exist in later releases (must be unknown to 7.1) and Varnish 2/3 names (must be unknown).
 */
export const EXTRA_NAMES: { name: string; type: string }[] = [
  { name: 'req.http.content-length', type: 'HEADER' },
  { name: 'req.http.transfer-encoding', type: 'HEADER' },
  { name: 'bereq.http.content-length', type: 'HEADER' },
  { name: 'beresp.http.content-length', type: 'HEADER' },
  { name: 'resp.http.content-length', type: 'HEADER' },
  { name: 'req.filters', type: 'STRING' },
  { name: 'bereq.filters', type: 'STRING' },
  { name: 'req.trace', type: 'BOOL' },
  { name: 'bereq.trace', type: 'BOOL' },
  { name: 'bereq.task_deadline', type: 'DURATION' },
  { name: 'beresp.transit_buffer', type: 'BYTES' },
  { name: 'obj_stale.is_valid', type: 'BOOL' },
  { name: 'param.uncacheable_ttl', type: 'DURATION' },
  { name: 'req.request', type: 'STRING' },
  { name: 'bereq.request', type: 'STRING' },
  { name: 'req.backend', type: 'BACKEND' },
  { name: 'beresp.cacheable', type: 'BOOL' },
  { name: 'obj.cacheable', type: 'BOOL' },
  { name: 'beresp.response', type: 'STRING' },
  { name: 'obj.response', type: 'STRING' },
  { name: 'resp.response', type: 'STRING' },
  { name: 'obj.lastuse', type: 'DURATION' },
  { name: 'req.grace_period', type: 'DURATION' },
  { name: 'server.port', type: 'INT' },
  { name: 'client.port', type: 'INT' },
  { name: 'beresp.saintmode', type: 'DURATION' },
  { name: 'req.hash_partial', type: 'BOOL' },
];

export const ACTIONS = [
  'abandon', 'deliver', 'error', 'fail', 'fetch', 'hash', 'lookup', 'miss', 'ok', 'pass', 'pipe', 'purge',
  'restart', 'retry', 'synth', 'merge', 'obj_stale', 'beresp',
];
/** The probe text of a return action (with arguments where the action needs them). */
export function actionText(a: string): string {
  return a === 'synth' ? 'synth(200)' : a === 'error' ? 'error(503)' : a;
}

export const FUNCTION_CALLS: Record<string, string> = {
  hash_data: 'hash_data("x");',
  synthetic: 'synthetic("x");',
  ban: 'ban("obj.status == 1");',
  regsub: 'if (regsub("a", "a", "b") == "x") {}',
  regsuball: 'if (regsuball("a", "a", "b") == "x") {}',
  'std.ban': 'if (std.ban("obj.status == 1")) {}',
  'std.cache_req_body': 'if (std.cache_req_body(1KB)) {}',
  'std.late_100_continue': 'std.late_100_continue(true);',
  'std.set_ip_tos': 'std.set_ip_tos(0);',
  'std.log': 'std.log("x");',
  'std.collect': 'std.collect(req.http.X-Probe);',
  'std.rollback': 'std.rollback(req);',
  'new directors.round_robin': 'new probe_rr = directors.round_robin();',
};

export interface ProbeEntry {
  name: string;
  /** The VCL syntax version the probe declared. */
  syntax: '4.0' | '4.1';
  type: string;
  /** Accepted subroutines per access. */
  read: string[];
  write: string[];
  unset: string[];
  /** Rejection kinds seen per access (see classify()). */
  rejected: Record<Op, string[]>;
}

export interface ProbeSnapshot {
  varnishd: string;
  methods: string[];
  helpers: string[];
  variables: ProbeEntry[];
  /** Accepted return actions per subroutine; rejection kinds per subroutine. */
  returns: Record<string, { accepted: string[]; rejected: string[] }>;
  /** Subroutines where each function call compiles. */
  functions: Record<string, string[]>;
  /** Compiles made. */
  compiles: number;
}

async function main(): Promise<void> {
  const version = varnishdVersion();
  if (!version) throw new Error('varnishd is not installed');
  fs.mkdirSync(FIXTURES, { recursive: true });
  // `varnishd -x builtin` prints bin/varnishd/builtin.vcl plus one newline; keep the file's own text.
  fs.writeFileSync(path.join(FIXTURES, 'builtin-7.1.1.vcl'), execFileSync('varnishd', ['-x', 'builtin'], { encoding: 'utf8' }).replace(/\n$/, ''));

  const doc = parseVariables(renderManPage());
  fs.writeFileSync(path.join(FIXTURES, 'vcl-var-7.1.1.json'), `${JSON.stringify({ source: 'man 7 vcl-var (' + version + ')', variables: doc }, null, 1)}\n`);

  const subs = [...METHODS_71, ...HELPERS_71];
  const targets = [
    ...doc.map((d) => ({ name: d.name, type: d.type, syntax: d.vcl === '<=4.0' ? ('4.0' as const) : ('4.1' as const) })),
    ...EXTRA_NAMES.map((e) => ({ ...e, syntax: '4.1' as const })),
  ];
  type Job = { t: number; sub: string; op: Op };
  const jobs: Job[] = [];
  targets.forEach((_, t) => subs.forEach((sub) => (['read', 'write', 'unset'] as Op[]).forEach((op) => jobs.push({ t, sub, op }))));
  let compiles = 0;
  const results = await mapLimit(jobs, 4, async (j) => {
    const tg = targets[j.t];
    const s = statement(j.op, concreteName(tg.name), tg.type);
    compiles++;
    return compile(probeVcl(j.sub, s.stmt, { syntax: tg.syntax, decl: s.decl }));
  });
  const variables: ProbeEntry[] = targets.map((tg) => ({
    name: tg.name,
    syntax: tg.syntax,
    type: tg.type,
    read: [],
    write: [],
    unset: [],
    rejected: { read: [], write: [], unset: [] },
  }));
  jobs.forEach((j, i) => {
    const e = variables[j.t];
    const r = results[i];
    if (r.ok) e[j.op].push(j.sub);
    else {
      const k = classify(r.message);
      if (!e.rejected[j.op].includes(k)) e.rejected[j.op].push(k);
    }
  });

  const returns: ProbeSnapshot['returns'] = {};
  const rjobs = subs.flatMap((sub) => ACTIONS.map((a) => ({ sub, a })));
  const rres = await mapLimit(rjobs, 4, async (j) => {
    compiles++;
    return compile(probeVcl(j.sub, `return (${actionText(j.a)});`));
  });
  rjobs.forEach((j, i) => {
    const slot = (returns[j.sub] ??= { accepted: [], rejected: [] });
    if (rres[i].ok) slot.accepted.push(j.a);
    else {
      const k = classify(rres[i].message);
      if (!slot.rejected.includes(k)) slot.rejected.push(k);
    }
  });
  // pass(DURATION) and fail("reason") forms.
  for (const [sub, stmt, label] of [
    ['vcl_backend_response', 'return (pass(10s));', 'pass(DURATION)'],
    ['vcl_recv', 'return (fail("reason"));', 'fail(STRING)'],
    ['vcl_backend_fetch', 'return (error(503, "x"));', 'error(INT, STRING)'],
    ['vcl_recv', 'return (synth(404, "x"));', 'synth(INT, STRING)'],
  ]) {
    compiles++;
    if ((await compile(probeVcl(sub, stmt))).ok) returns[sub].accepted.push(label);
  }

  const functions: ProbeSnapshot['functions'] = {};
  const fjobs = Object.keys(FUNCTION_CALLS).flatMap((f) => subs.map((sub) => ({ f, sub })));
  const fres = await mapLimit(fjobs, 4, async (j) => {
    compiles++;
    const decl = j.f.startsWith('new ') ? 'import directors;' : undefined;
    return compile(probeVcl(j.sub, FUNCTION_CALLS[j.f], { decl }));
  });
  fjobs.forEach((j, i) => {
    const list = (functions[j.f] ??= []);
    if (fres[i].ok) list.push(j.sub);
  });

  const snap: ProbeSnapshot = { varnishd: version, methods: METHODS_71, helpers: HELPERS_71, variables, returns, functions, compiles };
  fs.writeFileSync(path.join(FIXTURES, 'probe-7.1.1.json'), `${JSON.stringify(snap, null, 1)}\n`);
  console.log(`${version}: ${compiles} compiles, ${variables.length} variable entries, ${subs.length} subroutines`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
