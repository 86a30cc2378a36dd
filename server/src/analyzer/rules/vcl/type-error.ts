// vcl/type-error: an expression VCC refuses for its types — a comparison of different types, an operator the
// operand's type has not, a value of the wrong type for a variable, a function argument or a condition.
import { defineVclRule } from '../rule';
import { typeProblems } from '../../vcl/types';

export default defineVclRule({
  id: 'vcl/type-error',
  dialect: 'vcl',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'An expression `varnishd -C` rejects for its types: comparing a string with a number, `>` on an IP, a REAL used as a condition, an INT where a DURATION is wanted, a function argument of the wrong type or name.',
      why: 'VCL is typed: every expression must have the type its place wants (BOOL in an `if`, the variable\'s type in a `set`, the parameter\'s type in a call), and a number takes its type from that place — `beresp.ttl < 0` compares a DURATION with an INT and VCC refuses the whole VCL (`Comparison of different types: DURATION \'<\' INT`). cachelint types each expression as VCC does and reports the first error of each, with VCC\'s wording; expressions using VMODs it does not describe are not judged.',
      bad: 'sub vcl_backend_response {\n    if (beresp.ttl <= 0) {\n        set beresp.ttl = 120;\n    }\n}',
      good: 'sub vcl_backend_response {\n    if (beresp.ttl <= 0s) {\n        set beresp.ttl = 120s;\n    }\n}',
    },
  },
  check(ctx) {
    for (const p of typeProblems(ctx.model, ctx.version)) {
      ctx.report({ path: p.file, range: p.range, message: `${p.message.replace(/\.$/, '')}: varnishd will not load this VCL.` });
    }
  },
});
