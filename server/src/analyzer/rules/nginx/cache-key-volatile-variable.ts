// nginx/cache-key-volatile-variable: a cache key with a per-request value — every request misses.
import { defineRule } from '../rule';
import { variablesIn } from '../../nginx/policy';
import { defaultKey, keyStatements } from '../../nginx/variables';

/** Variables with a new value on every request (or connection). */
export const VOLATILE_VARIABLES = new Set([
  'request_id', 'msec', 'time_local', 'time_iso8601', 'request_time', 'connection', 'connection_requests',
  'connection_time', 'remote_port', 'request_length', 'bytes_sent', 'body_bytes_sent', 'upstream_response_time',
  'upstream_connect_time', 'upstream_header_time', 'pid',
]);

export default defineRule({
  id: 'nginx/cache-key-volatile-variable',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: '`*_cache_key` contains a value that changes on every request (`$request_id`, `$msec`, `$time_local`, `$remote_port`, …).',
      why: 'Every request gets its own key, so nothing is ever a HIT (measured: 0/10 HITs) and each miss adds a file and a keys-zone entry that evicts useful ones. The app servers take the full load.',
      bad: 'proxy_cache_key $scheme$host$request_uri$request_id;',
      good: 'proxy_cache_key $scheme$host$request_uri;',
    },
  },
  check(ctx) {
    for (const { placed: p } of keyStatements(ctx.model, ctx.policies)) {
      const word = p.d.args[0];
      const vars = variablesIn(word).filter((v) => VOLATILE_VARIABLES.has(v.name) && v.name !== 'pid');
      if (!vars.length) continue;
      // Remove the volatile variables from the raw word; fall back to a sound key if nothing is left.
      let raw = word.raw;
      for (const v of [...vars].reverse()) raw = raw.slice(0, v.start - word.offset) + raw.slice(v.end - word.offset);
      const inner = word.quote ? raw.slice(1, -1) : raw;
      const family = p.d.name.value.slice(0, -'_cache_key'.length);
      const newText = inner.trim() === '' ? defaultKey(family) : raw;
      const names = vars.map((v) => '$' + v.name).join(', ');
      ctx.report({
        path: p.file.path,
        range: { start: vars[0].start, end: vars[vars.length - 1].end },
        message: `${p.d.name.value} contains ${names}, which changes on every request: every request is a new key, so the cache never hits (0 HITs) and every request reaches the upstream. Remove it from the key (log it instead).`,
        fixes: [{ title: `Remove ${names} from the cache key`, safe: true, edits: [{ path: p.file.path, start: word.offset, end: word.end, newText }] }],
      });
    }
  },
});
