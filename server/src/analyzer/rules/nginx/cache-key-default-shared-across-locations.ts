// nginx/cache-key-default-shared-across-locations: locations with different cache policies share entries
// through the built-in key (upstream URL + upstream URI).
import { defineRule } from '../rule';
import type { RelatedInfo } from '../../types';
import { directiveRange, own, wordRange } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import {
  BUILTIN_KEY_REPLACEMENT, builtinKeyFix, builtinKeyFixSafety, configId, locationPrefix, passTarget, serverOf,
} from '../../nginx/servers';
import { mayMissDirectives } from '../../nginx/completeness';

/** Distinct upstream URI prefixes compared pairwise per zone and upstream (beyond that, the group is skipped). */
const MAX_BUCKETS = 2000;

interface Bucket {
  base: string;
  exact: boolean;
  /** Members by policy signature. */
  bySig: Map<string, Member[]>;
  /** Members with a URI part in proxy_pass, by policy signature. */
  mappedBySig: Map<string, Member[]>;
}

interface Member {
  pol: CachePolicy;
  /** The upstream URIs this location produces are `base` + anything (exactly `base` when `exact`). */
  base: string;
  exact: boolean;
  /** proxy_pass has a URI part (the location prefix is replaced). */
  mapped: boolean;
  label: string;
  /** The label with the server's name, for pairs across server blocks. */
  longLabel: string;
  /** no_cache / bypass / cache_valid as text, to compare policies. */
  sig: [string, string, string];
}

export default defineRule({
  id: 'nginx/cache-key-default-shared-across-locations',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: 'Two locations send requests to the same upstream URIs and share a zone with the built-in key, but have different `proxy_no_cache`, `proxy_cache_bypass` or `proxy_cache_valid`.',
      why: 'The built-in key is the upstream URL plus the URI sent upstream, so both locations read and write the same entries: the policy of one is defeated by entries the other stored (measured: a location with `proxy_no_cache 1` served the other location\'s cached page, a HIT).',
      bad: 'location /public/  { proxy_pass http://app/; proxy_cache c; }\nlocation /private/ { proxy_pass http://app/; proxy_cache c; proxy_no_cache 1; }',
      good: 'proxy_cache_key $scheme$host$request_uri;',
    },
  },
  check(ctx) {
    const groups = new Map<string, Member[]>();
    for (const pol of ctx.policies) {
      if (pol.family !== 'proxy' || pol.key || mayMissDirectives(ctx.model, pol.scope, { templates: false })) continue;
      const t = passTarget(pol);
      const loc = locationPrefix(pol.scope);
      if (!t || t.variable || !loc) continue;
      // A rewrite changes the URI sent upstream: the mapping is unknown.
      if (own(pol.scope, 'rewrite').length || pol.scope.children.some((c) => c.kind === 'if')) continue;
      const mapped = t.uri !== undefined;
      const base = mapped ? t.uri! : loc.path;
      const id = `${configId(pol.scope)}\0${pol.zoneName}\0${t.upstream}`;
      const srv = serverOf(pol.scope);
      const name = srv ? own(srv, 'server_name')[0]?.d.args[0]?.value : undefined;
      const label = `location ${pol.scope.block!.d.args.map((a) => a.value).join(' ')}`;
      const longLabel = name ? `${label} of ${name}` : label;
      (groups.get(id) ?? groups.set(id, []).get(id)!).push({ pol, base, exact: loc.exact, mapped, label, longLabel, sig: signature(pol) });
    }
    const done = new Set<object>();
    const fixIsSafe = builtinKeyFixSafety(ctx.policies);
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      // Buckets of locations producing the same upstream URIs, split by policy: a conflict is a pair of
      // overlapping buckets with two different policies (and at least one location with a URI part).
      const buckets = new Map<string, Bucket>();
      for (const m of members) {
        const k = `${m.exact ? '=' : ''}${m.base}`;
        const b = buckets.get(k) ?? buckets.set(k, { base: m.base, exact: m.exact, bySig: new Map(), mappedBySig: new Map() }).get(k)!;
        const sk = m.sig.join('\u0001');
        (b.bySig.get(sk) ?? b.bySig.set(sk, []).get(sk)!).push(m);
        if (m.mapped) (b.mappedBySig.get(sk) ?? b.mappedBySig.set(sk, []).get(sk)!).push(m);
      }
      const list = [...buckets.values()];
      if (list.length > MAX_BUCKETS) continue;
      for (const x of list) {
        for (const y of list) {
          if (!overlap(x, y)) continue;
          for (const [sk, ms] of x.bySig) {
            for (const a of ms) {
              // Without a URI part both send the client's URI: in one server a URI reaches one location only,
              // and across server blocks the sharing is the host's (cache-key-missing-host).
              const pool = a.mapped ? y.bySig : y.mappedBySig;
              let b: Member | undefined;
              for (const [sk2, ms2] of pool) {
                if (sk2 === sk) continue;
                b = ms2.find((m) => m.pol.scope !== a.pol.scope);
                if (b) break;
              }
              if (!b) continue;
              const strict = (m: Member) => m.pol.noCache.length + m.pol.bypass.length;
              // Report where the stricter policy lives: the location whose no_cache/bypass is defeated.
              const [hurt, other] = strict(a) > strict(b) ? [a, b] : strict(b) > strict(a) ? [b, a] : a.pol.scope.block!.d.offset > b.pol.scope.block!.d.offset ? [a, b] : [b, a];
              if (!done.has(hurt.pol.cache.d)) report(hurt, other, differences(a, b));
            }
          }
        }
      }
    }

    function report(hurt: Member, other: Member, diff: string[]): void {
      const c = hurt.pol.cache;
      if (done.has(c.d)) return;
      done.add(c.d);
      const t = passTarget(hurt.pol)!;
      const what = diff.join(', ');
      const cross = serverOf(hurt.pol.scope) !== serverOf(other.pol.scope);
      const [h, o] = cross ? [hurt.longLabel, other.longLabel] : [hurt.label, other.label];
      const related: RelatedInfo[] = [other, hurt].map((m) => ({ path: m.pol.pass!.file.path, range: directiveRange(m.pol.pass!), message: `${cross ? m.longLabel : m.label} sends ${m.exact ? m.base : m.base + '…'} to ${passTarget(m.pol)!.upstream}` }));
      ctx.report({
        path: c.file.path,
        range: c.d.args[0] ? wordRange(c.d.args[0]) : directiveRange(c),
        message: `${h} and ${o} send the same upstream URIs to ${t.upstream} and share cache "${hurt.pol.zoneName}" with the built-in key (upstream URL + upstream URI), so they read each other's entries although they differ in ${what}: one location's policy is defeated by pages the other stored. Add ${BUILTIN_KEY_REPLACEMENT} so each keys on the client's URI, or use separate zones.`,
        related,
        fixes: [builtinKeyFix(ctx.file(c.file.path), c, fixIsSafe(c))],
      });
    }
  },
});

/** Whether two locations (or buckets) can send the same upstream URI. */
function overlap(a: { base: string; exact: boolean }, b: { base: string; exact: boolean }): boolean {
  if (a.exact && b.exact) return a.base === b.base;
  if (a.exact) return a.base.startsWith(b.base);
  if (b.exact) return b.base.startsWith(a.base);
  return a.base.startsWith(b.base) || b.base.startsWith(a.base);
}

function text(list: { d: { args: { value: string }[] } }[]): string {
  return list.map((p) => p.d.args.map((a) => a.value).join(' ')).join(';');
}

function signature(p: CachePolicy): [string, string, string] {
  return [text(p.noCache), text(p.bypass), p.valid.map((v) => `${v.codes.join(' ')}=${v.seconds}`).join(';')];
}

const SIG_NAMES = ['proxy_no_cache', 'proxy_cache_bypass', 'proxy_cache_valid'];

/** Which of no_cache, bypass and cache_valid differ between two locations. */
function differences(a: Member, b: Member): string[] {
  return SIG_NAMES.filter((_, i) => a.sig[i] !== b.sig[i]);
}
