// vcl/missing-version: the main VCL file must start with `vcl 4.0;` or `vcl 4.1;`; an included file may omit it
// but may not declare a higher version than the main file. A snippet (no vcl line, no backend) is left alone.
import { defineVclRule } from '../rule';
import type { Fix } from '../../types';
import { isFragment, mainFile } from '../../vcl/checks';
import type { VersionDecl } from '../../vcl/tree';

export default defineVclRule({
  id: 'vcl/missing-version',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: 'The main VCL file does not start with `vcl 4.0;` / `vcl 4.1;`, or an included file declares a higher VCL version than the main file.',
      why: 'Varnish only loads a VCL whose first statement declares the VCL syntax (`VCL version declaration missing … add vcl 4.1; on the first line`); a file without it is usually Varnish 3 VCL. The main file\'s version is the ceiling for its includes (`VCL version 4.1 higher than the top level version 4.0`). Included snippets may leave the line out; a file without it is only reported when it is clearly a main file (a backend, and a `vcl_*` sub, an include or an import).',
      bad: 'backend default {\n    .host = "127.0.0.1";\n}\n\nsub vcl_recv {\n    unset req.http.Cookie;\n}',
      good: 'vcl 4.1;\n\nbackend default {\n    .host = "127.0.0.1";\n}\n\nsub vcl_recv {\n    unset req.http.Cookie;\n}',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const main = mainFile(model);
    if (!main || main.tree.mode !== 'top') return;
    const items = main.tree.items;
    const first = items.find((i) => i.type !== 'junk') ?? items[0];
    const eol = main.lines.eol();
    const versionLine = items.find((i): i is VersionDecl => i.type === 'vcl');
    if (!versionLine) {
      // No vcl line: a program only when it declares a backend and has a vcl_* sub, an include or an import
      // (otherwise a snippet meant to be included).
      if (isFragment(model) || !first) return;
      const word = /^[A-Za-z_]+/.exec(main.text.slice(first.start, first.end))?.[0] ?? '';
      ctx.report({
        path: main.path,
        range: { start: first.start, end: first.start + Math.max(1, word.length) },
        message: 'VCL version declaration missing: Varnish will not load a VCL whose first statement is not `vcl 4.0;` or `vcl 4.1;` (a VCL without it is usually Varnish 3 syntax, which 4.x also rejects elsewhere). Add `vcl 4.1;` on the first line.',
        fixes: [{ title: 'Add vcl 4.1; as the first line', safe: true, edits: [{ path: main.path, start: 0, end: 0, newText: `vcl 4.1;${eol}` }] }],
      });
    } else if (first && first !== versionLine) {
      const lineText = main.text.slice(versionLine.start, versionLine.end);
      const word = /^[A-Za-z_]+/.exec(main.text.slice(first.start, first.end))?.[0] ?? '';
      // Move the line to the top: delete it (with its line when alone there) and insert it first.
      const ls = main.lines.lineStart(main.lines.positionAt(versionLine.start).line);
      const le = main.lines.lineEnd(main.lines.positionAt(versionLine.end).line);
      const alone = /^[ \t]*$/.test(main.text.slice(ls, versionLine.start)) && /^[ \t]*(#.*|\/\/.*)?$/.test(main.text.slice(versionLine.end, le));
      const next = main.lines.positionAt(versionLine.end).line + 1 < main.lines.lineCount ? main.lines.lineStart(main.lines.positionAt(versionLine.end).line + 1) : le;
      const del = alone ? { start: ls, end: next } : { start: versionLine.start, end: versionLine.end };
      const fixes: Fix[] = [{ title: `Move ${lineText} to the first line`, safe: true, edits: [{ path: main.path, start: 0, end: 0, newText: `${lineText}${eol}` }, { path: main.path, ...del, newText: '' }] }];
      ctx.report({
        path: main.path,
        range: { start: versionLine.start, end: versionLine.end },
        message: `VCL version declaration missing: \`${lineText}\` must be the first statement of the main VCL file, before \`${word}\`; varnishd stops at \`${word}\` and will not load this VCL. Move it to the top.`,
        fixes,
        related: [{ path: main.path, range: { start: first.start, end: first.start + Math.max(1, word.length) }, message: 'varnishd expects the vcl line before this statement' }],
      });
    }

    // Included files may not declare a higher version than the main file.
    const top = model.version?.value;
    if (top !== '4.0' && top !== '4.1') return;
    for (const v of model.versions) {
      if (v.file === main.path) continue;
      if (!/^\d\.\d$/.test(v.value) || Number(v.value) <= Number(top)) continue;
      ctx.report({
        path: v.file,
        range: v.range,
        message: `VCL version ${v.value} higher than the top level version ${top}: the main file's \`vcl ${top};\` is the ceiling for what it includes, so varnishd will not load this VCL. Declare \`vcl ${top};\` here, or raise the main file to \`vcl ${v.value};\`.`,
        fixes: [{ title: `Declare vcl ${top}; here`, safe: true, edits: [{ path: v.file, start: v.range.start, end: v.range.end, newText: top }] }],
        related: model.version ? [{ path: model.version.file, range: model.version.range, message: `the main file declares vcl ${top}` }] : undefined,
      });
    }
  },
});
