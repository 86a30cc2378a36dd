// vcl/invalid-value: values and declarations `varnishd -C` (7.1.1) rejects — a duration with a BYTES unit, a
// header name too long, with a forbidden character or quoted under `vcl 4.0`, ACL entries whose mask does not fit
// the address, has bits set past the mask or contradicts another entry, addresses that can never resolve,
// backend and probe fields out of range, a name declared twice or used before being declared as something else,
// reserved names, recursion between subs, a program without a backend. Each message starts with varnishd's words.
import { defineVclRule } from '../rule';
import type { RelatedInfo } from '../../types';
import type { Range, VclFile, VclModel } from '../../vcl/model';
import {
  statementExprs,
  unparen,
  walkExpr,
  walkStatements,
  type AclDecl,
  type AclEntry,
  type Decl,
  type Expr,
  type Field,
  type NameExpr,
  type NumberExpr,
  type ProbeBody,
  type Statement,
} from '../../vcl/tree';
import { lookupVariable } from '../../vcl/data';
import { callSites, includesIncomplete, type CallSite, isFragment, mainFile, vclSyntax } from '../../vcl/checks';
import { MAX_HEADER_NAME, addressProblem, applyMask, badHeaderChar, formatIp, hostNameProblem, parseIp } from '../../vcl/values';

const LOADS_NOT = 'varnishd will not load this VCL';
const HTTP_OBJECTS = new Set(['req', 'req_top', 'bereq', 'beresp', 'resp', 'obj', 'obj_stale']);
/** How VCC prints a character in "Invalid character … in header name." (C escapes). */
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', "'": "\\'", '"': '\\"' };
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Names VCC has already taken (measured with `backend NAME { … }` on 7.1.1), and the kind it names. */
const BUILTIN_SYMBOLS: Readonly<Record<string, string>> = {
  req: 'var', bereq: 'var', beresp: 'var', resp: 'var', now: 'var',
  regsub: 'func', regsuball: 'func', true: 'func', false: 'func',
  ban: 'action', synthetic: 'action', hash_data: 'action', set: 'action', unset: 'action', call: 'action', return: 'action', new: 'action', if: 'action',
  import: 'reserved', sub: 'reserved', acl: 'reserved', probe: 'reserved', backend: 'reserved', vcl: 'reserved',
};

/** The kinds of symbols a VCL declares, as VCC names them in its messages. */
type SymKind = 'backend' | 'probe' | 'acl' | 'sub' | 'vmod' | 'instance';

const REDEFINED: Partial<Record<SymKind, string>> = { backend: 'Backend', probe: 'Probe', acl: 'Acl', instance: 'Instance' };

interface Event {
  what: 'decl' | 'ref';
  kind: SymKind;
  name: string;
  file: string;
  range: Range;
  /** The module of an import (`import directors as foo` → directors), and the whole statement. */
  module?: string;
  whole?: Range;
}

export default defineVclRule({
  id: 'vcl/invalid-value',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary:
        'Values and declarations `varnishd -C` rejects: a BYTES unit on a duration (`1k`), a header name too long or with a forbidden character, ACL masks wider than the address or with bits set past them, conflicting ACL entries, addresses that can never resolve, a relative `.path`, out-of-range probe fields, names declared twice or reserved, recursive subs, a VCL without any backend.',
      why: 'VCC checks these while it compiles and refuses the whole VCL on the first one (`Too wide mask (/33) for IPv4 address`, `Backend \'s1\' redefined.`, `Threshold can not be greater than window.`, `Subroutine recurses on`…), so a typo in an ACL or a probe fails the deploy. Each finding quotes varnishd and says what to write instead. Addresses are only reported when no DNS could ever resolve them (an empty label as in `10.1..2`, a broken IPv6 literal); host names are never looked up.',
      bad: 'acl purgers {\n    "10.0.0.1"/33;\n    "192.168.1.7"/24;\n}\n\nbackend app {\n    .host = "127.0.0.1";\n    .probe = {\n        .window = 5;\n        .threshold = 8;\n    }\n}',
      good: 'acl purgers {\n    "10.0.0.1"/32;\n    "192.168.1.0"/24;\n}\n\nbackend app {\n    .host = "127.0.0.1";\n    .probe = {\n        .window = 8;\n        .threshold = 5;\n    }\n}',
    },
  },
  check(ctx) {
    const { model, version } = ctx;
    const syntax = vclSyntax(model);
    const fragment = isFragment(model);
    const done = new Set<string>();
    const report = (path: string, range: Range, message: string, related?: RelatedInfo[]) => {
      const key = `${path}:${range.start}:${range.end}`;
      if (done.has(key)) return;
      done.add(key);
      ctx.report({ path, range: { start: range.start, end: Math.max(range.end, range.start + 1) }, message, related });
    };
    /** A range the parser already reported on (the syntax rule owns it). */
    const broken = (file: VclFile, r: Range) => file.tree.errors.some((e) => e.range.start < Math.max(r.end, r.start + 1) && Math.max(e.range.end, e.range.start + 1) > r.start);

    for (const file of model.files.values()) {
      const top = file.tree.mode === 'top';
      for (const it of file.tree.items) {
        if (it.type === 'backend') for (const f of it.fields) checkBackendField(file, f);
        else if (it.type === 'probe') checkProbe(file, it.body);
        else if (it.type === 'acl') checkAcl(file, it.entries, it);
        else if (it.type === 'acl-entry') checkAcl(file, [it], undefined);
      }
      if (top || file.tree.mode === 'body') {
        walkStatements(file.tree.items, (s) => {
          checkStatement(file, s);
        });
      }
    }
    declarations();
    recursion();
    noBackend();

    // ------------------------------------------------------------ backends and probes

    function checkBackendField(file: VclFile, f: Field): void {
      const v = f.values[0];
      if (f.probe) {
        checkProbe(file, f.probe);
        return;
      }
      if (!v || v.type !== 'string' || broken(file, f)) return;
      if (f.name.text === 'path') {
        if (syntax === '4.0' && !fragment) {
          report(file.path, v, `Unix socket backends only supported in VCL4.1 and higher.: .path needs \`vcl 4.1;\` at the top of the main VCL, and ${LOADS_NOT}. Change the vcl line to 4.1, or use \`.host\`/\`.port\`.`);
        } else if (!v.value.startsWith('/')) {
          report(file.path, v, `Backend path: Must be an absolute path: "${v.value}" is relative, and ${LOADS_NOT}. Give the socket's full path, e.g. \`.path = "/run/app/${v.value.replace(/^.*\//, '') || 'app.sock'}";\`.`);
        }
      } else if (f.name.text === 'host') {
        const p = addressProblem(v.value);
        if (p) report(file.path, v, `Backend host '"${v.value}"' could not be resolved to an IP address: ${p.reason} — ${p.why}, and ${LOADS_NOT}. Write an IPv4 address, a host name, or an IPv6 address (\`"::1"\`, or \`"[::1]:8080"\` with a port).`);
      }
    }

    function checkProbe(file: VclFile, body: ProbeBody): void {
      const num = (name: string): { n: NumberExpr; f: Field } | undefined => {
        const f = body.fields.find((x) => x.name.text === name);
        const v = f?.values[0];
        return f && v && v.type === 'number' && !broken(file, f) ? { n: v, f } : undefined;
      };
      const er = num('expected_response');
      if (er && (er.n.value < 100 || er.n.value > 999)) {
        report(file.path, er.n, `Must specify .expected_response with exactly three digits (100 <= x <= 999): ${er.n.raw} is no HTTP status, and ${LOADS_NOT}. Write the status the health check must return, e.g. \`.expected_response = 200;\`.`);
      }
      const th = num('threshold');
      const wi = num('window');
      if (wi && !th) {
        report(file.path, wi.n, `Must specify .threshold with .window: a probe that sets .window must say how many of those checks have to succeed, and ${LOADS_NOT}. Add e.g. \`.threshold = ${Math.max(1, Math.min(3, wi.n.value))};\`.`);
      } else if (th && !wi) {
        if (th.n.value > 64) report(file.path, th.n, `Threshold must be 64 or less.: varnishd keeps the last 64 checks at most, and ${LOADS_NOT}. Lower .threshold (and set .window, at least as large).`);
      } else if (th && wi) {
        if (wi.n.value > 64) report(file.path, wi.n, `Window must be 64 or less.: varnishd keeps the last 64 checks at most, and ${LOADS_NOT}. Use \`.window = 64;\` or less.`);
        else if (th.n.value > wi.n.value) {
          report(file.path, th.n, `Threshold can not be greater than window.: ${th.n.value} good checks out of the last ${wi.n.value} can never happen, and ${LOADS_NOT}. Make .threshold at most .window (e.g. \`.threshold = ${wi.n.value};\` or a larger .window).`, [{ path: file.path, range: { start: wi.n.start, end: wi.n.end }, message: 'the window' }]);
        }
      }
    }

    // ------------------------------------------------------------ ACLs

    function checkAcl(file: VclFile, entries: AclEntry[], acl: AclDecl | undefined): void {
      // VCC's acl flags: `+pedantic` is the default in 7.1 (measured); `-pedantic` masks silently instead.
      const pedantic = !!acl && !acl.flags.some((f) => f.name.text === 'pedantic' && f.sign === '-');
      const seen = new Map<string, AclEntry>();
      for (const e of entries) {
        const r = { start: e.addr.start, end: e.end };
        if (broken(file, r)) continue;
        const slash = e.addr.value.indexOf('/');
        const addr = slash >= 0 ? e.addr.value.slice(0, slash) : e.addr.value;
        const ip = parseIp(addr);
        if (!ip) {
          const bad = hostNameProblem(addr);
          if (bad && !e.paren) report(file.path, r, `DNS lookup(${addr}): Name or service not known — "${addr}" is ${bad}, which no DNS can resolve, and ${LOADS_NOT}. Write an IP address (\`"10.1.0.2"\`, \`"10.1.0.0"/16\`) or a valid host name.`);
          continue;
        }
        const max = ip.family === 4 ? 32 : 128;
        if (e.mask !== undefined && e.mask > max) {
          report(file.path, r, `Too wide mask (/${e.mask}) for IPv${ip.family} address: an IPv${ip.family} address has ${max} bits, and ${LOADS_NOT}. Use /${max} for this address alone, or the network's prefix length.`);
          continue;
        }
        const mask = e.mask ?? max;
        const masked = applyMask(ip, mask);
        const clean = formatIp(masked);
        if (e.mask !== undefined && pedantic && masked.bytes.some((b, i) => b !== ip.bytes[i])) {
          report(file.path, r, `Non-zero bits in masked part, (maybe use ${clean}/${mask} ?): ${addr} has host bits set past /${mask}, and with the acl's default +pedantic flag ${LOADS_NOT}. Write the network address, \`"${clean}"/${mask}\` (or /${max} if only ${addr} was meant).`);
          continue;
        }
        if (!acl) continue;
        const key = `${ip.family}|${clean}/${mask}`;
        const prior = seen.get(key);
        if (prior && prior.negated !== e.negated) {
          report(file.path, r, `Conflicting ACL entries: this entry ${e.negated ? 'excludes' : 'includes'} ${clean}/${mask}, which an earlier entry of acl ${acl.name.text} ${prior.negated ? 'excludes' : 'includes'}, and ${LOADS_NOT}. Keep only the one you mean.`, [
            { path: file.path, range: { start: prior.addr.start, end: prior.end }, message: 'the conflicting entry' },
          ]);
        } else if (!prior) seen.set(key, e);
      }
    }

    // ------------------------------------------------------------ statements

    function checkStatement(file: VclFile, s: Statement): void {
      // A size unit where a time is wanted is a type error (vcl/type-error types every place).
      for (const e of statementExprs(s)) walkExpr(e, (x) => checkExpr(file, x));
    }

    function checkExpr(file: VclFile, x: Expr): void {
      if (x.type === 'name') checkHeader(file, x);
      else if (x.type === 'binary' && COMPARISONS.has(x.op)) {
        const left = unparen(x.left);
        const info = left.type === 'name' ? lookupVariable(left.name, version, syntax) : undefined;
        const right = unparen(x.right);
        if (info?.type === 'IP' && (x.op === '==' || x.op === '!=') && right.type === 'string') ipConstant(file, right.value, right);
      } else if (x.type === 'call' && x.callee.type === 'name' && x.callee.name === 'std.ip' && importsModule(model, 'std', 'std')) {
        const fb = x.args.find((a) => a.name?.text === 'fallback') ?? (x.args[1] && !x.args[1].name ? x.args[1] : undefined);
        const v = fb && unparen(fb.value);
        if (v && v.type === 'string') ipConstant(file, v.value, v);
      }
    }

    function ipConstant(file: VclFile, value: string, r: Range): void {
      const p = addressProblem(value);
      if (p) report(file.path, r, `IP constant '"${value}"' could not be resolved to an IP address: ${p.reason} — ${p.why}, and ${LOADS_NOT}. Write an IPv4 or IPv6 address (\`"192.0.2.1"\`, \`"::1"\`).`);
    }

    function checkHeader(file: VclFile, n: NameExpr): void {
      if (n.parts.length < 3 || !HTTP_OBJECTS.has(n.parts[0].text) || n.parts[1].text !== 'http') return;
      for (const p of n.parts.slice(2)) {
        if (!p.quoted) continue;
        if (syntax === '4.0' && !fragment) {
          report(file.path, p, `Quoted headers are available for VCL >= 4.1.: the main VCL says \`vcl 4.0;\`, and ${LOADS_NOT}. Change its vcl line to 4.1, or write the header unquoted (\`${n.parts[0].text}.http.${p.text.replace(/[^A-Za-z0-9_-]/g, '-')}\`).`);
        }
        const bad = badHeaderChar(p.text);
        if (bad) {
          const shown = ESCAPES[bad.char] ?? bad.char;
          report(file.path, p, `Invalid character '${shown}' in header name.: an HTTP header name may hold only letters, digits and !#$%&'*+-.^_\`|~, and ${LOADS_NOT}. Remove the character or replace it with '-'.`);
        }
      }
      if (n.parts.length === 3) {
        const h = n.parts[2];
        if (h.text.length > MAX_HEADER_NAME) {
          report(file.path, h, `HTTP header (${h.text.slice(0, 20)}..) is too long.: ${h.text.length} characters, and VCC allows at most ${MAX_HEADER_NAME}, so ${LOADS_NOT}. Use a shorter header name.`);
        }
      }
    }

    // ------------------------------------------------------------ declarations, in VCC's reading order

    function declarations(): void {
      const events: Event[] = [];
      const main = mainFile(model);
      const topTargets = new Map<unknown, string[]>();
      for (const site of model.includes) if (site.context === 'top') topTargets.set(site.node, site.targets);
      const visiting = new Set<string>();
      const walkTop = (file: VclFile, items: readonly (Decl | Statement | AclEntry)[]): void => {
        if (visiting.has(file.path)) return;
        visiting.add(file.path);
        for (const it of items) {
          switch (it.type) {
            case 'import': {
              const name = it.alias ?? it.name;
              events.push({ what: 'decl', kind: 'vmod', name: name.text, file: file.path, range: name, module: it.name.text, whole: { start: it.name.start, end: name.end } });
              break;
            }
            case 'include':
              for (const t of topTargets.get(it) ?? []) {
                const f = model.files.get(t);
                if (f && f.tree.mode === 'top') walkTop(f, f.tree.items);
              }
              break;
            case 'backend':
            case 'probe':
            case 'acl':
              if (!broken(file, it.name)) events.push({ what: 'decl', kind: it.type, name: it.name.text, file: file.path, range: it.name });
              break;
            case 'sub':
              if (!broken(file, it.name)) events.push({ what: 'decl', kind: 'sub', name: it.name.text, file: file.path, range: it.name });
              walkBody(file, it.body.body);
              break;
            default:
              break;
          }
        }
        visiting.delete(file.path);
      };
      const walkBody = (file: VclFile, stmts: readonly Statement[]): void => {
        for (const s of stmts) {
          switch (s.type) {
            case 'new':
              if (!broken(file, s.name)) events.push({ what: 'decl', kind: 'instance', name: s.name.text, file: file.path, range: s.name });
              break;
            case 'call':
              if (!s.expr && s.target.parts.length === 1) events.push({ what: 'ref', kind: 'sub', name: s.target.name, file: file.path, range: s.target });
              break;
            case 'set': {
              const v = unparen(s.value);
              if ((s.target.name === 'req.backend_hint' || s.target.name === 'bereq.backend') && v.type === 'name' && v.parts.length === 1) {
                events.push({ what: 'ref', kind: 'backend', name: v.name, file: file.path, range: v });
              }
              break;
            }
            case 'block':
              walkBody(file, s.body);
              break;
            case 'include':
              for (const f of model.bodyIncludes.get(s) ?? []) walkBody(f, f.tree.items.filter((i): i is Statement => i.type !== 'acl-entry' && !isDeclType(i.type)));
              break;
            default:
              break;
          }
          if (s.type === 'if') {
            for (const b of s.branches) {
              aclRefs(file, b.cond);
              walkBody(file, b.body.body);
            }
            if (s.else) walkBody(file, s.else.body);
          } else if (s.type !== 'block' && s.type !== 'include') for (const e of statementExprs(s)) aclRefs(file, e);
        }
      };
      const aclRefs = (file: VclFile, e: Expr): void => {
        walkExpr(e, (x) => {
          if (x.type !== 'binary' || (x.op !== '~' && x.op !== '!~')) return;
          const left = unparen(x.left);
          const right = unparen(x.right);
          if (right.type !== 'name' || right.parts.length !== 1) return;
          const isIp = left.type === 'name' ? lookupVariable(left.name, version, syntax)?.type === 'IP' : left.type === 'call' && left.callee.type === 'name' && left.callee.name === 'std.ip';
          if (isIp) events.push({ what: 'ref', kind: 'acl', name: right.name, file: file.path, range: right });
        });
      };
      if (main && main.tree.mode === 'top') walkTop(main, main.tree.items);

      const table = new Map<string, Event>();
      for (const ev of events) {
        const prior = table.get(ev.name);
        if (ev.what === 'ref') {
          if (!prior) table.set(ev.name, ev);
          continue;
        }
        const n = ev.name;
        const where = (p: Event): RelatedInfo[] => [{ path: p.file, range: p.range, message: p.what === 'ref' ? `first used as ${article(p.kind)} here` : `${p.kind === 'vmod' ? 'imported' : 'declared'} here` }];
        if (n.startsWith('vcl_') && ev.kind !== 'sub') {
          report(ev.file, ev.range, `Symbols named 'vcl_*' are reserved.: the vcl_ prefix belongs to Varnish's subroutines, so a${ev.kind === 'acl' || ev.kind === 'instance' ? 'n' : ''} ${label(ev.kind)} may not be called ${n}, and ${LOADS_NOT}. Rename it (e.g. ${n.slice(4) || 'my_name'}).`);
          continue;
        }
        const builtin = Object.prototype.hasOwnProperty.call(BUILTIN_SYMBOLS, n) ? BUILTIN_SYMBOLS[n] : n === 'default' && ev.kind !== 'backend' && ev.kind !== 'probe' ? 'func' : undefined;
        if (builtin) {
          report(ev.file, ev.range, `${say(wrongType(ev, n, builtin))} ${n} is a name VCL already has (${builtinWhat(builtin)}), and ${LOADS_NOT}. Give the ${label(ev.kind)} another name.`);
          continue;
        }
        if (!prior) {
          table.set(n, ev);
          continue;
        }
        if (prior.what === 'ref') {
          table.set(n, ev);
          if (prior.kind === ev.kind || ev.kind === 'vmod') continue;
          const head = ev.kind === 'sub' ? `Symbol '${n}' has wrong type (${prior.kind}), expected sub:` : `Name ${n} must have type '${prior.kind}'.`;
          report(ev.file, ev.range, `${say(head)} ${n} is used as ${article(prior.kind)} before this ${label(ev.kind)} is declared, so VCC took it for ${article(prior.kind)}, and ${LOADS_NOT}. Rename the ${label(ev.kind)}, or fix the earlier use.`, where(prior));
          continue;
        }
        if (prior.kind === ev.kind) {
          if (ev.kind === 'sub') continue; // vcl_* subs concatenate; a custom sub twice is vcl/syntax's
          if (ev.kind === 'vmod') {
            if (prior.module !== ev.module) {
              report(ev.file, ev.whole ?? ev.range, `Another module already imported as ${n}.: ${prior.module} is already imported under that name, and ${LOADS_NOT}. Import ${ev.module} under another name (\`import ${ev.module} as ${ev.module};\`).`, where(prior));
            }
            continue;
          }
          const head = ev.kind === 'backend' && n === 'default' ? 'Only one default director possible.' : `${REDEFINED[ev.kind]} '${n}' redefined.`;
          report(ev.file, ev.range, `${head}: a second ${label(ev.kind)} named ${n}, and ${LOADS_NOT}. Remove one of them or rename it.`, where(prior));
          continue;
        }
        const head = ev.kind === 'sub' || ev.kind === 'vmod' ? `Symbol '${n}' has wrong type (${prior.kind}), expected ${ev.kind}:` : `Name '${n}' already defined.`;
        report(ev.file, ev.range, `${say(head)} ${n} is already ${article(prior.kind)} (backends, probes, ACLs, subs, imports and objects share one namespace), and ${LOADS_NOT}. Rename this ${label(ev.kind)}.`, where(prior));
      }
    }

    // ------------------------------------------------------------ recursion

    function recursion(): void {
      const calls = callSites(model);
      const state = new Map<string, 'open' | 'done'>();
      const stack: { sub: string; site?: CallSite }[] = [];
      const reported = new Set<string>();
      // Depth-first with an explicit stack of frames: a call chain thousands of subs long must not
      // exhaust the call stack.
      const visit = (root: string): void => {
        const frames: { sub: string; sites: CallSite[]; next: number }[] = [{ sub: root, sites: calls.get(root) ?? [], next: 0 }];
        state.set(root, 'open');
        while (frames.length > 0) {
          const frame = frames[frames.length - 1];
          if (frame.next >= frame.sites.length) {
            state.set(frame.sub, 'done');
            frames.pop();
            if (frames.length > 0) stack.pop();
            continue;
          }
          const site = frame.sites[frame.next++];
          const callee = site.callee;
          if (!model.subs.has(callee)) continue;
          if (state.get(callee) === 'open') {
            const from = stack.findIndex((f) => f.sub === callee);
            const cycle = [...stack.slice(from + 1).map((f) => f.site!), site];
            const subs = [callee, ...cycle.map((c) => c.callee)];
            if (!subs.slice(0, -1).some((s) => reported.has(s))) {
              for (const s of subs) reported.add(s);
              const def = model.subs.get(callee)![0];
              report(def.file, def.range, `Subroutine recurses on: ${subs.join(' → ')}; VCL subroutines may not call themselves, directly or through others, and ${LOADS_NOT}. Use a loop-free flow (e.g. return (restart) to run vcl_recv again).`, cycle.map((c) => ({ path: c.file, range: c.range, message: `...called from "${c.caller}"` })));
            }
            continue;
          }
          if (state.get(callee) === 'done') continue;
          stack.push({ sub: callee, site });
          state.set(callee, 'open');
          frames.push({ sub: callee, sites: calls.get(callee) ?? [], next: 0 });
        }
      };
      for (const name of model.subs.keys()) {
        if (state.has(name)) continue;
        stack.push({ sub: name });
        visit(name);
        stack.pop();
      }
    }

    // ------------------------------------------------------------ a program without a backend

    function noBackend(): void {
      if (fragment || includesIncomplete(model) || !model.version || model.backends.size > 0) return;
      const main = mainFile(model);
      if (!main || main.tree.errors.length) return;
      // A file with a vcl line and only subs may well be a snippet opened on its own (builtin.vcl, recv.vcl):
      // report only a main VCL that is certainly the whole program — one that declares nothing a snippet would
      // (nothing but its vcl line and imports), or assembles the program (top-level includes, all found), or
      // creates directors in vcl_init without any backend for them.
      const items = main.tree.items;
      const empty = items.every((i) => i.type === 'vcl' || i.type === 'import');
      const assembles = items.some((i) => i.type === 'include');
      const directors = [...model.objects.values()].some((defs) => defs.some((d) => d.file === main.path));
      if (!empty && !assembles && !directors) return;
      report(model.version.file, model.version.range, `No backends or directors found in VCL program, at least one is necessary.: this VCL and its includes declare no backend, and ${LOADS_NOT} (a director created in vcl_init does not count). Declare one, e.g. \`backend default { .host = "127.0.0.1"; .port = "8080"; }\`, or \`backend default none;\` if every request is answered from VCL.`);
    }
  },
});

function isDeclType(t: string): boolean {
  return t === 'vcl' || t === 'import' || t === 'backend' || t === 'probe' || t === 'acl' || t === 'sub' || t === 'junk';
}

function importsModule(model: VclModel, alias: string, module: string): boolean {
  return (model.imports.get(alias) ?? []).some((i) => i.node.name.text === module);
}

function label(kind: SymKind): string {
  return kind === 'vmod' ? 'import' : kind === 'instance' ? 'object' : kind;
}

function article(kind: SymKind): string {
  const l = kind === 'vmod' ? 'VMOD' : kind === 'instance' ? 'object' : kind === 'acl' ? 'ACL' : kind;
  return /^[aeiouAEIO]/.test(l) ? `an ${l}` : `a ${l}`;
}

/** varnishd's words, then ours: `Name 'x' already defined.: …`, `Symbol 'x' has wrong type (acl), expected sub: …`. */
function say(head: string): string {
  return head.endsWith(':') ? head : `${head}:`;
}

function wrongType(ev: Event, name: string, builtin: string): string {
  if (ev.kind === 'sub' || ev.kind === 'vmod') return `Symbol '${name}' has wrong type (${builtin}), expected ${ev.kind}:`;
  return `Name ${name} must have type '${builtin}'.`;
}

function builtinWhat(kind: string): string {
  switch (kind) {
    case 'var':
      return 'a variable';
    case 'func':
      return 'a built-in function or constant';
    case 'action':
      return 'a statement keyword';
    default:
      return 'a reserved word';
  }
}
