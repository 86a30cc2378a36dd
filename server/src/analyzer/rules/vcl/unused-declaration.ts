// vcl/unused-declaration: a sub, ACL, backend or probe nothing uses — a load error in Varnish (vcc_err_unref is on
// by default: "Unused acl x, defined:"). The first backend is the default one and counts as used (unless a backend
// is named `default`); what only unused subs or backends use is unused too.
import { defineVclRule } from '../rule';
import type { Fix, TextEdit } from '../../types';
import type { Located } from '../../vcl/model';
import { removeStatement } from '../../fixes';
import { andList, includesIncomplete, isFragment } from '../../vcl/checks';

type Kind = 'sub' | 'acl' | 'backend' | 'probe';

const HOW: Record<Kind, (n: string) => string> = {
  sub: (n) => `call it (\`call ${n};\`) from a built-in sub`,
  acl: (n) => `use it (\`if (client.ip ~ ${n}) { … }\`)`,
  backend: (n) => `route requests to it (\`set req.backend_hint = ${n};\`)`,
  probe: (n) => `attach it to a backend (\`.probe = ${n};\`)`,
};

export default defineVclRule({
  id: 'vcl/unused-declaration',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: 'A sub, ACL, backend or probe that nothing uses (`backend x none;` included; the first backend is the default and counts as used) — Varnish refuses to load such a VCL.',
      why: 'With the default `vcc_err_unref=on`, VCC treats an unreferenced sub, ACL, backend or probe as an error (`Unused acl office, defined:`), so a leftover declaration fails the deploy. It usually means a missing `call`, a purge ACL that is never checked, or a backend no request is routed to. The first backend declared is the default one (unless one is named `default`) and needs no reference. Declarations used only from unused subs are reported too: they become unused once those are removed.',
      bad: 'acl purgers { "127.0.0.1"; }\n\nsub vcl_recv {\n    if (req.method == "PURGE") {\n        return (purge);\n    }\n}',
      good: 'acl purgers { "127.0.0.1"; }\n\nsub vcl_recv {\n    if (req.method == "PURGE") {\n        if (client.ip !~ purgers) {\n            return (synth(405));\n        }\n        return (purge);\n    }\n}',
    },
  },
  check(ctx) {
    const { model } = ctx;
    // A snippet's declarations are for the including VCL; a missing include may use them.
    if (isFragment(model) || includesIncomplete(model)) return;
    const decls = new Map<string, { kind: Kind; name: string; defs: Located<{ start: number; end: number }>[] }>();
    const add = (kind: Kind, map: Map<string, Located<{ start: number; end: number }>[]>) => {
      for (const [name, defs] of map) decls.set(`${kind}:${name}`, { kind, name, defs });
    };
    add('sub', new Map([...model.subs].filter(([n]) => !n.startsWith('vcl_'))));
    add('acl', model.acls);
    add('backend', model.backends);
    add('probe', model.probes);

    // Who references what: a sub's code, a backend's `.probe`, or the program itself (built-in subs).
    const ROOT = 'root';
    const ownerOf = (file: string, start: number, sub: string | undefined): string => {
      if (sub) return sub.startsWith('vcl_') ? ROOT : `sub:${sub}`;
      for (const [name, defs] of model.backends) if (defs.some((d) => d.file === file && d.node.start <= start && start < d.node.end)) return `backend:${name}`;
      return ROOT;
    };
    const edges = new Map<string, Set<string>>();
    const users = new Map<string, Set<string>>();
    for (const r of model.references) {
      if (r.kind !== 'sub' && r.kind !== 'acl' && r.kind !== 'backend' && r.kind !== 'probe') continue;
      const target = `${r.kind}:${r.name}`;
      if (!decls.has(target)) continue;
      const owner = ownerOf(r.file, r.range.start, r.sub);
      (edges.get(owner) ?? edges.set(owner, new Set()).get(owner)!).add(target);
      (users.get(target) ?? users.set(target, new Set()).get(target)!).add(owner);
    }
    // The default backend: one named `default`, else the first declared.
    const roots = [ROOT];
    const firstBackend = model.backends.has('default') ? 'default' : [...model.backends.keys()][0];
    if (firstBackend) roots.push(`backend:${firstBackend}`);
    // `probe default` is the probe of every backend that names none.
    if (model.probes.has('default')) roots.push('probe:default');
    const used = new Set<string>(roots);
    const queue = [...roots];
    while (queue.length) {
      const n = queue.shift()!;
      for (const t of edges.get(n) ?? []) {
        if (used.has(t)) continue;
        used.add(t);
        queue.push(t);
      }
    }
    // A declaration whose name the parser rejected (`sub foo.bar`) is vcl/syntax's.
    const broken = (k: string) =>
      decls.get(k)!.defs.some((d) => (ctx.file(d.file)?.tree.errors ?? []).some((e) => e.range.start < d.node.end && e.range.end > d.range.start && e.range.start <= d.range.end));
    const unused = [...decls.keys()].filter((k) => !used.has(k) && !broken(k));
    const unusedSet = new Set(unused);
    // The unused declarations that use `key`, directly or not (removed together by the fix).
    const unusedUsers = (key: string): string[] => {
      const out = new Set<string>();
      const q = [key];
      while (q.length) {
        for (const u of users.get(q.shift()!) ?? []) {
          if (unusedSet.has(u) && !out.has(u) && u !== key) {
            out.add(u);
            q.push(u);
          }
        }
      }
      return [...out];
    };
    const label = (k: string) => {
      const d = decls.get(k)!;
      return `${d.kind} ${d.name}`;
    };
    for (const key of unused) {
      const d = decls.get(key)!;
      const via = unusedUsers(key);
      const removing = [key, ...via];
      const edits: TextEdit[] = [];
      for (const k of removing) {
        for (const def of decls.get(k)!.defs) {
          const f = ctx.file(def.file);
          if (f) edits.push(removeStatement(f, def.node.start, def.node.end));
        }
      }
      const fixes: Fix[] = [{ title: via.length ? `Remove ${label(key)} and ${andList(via.map(label))}, which nothing uses` : `Remove the unused ${d.kind} ${d.name}`, safe: false, edits }];
      const direct = [...(users.get(key) ?? [])].filter((u) => u !== key);
      for (const def of d.defs) {
        const message = direct.length
          ? `Unused ${d.kind} ${d.name}: only ${andList(direct.map(label))} ${direct.length > 1 ? 'use' : 'uses'} it, and nothing uses ${direct.length > 1 ? 'those' : 'that'}, so it never takes effect; varnishd rejects it as soon as ${direct.length > 1 ? 'they are' : 'that is'} removed (vcc_err_unref), and the VCL does not load as it is. Use ${d.name} from code that runs, or remove it together with ${andList(direct.map(label))}.`
          : `Unused ${d.kind} ${d.name}, defined: nothing references it, and varnishd refuses to load a VCL with an unused ${d.kind} (vcc_err_unref). ${HOW[d.kind](d.name).replace(/^./, (c) => c.toUpperCase())}, or remove it.`;
        const lenient = !ctx.settings.vcc.errUnref;
        ctx.report({
          path: def.file,
          range: def.range,
          message: lenient ? `Unused ${d.kind} ${d.name}: nothing that runs references it, so it has no effect (varnishd only warns, as vcc_err_unref is off). ${HOW[d.kind](d.name).replace(/^./, (c) => c.toUpperCase())}, or remove it.` : message,
          severity: lenient ? 'warning' : undefined,
          fixes,
          related: direct.flatMap((u) => (decls.get(u)?.defs ?? []).map((ud) => ({ path: ud.file, range: ud.range, message: `${label(u)} uses ${d.name} but is itself unused` }))),
        });
      }
    }
  },
});
