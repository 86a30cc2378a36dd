// nginx/cache-key-missing-scheme: http and https share cache entries because the key has no $scheme.
import { defineRule } from '../rule';
import type { RelatedInfo } from '../../types';
import { directiveRange, wordRange } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import type { Placed } from '../../nginx/model';
import {
  BUILTIN_KEY_REPLACEMENT, SCHEME_VARS, ServerInfo, builtinKeyFix, builtinKeyFixSafety, configId, keyLacking, redirectsPlain, serverInfo,
  serverOf, upstreamSeesScheme,
} from '../../nginx/servers';
import { prependVariable, variableIndex } from '../../nginx/variables';

interface Member {
  pol: CachePolicy;
  server: ServerInfo;
  /** Plain-HTTP requests reach this policy's upstream (not redirected first). */
  plain: boolean;
  tls: boolean;
}

export default defineRule({
  id: 'nginx/cache-key-missing-scheme',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: 'A site reached over both plain HTTP and TLS caches with the built-in proxy key or a key without `$scheme`, while the upstream is told the scheme.',
      why: 'http and https responses share entries: redirects and absolute URLs cached for one scheme are replayed on the other. Measured: an http→https 301 cached from a plain request was served to https clients as a redirect to itself (a loop).',
      bad: 'listen 80;\nlisten 443 ssl;\nproxy_set_header X-Forwarded-Proto $scheme;\nproxy_cache_key $host$request_uri;',
      good: 'proxy_cache_key $scheme$host$request_uri;',
    },
  },
  check(ctx) {
    const vars = variableIndex(ctx.model);
    const done = new Set<object>();
    const fixIsSafe = builtinKeyFixSafety(ctx.policies);
    const groups = new Map<string, Member[]>();
    for (const pol of ctx.policies) {
      const srv = serverOf(pol.scope);
      if (!srv) continue;
      const server = serverInfo(srv);
      if (server.returnsAll) continue;
      const id = keyLacking(ctx.model, pol, vars, SCHEME_VARS);
      if (id === undefined) continue;
      // Identical http and https answers do no harm: the upstream must be able to tell them apart.
      if (!upstreamSeesScheme(pol, vars)) continue;
      const plain = server.plain && !redirectsPlain(pol.scope);
      const member: Member = { pol, server, plain, tls: server.tls };
      if (plain && server.tls) {
        report(member, `${server.names.find((n) => n && n !== '_') ?? 'this server'} is reached over both http and https (${listenText(server)})`, listenRelated(server));
        continue;
      }
      const gid = `${configId(pol.scope)}:${pol.family}:${pol.zoneName}\0${id}`;
      (groups.get(gid) ?? groups.set(gid, []).get(gid)!).push(member);
    }
    // Across server blocks: the same name served over http by one and https by another, same zone, same key.
    for (const members of groups.values()) {
      const plain = members.filter((m) => m.plain && !m.tls);
      const tls = members.filter((m) => m.tls && !m.plain);
      if (!plain.length || !tls.length) continue;
      for (const p of plain) {
        for (const t of tls) {
          const common = p.server.names.find((n) => n && n !== '_' && t.server.names.includes(n));
          if (!common) continue;
          const why = `${common} is served over http by one server block and over https by another, both with cache "${p.pol.zoneName}"`;
          const related = [...listenRelated(p.server), ...listenRelated(t.server)];
          report(p, why, related);
          report(t, why, related);
        }
      }
    }

    function report(m: Member, why: string, related: RelatedInfo[]): void {
      const pol = m.pol;
      const cause: Placed = pol.key ?? pol.cache;
      if (done.has(cause.d)) return;
      done.add(cause.d);
      const harm = 'http and https responses share entries (an http→https redirect cached from a plain request is replayed to https clients as a redirect loop)';
      if (pol.key) {
        const w = pol.key.d.args[0];
        ctx.report({
          path: pol.key.file.path,
          range: wordRange(w),
          message: `${pol.key.d.name.value} ${w.value} has no $scheme, and ${why}: ${harm}. Add $scheme to the key.`,
          related,
          fixes: [{ title: 'Add $scheme to the cache key', safe: true, edits: [prependVariable(pol.key.file.path, w, 'scheme')] }],
        });
        return;
      }
      const c = pol.cache;
      ctx.report({
        path: c.file.path,
        range: c.d.args[0] ? wordRange(c.d.args[0]) : directiveRange(c),
        message: `Cache "${pol.zoneName}" uses nginx's built-in key, which has the proxy_pass scheme, not the client's, and ${why}: ${harm}. Add ${BUILTIN_KEY_REPLACEMENT}`,
        related,
        fixes: [builtinKeyFix(ctx.file(c.file.path), c, fixIsSafe(c))],
      });
    }
  },
});

function listenText(s: ServerInfo): string {
  const l = s.listens.filter((x) => x.placed && x.kind !== 'unknown').map((x) => x.placed!.d.args.map((a) => a.value).join(' '));
  return l.length ? l.map((x) => `listen ${x}`).join(', ') : 'listen 80';
}

function listenRelated(s: ServerInfo): RelatedInfo[] {
  return s.listens
    .filter((l) => l.placed && l.kind !== 'unknown')
    .slice(0, 3)
    .map((l) => ({ path: l.placed!.file.path, range: directiveRange(l.placed!), message: l.tls ? 'TLS (https) socket' : 'plain http socket' }));
}
