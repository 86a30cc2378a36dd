// vcl/removed-syntax: Varnish 2/3 idioms (and later removals) that today's varnishd rejects, each with its 4.x+
// replacement: vcl_fetch / vcl_error, req.request, beresp.cacheable, req.backend, `remove`, `error 404 "x"`,
// `esi;`, `purge;`, `set obj.*`, `return (lookup)` in vcl_recv, … The other compiler rules leave these tokens alone.
import { defineVclRule } from '../rule';
import type { Fix, TextEdit } from '../../types';
import type { VclFile, VclModel } from '../../vcl/model';
import { accessError, backendMethods, CLIENT_METHODS, knownActions, lookupVariable, subroutineContext, type BuiltinMethod, type RemovedSyntax, type VarnishVersion } from '../../vcl/data';
import {
  callsIn,
  isOldSynthetic,
  mainFile,
  nameUses,
  removedFunction,
  removedReturn,
  removedStatement,
  removedSub,
  removedVariable,
  returnContexts,
  subContexts,
  subStatements,
  vclSyntax,
  type SubContext,
} from '../../vcl/checks';
import type { NameExpr, Statement } from '../../vcl/tree';

function era(e: RemovedSyntax): string {
  if (e.removedIn === '3.0.0') return 'Varnish 2 syntax, removed in 3.0';
  if (e.removedIn === '4.0.0') return 'Varnish 3 syntax, removed in 4.0';
  if (e.syntax === '4.1') return `VCL 4.0 syntax, gone in \`vcl 4.1;\``;
  return `removed in Varnish ${e.removedIn.replace(/\.0$/, '')}`;
}

function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Where the code runs, for choosing a replacement: the methods, `vcl_fetch` / `vcl_error` for a Varnish 3 sub. */
interface Where {
  methods: BuiltinMethod[];
  name: string;
  side?: 'client' | 'backend';
}

function whereOf(name: string, ctxs: SubContext[], v: VarnishVersion): Where {
  const methods = ctxs.map((c) => c.method);
  const client = methods.length > 0 && methods.every((m) => (CLIENT_METHODS as readonly string[]).includes(m));
  const backend = methods.length > 0 && methods.every((m) => (backendMethods(v) as readonly string[]).includes(m));
  return { methods, name, side: client ? 'client' : backend ? 'backend' : undefined };
}

function only(w: Where, ...subs: string[]): boolean {
  return w.methods.length > 0 && w.methods.every((m) => subs.includes(m));
}

/** `import std;` after the main file's vcl line (or at its top), unless std is imported. */
function importStd(model: VclModel): TextEdit[] {
  if (model.imports.has('std')) return [];
  const main = mainFile(model);
  if (!main) return [];
  const v = main.tree.items.find((i) => i.type === 'vcl');
  const eol = main.lines.eol();
  if (v) return [{ path: main.path, start: v.end, end: v.end, newText: `${eol}import std;` }];
  return [{ path: main.path, start: 0, end: 0, newText: `import std;${eol}` }];
}

function errorsInside(file: VclFile, start: number, end: number): boolean {
  return file.tree.errors.some((e) => e.range.start < end && e.range.end >= start);
}

export default defineVclRule({
  id: 'vcl/removed-syntax',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: 'Varnish 2/3 VCL that today\'s varnishd rejects — `vcl_fetch`, `vcl_error`, `req.request`, `beresp.cacheable`, `req.backend`, `remove`, `error 404 "x"`, `esi;`, `purge;`, `set obj.*`, `return (lookup)` in `vcl_recv` — each with its 4.x replacement.',
      why: 'VCL changed incompatibly in Varnish 3.0 and 4.0 (the backend fetch moved to its own task, vcl_fetch became vcl_backend_response, errors became synthetic responses, cached objects became read-only), and VCL copied from old guides no longer loads: varnishd stops at the first of them with `Symbol not found`, `Unknown property`, `Invalid return` or `The names \'vcl_*\' are reserved`. The fix maps each form to its 4.x equivalent: a plain rename (`req.request` → `req.method`) is applied by fix-all; a replacement whose meaning differs (`beresp.cacheable = false` → `beresp.uncacheable = true`, `error` → `synth`) is offered for review only.',
      bad: 'sub vcl_recv {\n    if (req.request == "PURGE") {\n        error 405 "Not allowed";\n    }\n    remove req.http.Cookie;\n    return (lookup);\n}',
      good: 'sub vcl_recv {\n    if (req.method == "PURGE") {\n        return (synth(405, "Not allowed"));\n    }\n    unset req.http.Cookie;\n    return (hash);\n}',
    },
  },
  check(ctx) {
    const { model, version } = ctx;
    const syntax = vclSyntax(model);
    const contexts = subContexts(model, version);
    const done = new Set<string>();
    const report = (file: string, start: number, end: number, e: RemovedSyntax, vmsg: string, what: string, fixes: Fix[] = []) => {
      const key = `${file}:${start}:${end}`;
      if (done.has(key)) return;
      done.add(key);
      ctx.report({
        path: file,
        range: { start, end },
        message: `${vmsg} — ${what} is ${era(e)}, so varnishd will not load this VCL. ${sentence(e.note)} Use: ${sentence(e.replacement)}`,
        fixes,
      });
    };
    const rename = (file: string, start: number, end: number, newText: string, safe: boolean, title?: string): Fix => ({
      title: title ?? `Replace with ${newText}`,
      safe,
      edits: [{ path: file, start, end, newText }],
    });

    for (const [name, defs] of model.subs) {
      const builtin = subroutineContext(name, version);
      const ctxs: SubContext[] = builtin ? [{ method: builtin, chain: [] }] : name.startsWith('vcl_') ? [] : contexts.get(name) ?? [];
      const where = whereOf(name, ctxs, version);
      const retCtx = returnContexts(name, ctxs);
      // sub vcl_fetch / vcl_error
      const subEntry = removedSub(name, version, syntax);
      if (subEntry) {
        for (const d of defs) {
          const fixes = name === 'vcl_fetch' ? [rename(d.file, d.range.start, d.range.end, 'vcl_backend_response', false, 'Rename to vcl_backend_response (then move req.* to bereq.*)')] : [];
          report(d.file, d.range.start, d.range.end, subEntry, `The names 'vcl_*' are reserved for subroutines.`, `sub ${name}`, fixes);
        }
      }
      for (const { stmt, file } of subStatements(model, name)) {
        const f = ctx.file(file);
        if (!f) continue;
        const text = f.text;
        // Variables
        for (const use of nameUses(stmt)) {
          const n = use.name;
          const e = removedVariable(n.name, use.access, version, syntax);
          if (e) variable(file, f, n, use.access, stmt, e);
        }
        // Statements VCL 4 does not have
        if (stmt.type === 'unknown' && stmt.keyword.parts.length === 1) {
          const kw = stmt.keyword.parts[0];
          const e = removedStatement(kw.text, version, syntax);
          if (e) statement(file, f, stmt, kw, e);
        }
        // Functions
        for (const call of callsIn(stmt)) {
          if (call.callee.type !== 'name') continue;
          const e = removedFunction(call.callee.name, version, syntax);
          if (!e) continue;
          const fixes: Fix[] = [];
          const one = call.args.length === 1 && call.close !== undefined && !errorsInside(f, call.start, call.end);
          if (one) {
            const arg = text.slice(call.args[0].start, call.args[0].end);
            if (e.id === 'purge-function') fixes.push(rename(file, call.callee.start, call.callee.end, 'ban', false));
            else if (e.id === 'purge_url' || e.id === 'ban_url') fixes.push(rename(file, call.start, call.end, `ban("req.url ~ " + ${arg})`, false));
          }
          report(file, call.callee.start, call.callee.end, e, `Symbol not found: '${call.callee.name}'`, `${call.callee.name}()`, fixes);
        }
        // Returns
        if (stmt.type === 'return' && stmt.action) {
          const action = stmt.action.text;
          const e = removedReturn(action, retCtx, version, syntax);
          if (e) {
            const a = stmt.action;
            const vmsg = knownActions(version).includes(action as never) ? `Invalid return "${action}"` : 'Expected return action name.';
            const fixes: Fix[] = [];
            if (e.id === 'return-lookup-recv') fixes.push(rename(file, a.start, a.end, 'hash', true));
            else if (e.id === 'return-hash-vcl_hash') fixes.push(rename(file, a.start, a.end, 'lookup', true));
            else if (e.id === 'return-restart-backend') fixes.push(rename(file, a.start, a.end, 'retry', false));
            else if (e.id === 'return-error' && stmt.args.length) fixes.push(rename(file, a.start, a.end, 'synth', false));
            else if (e.id === 'return-fetch-hit') fixes.push(rename(file, a.start, a.end, version === '6.0' ? 'miss' : 'pass', false));
            else if (e.id === 'return-miss-hit') fixes.push(rename(file, a.start, a.end, 'pass', false));
            else if (e.id === 'return-hit_for_pass' && (only(where, 'vcl_backend_response') || name === 'vcl_fetch')) fixes.push(rename(file, a.start, a.end, 'pass(120s)', false));
            report(file, a.start, a.end, e, vmsg, `return (${action})${retCtx.length ? ` in ${retCtx.join(' / ')}` : ''}`, fixes);
          }
        }
        // synthetic {"…"}; (Varnish 3)
        if (isOldSynthetic(stmt, text)) {
          const e = removedStatement('synthetic {"…"}', version, syntax);
          if (e) {
            const kwEnd = stmt.start + 'synthetic'.length;
            let i = kwEnd;
            while (i < text.length && /\s/.test(text[i])) i++;
            const tok = f.tree.tokens.find((t) => t.start === i && t.kind === 'cstr' && !t.broken);
            const fixes: Fix[] = [];
            if (tok) {
              let j = tok.end;
              while (j < text.length && /[ \t]/.test(text[j])) j++;
              if (text[j] === ';')
                fixes.push({ title: 'Add the parentheses: synthetic(…);', safe: true, edits: [{ path: file, start: kwEnd, end: i, newText: '(' }, { path: file, start: tok.end, end: tok.end, newText: ')' }] });
            }
            report(file, stmt.start, kwEnd, e, `Expected '(' got the string`, 'synthetic without parentheses', fixes);
          }
        }
      }

      function variable(file: string, f: VclFile, n: NameExpr, access: 'read' | 'write' | 'unset', stmt: Statement, e: RemovedSyntax): void {
        const text = f.text;
        const fixes: Fix[] = [];
        const exact = n.name === e.old;
        const last = n.parts[n.parts.length - 1];
        let vmsg = `Symbol not found: '${n.name}'`;
        if (e.syntax === '4.1') vmsg += ' (Only available when VCL syntax <= 4.0)';
        else if (access === 'read' && /^(req|bereq|beresp|resp)$/.test(n.parts[0].text) && n.parts.length > 1) vmsg = `Unknown property '${n.parts[1].text}' for type HTTP`;
        switch (e.id) {
          case 'req.request':
          case 'bereq.request':
            if (exact) fixes.push(rename(file, last.start, last.end, 'method', true, `Replace with ${n.parts[0].text}.method`));
            break;
          case 'beresp.response':
          case 'resp.response':
            if (exact) fixes.push(rename(file, last.start, last.end, 'reason', true, `Replace with ${n.parts[0].text}.reason`));
            break;
          case 'obj.response':
            if (exact && only(where, 'vcl_synth')) fixes.push(rename(file, n.start, n.end, 'resp.reason', false));
            else if (exact && only(where, 'vcl_backend_error')) fixes.push(rename(file, n.start, n.end, 'beresp.reason', false));
            break;
          case 'req.backend':
            if (exact && where.side === 'client') fixes.push(rename(file, last.start, last.end, 'backend_hint', true, 'Replace with req.backend_hint'));
            else if (exact && where.side === 'backend') fixes.push(rename(file, n.start, n.end, 'bereq.backend', true));
            break;
          case 'beresp.cacheable':
          case 'obj.cacheable': {
            const inv = `${n.parts[0].text}.uncacheable`;
            if (!exact) break;
            if (access === 'write' && stmt.type === 'set' && stmt.op === '=' && stmt.value.type === 'bool' && !stmt.value.value) {
              fixes.push({ title: `Replace with set ${inv} = true`, safe: false, edits: [{ path: file, start: n.start, end: n.end, newText: inv }, { path: file, start: stmt.value.start, end: stmt.value.end, newText: 'true' }] });
            } else if (access === 'read') {
              let b = n.start - 1;
              while (b >= 0 && /\s/.test(text[b])) b--;
              if (b >= 0 && text[b] === '!' && !/[!=<>~]/.test(text[b - 1] ?? '')) fixes.push(rename(file, b, n.end, inv, false));
              else fixes.push(rename(file, n.start, n.end, `!${inv}`, false));
            }
            break;
          }
          case 'beresp.storage_hint':
            if (exact && stmt.type === 'set' && stmt.value.type === 'string' && /^[A-Za-z_][\w-]*$/.test(stmt.value.value)) {
              fixes.push({
                title: `Replace with set beresp.storage = storage.${stmt.value.value}`,
                safe: false,
                edits: [{ path: file, start: n.start, end: n.end, newText: 'beresp.storage' }, { path: file, start: stmt.value.start, end: stmt.value.end, newText: `storage.${stmt.value.value}` }],
              });
            }
            break;
          case 'req.hash-append':
            vmsg = stmt.type === 'set' && stmt.op === '+=' ? "Expected '=' got '+='" : (where.methods[0] && accessError(n.name, access, where.methods[0], version, syntax)?.replace(/\.$/, '')) || 'Variable cannot be set';
            if (stmt.type === 'set' && stmt.op === '+=' && only(where, 'vcl_hash') && text[stmt.end - 1] === ';' && !errorsInside(f, stmt.start, stmt.end)) {
              fixes.push(rename(file, stmt.start, stmt.end, `hash_data(${text.slice(stmt.value.start, stmt.value.end)});`, true));
            }
            break;
          case 'server.port':
          case 'client.port':
            if (exact) fixes.push({ title: `Replace with std.port(${n.parts[0].text}.ip)`, safe: false, edits: [{ path: file, start: n.start, end: n.end, newText: `std.port(${n.parts[0].text}.ip)` }, ...importStd(model)] });
            break;
          case 'obj.write': {
            const rest = n.name.slice('obj.'.length);
            const alt = `resp.${rest}`;
            if (only(where, 'vcl_deliver', 'vcl_synth') && lookupVariable(alt, version, syntax) && where.methods.every((m) => !accessError(alt, access, m, version, syntax))) {
              fixes.push(rename(file, n.parts[0].start, n.parts[0].end, 'resp', false, `Replace with ${alt} (the response being delivered)`));
            }
            const m = where.methods[0];
            vmsg = (m && accessError(n.name, access, m, version, syntax)) || (access === 'unset' ? 'Variable cannot be unset.' : 'Variable is read only.');
            vmsg = vmsg.replace(/\.$/, '');
            break;
          }
          default:
            break;
        }
        const what = e.id === 'obj.write' ? `${access === 'unset' ? 'unset' : 'set'} ${n.name}` : e.id === 'req.hash-append' ? '`set req.hash += …`' : n.name;
        report(file, n.start, n.end, e, vmsg, what, fixes);
      }

      function statement(file: string, f: VclFile, stmt: Statement & { type: 'unknown' }, kw: { text: string; start: number; end: number }, e: RemovedSyntax): void {
        const text = f.text;
        const fixes: Fix[] = [];
        const whole = (newText: string, safe: boolean, title?: string) => rename(file, stmt.start, stmt.end, newText, safe, title);
        const endsWithSemi = text[stmt.end - 1] === ';';
        switch (e.id) {
          case 'remove':
            fixes.push(rename(file, kw.start, kw.end, 'unset', true));
            break;
          case 'esi':
            if (endsWithSemi && stmt.args.length === 0) {
              if (only(where, 'vcl_backend_response')) fixes.push(whole('set beresp.do_esi = true;', true));
              else if (name === 'vcl_fetch') fixes.push(whole('set beresp.do_esi = true;', false));
            }
            break;
          case 'error': {
            if (!endsWithSemi || !stmt.args.length || stmt.args.length > 2 || errorsInside(f, stmt.start, stmt.end)) break;
            const args = stmt.args.map((a) => text.slice(a.start, a.end)).join(', ');
            if (where.side === 'client') fixes.push(whole(`return (synth(${args}));`, false));
            else if (only(where, 'vcl_backend_fetch', 'vcl_backend_response') || name === 'vcl_fetch') fixes.push(whole(`return (error(${args}));`, false));
            break;
          }
          case 'restart-statement':
            if (!endsWithSemi || stmt.args.length) break;
            if (where.side === 'client') fixes.push(whole('return (restart);', true));
            else if (where.side === 'backend') fixes.push(whole('return (retry);', false));
            break;
          default:
            break;
        }
        report(file, kw.start, kw.end, e, `Symbol not found: '${kw.text}'`, `the \`${kw.text}\` statement`, fixes);
      }
    }
  },
});
