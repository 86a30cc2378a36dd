// nginx/unknown-directive: a directive name that neither nginx's reference nor the user's settings know.
import { defineRule } from '../rule';
import { directiveNames, directiveSpec } from '../../nginx/directives';
import { checkedPlacements } from '../../nginx/placements';

export default defineRule({
  id: 'nginx/unknown-directive',
  dialect: 'nginx',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: 'A directive that no official nginx module defines and that is not declared as a third-party directive.',
      why: 'nginx refuses to start ("unknown directive"). Typos in cache directives (`proxy_cache_vaild`) are the usual cause. Declare third-party module directives in the `cachelint.nginx.extraDirectives` setting or with `--extra-directive`.',
      bad: 'proxy_cache_vaild 200 10m;',
      good: 'proxy_cache_valid 200 10m;',
    },
  },
  check(ctx) {
    const extra = new Set(ctx.settings.extraDirectives);
    for (const p of checkedPlacements(ctx.model)) {
      const name = p.d.name.value;
      if (p.d.name.template || directiveSpec(name) || extra.has(name)) continue;
      const guess = closest(name);
      ctx.report({
        path: p.file.path,
        range: { start: p.d.name.offset, end: p.d.name.end },
        message: `unknown directive "${name}"${guess ? `: did you mean "${guess}"?` : ''} If it comes from a third-party module, add it to the extra directives setting.`,
        fixes: guess ? [{ title: `Replace with ${guess}`, safe: false, edits: [{ path: p.file.path, start: p.d.name.offset, end: p.d.name.end, newText: guess }] }] : [],
      });
    }
  },
});

/** The known directive name closest to `name` (edit distance ≤ 2, and under a third of its length). */
const closestCache = new Map<string, string | undefined>();

function closest(name: string): string | undefined {
  if (closestCache.has(name)) return closestCache.get(name);
  if (closestCache.size > 10000) closestCache.clear();
  const found = findClosest(name);
  closestCache.set(name, found);
  return found;
}

function findClosest(name: string): string | undefined {
  let best: string | undefined;
  let bestD = Math.min(3, Math.ceil(name.length / 3));
  for (const cand of directiveNames()) {
    if (Math.abs(cand.length - name.length) >= bestD) continue;
    const d = distance(name, cand, bestD);
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best;
}

function distance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return prev[b.length];
}
