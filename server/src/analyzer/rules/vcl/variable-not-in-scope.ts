// vcl/variable-not-in-scope: a variable read, set or unset where Varnish does not allow it (per sub, Varnish
// version and VCL syntax), also inside custom subs reached through `call`; unknown variables of the built-in
// namespaces; hash_data()/synthetic() outside the subs that allow them.
import { defineVclRule } from '../rule';
import type { Fix } from '../../types';
import {
  CLIENT_METHODS,
  VARNISH_VERSIONS,
  accessError,
  backendMethods,
  lookupFunction,
  lookupVariable,
  subroutineContext,
  type Access,
  type BuiltinMethod,
  type VarnishVersion,
  type VclSyntax,
} from '../../vcl/data';
import { andList, chainRelated, isDeclared, isOldSynthetic, nameUses, removedVariable, subContexts, subStatements, vclSyntax, type SubContext } from '../../vcl/checks';
import type { NameExpr } from '../../vcl/tree';

/** The namespaces of Varnish's own variables: an unknown name under them is an error, not a VMOD symbol. */
const NAMESPACES = new Set(['req', 'req_top', 'bereq', 'beresp', 'obj', 'obj_stale', 'resp', 'client', 'server', 'local', 'remote', 'sess', 'storage', 'now', 'param']);

/** The same thing on the other side of the client / backend split (a fix when the original is wrong there). */
const SWAPS: readonly [string, string, string][] = [
  ['req.', 'bereq.', 'the backend side works on bereq, the copy of the request sent to the backend'],
  ['bereq.', 'req.', 'the client side works on req, the request as the client sent it'],
  ['beresp.', 'resp.', 'the client side delivers resp, not the backend response'],
  ['resp.', 'beresp.', 'the backend side works on beresp, the response as it will be stored'],
];

const VERB: Record<Access, string> = { read: 'read', write: 'set', unset: 'unset' };

function describeMethods(list: readonly BuiltinMethod[], v: VarnishVersion): string {
  const same = (a: readonly string[]) => a.length === list.length && a.every((m) => list.includes(m as BuiltinMethod));
  if (same(CLIENT_METHODS)) return 'the client-side subroutines (vcl_recv … vcl_synth)';
  if (same(backendMethods(v))) return 'the backend-side subroutines (vcl_backend_*)';
  if (same([...CLIENT_METHODS, ...backendMethods(v)])) return 'the client- and backend-side subroutines (not vcl_init / vcl_fini)';
  return andList(list);
}

function allowedIn(name: string, access: Access, v: VarnishVersion, syntax: VclSyntax): readonly BuiltinMethod[] {
  const info = lookupVariable(name, v, syntax);
  if (!info) return [];
  return access === 'read' ? info.readable : access === 'write' ? info.writable : info.unsettable;
}

/** varnishd's message for a name of a built-in namespace that is no variable here, or undefined to stay silent. */
function unknownMessage(n: NameExpr, v: VarnishVersion, syntax: VclSyntax): string | undefined {
  const name = n.name;
  const other: VclSyntax = syntax === '4.1' ? '4.0' : '4.1';
  if (lookupVariable(name, v, other)) {
    return `Symbol not found: '${name}' (Only available when ${other === '4.1' ? '4.1 <= VCL syntax' : 'VCL syntax <= 4.0'}): this VCL declares \`vcl ${syntax};\`, so varnishd will not load it. ${other === '4.1' ? 'Declare `vcl 4.1;` in the main file' : 'Use the VCL 4.1 equivalent'} to use it.`;
  }
  const versions = VARNISH_VERSIONS.filter((x) => x !== v && lookupVariable(name, x, syntax));
  if (versions.length) return `Symbol not found: '${name}': it is a variable of Varnish ${versions.join(' and ')}, not of ${v} (the version checked against), so varnishd ${v} will not load this VCL.`;
  if (n.parts[0].text === 'storage') return undefined;
  for (let k = n.parts.length - 1; k >= 1; k--) {
    const prefix = n.parts.slice(0, k).map((p) => p.text).join('.');
    const info = lookupVariable(prefix, v, syntax);
    if (info) return `Unknown property '${n.parts[k].text}' for type ${info.type}: ${prefix} has no such property, so varnishd will not load this VCL.`;
  }
  return `Symbol not found: '${name}': Varnish ${v} has no such variable, so varnishd will not load this VCL.`;
}

export default defineVclRule({
  id: 'vcl/variable-not-in-scope',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: 'A variable read, set or unset where Varnish does not allow it (`beresp.ttl` in `vcl_recv`, `req.*` on the backend side, `set client.ip`), per Varnish version and VCL syntax — also in custom subs `call`ed from there; unknown variables of the built-in namespaces; `hash_data()` outside `vcl_hash`.',
      why: 'Varnish handles a request in two tasks: the client side (`vcl_recv` … `vcl_deliver`, with `req`/`resp`/`obj`) and the backend side (`vcl_backend_*`, with `bereq`/`beresp`). A variable only exists where its task runs, some are read-only, and VCC checks every use — through every `call` — and refuses to load the VCL (`Not available in subroutine \'vcl_recv\'.`, `Cannot be set in subroutine …`, `Variable is read only.`). A TTL set in `vcl_recv` never reaches the cache: it has to be set in `vcl_backend_response`.',
      bad: 'sub vcl_recv {\n    set beresp.ttl = 1h;\n}',
      good: 'sub vcl_backend_response {\n    set beresp.ttl = 1h;\n}',
    },
  },
  check(ctx) {
    const { model, version } = ctx;
    const syntax = vclSyntax(model);
    const contexts = subContexts(model, version);
    const done = new Set<string>();
    for (const name of model.subs.keys()) {
      const builtin = subroutineContext(name, version);
      const known = !name.startsWith('vcl_') || !!builtin;
      const ctxs: SubContext[] = builtin ? [{ method: builtin, chain: [] }] : known ? contexts.get(name) ?? [] : [];
      for (const { stmt, file } of subStatements(model, name)) {
        const text = ctx.file(file)?.text ?? '';
        // hash_data() / synthetic(): actions VCC only allows in some subs.
        if ((stmt.type === 'hash_data' || stmt.type === 'synthetic') && !isOldSynthetic(stmt, text)) {
          const fn = lookupFunction(stmt.type, version);
          const bad = fn ? ctxs.filter((c) => !fn.callableMethods.includes(c.method)) : [];
          const key = `${file}:${stmt.start}:action`;
          if (fn && bad.length && !done.has(key)) {
            done.add(key);
            const where = builtin ? `in subroutine '${name}'` : `from subroutine '${bad[0].method}'`;
            const via = builtin ? '' : ` (sub ${name} is called from ${andList(bad.map((c) => c.method))})`;
            ctx.report({
              path: file,
              range: { start: stmt.start, end: stmt.start + stmt.type.length },
              message: `Not a valid action ${where}${via}: ${stmt.type}() can only be used in ${andList(fn.callableMethods)}, so varnishd will not load this VCL.${stmt.type === 'hash_data' ? ' Add to the cache key in vcl_hash.' : ''}`,
              related: builtin ? undefined : bad.flatMap((c) => chainRelated(c.chain, `${stmt.type}() is not allowed in ${c.method}`)),
            });
          }
        }
        for (const use of nameUses(stmt)) {
          const n = use.name;
          const first = n.parts[0].text;
          if (!NAMESPACES.has(first) || isDeclared(model, first)) continue;
          if (removedVariable(n.name, use.access, version, syntax)) continue;
          const key = `${file}:${n.start}:${n.end}`;
          if (done.has(key)) continue;
          // `req.http.a.b`: a header name cannot contain an unquoted '.'.
          const dotted = /^(req|req_top|bereq|beresp|resp|obj|obj_stale)$/.test(first) && n.parts[1]?.text.toLowerCase() === 'http' && n.parts.length > 3 && !n.parts.slice(2).some((p) => p.quoted);
          const info = dotted ? undefined : lookupVariable(n.name, version, syntax);
          if (dotted) {
            done.add(key);
            const header = n.parts.slice(2).map((p) => p.text).join('.');
            ctx.report({
              path: file,
              range: { start: n.start, end: n.end },
              message: `Symbol not found: '${n.name}': a header name cannot contain an unquoted '.', so varnishd will not load this VCL.${syntax === '4.1' ? ` Quote it: ${n.parts[0].text}.http."${header}".` : ''}`,
            });
            continue;
          }
          if (!info) {
            const message = unknownMessage(n, version, syntax);
            if (message) {
              done.add(key);
              ctx.report({ path: file, range: { start: n.start, end: n.end }, message });
            }
            continue;
          }
          const errors: { c: SubContext; msg: string }[] = [];
          for (const c of ctxs) {
            const msg = accessError(n.name, use.access, builtin ? name : c.method, version, syntax);
            if (msg) errors.push({ c, msg: builtin ? msg : msg.replace(/ in subroutine /, ' from subroutine ') });
          }
          if (!errors.length) continue;
          done.add(key);
          const verb = VERB[use.access];
          const where = allowedIn(n.name, use.access, version, syntax);
          const base = errors[0].msg.replace(/\.$/, '');
          let why: string;
          if (/^Variable is read only/.test(base)) why = `${n.name} can be read but never set`;
          else if (/^Variable cannot be (set|unset)/.test(base)) {
            const un = allowedIn(n.name, 'unset', version, syntax);
            why = `${n.name} can never be ${verb}${use.access === 'write' && un.length ? ` (only unset, in ${describeMethods(un, version)})` : ''}`;
          } else if (where.length) why = `${n.name} can only be ${verb} in ${describeMethods(where, version)}`;
          else why = `${n.name} cannot be ${verb} anywhere`;
          const via = builtin ? '' : ` (sub ${name} is called from ${andList(errors.map((e) => e.c.method))})`;
          // The same variable on the other side of the client / backend split, when it is allowed in every context.
          const fixes: Fix[] = [];
          let hint = '';
          const methods = ctxs.map((c) => c.method);
          if (errors.length === ctxs.length) {
            for (const [from, to, reason] of SWAPS) {
              if (!n.name.startsWith(from)) continue;
              const alt = to + n.name.slice(from.length);
              const altInfo = lookupVariable(alt, version, syntax);
              if (!altInfo || removedVariable(alt, use.access, version, syntax)) continue;
              if (!methods.every((m) => !accessError(alt, use.access, m, version, syntax))) continue;
              hint = ` Use ${alt}: ${reason}.`;
              const p = n.parts[0];
              fixes.push({ title: `Use ${alt}`, safe: false, edits: [{ path: file, start: p.start, end: p.end, newText: to.slice(0, -1) }] });
              break;
            }
          }
          ctx.report({
            path: file,
            range: { start: n.start, end: n.end },
            message: `${base}${via}: ${why}, so varnishd will not load this VCL.${hint}`,
            fixes,
            related: builtin ? undefined : errors.flatMap((e) => chainRelated(e.c.chain, `${n.name} cannot be ${verb} in ${e.c.method}`)),
          });
        }
      }
    }
  },
});
