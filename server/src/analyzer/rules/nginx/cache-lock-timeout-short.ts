// nginx/cache-lock-timeout-short: `*_cache_lock_timeout` below `*_read_timeout` — waiters give up and fetch uncached copies.
import { defineRule } from '../rule';
import type { Placed } from '../../nginx/model';
import { directiveRange } from '../../nginx/policy';
import { describeTime, formatTime, parseTime } from '../../nginx/units';
import { mayMissDirectives } from '../../nginx/completeness';
import { groupBy, lastEffective, literalCache } from '../../nginx/cacheTuning';

/** nginx's default `*_read_timeout`. */
const DEFAULT_READ_TIMEOUT = 60;

interface Case {
  lockTimeout: Placed;
  lockSeconds: number;
  read?: Placed;
  readSeconds: number;
  family: string;
}

export default defineRule({
  id: 'nginx/cache-lock-timeout-short',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: '`*_cache_lock` is on and `*_cache_lock_timeout` is set below `*_read_timeout` (60 s by default): requests that wait longer than the lock timeout go to the upstream and their responses are not stored.',
      why: 'When the request holding the lock takes longer than `*_cache_lock_timeout`, every waiting request is sent to the upstream and its response is not cached, so the stampede the lock should prevent happens anyway on slow pages (measured: a 1 s lock timeout in front of a 2.5 s backend gave 10/10 uncached fetches). The real backend latency is not known statically, so only an explicit lock timeout is compared with the read timeout; raise it above the backend\'s p99, or rely on `use_stale updating` for expired entries.',
      bad: 'proxy_cache_lock on;\nproxy_cache_lock_timeout 1s;',
      good: 'proxy_cache_lock on;\nproxy_cache_lock_timeout 10s;\nproxy_read_timeout 10s;',
    },
  },
  check(ctx) {
    const cases: Case[] = [];
    for (const pol of ctx.policies) {
      if (!literalCache(pol)) continue;
      // The timeout matters only where the lock is on.
      if (pol.lock?.d.args[0]?.value.toLowerCase() !== 'on') continue;
      const lockTimeout = lastEffective(pol, 'cache_lock_timeout');
      if (!lockTimeout) continue;
      const read = lastEffective(pol, 'read_timeout');
      // A timeout set in a file the analyzer did not see could change either value.
      if (mayMissDirectives(ctx.model, pol.scope, { upTo: lockTimeout.scope, zone: pol.zone }) || mayMissDirectives(ctx.model, pol.scope, { upTo: read?.scope, zone: pol.zone })) continue;
      const lockSeconds = parseTime(lockTimeout.d.args[0]?.value ?? '');
      const readSeconds = read ? parseTime(read.d.args[0]?.value ?? '') : DEFAULT_READ_TIMEOUT;
      if (lockSeconds === undefined || readSeconds === undefined || lockSeconds >= readSeconds) continue;
      cases.push({ lockTimeout, lockSeconds, read, readSeconds, family: pol.family });
    }
    // Once per lock_timeout directive.
    for (const [, list] of groupBy(cases, (c) => c.lockTimeout.d)) {
      const c = list.reduce((a, b) => (b.readSeconds > a.readSeconds ? b : a));
      const fam = c.family;
      const target = formatTime(c.readSeconds);
      const lt = c.lockTimeout;
      const word = lt.d.args[0];
      const readText = c.read ? `${fam}_read_timeout ${describeTime(c.readSeconds)}` : `the default ${fam}_read_timeout of ${describeTime(c.readSeconds)}`;
      ctx.report({
        path: lt.file.path,
        range: { start: word.offset, end: word.end },
        message: `${fam}_cache_lock_timeout ${describeTime(c.lockSeconds)} is shorter than ${readText}: when the first request takes longer than that, every waiting request goes to the upstream and its response is not stored, so the stampede the lock should stop happens on slow pages. Raise it to the backend's worst latency (the read timeout allows ${describeTime(c.readSeconds)}), or rely on ${fam}_cache_use_stale updating for expired entries.`,
        related: c.read ? [{ path: c.read.file.path, range: directiveRange(c.read), message: `the upstream may take up to ${describeTime(c.readSeconds)} here` }] : [],
        fixes: [{ title: `Set ${fam}_cache_lock_timeout ${target}`, safe: false, edits: [{ path: lt.file.path, start: word.offset, end: word.end, newText: word.quote ? `${word.quote}${target}${word.quote}` : target }] }],
      });
    }
  },
});
