// nginx/cache-key-missing-host: several sites (or any Host) share cache entries because the key has no host.
import { defineRule } from '../rule';
import type { RelatedInfo } from '../../types';
import { directiveRange, variablesIn, wordRange } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import type { Placed } from '../../nginx/model';
import {
  BUILTIN_KEY_REPLACEMENT, HOST_VARS, ServerInfo, builtinKeyFix, builtinKeyFixSafety, keyLacking, listNames, passTarget, siteNames,
  upstreamSeesHost, upstreamSignature, zoneUsers,
} from '../../nginx/servers';
import { appendToKey, insertVariable, variableIndex } from '../../nginx/variables';

/** Variables before which `$host` is inserted into a key (the path part). */
const PATH_VARS = new Set(['request_uri', 'uri', 'document_uri', 'is_args', 'args', 'query_string', 'request']);

interface Member {
  pol: CachePolicy;
  server: ServerInfo;
}

export default defineRule({
  id: 'nginx/cache-key-missing-host',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: 'A cache zone used by several server names (or by a catch-all/default server) with the built-in proxy key or a key without `$host`.',
      why: 'nginx\'s built-in proxy key is the proxy_pass URL plus the URI sent upstream, not the client\'s host: virtual hosts that share an upstream get each other\'s pages (measured: b.test was a HIT with the page generated for a.test). With a catch-all or default server, a page generated for a forged Host header is served to every host.',
      bad: 'server { server_name a.test; location / { proxy_pass http://app; proxy_cache shared; } }\nserver { server_name b.test; location / { proxy_pass http://app; proxy_cache shared; } }',
      good: 'proxy_cache_key $scheme$host$request_uri;',
    },
  },
  check(ctx) {
    const vars = variableIndex(ctx.model);
    const done = new Set<object>();
    const fixIsSafe = builtinKeyFixSafety(ctx.policies);
    for (const [, users] of zoneUsers(ctx.policies)) {
      // Policies whose key lacks the host, grouped by key: members of one group share entries.
      const groups = new Map<string, Member[]>();
      for (const u of users) {
        if (u.server.returnsAll) continue;
        for (const pol of u.policies) {
          const id = keyLacking(ctx.model, pol, vars, HOST_VARS);
          if (id === undefined) continue;
          (groups.get(id) ?? groups.set(id, []).get(id)!).push({ pol, server: u.server });
        }
      }
      for (const members of groups.values()) {
        const servers = [...new Set(members.map((m) => m.server))];
        const sites = new Set<string>();
        for (const s of servers) {
          const n = siteNames(s);
          if (n.length) for (const x of n) sites.add(x);
          else sites.add(`\0server@${s.scope.block?.d.offset ?? 0}:${s.scope.block?.file.path ?? ''}`);
        }
        const open = servers.find((s) => s.openTo);
        if (sites.size < 2 && !open) continue;
        // The upstream must be able to answer differently per host: it sees the host, or the servers send different requests.
        if (!members.some((m) => upstreamSeesHost(m.pol, vars))) {
          const sigs = new Set<string>();
          if (servers.length > 1) for (const m of members) sigs.add(upstreamSignature(m.pol));
          if (sigs.size < 2) continue;
        }
        const named = [...sites].filter((s) => !s.startsWith('\0'));
        const unnamed = sites.size - named.length;
        const who =
          sites.size >= 2
            ? listNames([...named, ...(unnamed ? [`${unnamed} server block${unnamed > 1 ? 's' : ''} without server_name`] : [])]) +
              (servers.length > 1 && !unnamed ? ` (${servers.length} server blocks)` : '')
            : open!.openTo!;
        const related: RelatedInfo[] = [];
        for (const s of servers.slice(0, 4)) {
          const at = s.openTo ? s.openAt : s.nameDirectives[0];
          if (at) related.push({ path: at.file.path, range: directiveRange(at), message: s.openTo ? `this server answers ${s.openTo}` : `server ${siteNames(s).join(' ') || '(no name)'} uses cache "${members[0].pol.zoneName}"` });
        }
        const forged = sites.size < 2 && !!open?.anyHost;
        for (const m of members) report(m, who, sites.size < 2, forged, related);
      }
    }

    function report(m: Member, who: string, one: boolean, forged: boolean, related: RelatedInfo[]): void {
      const pol = m.pol;
      const cause: Placed = pol.key ?? pol.cache;
      if (done.has(cause.d)) return;
      done.add(cause.d);
      const zone = pol.zoneName;
      const shared = one ? `cache "${zone}" serves ${who}` : `cache "${zone}" is shared by ${who}`;
      const harm = `a page cached for one host is served for the others${forged ? ', including pages generated for a forged Host header' : ''}`;
      if (pol.key) {
        const w = pol.key.d.args[0];
        const path = pol.key.file.path;
        const before = variablesIn(w).find((v) => PATH_VARS.has(v.name));
        const edit = before ? insertVariable(path, w, before.start, 'host') : appendToKey(path, w, '$host');
        ctx.report({
          path,
          range: wordRange(w),
          message: `${pol.key.d.name.value} ${w.value} has no $host, and ${shared}: ${harm}. Add $host to the key.`,
          related,
          fixes: [{ title: 'Add $host to the cache key', safe: true, edits: [edit] }],
        });
        return;
      }
      const c = pol.cache;
      const t = passTarget(pol)!;
      ctx.report({
        path: c.file.path,
        range: c.d.args[0] ? wordRange(c.d.args[0]) : directiveRange(c),
        message: `${shared} with nginx's built-in key, which is the proxy_pass URL plus the URI sent upstream (${t.upstream} + URI), not the client's host: ${harm}. Add ${BUILTIN_KEY_REPLACEMENT}`,
        related,
        fixes: [builtinKeyFix(ctx.file(c.file.path), c, fixIsSafe(c))],
      });
    }
  },
});
