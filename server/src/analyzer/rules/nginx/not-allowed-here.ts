// nginx/not-allowed-here: a directive in a context its module does not allow (e.g. proxy_cache inside if).
import { defineRule } from '../rule';
import { allowedIn, directiveSpec } from '../../nginx/directives';
import { checkedPlacements } from '../../nginx/placements';

export default defineRule({
  id: 'nginx/not-allowed-here',
  dialect: 'nginx',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'A directive placed in a block where its module does not allow it, such as `proxy_cache` inside `if`.',
      why: 'nginx refuses the configuration ("directive is not allowed here"). No cache directive works inside `if`: use a `map` variable with `proxy_cache_bypass`/`proxy_no_cache` instead.',
      bad: 'if ($cookie_session) {\n    proxy_cache off;\n}',
      good: 'proxy_cache_bypass $cookie_session;\nproxy_no_cache $cookie_session;',
    },
  },
  check(ctx) {
    for (const p of checkedPlacements(ctx.model)) {
      const spec = directiveSpec(p.d.name.value);
      if (!spec) continue;
      const ctxName = p.scope.context;
      if (allowedIn(spec, ctxName, p.scope.family)) continue;
      const where = p.scope.block ? `inside "${p.scope.block.d.name.value}"` : ctxName === 'main' ? 'at the top level (main context)' : `in ${ctxName} context`;
      const declared = ctx.model.fragmentContext.get(p.file.path);
      ctx.report({
        path: p.file.path,
        range: { start: p.d.name.offset, end: p.d.name.end },
        message: `"${spec.name}" is not allowed ${where}; nginx allows it in: ${[...spec.contexts].join(', ')}.${declared && !declared.declared && !p.scope.block ? ` This file was read as a ${declared.context}-level fragment; declare its context with "# cachelint: context=…" if that is wrong.` : ''}`,
      });
    }
  },
});
