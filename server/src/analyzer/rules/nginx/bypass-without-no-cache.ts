// nginx/bypass-without-no-cache: `*_cache_bypass` conditions not in `*_no_cache` — bypassed responses are stored for everyone.
import { defineRule } from '../rule';
import { describeLevel } from '../../nginx/scopes';
import { replacesText, reportPairMismatches } from '../../nginx/predicates';

export default defineRule({
  id: 'nginx/bypass-without-no-cache',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: '`*_cache_bypass` has conditions that the `*_no_cache` in effect does not have.',
      why: '`*_cache_bypass` only skips reading the cache: the response fetched for a bypassing request (typically a logged-in user) is still stored and then served to everyone else, unless `*_no_cache` is true for the same request (measured: the bypassed response was stored and the next anonymous client got it as a HIT). `*_no_cache` at an inner level replaces the outer list, so the conditions must be repeated there.',
      bad: 'proxy_cache_bypass $cookie_session;',
      good: 'proxy_cache_bypass $cookie_session;\nproxy_no_cache $cookie_session;',
    },
  },
  check(ctx) {
    reportPairMismatches(ctx, 'cache_bypass', 'no_cache', (m, vars) =>
      m.otherIsInner
        ? `${m.otherName} here ${replacesText(m)} and lacks ${vars}, on which ${m.primaryName} (${describeLevel(m.primary[0].scope, 'noun')}) bypasses the cache: the responses fetched for those requests are stored and served to every other client (a leak when the condition marks a logged-in user). Add ${vars} to ${m.otherName} here.`
        : `${m.primaryName} ${vars} is not matched by ${m.other.length ? `the ${m.otherName} in effect (${describeLevel(m.other[0].scope, 'noun')})` : `any ${m.otherName}`}: bypassing only skips reading the cache, so the responses fetched for those requests are still stored and served to every other client (a leak when the condition marks a logged-in user). Add the same variables to ${m.otherName}.`,
    );
  },
});
