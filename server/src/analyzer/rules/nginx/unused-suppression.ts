// nginx/unused-suppression: a `cachelint-disable` comment that silences nothing (or names no rule).
// The facade reports it after every other rule has run (see analyze.ts); `check` has nothing to do.
import { defineRule } from '../rule';
import type { Suppression } from '../../suppressions';
import type { SourceFile } from '../../api';
import type { Fix, TextRange } from '../../types';
import { removeStatement } from '../../fixes';

const rule = defineRule({
  id: 'nginx/unused-suppression',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'info',
    fix: 'safe',
    docs: {
      summary: 'A `# cachelint-disable-next-line` or `# cachelint-disable` comment that silences no finding, or names a rule that does not exist.',
      why: 'A stale suppression hides the next real problem of that rule on the line (or in the file) without anyone noticing; a misspelt rule id silences nothing at all.',
      bad: '# cachelint-disable-next-line nginx/cache-key-volatile-variable\nproxy_cache_key $scheme$host$request_uri;',
      good: 'proxy_cache_key $scheme$host$request_uri;',
    },
  },
  check() {
    // Reported by the facade once all other findings are known.
  },
});
export default rule;

export interface UnusedSuppression {
  path: string;
  range: TextRange;
  message: string;
  fixes: Fix[];
}

/**
 * The findings of this rule: ids that silenced nothing (of rules that ran) and ids of no rule.
 * `ran(id)` says whether a rule ran without failing; `known(id)` whether it exists.
 */
export function unusedSuppressions(list: Suppression[], file: (path: string) => SourceFile | undefined, known: (id: string) => boolean, ran: (id: string) => boolean): UnusedSuppression[] {
  const out: UnusedSuppression[] = [];
  for (const s of list) {
    const f = file(s.path);
    if (!f) continue;
    const where = s.kind === 'file' ? 'in this file' : 'on the next line';
    const removeComment: Fix = { title: 'Remove the unused suppression comment', safe: true, edits: [removeStatement(f, s.range.start, s.range.end)] };
    if (s.ids.length === 0) {
      if (!s.usedAll) out.push({ path: s.path, range: s.range, message: `This suppression silences nothing ${where}: no rule reports there. Remove it.`, fixes: [removeComment] });
      continue;
    }
    const stale = s.ids.filter((i) => !i.used && (!known(i.id) || ran(i.id)));
    if (stale.length === 0) continue;
    const allStale = stale.length === s.ids.length;
    for (const i of stale) {
      const message = known(i.id)
        ? `${i.id} reports nothing ${where}, so this suppression has no effect. Remove it (a stale suppression would hide the next real finding).`
        : `"${i.id}" is not a cachelint rule, so this suppression silences nothing. Check the rule id.`;
      out.push({ path: s.path, range: i.range, message, fixes: allStale ? [removeComment] : [{ title: `Remove ${i.id} from the suppression`, safe: true, edits: [removeId(f, s, i.range)] }] });
    }
  }
  return out;
}

/** Removes one id and its separator from a suppression comment that keeps other ids. */
function removeId(f: SourceFile, s: Suppression, r: TextRange) {
  const text = f.text;
  let start = r.start;
  let end = r.end;
  // Take the separator after the id, or else the one before it.
  const after = /^[ \t]*,?[ \t]*/.exec(text.slice(end, s.range.end))![0];
  if (end + after.length < s.range.end && after.length > 0) end += after.length;
  else {
    while (start > s.range.start && /[ \t,]/.test(text[start - 1])) start--;
  }
  return { path: f.path, start, end, newText: '' };
}
