// nginx/no-cache-without-bypass: `*_no_cache` conditions not in `*_cache_bypass` — those clients still get cached pages.
import { defineRule } from '../rule';
import { describeLevel } from '../../nginx/scopes';
import { replacesText, reportPairMismatches } from '../../nginx/predicates';

export default defineRule({
  id: 'nginx/no-cache-without-bypass',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: '`*_no_cache` has conditions that the `*_cache_bypass` in effect does not have.',
      why: '`*_no_cache` only stops storing: the cache is still looked up, so a request that meets the condition (e.g. a user with a session cookie) gets the cached anonymous page (measured: a cookie holder got a HIT with the page cached for an anonymous client). `*_cache_bypass` at an inner level replaces the outer list, so the conditions must be repeated there.',
      bad: 'proxy_no_cache $cookie_session;',
      good: 'proxy_cache_bypass $cookie_session;\nproxy_no_cache $cookie_session;',
    },
  },
  check(ctx) {
    reportPairMismatches(ctx, 'no_cache', 'cache_bypass', (m, vars) =>
      m.otherIsInner
        ? `${m.otherName} here ${replacesText(m)} and lacks ${vars}, on which ${m.primaryName} (${describeLevel(m.primary[0].scope, 'noun')}) stops storing: those requests (e.g. users with a session) are still answered from the cache with pages stored for other clients. Add ${vars} to ${m.otherName} here.`
        : `${m.primaryName} ${vars} is not matched by ${m.other.length ? `the ${m.otherName} in effect (${describeLevel(m.other[0].scope, 'noun')})` : `any ${m.otherName}`}: no_cache only stops storing, so those requests (e.g. users with a session) are still answered from the cache with pages stored for other clients. Add the same variables to ${m.otherName}.`,
    );
  },
});
