// nginx/predicate-literal-always-true: `*_cache_bypass off` / `*_no_cache false` — a literal that nginx reads as "true".
import { defineRule } from '../rule';
import { removeStatement } from '../../fixes';
import type { EditableFile } from '../../fixes';
import { CACHE_FAMILIES, effective, own } from '../../nginx/policy';
import type { Placed } from '../../nginx/model';
import type { Word } from '../../nginx/tree';
import type { TextEdit } from '../../types';
import { predicateKind } from '../../nginx/predicates';
import { placementsNamed } from '../../nginx/placements';

/** The predicate directives (`*_cache_bypass`, `*_no_cache`) of every family. */
const PREDICATE_DIRECTIVES = new Set(CACHE_FAMILIES.flatMap((f) => [`${f}_cache_bypass`, `${f}_no_cache`]));

/** Literals that read as a deliberate "always" (`1`, `on`, …): reported as info, not as a mistake. */
const INTENDED_TRUE = new Set(['1', 'on', 'yes', 'true', 'always', 'y']);

export default defineRule({
  id: 'nginx/predicate-literal-always-true',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: '`*_cache_bypass` / `*_no_cache` has a literal argument such as `off`, `false`, `no` or `1`: any value other than `""` and `0` is true.',
      why: 'nginx tests these predicates as strings: a value is true when it is non-empty and not "0". `proxy_cache_bypass off;` looks like a switch that turns bypassing off, but it bypasses the cache on every request (measured: 5/5 BYPASS), and `proxy_no_cache false;` means nothing is ever stored (measured: 0/5 HITs). `1` is reported as info: it is always true too, and is sometimes meant that way.',
      bad: 'proxy_cache_bypass off;\nproxy_no_cache false;',
      good: 'proxy_cache_bypass $cookie_session;\nproxy_no_cache $cookie_session;',
    },
  },
  check(ctx) {
    const seen = new Set<object>();
    for (const p of placementsNamed(ctx.model, PREDICATE_DIRECTIVES)) {
      const name = p.d.name.value;
      if (!PREDICATE_DIRECTIVES.has(name) || seen.has(p.d) || !p.d.args.length) continue;
      seen.add(p.d);
      const always = p.d.args.filter((a) => predicateKind(a) === 'always');
      if (!always.length) continue;
      const mistakes = always.filter((a) => !INTENDED_TRUE.has(a.value.toLowerCase()));
      const bypass = name.endsWith('_cache_bypass');
      const effect = bypass
        ? 'every request bypasses the cache (nothing is read from it; responses are still stored)'
        : 'no response is ever stored in the cache';
      if (!mistakes.length) {
        const w = always[0];
        ctx.report({
          path: p.file.path,
          range: { start: w.offset, end: w.end },
          severity: 'info',
          message: `${name} ${w.raw} is always true: ${effect}. Fine if intended; if caching should simply be off here, \`${name.slice(0, name.indexOf('_'))}_cache off;\` says so directly, otherwise use a variable that is empty or "0" when the condition does not hold.`,
        });
        continue;
      }
      const words = mistakes.map((w) => w.raw).join(' ');
      const file = ctx.file(p.file.path);
      ctx.report({
        path: p.file.path,
        range: { start: mistakes[0].offset, end: mistakes[mistakes.length - 1].end },
        message: `${name} ${words} is always true: nginx treats every value other than "" and "0" as true, so ${effect}. It does not switch the predicate off: remove ${mistakes.length > 1 ? 'these literals' : 'the literal'}, or use a variable that is empty or "0" when the condition does not hold.`,
        fixes: [literalFix(p, mistakes, file)],
      });
    }
  },
});

function literalFix(p: Placed, drop: Word[], file: EditableFile) {
  const d = p.d;
  const name = d.name.value;
  const keep = d.args.filter((a) => !drop.includes(a));
  const list = drop.map((w) => w.raw).join(' ');
  let edit: TextEdit;
  let title: string;
  if (keep.length) {
    edit = { path: p.file.path, start: d.args[0].offset, end: d.args[d.args.length - 1].end, newText: keep.map((a) => a.raw).join(' ') };
    title = `Remove ${list} from ${name}`;
  } else if (own(p.scope, name).length === 1 && p.scope.parent && effective(p.scope.parent, name).length) {
    // The directive is this level's whole list: removing it would inherit the outer list, which the
    // literal was meant to switch off here. `0` is never true and keeps the override.
    edit = { path: p.file.path, start: d.args[0].offset, end: d.args[d.args.length - 1].end, newText: '0' };
    title = `Replace ${list} with 0 (never true; keeps the outer ${name} from applying here)`;
  } else {
    edit = removeStatement(file, d.offset, d.end);
    title = `Remove ${name} ${list}`;
  }
  return { title, safe: false, edits: [edit] };
}
