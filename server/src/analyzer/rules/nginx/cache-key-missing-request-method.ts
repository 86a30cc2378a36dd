// nginx/cache-key-missing-request-method: HEAD and GET share a key while HEAD reaches the upstream as HEAD.
import { defineRule } from '../rule';
import { removeStatement } from '../../fixes';
import { directiveRange, effective, wordRange } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import type { Placed, Scope } from '../../nginx/model';
import { mayMissDirectives } from '../../nginx/completeness';
import { prependVariable, variableIndex } from '../../nginx/variables';

export default defineRule({
  id: 'nginx/cache-key-missing-request-method',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: 'fastcgi/uwsgi/scgi cache key without `$request_method` (error), or proxy with `proxy_cache_convert_head off` and a key without it (warning).',
      why: 'These modules pass HEAD to the upstream as HEAD; the body-less answer is stored under the same key as GET, and the next GET is a HIT with an empty or truncated body (measured with a PHP-like backend: GET after HEAD returned 0 bytes; with `proxy_cache_convert_head off` the client stalled on a `Content-Length: 16` with no body).',
      bad: 'fastcgi_cache_key $scheme$host$request_uri;',
      good: 'fastcgi_cache_key $scheme$request_method$host$request_uri;',
    },
  },
  check(ctx) {
    const vars = variableIndex(ctx.model);
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      const convertOff = pol.family === 'proxy' ? convertHeadOff(pol) : undefined;
      if (pol.family === 'proxy' && !convertOff) continue;
      const fam = pol.family;
      if (pol.key) {
        const word = pol.key.d.args[0];
        if (!word || pol.key.d.args.length !== 1 || done.has(pol.key.d)) continue;
        const d = vars.derive(word, pol.scope);
        if (d.unknown || d.touches.has('request_method')) continue;
        done.add(pol.key.d);
        const key = pol.key;
        const related = convertOff ? [{ path: convertOff.file.path, range: directiveRange(convertOff), message: 'HEAD requests are sent upstream as HEAD because of this' }] : [];
        ctx.report({
          path: key.file.path,
          range: wordRange(word),
          severity: fam === 'proxy' ? 'warning' : undefined,
          message:
            fam === 'proxy'
              ? `proxy_cache_key has no $request_method while proxy_cache_convert_head is off: a HEAD response (headers, no body) is stored under the same key as GET, and the next GET is a HIT with an empty body. Add $request_method to the key, or remove proxy_cache_convert_head off.`
              : `${fam}_cache_key has no $request_method: ${fam} passes HEAD requests to the upstream as HEAD, the body-less answer is stored under the GET key, and the next GET is a HIT with an empty page. Add $request_method to the key.`,
          related,
          fixes: [{ title: 'Add $request_method to the cache key', safe: true, edits: [prependVariable(key.file.path, word, 'request_method')] }],
        });
      } else if (convertOff && !mayMissDirectives(ctx.model, pol.scope, { templates: false }) && !done.has(convertOff.d)) {
        // The built-in proxy key has no method either.
        done.add(convertOff.d);
        // Removing it helps only when no outer level turns conversion off too.
        const outer = convertOff.scope.parent && convertHeadOffIn(convertOff.scope.parent);
        ctx.report({
          path: convertOff.file.path,
          range: directiveRange(convertOff),
          severity: 'warning',
          message: `proxy_cache_convert_head off sends HEAD requests upstream as HEAD, but cache "${pol.zoneName}" uses the built-in key, which has no $request_method: a body-less HEAD answer is stored under the GET key and the next GET is a HIT with an empty body. Remove proxy_cache_convert_head off, or set a proxy_cache_key with $request_method.`,
          related: [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${pol.zoneName}" enabled here, with the built-in key` }],
          fixes: outer ? [] : [{ title: 'Remove proxy_cache_convert_head off', safe: false, edits: [removeStatement(ctx.file(convertOff.file.path), convertOff.d.offset, convertOff.d.end)] }],
        });
      }
    }
  },
});

function convertHeadOff(pol: CachePolicy): Placed | undefined {
  return convertHeadOffIn(pol.scope);
}

function convertHeadOffIn(scope: Scope): Placed | undefined {
  const l = effective(scope, 'proxy_cache_convert_head');
  const last = l[l.length - 1];
  return last && last.d.args[0]?.value === 'off' ? last : undefined;
}
