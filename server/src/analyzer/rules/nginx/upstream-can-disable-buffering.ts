// nginx/upstream-can-disable-buffering: the app's other caching signals are ignored, but X-Accel-Buffering still turns caching off.
import { defineRule } from '../rule';
import { scopeChain } from '../../nginx/model';
import { directiveRange, own } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import { mayMissDirectives } from '../../nginx/completeness';
import { groupBy, literalCache } from '../../nginx/cacheTuning';

/**
 * Ignoring one of these says responses are cached whatever the app sends to stop it (a cookie,
 * `X-Accel-Expires: 0`). Cache-Control/Expires alone only move the TTL to nginx: the app may still be
 * meant to control buffering (streaming), so they are not taken as a signal.
 */
const FORCED = ['set-cookie', 'x-accel-expires'];

/** An enclosing level's list (replaced by the effective one) already ignores X-Accel-Buffering. */
function outerHasBuffering(pol: CachePolicy): boolean {
  const inner = pol.ignoreFrom[0].scope;
  for (const s of scopeChain(inner.parent)) {
    for (const p of own(s, `${pol.family}_ignore_headers`)) if (p.d.args.some((a) => a.value.toLowerCase() === 'x-accel-buffering')) return true;
  }
  return false;
}

export default defineRule({
  id: 'nginx/upstream-can-disable-buffering',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: '`*_ignore_headers` ignores the app\'s Set-Cookie or X-Accel-Expires so that responses are cached anyway, but not `X-Accel-Buffering`: the app can still turn caching off per response.',
      why: 'A response with `X-Accel-Buffering: no` is passed unbuffered, and unbuffered responses are never stored (measured: 0/5 HITs). Reported only where `*_ignore_headers` already overrides the app\'s other ways of preventing caching (Set-Cookie, X-Accel-Expires); an app that sends the header on purpose for streaming responses is a reason to keep it.',
      bad: 'proxy_cache shop;\nproxy_ignore_headers Cache-Control Expires Set-Cookie;',
      good: 'proxy_cache shop;\nproxy_ignore_headers X-Accel-Buffering Cache-Control Expires Set-Cookie;',
    },
  },
  check(ctx) {
    const affected = ctx.policies.filter((pol) => {
      // With buffering off already, cache-with-buffering-off reports the location; this still applies once
      // that is fixed by removing `*_buffering off`, so it is reported now rather than after that fix.
      if (!literalCache(pol) || !pol.ignoreFrom.length) return false;
      const ig = pol.ignoreHeaders;
      if (ig.has('x-accel-buffering') || !FORCED.some((h) => ig.has(h))) return false;
      if (pol.ignoreFrom.some((p) => p.d.args.some((a) => a.template || a.value.includes('$')))) return false;
      // ignore-headers-inner-replaces-outer restores an outer X-Accel-Buffering; do not add it twice.
      if (outerHasBuffering(pol)) return false;
      return !mayMissDirectives(ctx.model, pol.scope, { upTo: pol.ignoreFrom[0].scope, zone: pol.zone });
    });
    // Once per ignore_headers list (its last line), where the fix goes.
    for (const [, pols] of groupBy(affected, (p) => p.ignoreFrom[p.ignoreFrom.length - 1].d)) {
      const pol = pols[0];
      const ig = pol.ignoreFrom[pol.ignoreFrom.length - 1];
      const fam = pol.family;
      const forced = pol.ignoreFrom.flatMap((p) => p.d.args).filter((a) => FORCED.includes(a.value.toLowerCase())).map((a) => a.value);
      ctx.report({
        path: ig.file.path,
        range: directiveRange(ig),
        message: `${fam}_ignore_headers caches responses of cache "${pol.zoneName}" despite the app's ${forced.join(' and ')}, but not despite X-Accel-Buffering: any response the app sends with "X-Accel-Buffering: no" is streamed unbuffered and never stored. Add X-Accel-Buffering to the list unless the app uses it on purpose for streaming responses.`,
        related: [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${pol.zoneName}" enabled here` }],
        // Right after the name, apart from where other fixes append to the list.
        fixes: [{ title: `Add X-Accel-Buffering to ${fam}_ignore_headers`, safe: false, edits: [{ path: ig.file.path, start: ig.d.name.end, end: ig.d.name.end, newText: ' X-Accel-Buffering' }] }],
      });
    }
  },
});
