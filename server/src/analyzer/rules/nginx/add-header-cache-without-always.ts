// nginx/add-header-cache-without-always: a cache-related add_header without `always` is missing on error responses.
import { defineRule } from '../rule';
import type { Placed } from '../../nginx/model';
import { directiveRange } from '../../nginx/policy';
import { placementsOf } from '../../nginx/placements';
import { forbidsCaching } from '../../nginx/headerLists';

const CC_LIKE = new Set(['cache-control', 'surrogate-control', 'cdn-cache-control']);

/** An `Expires` value that is already in the past (`0`, `-1`, a date before now). */
function expiresInPast(value: string): boolean {
  const v = value.trim();
  if (/^-?\d+$/.test(v)) return Number(v) <= 0;
  const t = Date.parse(v);
  return !Number.isNaN(t) && t < Date.now();
}

/**
 * Whether an add_header without `always` deserves a note: on 4xx/5xx the header is not sent at all. Vary and
 * X-Cache* belong on every response; a Cache-Control/Expires that forbids caching too. A header granting a
 * positive lifetime is left alone: with `always` error pages would be cached for that long.
 */
function wantsAlways(p: Placed): boolean {
  const [name, value] = p.d.args;
  if (!name || !value || p.d.args.length !== 2 || value.value === '') return false;
  const n = name.value.toLowerCase();
  if (n === 'vary' || n.startsWith('x-cache')) return true;
  if (/\$/.test(value.value)) return false;
  if (CC_LIKE.has(n)) return forbidsCaching(value.value);
  if (n === 'expires') return expiresInPast(value.value);
  return false;
}

function consequence(n: string): string {
  if (n === 'vary') return ': error pages then carry no Vary, and a downstream cache may serve one variant of them to all clients';
  if (n.startsWith('x-cache')) return ': the cache information is missing exactly on the errors that need diagnosing';
  return ': error pages then carry no such header, and browsers and CDNs cache them by heuristics';
}

export default defineRule({
  id: 'nginx/add-header-cache-without-always',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: '`add_header` of Vary, X-Cache*, or a Cache-Control/Expires that forbids caching, without `always`.',
      why: 'Without `always`, add_header applies only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 (measured: a 404 had none of the added headers). Error pages then carry no Vary, no cache status and no no-store, so browsers and CDNs apply heuristics to them. Headers that grant a positive lifetime are not reported: with `always`, errors would be cached that long.',
      bad: 'add_header X-Cache-Status $upstream_cache_status;',
      good: 'add_header X-Cache-Status $upstream_cache_status always;',
    },
  },
  check(ctx) {
    // Identical statements (a header repeated in several blocks, as the inheritance rules' fixes do) are one
    // finding whose fix appends `always` to every copy.
    const groups = new Map<string, Placed[]>();
    const done = new Set<object>();
    for (const p of placementsOf(ctx.model, 'add_header')) {
      if (done.has(p.d) || p.scope.family !== 'http' || !wantsAlways(p)) continue;
      done.add(p.d);
      const k = `${p.d.args[0].value.toLowerCase()}\0${p.d.args[1].raw}`;
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(p);
    }
    for (const [first, ...copies] of groups.values()) {
      const [name, value] = first.d.args;
      const edit = (p: Placed) => ({ path: p.file.path, start: p.d.args[1].end, end: p.d.args[1].end, newText: ' always' });
      ctx.report({
        path: first.file.path,
        range: { start: name.offset, end: value.end },
        message:
          `add_header ${name.value} has no "always", so it is not sent on 404, 5xx and other error responses${consequence(name.value.toLowerCase())}. Append "always"` +
          (copies.length ? ` (here and to the ${copies.length} identical line${copies.length > 1 ? 's' : ''} elsewhere).` : '.'),
        related: copies.slice(0, 10).map((p) => ({ path: p.file.path, range: directiveRange(p), message: 'the same add_header, also without always' })),
        fixes: [{ title: copies.length ? `Append always to all ${copies.length + 1} lines` : 'Append always', safe: true, edits: [first, ...copies].map(edit) }],
      });
    }
  },
});
