// nginx/cache-errors-long-ttl: `*_cache_valid any T` or a 5xx code with a long T — a transient failure is replayed from the cache.
import { defineRule } from '../rule';
import { insertLineAfter, insertLineBefore, removeStatement } from '../../fixes';
import { own, validEntries } from '../../nginx/policy';
import { describeTime, formatTime } from '../../nginx/units';
import { DEFAULT_THRESHOLDS, type Fix, type TextEdit } from '../../types';
import type { ParsedFile, Placed } from '../../nginx/model';
import type { Word } from '../../nginx/tree';
import { placementsNamed } from '../../nginx/placements';

/** Errors may be cached for at most this long (seconds) by default; setting `thresholds.errorTtlSeconds`. */
export const ERROR_TTL_MAX_SECONDS = DEFAULT_THRESHOLDS.errorTtlSeconds;

const VALID = new Set(['proxy_cache_valid', 'fastcgi_cache_valid', 'uwsgi_cache_valid', 'scgi_cache_valid']);
/** The errors that matter most: the app's 500/503 and the 502/504 nginx answers itself when the upstream is down. */
const PROBE = ['500', '502', '503', '504'];
const SUCCESS = ['200', '301', '302'];

export default defineRule({
  id: 'nginx/cache-errors-long-ttl',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: `\`*_cache_valid any …\` or a 5xx status cached for more than ${ERROR_TTL_MAX_SECONDS} s (errors replayed after the backend recovers).`,
      why: 'A cached 5xx is served to everyone until it expires, including the 502/504 that nginx itself produces when the upstream is unreachable: measured, `proxy_cache_valid any 10m` turned one transient 500 into 500 MISS, HIT, HIT after the backend had recovered, and a dead upstream\'s 502 was cached the same way. Cache success codes explicitly and use `*_cache_use_stale error timeout http_5xx` for resilience; a few seconds of error caching as shielding is fine.',
      bad: 'proxy_cache_valid any 10m;',
      good: 'proxy_cache_valid 200 301 302 10m;\nproxy_cache_use_stale error timeout http_500 http_502 http_503 http_504;',
    },
  },
  check(ctx) {
    const limit = ctx.settings.thresholds.errorTtlSeconds;
    const done = new Set<object>();
    for (const p of placementsNamed(ctx.model, VALID)) {
      const name = p.d.name.value;
      if (!VALID.has(name) || done.has(p.d)) continue;
      const list = own(p.scope, name);
      for (const q of list) done.add(q.d);
      // Codes decided by earlier entries of the same list (first match wins).
      const covered = new Set<string>();
      for (const q of list) {
        if (covered.has('any')) break;
        const entry = validEntries([q])[0];
        if (!entry) continue;
        const words = q.d.args.length > 1 ? q.d.args.slice(0, -1) : [];
        const flagged: Word[] = [];
        let caught: string[] = [];
        if (entry.seconds > limit) {
          for (const w of words) {
            if (w.value === 'any') {
              caught = PROBE.filter((c) => !covered.has(c));
              if (caught.length) flagged.push(w);
            } else if (/^5\d\d$/.test(w.value) && !covered.has(w.value)) flagged.push(w);
          }
        }
        const before = new Set(covered);
        for (const c of entry.codes) covered.add(c);
        if (!flagged.length) continue;
        const hasAny = flagged.some((w) => w.value === 'any');
        const errors = hasAny ? caught : flagged.map((w) => w.value);
        const own502 = errors.filter((c) => c === '502' || c === '504');
        const fam = name.slice(0, -'_cache_valid'.length);
        const t = describeTime(entry.seconds);
        const stale = `${fam}_cache_use_stale error timeout http_500 http_502 http_503 http_504`;
        const message = hasAny
          ? `${name} any ${entry.timeWord.value} also caches errors (${errors.join(', ')}${own502.length ? `, including the ${own502.join('/')} nginx itself returns when the upstream is down` : ''}) for ${t}: one transient failure is replayed to everyone for ${t} after the backend recovers. Give these errors a short entry before the any line (${name} ${errors.join(' ')} ${formatTime(limit)};) or cache success codes explicitly, and use ${stale} for resilience.`
          : `${name} caches ${errors.join(', ')} for ${t}${own502.length ? ` (${own502.join('/')} is what nginx itself returns when the upstream is down)` : ''}: one transient failure is replayed to everyone for ${t} after the backend recovers. Keep error caching to ${limit} s or less, and use ${stale} for resilience.`;
        ctx.report({
          path: q.file.path,
          range: { start: flagged[0].offset, end: flagged[flagged.length - 1].end },
          message,
          fixes: [
            ...(hasAny ? [capErrors(ctx.file(q.file.path), q, caught, limit)] : []),
            fixFor(ctx.file(q.file.path), q, words, flagged, hasAny, before, limit),
          ],
        });
      }
    }
  },
});

/** Keeps `any` for the other statuses but gives the 5xx it catches a short entry of their own, placed before it. */
function capErrors(file: ParsedFile, q: Placed, caught: string[], limit: number): Fix {
  const line = `${q.d.name.value} ${caught.join(' ')} ${formatTime(limit)};`;
  return { title: `Cache ${caught.join(' ')} for ${formatTime(limit)} only (insert ${line} before the any line)`, safe: false, edits: [insertLineBefore(file, q.d.offset, line)] };
}

/** `before`: the codes decided by entries before this directive. */
function fixFor(file: ParsedFile, q: Placed, words: Word[], flagged: Word[], hasAny: boolean, before: Set<string>, limit: number): Fix {
  const d = q.d;
  const name = d.name.value;
  const time = d.args[d.args.length - 1];
  const codesRange = (codes: string[]): TextEdit =>
    codes.length
      ? { path: file.path, start: words[0].offset, end: words[words.length - 1].end, newText: codes.join(' ') }
      : removeStatement(file, d.offset, d.end);
  if (hasAny) {
    // `any` becomes the success codes that neither this directive nor an earlier entry decides.
    const mine = new Set(words.map((w) => w.value));
    const add = SUCCESS.filter((c) => !mine.has(c) && !before.has(c));
    const codes = words.flatMap((w) => (w.value === 'any' ? add : flagged.includes(w) ? [] : [w.value]));
    return { title: codes.length ? `Cache ${codes.join(' ')} for ${time.value} instead of any status` : `Remove ${name} any ${time.value}`, safe: false, edits: [codesRange(codes)] };
  }
  const low = formatTime(limit);
  if (flagged.length === words.length) {
    return { title: `Lower the error TTL to ${low}`, safe: false, edits: [{ path: file.path, start: time.offset, end: time.end, newText: low }] };
  }
  const rest = words.filter((w) => !flagged.includes(w)).map((w) => w.value);
  return {
    title: `Cache ${flagged.map((w) => w.value).join(' ')} for ${low} only`,
    safe: false,
    edits: [codesRange(rest), insertLineAfter(file, d.offset, d.end, `${name} ${flagged.map((w) => w.value).join(' ')} ${low};`)],
  };
}

