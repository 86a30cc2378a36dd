// nginx/ignore-set-cookie-without-hide: Set-Cookie ignored for caching but still sent — one user's cookie replayed to all.
import { defineRule } from '../rule';
import { insertLineAfter } from '../../fixes';
import { directiveRange, effective, own, variablesIn, wordRange } from '../../nginx/policy';
import { scopeChain } from '../../nginx/model';
import type { Placed, Scope } from '../../nginx/model';
import type { TextEdit } from '../../types';
import { describeLevel } from '../../nginx/scopes';
import { insertLinesAfter } from '../../nginx/edits';
import { listVariables } from '../../nginx/variables';
import { derivesFromUser, isAuthSubrequestTarget } from '../../nginx/credentials';

const isSetCookie = (v: string) => v.toLowerCase() === 'set-cookie';

export default defineRule({
  id: 'nginx/ignore-set-cookie-without-hide',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`*_ignore_headers` includes `Set-Cookie`, but the `*_hide_header` list in effect does not remove it.',
      why: 'Ignoring Set-Cookie only stops nginx from refusing to cache such responses: the header itself is stored with the response and sent with every HIT, so the session cookie issued to one user is handed to everyone who gets the cached copy (measured: bob received alice\'s session cookie). `*_hide_header` removes it; an inner `*_hide_header` list replaces the outer one, so it must be repeated there. The fix is unsafe because clients then get no cookie from these locations at all: responses that must set a session should not be cached.',
      bad: 'proxy_ignore_headers Cache-Control Set-Cookie;',
      good: 'proxy_ignore_headers Cache-Control Set-Cookie;\nproxy_hide_header Set-Cookie;',
    },
  },
  check(ctx) {
    const seen = new Set<object>();
    /** What an inner hide list did to the outer one. */
    const replaced = (h: Placed): string => {
      const outer = h.scope.parent ? effective(h.scope.parent, h.d.name.value) : [];
      if (outer.some((o) => o.d.args.some((a) => isSetCookie(a.value)))) return `replaces the list of ${describeLevel(outer[0].scope, 'noun')}, which hid Set-Cookie`;
      return 'does not include Set-Cookie';
    };
    for (const pol of ctx.policies) {
      if (!pol.ignoreHeaders.has('set-cookie')) continue;
      const fam = pol.family;
      const hideName = `${fam}_hide_header`;
      const hide = effective(pol.scope, hideName);
      if (hide.some((h) => h.d.args.some((a) => isSetCookie(a.value)))) continue;
      // Responses that set a cookie are kept out of the cache by no_cache on the response header.
      if (pol.noCache.some((p) => p.d.args.some((a) => variablesIn(a).some((v) => v.name.toLowerCase() === 'upstream_http_set_cookie')))) continue;
      // An auth subrequest's response headers never reach the client.
      if (isAuthSubrequestTarget(ctx.model, pol.scope)) continue;
      // A per-user key: the cookie is only replayed to the user it was set for.
      if (pol.key && listVariables([pol.key]).some((n) => derivesFromUser(ctx.model, n))) continue;
      // headers-more can clear it too.
      if (chainHas(pol.scope, 'more_clear_headers')) continue;
      const ignore = pol.ignoreFrom.find((p) => p.d.args.some((a) => isSetCookie(a.value)));
      const word = ignore?.d.args.find((a) => isSetCookie(a.value));
      if (!ignore || !word) continue;
      const chain = [...scopeChain(pol.scope)];
      const li = chain.indexOf(ignore.scope);
      const lh = hide.length ? chain.indexOf(hide[0].scope) : Infinity;
      const line = `${hideName} Set-Cookie;`;
      if (lh < li) {
        // An inner hide list replaced the one that (maybe) hid Set-Cookie.
        const h = hide[0];
        if (seen.has(h.d)) continue;
        seen.add(h.d);
        const last = hide[hide.length - 1];
        ctx.report({
          path: h.file.path,
          range: wordRange(h.d.name),
          message: `${hideName} here ${replaced(h)}: with Set-Cookie ignored for caching (${fam}_ignore_headers, ${describeLevel(ignore.scope, 'noun')}), one user's session cookie is replayed to every client that gets the cached copy. Add \`${line}\` here.`,
          related: [{ path: ignore.file.path, range: wordRange(word), message: `Set-Cookie ignored for caching here` }],
          fixes: [{ title: `Add ${line}`, safe: false, edits: [insertLineAfter(ctx.file(last.file.path), last.d.offset, last.d.end, line)] }],
        });
        continue;
      }
      if (seen.has(ignore.d)) continue;
      seen.add(ignore.d);
      let edit: TextEdit;
      if (lh === li) {
        const last = hide[hide.length - 1];
        edit = insertLineAfter(ctx.file(last.file.path), last.d.offset, last.d.end, line);
      } else {
        // A new list at this level replaces an inherited one: repeat its entries.
        const lines = [...hide.map((h) => `${hideName} ${h.d.args.map((a) => a.raw).join(' ')};`), line];
        edit = insertLinesAfter(ctx.file(ignore.file.path), ignore, lines);
      }
      ctx.report({
        path: ignore.file.path,
        range: wordRange(word),
        message: `${fam}_ignore_headers Set-Cookie lets responses that set cookies be cached, and the Set-Cookie header is stored with them: ${hide.length ? `the ${hideName} list in effect (${describeLevel(hide[0].scope, 'noun')}) does not remove it, so ` : ''}one user's session cookie is replayed to every client that gets the cached copy. Add \`${line}\`${hide.length && lh !== li ? ' (repeating the inherited entries: a list here replaces the outer one)' : ''}.`,
        related: hide.map((h) => ({ path: h.file.path, range: directiveRange(h), message: `${hideName} list in effect (${describeLevel(h.scope, 'noun')})` })),
        fixes: [{ title: `Add ${line}`, safe: false, edits: [edit] }],
      });
    }
  },
});

function chainHas(scope: Scope, name: string): boolean {
  for (const s of scopeChain(scope)) if (own(s, name).some((p) => p.d.args.some((a) => /set-cookie/i.test(a.value)))) return true;
  return false;
}
