// Behavioural rules without a live scenario, each with the reason its harm cannot be shown on one machine in a
// test run. Every other behavioural rule must have a scenario under scenarios/ (run.ts enforces it).
const REFUSED = 'nginx -t refuses such a config, so there is no running server to measure; the config-time error is proven by test/nginx/fixSafety.test.ts and the corpus';

export const SKIPPED: Readonly<Record<string, string>> = {
  'nginx/include-not-found': REFUSED,
  'nginx/include-cycle': REFUSED,
  'nginx/zone-undefined': REFUSED,
  'vcl/ttl-zero-fallthrough':
    'no harm to measure: `set beresp.ttl = 0s` without a return already falls through to the built-in hit-for-miss, and the fix writes that out (`beresp.uncacheable`) without changing behaviour (measured the same both ways: 0 HITs, 6 fetches)',
};
