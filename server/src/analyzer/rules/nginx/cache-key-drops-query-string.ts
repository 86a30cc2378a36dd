// nginx/cache-key-drops-query-string: the key has the path but not the query, while the upstream gets the query.
import { defineRule } from '../rule';
import { directiveRange, own, variablesIn, wordRange } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import { scopeChain } from '../../nginx/model';
import type { Scope } from '../../nginx/model';
import { passTarget, upstreamHeaders } from '../../nginx/servers';
import type { VariableIndex } from '../../nginx/variables';
import { appendToKey, variableIndex } from '../../nginx/variables';
import { looksStatic } from '../../nginx/staticAssets';

/** Variables that carry the query string (any of them in the key keeps requests with different queries apart). */
const QUERY_VARS = ['args', 'is_args', 'query_string', 'request_uri', 'request'];
const PATH_VARS = ['uri', 'document_uri'];

export default defineRule({
  id: 'nginx/cache-key-drops-query-string',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: '`*_cache_key` has `$uri`/`$document_uri` but nothing of the query string, where the upstream receives the query.',
      why: 'Requests that differ only in their query get the same entry: `?id=2` was served the page cached for `?id=1` (measured). This is wrong content, not just a lower hit rate.',
      bad: 'proxy_cache_key $scheme$host$uri;',
      good: 'proxy_cache_key $scheme$host$uri$is_args$args;',
    },
  },
  check(ctx) {
    const vars = variableIndex(ctx.model);
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      const key = pol.key;
      const w = key?.d.args[0];
      if (!key || !w || key.d.args.length !== 1 || done.has(key.d)) continue;
      const d = vars.derive(w, pol.scope);
      if (d.unknown || !PATH_VARS.some((v) => d.touches.has(v))) continue;
      if (QUERY_VARS.some((v) => d.touches.has(v)) || [...d.touches].some((v) => v.startsWith('arg_'))) continue;
      if (!receivesQuery(pol, vars)) continue;
      done.add(key.d);
      const fam = pol.family;
      const where = pol.scope.kind === 'location' && pol.scope.block ? pol.scope.block.d.args.map((a) => a.value).join(' ') : '';
      // Locations that look like static files: the upstream most likely ignores the query.
      const isStatic = looksStatic(where);
      const uri = variablesIn(w).find((v) => PATH_VARS.includes(v.name));
      ctx.report({
        path: key.file.path,
        range: uri ? { start: uri.start, end: uri.end } : wordRange(w),
        severity: isStatic ? 'info' : undefined,
        message: `${key.d.name.value} ${w.value} has the path but not the query string, and the upstream receives the query: /page?id=2 is answered with the page cached for /page?id=1. Append $is_args$args to the key${isStatic ? ' (or ignore this if these static files never depend on the query)' : ''}.`,
        related: pol.pass ? [{ path: pol.pass.file.path, range: directiveRange(pol.pass), message: 'the query string is sent upstream here' }] : [],
        fixes: [{ title: 'Append $is_args$args to the cache key', safe: true, edits: [appendToKey(key.file.path, w, '$is_args$args')] }],
      });
    }
  },
});

/** Whether the upstream request of a policy carries the client's query string. */
function receivesQuery(pol: CachePolicy, vars: VariableIndex): boolean {
  // `set $args …` or a rewrite changes what is sent: the analyzer cannot tell.
  for (const s of scopeChain(pol.scope)) {
    if (own(s, 'rewrite').length) return false;
    if (s.kind === 'server') break;
  }
  if (vars.defs('args').some((def) => !def.home || [...scopeChain(pol.scope)].includes(def.home as Scope))) return false;
  if (pol.family === 'proxy') {
    const t = passTarget(pol);
    if (!t) return false;
    if (!t.variable) return !t.text.includes('?');
    // With variables, proxy_pass sends exactly the URI written.
    return /\$(args|query_string|request_uri|is_args|arg_)/.test(t.text);
  }
  if (!pol.pass) return false;
  return upstreamHeaders(pol).entries.some((e) => {
    const d = vars.derive(e.value, pol.scope);
    return ['args', 'query_string', 'request_uri', 'request'].some((v) => d.touches.has(v));
  });
}
