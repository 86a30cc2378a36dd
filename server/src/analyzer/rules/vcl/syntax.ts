// vcl/syntax: what the VCL compiler would reject as syntax, every error at once with its range.
import { defineVclRule } from '../rule';

export default defineVclRule({
  id: 'vcl/syntax',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'Syntax errors `varnishd -C` would reject: a missing `;` or `}`, an unterminated string or long string `{"…"}`, an unexpected token; also unreadable or cyclic includes, a sub defined twice, and inline C while `vcc_allow_inline_c` is off.',
      why: 'Varnish refuses to load a VCL with a syntax error, and `varnishd -C` names only the first one; cachelint lists all of them and keeps analysing the rest of the file.',
      bad: 'sub vcl_recv {\n    set req.http.X-Test = "1"\n}',
      good: 'sub vcl_recv {\n    set req.http.X-Test = "1";\n}',
    },
  },
  check(ctx) {
    // What the compiler refuses before reading the statements: unreadable or cyclic includes, a custom sub
    // defined twice.
    for (const p of ctx.model.problems) {
      if (p.kind === 'include-missing' || p.kind === 'include-cycle' || p.kind === 'sub-redefined') {
        ctx.report({ path: p.file, range: p.range, message: `${p.message.replace(/\.$/, '')}: varnishd will not load this VCL.`, related: p.related?.map((r) => ({ path: r.file, range: r.range, message: r.message })) });
      }
    }
    // Inline C is refused unless varnishd runs with vcc_allow_inline_c on (off by default).
    if (!ctx.settings.vcc.allowInlineC) {
      for (const file of ctx.model.files.values()) {
        for (const t of file.tree.tokens) {
          if (t.kind === 'csrc' && !t.broken) {
            ctx.report({ path: file.path, range: { start: t.start, end: Math.min(t.end, t.start + 2) }, message: 'Inline-C not allowed: varnishd refuses C{ }C unless it runs with `-p vcc_allow_inline_c=on` (then set cachelint.varnish.allowInlineC, or pass --varnish-param vcc_allow_inline_c=on to the CLI).' });
          }
        }
      }
    }
    for (const file of ctx.model.files.values()) {
      for (const e of file.tree.errors) {
        ctx.report({ path: file.path, range: e.range.end > e.range.start ? e.range : { start: e.range.start, end: Math.min(file.text.length, e.range.start + 1) }, message: `${e.message}: varnishd will not load this VCL.` });
      }
    }
  },
});
