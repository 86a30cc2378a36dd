// nginx/ignore-cache-control-personalized: Cache-Control ignored where personalised responses are not kept out of the cache.
import { defineRule } from '../rule';
import { directiveRange, effective, wordRange } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import type { Placed } from '../../nginx/model';
import type { Word } from '../../nginx/tree';
import type { RelatedInfo } from '../../types';
import { describeLevel, inInternalLocation } from '../../nginx/scopes';
import { alwaysTrue } from '../../nginx/predicates';
import { listVariables } from '../../nginx/variables';
import { headerDirective, headerName } from '../../nginx/servers';
import { definedVariables, isAuthVariable, isCookieVariable } from '../../nginx/credentials';
import { inStaticLocation } from '../../nginx/staticAssets';

/** Whether the upstream gets neither the client's cookies nor its Authorization header. */
function upstreamSeesNoCredentials(pol: CachePolicy): boolean {
  const fam = pol.family;
  const pass = effective(pol.scope, `${fam}_pass_request_headers`);
  if (pass[pass.length - 1]?.d.args[0]?.value === 'off') return true;
  const headers = effective(pol.scope, headerDirective(fam));
  const cleared = (h: string) => headers.some((p) => p.d.args[0]?.value.toLowerCase() === headerName(fam, h) && p.d.args[1]?.value === '');
  return cleared('Cookie') && cleared('Authorization');
}

export default defineRule({
  id: 'nginx/ignore-cache-control-personalized',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: {
      summary: '`*_ignore_headers Cache-Control` where nothing keeps personalised responses out of the cache: no `*_no_cache`/`*_cache_bypass` on the session or Authorization, and no user part in the key.',
      why: 'With Cache-Control ignored, responses the application marked `private` or `no-store` are cached by `*_cache_valid` like any other (measured: 4/5 HITs for a `private` response), and a page rendered for one logged-in user is served to the next client (measured: bob got "hello alice"). Keep requests with a session or credentials out of the cache, or ignore Cache-Control only on public paths. Static-asset locations, `internal` locations and upstreams that get no cookies are not reported.',
      bad: 'proxy_ignore_headers Cache-Control Expires;\nproxy_cache_valid 200 10m;',
      good: 'proxy_ignore_headers Cache-Control Expires;\nproxy_cache_valid 200 10m;\nproxy_cache_bypass $cookie_session $http_authorization;\nproxy_no_cache $cookie_session $http_authorization;',
    },
  },
  check(ctx) {
    const defined = definedVariables(ctx.model);
    const personal = (n: string) => isAuthVariable(n) || isCookieVariable(n) || defined.has(n);
    const causes = new Map<object, { ignore: Placed; word: Word; pols: CachePolicy[] }>();
    for (const pol of ctx.policies) {
      if (!pol.ignoreHeaders.has('cache-control')) continue;
      const ignore = pol.ignoreFrom.find((p) => p.d.args.some((a) => a.value.toLowerCase() === 'cache-control'));
      const word = ignore?.d.args.find((a) => a.value.toLowerCase() === 'cache-control');
      if (!ignore || !word) continue;
      if (inStaticLocation(pol.scope) || inInternalLocation(pol.scope) || upstreamSeesNoCredentials(pol)) continue;
      const fam = pol.family;
      const bypass = effective(pol.scope, `${fam}_cache_bypass`);
      const noCache = effective(pol.scope, `${fam}_no_cache`);
      if (alwaysTrue(noCache) || alwaysTrue(bypass)) continue;
      // Protected: a session/auth condition in either predicate (their agreement is checked by the
      // bypass/no-cache rules), a response-based no_cache, or a per-user key.
      if (listVariables([...noCache, ...bypass]).some(personal) || listVariables(noCache).some((n) => n.startsWith('upstream_http_'))) continue;
      if (pol.key && listVariables([pol.key]).some(personal)) continue;
      const c = causes.get(ignore.d) ?? causes.set(ignore.d, { ignore, word, pols: [] }).get(ignore.d)!;
      c.pols.push(pol);
    }
    for (const { ignore, word, pols } of causes.values()) {
      const fam = pols[0].family;
      const where = pols.slice(0, 3).map((p) => (p.scope.block ? describeLevel(p.scope, 'noun') : `cache "${p.zoneName}"`));
      const related: RelatedInfo[] = pols.slice(0, 3).map((p) => {
        const at = p.scope.block ?? p.cache;
        return { path: at.file.path, range: p.scope.block ? { start: at.d.offset, end: at.d.name.end } : directiveRange(at), message: `cached with Cache-Control ignored, and no session or Authorization check (${describeLevel(p.scope, 'noun')})` };
      });
      ctx.report({
        path: ignore.file.path,
        range: wordRange(word),
        message: `${fam}_ignore_headers Cache-Control makes responses the application marked "private" or "no-store" cacheable, and nothing keeps personalised pages out of the cache (${where.join(', ')}${pols.length > 3 ? ', …' : ''}): a page rendered for one logged-in user is served to the next client. Add ${fam}_no_cache and ${fam}_cache_bypass on the session cookie and $http_authorization, or ignore Cache-Control only for public content.`,
        related,
      });
    }
  },
});
