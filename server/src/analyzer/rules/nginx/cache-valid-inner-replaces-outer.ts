// nginx/cache-valid-inner-replaces-outer: an inner *_cache_valid list replaces the outer one and drops its codes.
import { defineRule } from '../rule';
import { directiveRange, effective, validEntries } from '../../nginx/policy';
import type { ValidEntry } from '../../nginx/policy';
import type { Scope } from '../../nginx/model';
import { describeTime } from '../../nginx/units';
import { describeLevel } from '../../nginx/scopes';
import { mayMissDirectives } from '../../nginx/completeness';
import { insertLinesAfter } from '../../nginx/edits';

interface Dropped {
  entry: ValidEntry;
  codes: string[];
}

export default defineRule({
  id: 'nginx/cache-valid-inner-replaces-outer',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'A `*_cache_valid` list at an inner level drops status codes the outer level\'s list had: the lists replace each other, they do not merge.',
      why: 'nginx takes the whole `*_cache_valid` list from the nearest level that sets one. A location that adds `proxy_cache_valid 404 1m;` under a server with `proxy_cache_valid 200 10m;` no longer caches 200 responses at all (measured: 0/5 HITs, against 4/5 in the sibling location that inherits). The quick-fix repeats the dropped entries in the inner block; it is unsafe because it starts caching responses there again.',
      bad: 'server {\n    proxy_cache_valid 200 10m;\n    location /api/ {\n        proxy_cache_valid 404 1m;\n    }\n}',
      good: 'server {\n    proxy_cache_valid 200 10m;\n    location /api/ {\n        proxy_cache_valid 404 1m;\n        proxy_cache_valid 200 10m;\n    }\n}',
    },
  },
  check(ctx) {
    const done = new Map<Scope, Set<string>>();
    for (const pol of ctx.policies) {
      const name = `${pol.family}_cache_valid`;
      const inner = effective(pol.scope, name);
      if (!inner.length) continue;
      const level = inner[0].scope;
      const seen = done.get(level) ?? done.set(level, new Set()).get(level)!;
      if (seen.has(name)) continue;
      seen.add(name);
      if (!level.parent) continue;
      const outer = effective(level.parent, name);
      if (!outer.length) continue;
      // An include the analyzer could not read, in the inner level or between the two, may hold more entries.
      if (mayMissDirectives(ctx.model, level, { upTo: outer[0].scope, emptyGlobs: true })) continue;
      const innerEntries = validEntries(inner);
      const outerEntries = validEntries(outer);
      if (innerEntries.length !== inner.length || outerEntries.length !== outer.length) continue;
      const innerCodes = new Set(innerEntries.flatMap((e) => e.codes));
      if (innerCodes.has('any')) continue;
      const dropped = droppedEntries(outerEntries, innerCodes);
      if (!dropped.length) continue;

      const last = inner[inner.length - 1];
      const lines = dropped.map((d) => `${name} ${d.codes.join(' ')} ${d.entry.timeWord.raw};`);
      const edit = insertLinesAfter(ctx.file(last.file.path), last, lines);
      const outerLevel = outer[0].scope;
      const what = dropped.map((d) => describe(d)).join(', ');
      ctx.report({
        path: inner[0].file.path,
        range: directiveRange(inner[0]),
        message: `This ${name} list replaces the one ${outerLevel.kind === 'main' ? 'set above' : `set at ${outerLevel.kind} level`} (lists do not merge): ${what} ${dropped.length === 1 && dropped[0].codes.length === 1 && dropped[0].codes[0] !== 'any' ? 'is' : 'are'} no longer cached ${describeLevel(level, 'where')}. Repeat the outer entries here if they should still apply.`,
        related: dropped.map((d) => ({
          path: d.entry.placed.file.path,
          range: directiveRange(d.entry.placed),
          message: `${d.codes.join(' ')} ${d.entry.timeWord.value} set here is not inherited by the inner list`,
        })),
        fixes: [{ title: `Repeat the outer entries: ${lines.join(' ')}`, safe: false, edits: [edit] }],
      });
    }
  },
});

/** The outer entries (codes that take effect there, in order) that the inner list does not mention. */
function droppedEntries(outer: ValidEntry[], innerCodes: Set<string>): Dropped[] {
  const seen = new Set<string>();
  const out: Dropped[] = [];
  for (const e of outer) {
    const codes: string[] = [];
    for (const c of e.codes) {
      if (seen.has(c)) continue; // an earlier outer entry already decides this code
      seen.add(c);
      if (c === 'any' || !innerCodes.has(c)) codes.push(c);
    }
    if (codes.length) out.push({ entry: e, codes });
    if (seen.has('any')) break; // entries after `any` never take effect
  }
  return out;
}

function describe(d: Dropped): string {
  const t = describeTime(d.entry.seconds);
  const codes = d.codes.filter((c) => c !== 'any');
  const parts = codes.length ? [`${codes.join(' ')} (${t})`] : [];
  if (codes.length < d.codes.length) parts.push(`the statuses not listed here (any, ${t})`);
  return parts.join(', ');
}
