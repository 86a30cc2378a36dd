// nginx/cache-key-per-client-variable: a cache key with a per-client value — one copy of every page per client.
import { defineRule } from '../rule';
import { directiveRange, variablesIn } from '../../nginx/policy';
import type { Placed, Scope } from '../../nginx/model';
import { defaultKey, keyStatements, removeFromKey, variableIndex } from '../../nginx/variables';

/** Built-in variables whose value differs per client (address, browser, cookies, credentials). */
const PER_CLIENT_VARIABLES = new Set([
  'remote_addr', 'binary_remote_addr', 'realip_remote_addr', 'http_x_forwarded_for', 'proxy_add_x_forwarded_for',
  'http_x_real_ip', 'http_cf_connecting_ip', 'http_true_client_ip', 'http_user_agent', 'http_cookie', 'http_authorization',
]);

/** `$cookie_<name>` names that hold a session or identity (one value per user). */
const SESSION_COOKIE = /sess|sid$|^sid|token|auth|jwt|login|logged|user|remember|identity|csrf|xsrf/i;

/** Whether a built-in variable is per-client. */
function isPerClient(name: string): boolean {
  return PER_CLIENT_VARIABLES.has(name) || (name.startsWith('cookie_') && SESSION_COOKIE.test(name.slice(7)));
}

/** Variables that hold (part of) the request URL. */
const URL_VARS = ['request_uri', 'uri', 'document_uri', 'args', 'query_string', 'request', 'request_filename', 'fastcgi_script_name', 'is_args'];

const IDENTITY = (n: string) => n === 'http_authorization' || n.startsWith('cookie_');

export default defineRule({
  id: 'nginx/cache-key-per-client-variable',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: '`*_cache_key` contains a per-client value (`$remote_addr`, `$http_user_agent`, `$http_cookie`, `$http_authorization`, a session cookie, …), directly or through a `map`/`set` variable that copies it.',
      why: 'Every client gets its own copy of every page: 10 clients made 10 backend requests for one URL (measured: 0/10 HITs each for `$remote_addr`, `$http_user_agent` and `$http_cookie`; tracking cookies make the Cookie header unique per visitor). A `map` of the value into a few fixed classes (e.g. mobile/desktop) is fine.',
      bad: 'proxy_cache_key $scheme$host$request_uri$http_user_agent;',
      good: 'map $http_user_agent $ua_class { default desktop; ~*mobile mobile; }\nproxy_cache_key $scheme$host$request_uri$ua_class;',
    },
  },
  check(ctx) {
    const vars = variableIndex(ctx.model);
    for (const { placed, scopes } of keyStatements(ctx.model, ctx.policies)) check1(placed, scopes);

    function check1(p: Placed, scopes: Scope[]): void {
      const word = p.d.args[0];
      const hits: { start: number; end: number; label: string; builtin: string; direct: boolean; def?: Placed }[] = [];
      for (const v of variablesIn(word)) {
        if (isPerClient(v.name) && vars.defs(v.name).length === 0) {
          hits.push({ start: v.start, end: v.end, label: '$' + v.name, builtin: v.name, direct: true });
          continue;
        }
        for (const s of scopes) {
          const d = vars.deriveVar(v.name, s);
          const found = [...d.flows].find(([b]) => isPerClient(b));
          if (!found) continue;
          const [b, via] = found;
          if (via.length === 0) hits.push({ start: v.start, end: v.end, label: '$' + v.name, builtin: b, direct: true });
          else {
            const def = vars.defs(via[via.length - 1])[0];
            const how = def?.kind === 'map' ? 'a map that copies' : def?.kind === 'capture' ? 'a regex capture of' : 'set from';
            hits.push({ start: v.start, end: v.end, label: `$${v.name} (${via.length > 1 ? `via ${via.slice(1).map((x) => '$' + x).join(', ')}, ` : ''}${how} $${b})`, builtin: b, direct: false, def: def?.placed });
          }
          break;
        }
      }
      if (!hits.length) return;
      // A key with no part of the URL caches one thing per client on purpose (e.g. token introspection
      // answers keyed by the token), not pages.
      const namesUrl = (s: Scope) => {
        const t = vars.derive(word, s).touches;
        return URL_VARS.some((u) => t.has(u)) || [...t].some((x) => x.startsWith('arg_'));
      };
      if (!scopes.some(namesUrl)) return;
      const name = p.d.name.value;
      const family = name.slice(0, -'_cache_key'.length);
      const labels = hits.map((h) => h.label).join(', ');
      const it = hits.length > 1 ? 'them' : 'it';
      const identity = hits.some((h) => IDENTITY(h.builtin) || (h.builtin === 'http_cookie' && !h.direct));
      const cookie = hits.some((h) => h.builtin === 'http_cookie' && h.direct);
      const message =
        `${name} contains ${labels}, which differs per client: every client gets its own copy of each page, so the cache hardly ever hits and the upstream takes the load` +
        (cookie ? ' (tracking cookies make the Cookie header unique per visitor)' : '') +
        '. ' +
        (identity
          ? `Remove ${it} from the key; if the content is per-user, do not cache it in a shared cache (use ${family}_cache_bypass and ${family}_no_cache on it).`
          : `Remove ${it} from the key, or key on a few classes from a map (e.g. mobile/desktop).`);
      ctx.report({
        path: p.file.path,
        range: { start: hits[0].start, end: hits[hits.length - 1].end },
        message,
        related: hits.flatMap((h) => (h.def ? [{ path: h.def.file.path, range: directiveRange(h.def), message: `defined here from $${h.builtin}` }] : [])),
        fixes: [
          {
            title: `Remove ${hits.map((h) => h.label.split(' ')[0]).join(', ')} from the cache key (only if the content is the same for every client)`,
            safe: false,
            edits: [removeFromKey(p.file.path, word, hits, defaultKey(family))],
          },
        ],
      });
    }
  },
});
