// nginx/cache-without-ttl: the cache is on but no *_cache_valid applies — only responses with their own expiry headers are stored.
import { defineRule } from '../rule';
import { insertLineAfter } from '../../fixes';
import { directiveRange, effective } from '../../nginx/policy';
import { NginxModel, Scope, scopeChain } from '../../nginx/model';
import type { RelatedInfo } from '../../types';

const uncertainCache = new WeakMap<NginxModel, Set<Scope>>();

/**
 * Scopes whose directives the analyzer cannot know completely: an `include` that resolved to no file,
 * or an `include` with a template placeholder. Rules that report the *absence* of a directive stay
 * silent there. Computed once per model.
 */
export function uncertainScopes(model: NginxModel): Set<Scope> {
  let s = uncertainCache.get(model);
  if (s) return s;
  s = new Set<Scope>();
  for (const site of model.includes) if (!site.targets.length) s.add(site.at.scope);
  for (const p of model.all) if (p.d.name.value === 'include' && p.d.args.some((a) => a.template)) s.add(p.scope);
  uncertainCache.set(model, s);
  return s;
}

/**
 * Whether a directive could be set somewhere the analyzer cannot see, in `scope` or an enclosing level
 * up to and including `stop`: an uncertain scope on the way, or, without `stop`, reaching the top of a
 * fragment entry (its enclosing levels live in a file the analyzer has not seen).
 */
export function chainUncertain(scope: Scope, uncertain: Set<Scope>, stop?: Scope): boolean {
  let top: Scope = scope;
  for (const s of scopeChain(scope)) {
    if (uncertain.has(s)) return true;
    if (s === stop) return false;
    top = s;
  }
  return top.context !== 'main';
}

/** `in this location`, `at http level`, … for messages. */
export function levelName(s: Scope): string {
  if (s.kind === 'main') return 'at the top level';
  if (s.kind === 'if') return 'in this if block';
  if (s.kind === 'http' || s.kind === 'server') return `at ${s.kind} level`;
  return `in this ${s.kind}`;
}

const TTL_HEADERS = ['X-Accel-Expires', 'Cache-Control', 'Expires'];

export default defineRule({
  id: 'nginx/cache-without-ttl',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'The cache is on but no `*_cache_valid` applies, so only responses that carry their own expiry headers are stored.',
      why: 'nginx stores a response only when it gets a TTL: from the upstream\'s X-Accel-Expires, Cache-Control max-age/s-maxage or Expires, or else from `*_cache_valid`. With no `*_cache_valid` in effect, an app that sends no expiry headers is never cached (measured: 0/5 HITs), and when `*_ignore_headers` also ignores those headers nothing is stored at all. The quick-fix is unsafe: it starts caching responses that were passed through before, which may include personalised pages that lack `Cache-Control: private`.',
      bad: 'proxy_cache shop;\nproxy_pass http://app;',
      good: 'proxy_cache shop;\nproxy_cache_valid 200 301 302 10m;\nproxy_pass http://app;',
    },
  },
  check(ctx) {
    const uncertain = uncertainScopes(ctx.model);
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      const fam = pol.family;
      if (done.has(pol.cache.d)) continue;
      // Any *_cache_valid in effect (even one the analyzer cannot parse, e.g. a template) gives a TTL source.
      if (effective(pol.scope, `${fam}_cache_valid`).length) continue;
      if (chainUncertain(pol.scope, uncertain)) continue;
      done.add(pol.cache.d);
      const honoured = TTL_HEADERS.filter((h) => !pol.ignoreHeaders.has(h.toLowerCase()));
      const file = ctx.file(pol.cache.file.path);
      const line = `${fam}_cache_valid 200 301 302 10m;`;
      const related: RelatedInfo[] = pol.ignoreFrom.map((p) => ({
        path: p.file.path,
        range: directiveRange(p),
        message: `${fam}_ignore_headers in effect here${honoured.length ? '' : ' ignores every upstream expiry header'}`,
      }));
      if (pol.pass && pol.pass.scope !== pol.cache.scope) {
        related.push({ path: pol.pass.file.path, range: directiveRange(pol.pass), message: `requests passed upstream here use cache "${pol.zoneName}" without a ${fam}_cache_valid` });
      }
      const message = honoured.length
        ? `Cache "${pol.zoneName}" is on but no ${fam}_cache_valid applies: nginx stores only responses whose upstream sends ${list(honoured)}, every other response is a MISS each time. Add ${line} (or have the app send X-Accel-Expires).`
        : `Cache "${pol.zoneName}" is on but no ${fam}_cache_valid applies, and ${fam}_ignore_headers ignores X-Accel-Expires, Cache-Control and Expires: no response ever gets a TTL, so nothing is stored. Add ${line}`;
      ctx.report({
        path: pol.cache.file.path,
        range: directiveRange(pol.cache),
        message,
        related,
        fixes: [{ title: `Add ${line} (caches responses without expiry headers: check they are not personalised)`, safe: false, edits: [insertLineAfter(file, pol.cache.d.offset, pol.cache.d.end, line)] }],
      });
    }
  },
});

function list(headers: string[]): string {
  const names = headers.map((h) => (h === 'Cache-Control' ? 'Cache-Control max-age/s-maxage' : h));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];
}
