// vcl/undefined-reference: a `call`ed sub, backend, ACL or probe that is not defined, a VMOD function used
// without its `import`, a statement or function VCL does not have, a `sub vcl_*` Varnish does not know. Silent
// when an include was not found or the file is a snippet (the name may be defined by the including VCL).
import { defineVclRule } from '../rule';
import type { Fix } from '../../types';
import { builtinSubs, FUNCTIONS, isReservedSubName, subroutineContext, VARNISH_VERSIONS } from '../../vcl/data';
import {
  callsIn,
  closest,
  includesIncomplete,
  isDeclared,
  isFragment,
  mainFile,
  nameUses,
  removedFunction,
  removedStatement,
  removedSub,
  subStatements,
  vclSyntax,
} from '../../vcl/checks';

/** Namespaces of variables (vcl/variable-not-in-scope reports unknown names there). */
const VARIABLE_ROOTS = new Set(['req', 'req_top', 'bereq', 'beresp', 'obj', 'obj_stale', 'resp', 'client', 'server', 'local', 'remote', 'sess', 'storage', 'now', 'param']);
/** VMODs bundled with Varnish: adding their import is always right. */
const BUNDLED_VMODS = new Set(['std', 'directors', 'cookie', 'header', 'proxy', 'unix', 'vtc', 'blob', 'purge', 'h2', 'debug']);
/** The language's own functions (hash_data, synthetic, ban, regsub, regsuball). */
const BUILTIN_FUNCTIONS = new Set(FUNCTIONS.filter((f) => f.module === 'builtin').map((f) => f.name));

const KIND_WORD = { sub: 'sub', backend: 'backend', acl: 'acl', probe: 'probe', object: 'object', vmod: 'vmod' } as const;

export default defineVclRule({
  id: 'vcl/undefined-reference',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: 'A `call`ed sub, a backend, ACL or probe that is not defined, a VMOD function used without its `import`, a statement or function VCL does not have, or a `sub vcl_*` Varnish does not know.',
      why: 'VCC resolves every name when it compiles and refuses to load the VCL on the first one it cannot find (`Undefined sub foo, first reference:`, `Undefined acl purgers`, `Symbol not found: \'std.log\'`). A typo in an ACL name or a forgotten `import std;` is therefore a failed deploy. Names defined in an include that was not found, and snippets meant to be included elsewhere, are not reported.',
      bad: 'sub vcl_recv {\n    if (client.ip ~ purger) {\n        return (purge);\n    }\n    std.log("recv");\n}',
      good: 'import std;\n\nacl purger { "127.0.0.1"; }\n\nsub vcl_recv {\n    if (client.ip ~ purger) {\n        return (purge);\n    }\n    std.log("recv");\n}',
    },
  },
  check(ctx) {
    const { model, version } = ctx;
    const syntax = vclSyntax(model);
    const silent = isFragment(model) || includesIncomplete(model);
    const done = new Set<string>();
    const report = (path: string, start: number, end: number, message: string, fixes: Fix[] = [], related?: { path: string; range: { start: number; end: number }; message: string }[]) => {
      const key = `${path}:${start}:${end}`;
      if (done.has(key)) return;
      done.add(key);
      ctx.report({ path, range: { start, end }, message, fixes, related });
    };

    // `sub vcl_foo`: a reserved name that is no built-in sub of this version (vcl_fetch / vcl_error: removed-syntax).
    for (const [name, defs] of model.subs) {
      if (!isReservedSubName(name, version) || removedSub(name, version, syntax)) continue;
      const other = VARNISH_VERSIONS.filter((v) => v !== version && !isReservedSubName(name, v));
      const guess = closest(name, builtinSubs(version).map((s) => s.name));
      for (const d of defs) {
        const fixes: Fix[] = guess && !other.length ? [{ title: `Rename to ${guess}`, safe: false, edits: [{ path: d.file, start: d.range.start, end: d.range.end, newText: guess }] }] : [];
        const why = other.length ? `${name} is a built-in subroutine of Varnish ${other.join(' and ')}, not of ${version} (the version checked against)` : `${name} is not one of Varnish's built-in subroutines${guess ? ` (did you mean ${guess}?)` : ''}`;
        report(d.file, d.range.start, d.range.end, `The names 'vcl_*' are reserved for subroutines: ${why}, so varnishd will not load this VCL. Give a custom sub a name without the vcl_ prefix.`, fixes);
      }
    }

    // Statements and functions VCL does not have (not the Varnish 2/3 ones: removed-syntax explains those).
    for (const name of model.subs.keys()) {
      for (const { stmt, file } of subStatements(model, name)) {
        if (stmt.type === 'unknown' && stmt.keyword.parts.length === 1) {
          const kw = stmt.keyword.parts[0];
          if (!removedStatement(kw.text, version, syntax) && !isDeclared(model, kw.text)) {
            report(file, kw.start, kw.end, `Symbol not found: '${kw.text}': VCL has no statement "${kw.text}" (statements are set, unset, call, return, if, new, hash_data(), synthetic(), ban() and VMOD function calls), so varnishd will not load this VCL.`);
          }
        }
        for (const call of callsIn(stmt)) {
          if (call.callee.type !== 'name') continue;
          const callee = call.callee;
          const first = callee.parts[0].text;
          if (removedFunction(callee.name, version, syntax)) continue;
          if (callee.parts.length === 1) {
            if (BUILTIN_FUNCTIONS.has(first) || isDeclared(model, first)) continue;
            report(file, callee.start, callee.end, `Symbol not found: '${first}': VCL has no function ${first}() (its own functions are ${[...BUILTIN_FUNCTIONS].join('(), ')}(); the others come from VMODs, as vmod.function()), so varnishd will not load this VCL.`);
            continue;
          }
          if (silent || VARIABLE_ROOTS.has(first) || isDeclared(model, first)) continue;
          const bundled = BUNDLED_VMODS.has(first);
          const main = mainFile(model);
          const fixes: Fix[] = [];
          if (main && /^[A-Za-z_][A-Za-z0-9_]*$/.test(first)) {
            const v = main.tree.items.find((i) => i.type === 'vcl');
            const eol = main.lines.eol();
            const edit = v ? { path: main.path, start: v.end, end: v.end, newText: `${eol}import ${first};` } : { path: main.path, start: 0, end: 0, newText: `import ${first};${eol}` };
            fixes.push({ title: `Add import ${first};`, safe: bundled, edits: [edit] });
          }
          report(
            file,
            callee.start,
            callee.end,
            `Symbol not found: '${callee.name}': ${first} is neither an imported VMOD nor an object created with \`new\`, so varnishd will not load this VCL. ${bundled ? `Add \`import ${first};\` (a VMOD bundled with Varnish).` : `Import the VMOD that provides it (\`import ${first};\`), or fix the name.`}`,
            fixes,
          );
        }
      }
    }

    if (silent) return;
    // Names used as values that nothing declares (`if (beresp.backend == c)`, `set req.backend_hint = foo.bar;`).
    const referenced = new Set(model.references.map((r) => `${r.file}:${r.node.start}`));
    for (const name of model.subs.keys()) {
      for (const { stmt, file } of subStatements(model, name)) {
        for (const use of nameUses(stmt)) {
          const n = use.name;
          const first = n.parts[0].text;
          if (VARIABLE_ROOTS.has(first) || isDeclared(model, first) || referenced.has(`${file}:${n.start}`)) continue;
          if ((first === 'default' && model.backends.size > 0) || /^(true|false)$/i.test(n.name)) continue;
          const guess = n.parts.length === 1 ? closest(first, [...model.backends.keys(), ...model.acls.keys()]) : undefined;
          report(
            file,
            n.start,
            n.end,
            `Symbol not found: '${n.name}': nothing of that name is declared in this VCL or its includes${n.parts.length > 1 ? ` (${first} is neither an imported VMOD nor an object created with \`new\`)` : ''}, so varnishd will not load it.${guess ? ` Did you mean ${guess}?` : ''}`,
            guess ? [{ title: `Replace with ${guess}`, safe: false, edits: [{ path: file, start: n.start, end: n.end, newText: guess }] }] : [],
          );
        }
      }
    }
    // A probe must be declared before the backend that uses it.
    for (const r of model.references) {
      if (r.kind !== 'probe' || !r.resolved) continue;
      const decl = model.probes.get(r.name)?.[0];
      if (!decl || decl.file !== r.file || decl.range.start < r.range.start) continue;
      report(r.file, r.range.start, r.range.end, `Symbol not found: '${r.name}': probe ${r.name} is declared further down, and VCC only knows a probe after its declaration, so varnishd will not load this VCL. Move \`probe ${r.name} { … }\` above this backend.`, [], [{ path: decl.file, range: decl.range, message: `probe ${r.name} is declared here` }]);
    }
    // Subs, backends, ACLs and probes that are not defined.
    for (const r of model.references) {
      if (r.resolved) continue;
      // `default` always names the default backend (the first one declared).
      if (r.kind === 'backend' && r.name === 'default' && model.backends.size > 0) continue;
      if (r.kind === 'sub' && subroutineContext(r.name, version)) continue;
      const candidates =
        r.kind === 'sub' ? [...model.subs.keys()].filter((n) => !n.startsWith('vcl_')) : r.kind === 'backend' ? [...model.backends.keys()] : r.kind === 'acl' ? [...model.acls.keys()] : r.kind === 'probe' ? [...model.probes.keys()] : [];
      const guess = closest(r.name, candidates);
      const fixes: Fix[] = guess ? [{ title: `Replace with ${guess}`, safe: false, edits: [{ path: r.file, start: r.range.start, end: r.range.end, newText: guess }] }] : [];
      const kind = KIND_WORD[r.kind];
      const lead = r.kind === 'probe' ? `Symbol not found: '${r.name}'` : `Undefined ${kind} ${r.name}`;
      const def =
        r.kind === 'sub'
          ? `define \`sub ${r.name} { … }\``
          : r.kind === 'backend'
            ? `declare \`backend ${r.name} { .host = "…"; }\``
            : r.kind === 'acl'
              ? `declare \`acl ${r.name} { "127.0.0.1"; }\``
              : `declare \`probe ${r.name} { .url = "/"; }\``;
      report(r.file, r.range.start, r.range.end, `${lead}: no ${kind} of that name is declared in this VCL or its includes, so varnishd will not load it.${guess ? ` Did you mean ${guess}?` : ''} Otherwise ${def}.`, fixes);
    }
  },
});
