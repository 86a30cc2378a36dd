// nginx/bypass-client-controlled: any client can skip the cache with `Pragma: no-cache`, `?nocache=1`, a cookie.
import { defineRule } from '../rule';
import { directiveRange, effective, variablesIn } from '../../nginx/policy';

/** Cookie names that look like a login session: bypassing on them is the usual way to serve logged-in users. */
const SESSION_COOKIE = /sess|sid|auth|token|login|logged|user|jwt|remember|account|member|wordpress|wp_|comment_author|xf_|phpbb|laravel|csrf|identity|oauth|saml|connect/i;

/** Why a bypass variable is under the client's control, or undefined when it is not (or is a session). */
function clientControl(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === 'http_pragma') return 'the Pragma request header (browsers send "Pragma: no-cache" on a forced reload)';
  if (n === 'http_cache_control') return 'the Cache-Control request header (browsers send "Cache-Control: no-cache" on a forced reload)';
  if (n.startsWith('arg_')) return `the query argument "${name.slice(4)}"`;
  if (n.startsWith('cookie_') && !SESSION_COOKIE.test(n.slice(7))) return `the cookie "${name.slice(7)}"`;
  return undefined;
}

export default defineRule({
  id: 'nginx/bypass-client-controlled',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'info',
    fix: 'none',
    docs: {
      summary: '`*_cache_bypass` depends on `$http_pragma`, `$http_cache_control`, or a bare `$arg_*` / `$cookie_*` that any client can send.',
      why: 'A bypass predicate is true when its value is non-empty and not "0", so any client can skip the cache and send the request to the backend by adding `Pragma: no-cache`, `?nocache=1` or a cookie; browsers send `Cache-Control: no-cache` on every forced reload. A script repeating such requests defeats the cache and loads the application servers. Session cookies of logged-in users are not reported.',
      bad: 'proxy_cache_bypass $http_pragma $arg_nocache;',
      good: 'map $http_x_purge_token $purge {\n    default 0;\n    "long-random-secret" 1;\n}\nproxy_cache_bypass $purge;',
    },
  },
  check(ctx) {
    const seen = new Set<string>();
    for (const pol of ctx.policies) {
      const name = `${pol.family}_cache_bypass`;
      for (const p of effective(pol.scope, name)) {
        for (const w of p.d.args) {
          if (w.template) continue;
          for (const v of variablesIn(w)) {
            const why = clientControl(v.name);
            if (!why) continue;
            const key = `${p.file.path}\0${v.start}`;
            if (seen.has(key)) continue;
            seen.add(key);
            ctx.report({
              path: p.file.path,
              range: { start: v.start, end: v.end },
              message: `${name} on $${v.name} lets any client skip cache "${pol.zoneName}": it depends on ${why}, so a script can send every request to the backend. Bypass on an internal header or a secret (e.g. a map over $http_x_purge_token) instead.`,
              related: [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${pol.zoneName}" enabled here` }],
            });
          }
        }
      }
    }
  },
});
