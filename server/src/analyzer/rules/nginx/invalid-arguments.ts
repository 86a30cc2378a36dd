// nginx/invalid-arguments: the wrong number of arguments, or a block where none belongs (and vice versa).
import { defineRule } from '../rule';
import { directiveSpec, takesBlock } from '../../nginx/directives';
import { checkedPlacements } from '../../nginx/placements';

export default defineRule({
  id: 'nginx/invalid-arguments',
  dialect: 'nginx',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: "A directive with too few or too many arguments for its syntax, or a block on a directive that takes none.",
      why: 'nginx refuses the configuration ("invalid number of arguments"). A frequent cause is a value with spaces that is not quoted.',
      bad: 'add_header Cache-Control public, max-age=600;',
      good: 'add_header Cache-Control "public, max-age=600";',
    },
  },
  check(ctx) {
    for (const p of checkedPlacements(ctx.model)) {
      const d = p.d;
      const spec = directiveSpec(d.name.value);
      if (!spec || d.args.some((a) => a.template)) continue;
      const n = d.args.length;
      const path = p.file.path;
      const block = takesBlock(spec, p.scope.context, p.scope.family);
      if (block !== undefined) {
        if (block && !d.block && d.semicolon !== undefined) {
          ctx.report({ path, range: { start: d.name.offset, end: d.name.end }, message: `"${spec.name}" needs a { … } block` });
          continue;
        }
        if (!block && d.block) {
          ctx.report({ path, range: { start: d.name.offset, end: d.name.end }, message: `"${spec.name}" takes no { … } block: end it with ";"` });
          continue;
        }
      }
      const a = spec.arity;
      if (!a) continue;
      if (n < a.min || n > a.max) {
        const range = n > a.max && a.max > 0 ? { start: d.args[a.max].offset, end: d.args[n - 1].end } : { start: d.name.offset, end: d.name.end };
        const want = a.max === Infinity ? `at least ${a.min}` : a.min === a.max ? `${a.min}` : `${a.min} to ${a.max}`;
        const hint = n > a.max ? ' A value containing spaces must be quoted.' : '';
        ctx.report({ path, range, message: `invalid number of arguments in "${spec.name}": ${n} given, ${want} expected.${hint}` });
      }
    }
  },
});
