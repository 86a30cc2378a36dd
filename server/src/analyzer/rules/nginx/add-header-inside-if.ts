// nginx/add-header-inside-if: add_header in an `if` replaces the enclosing location's add_headers when the if matches.
import { defineRule } from '../rule';
import { directiveRange } from '../../nginx/policy';
import { describeLevel, parentLevel } from '../../nginx/scopes';
import { anchorFor, insertLinesAfter } from '../../nginx/edits';
import {
  addHeaderModel, Entry, listWords, matters, relatedFor, repeatLines, shortLine, uniqueCi, uniqueLevels,
} from '../../nginx/headerLists';

export default defineRule({
  id: 'nginx/add-header-inside-if',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: '`add_header` inside an `if` in a location that has its own `add_header`s.',
      why: 'An `if` in a location is a nested location of its own: when it matches, only the if\'s add_header lines are sent and the location\'s are dropped (measured: with the if matching, X-Loc vanished and only X-If was sent).',
      bad: 'location / {\n    add_header X-Cache-Status $upstream_cache_status always;\n    if ($arg_debug) {\n        add_header X-Debug 1;\n    }\n}',
      good: 'map $arg_debug $x_debug { default ""; ~. 1; }\n\nserver {\n    location / {\n        add_header X-Cache-Status $upstream_cache_status always;\n        add_header X-Debug $x_debug;\n    }\n}',
    },
  },
  check(ctx) {
    const ah = addHeaderModel(ctx.model);
    const list = ah.list;
    const done = new Set<object>();
    for (const level of list.levels()) {
      if (level.context !== 'if in location' || list.mode(level) !== 'on') continue;
      const loc = parentLevel(level);
      if (!loc || !list.own(loc).length) continue;
      // What the location itself sends and the if leaves out (headers the location drops are its own finding).
      const have = new Set(list.entries(level).map((e) => e.key));
      const missing: Entry[] = ah.effective(loc).map((p) => ({ key: p.d.args[0]?.value.toLowerCase() ?? '', placed: p, level: p.scope })).filter((e) => e.key && !have.has(e.key) && matters(e, true));
      if (!missing.length) continue;
      const own = list.own(level);
      if (done.has(own[0].d)) continue;
      done.add(own[0].d);
      const names = uniqueCi(missing.map((e) => e.placed.d.args[0].value));
      const anchor = anchorFor(level, own[own.length - 1]);
      const file = anchor && ctx.file(anchor.file.path);
      const lines = repeatLines(missing, 'add_header');
      ctx.report({
        path: own[0].file.path,
        range: directiveRange(own[0]),
        message:
          `When ${describeLevel(level)} matches, only its own add_header lines apply: ${listWords(names)} from ${uniqueLevels(missing)} ${names.length > 1 ? 'are' : 'is'} then not sent. ` +
          `Repeat ${names.length > 1 ? 'them' : 'it'} inside the if, or set the header outside the if from a map variable (an empty value sends nothing).`,
        related: relatedFor(missing, (e) => `add_header ${e.placed.d.args[0].value} set here (${describeLevel(e.level)})`),
        fixes: anchor && file ? [{ title: `Repeat ${listWords(lines.map(shortLine), 3)} inside the if`, safe: false, edits: [insertLinesAfter(file, anchor, lines)] }] : [],
      });
    }
  },
});
