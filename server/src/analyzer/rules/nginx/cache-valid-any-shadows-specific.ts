// nginx/cache-valid-any-shadows-specific: `*_cache_valid any` listed before code-specific entries, which then never apply.
import { defineRule } from '../rule';
import { insertLineAfter, removeStatement } from '../../fixes';
import { directiveRange, own, validEntries } from '../../nginx/policy';
import type { ValidEntry } from '../../nginx/policy';
import type { ParsedFile } from '../../nginx/model';
import { describeTime } from '../../nginx/units';
import type { TextEdit } from '../../types';
import { placementsNamed } from '../../nginx/placements';

const VALID = new Set(['proxy_cache_valid', 'fastcgi_cache_valid', 'uwsgi_cache_valid', 'scgi_cache_valid']);

export default defineRule({
  id: 'nginx/cache-valid-any-shadows-specific',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: '`*_cache_valid any …` comes before entries for specific status codes, so those entries are never used.',
      why: 'nginx scans the `*_cache_valid` list in order and `any` matches every status: `proxy_cache_valid any 1s; proxy_cache_valid 200 1h;` caches 200 responses for 1 s, not 1 h (measured: EXPIRED after 2 s; with `any` last: HIT). Moving the `any` line after the code-specific ones gives each code the time written for it.',
      bad: 'proxy_cache_valid any 1m;\nproxy_cache_valid 200 1h;',
      good: 'proxy_cache_valid 200 1h;\nproxy_cache_valid any 1m;',
    },
  },
  check(ctx) {
    const done = new Set<object>();
    for (const p of placementsNamed(ctx.model, VALID)) {
      const name = p.d.name.value;
      if (!VALID.has(name) || done.has(p.d)) continue;
      const list = own(p.scope, name);
      for (const q of list) done.add(q.d);
      const entries = validEntries(list);
      const anyIdx = entries.findIndex((e) => e.codes.includes('any'));
      if (anyIdx < 0) continue;
      const any = entries[anyIdx];
      // Entries after the `any` line whose time differs: their codes silently get the `any` time instead.
      const shadowed = entries.slice(anyIdx + 1).filter((e) => e.codes.some((c) => c !== 'any') && e.seconds !== any.seconds);
      if (!shadowed.length) continue;
      const anyWord = any.placed.d.args.find((a) => a.value === 'any')!;
      const codes = [...new Set(shadowed.flatMap((e) => e.codes.filter((c) => c !== 'any')))];
      const fix = moveLast(ctx, any, entries.slice(anyIdx + 1), list.length !== entries.length);
      ctx.report({
        path: any.placed.file.path,
        range: { start: anyWord.offset, end: anyWord.end },
        message: `${name} any ${any.timeWord.value} comes first and matches every status, so the later entries for ${codes.join(', ')} are never used: those responses are ${any.seconds ? `cached for ${describeTime(any.seconds)}` : 'not cached at all'} instead. Move the any line after the code-specific ones.`,
        related: shadowed.map((e) => ({
          path: e.placed.file.path,
          range: directiveRange(e.placed),
          message: `never used: ${e.codes.filter((c) => c !== 'any').join(' ')} already matched by "any" above`,
        })),
        fixes: fix ? [fix] : [],
      });
    }
  },
});

/** Moves the `any` statement after the last entry of the list, when the move stays inside one file and is unambiguous. */
function moveLast(ctx: { file(path: string): ParsedFile }, any: ValidEntry, after: ValidEntry[], unparsed: boolean) {
  if (unparsed) return undefined;
  if (after.some((e) => e.codes.includes('any'))) return undefined; // several `any` lines: the intent is unclear
  const d = any.placed.d;
  const path = any.placed.file.path;
  if (after.some((e) => e.placed.file.path !== path)) return undefined;
  const file = ctx.file(path);
  const last = after[after.length - 1].placed.d;
  let text = file.text.slice(d.offset, d.end);
  // A trailing comment goes along when the whole line moves.
  const line = file.lines.positionAt(d.end).line;
  const before = file.text.slice(file.lines.lineStart(file.lines.positionAt(d.offset).line), d.offset);
  const rest = file.text.slice(d.end, file.lines.lineEnd(line));
  const m = /^[ \t]*(#.*)$/.exec(rest);
  if (m && /^[ \t]*$/.test(before)) text += ' ' + m[1];
  const edits: TextEdit[] = [removeStatement(file, d.offset, d.end), insertLineAfter(file, last.offset, last.end, text)];
  // With `any 0` nothing is cached today; after the move the specific codes start being stored.
  return { title: `Move ${d.name.value} any ${any.timeWord.value} after the code-specific entries`, safe: any.seconds > 0, edits };
}
