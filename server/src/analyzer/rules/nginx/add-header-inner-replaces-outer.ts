// nginx/add-header-inner-replaces-outer: an `add_header` at an inner level drops every add_header of the enclosing levels.
import { defineRule } from '../rule';
import type { NginxModel, Scope } from '../../nginx/model';
import type { TextEdit } from '../../types';
import { directiveRange } from '../../nginx/policy';
import { ownOf, passFamiliesBelow, PASS_FAMILIES } from '../../nginx/placements';
import { describeLevel, parentLevel } from '../../nginx/scopes';
import { anchorFor, insertLinesAfter, insertLinesBefore } from '../../nginx/edits';
import { addHeaderModel, listWords, matters, relatedFor, repeatLines, shortLine, uniqueCi, uniqueLevels } from '../../nginx/headerLists';

/** Whether requests handled at `level` can go upstream: a `*_pass` in it or below, or in the location an if belongs to. */
function proxiedAt(model: NginxModel, level: Scope): boolean {
  const below = passFamiliesBelow(model);
  if (below.get(level)?.size) return true;
  const parent = level.context === 'if in location' ? parentLevel(level) : undefined;
  return !!parent && PASS_FAMILIES.some((f) => ownOf(model, parent, `${f}_pass`).length > 0);
}

export default defineRule({
  id: 'nginx/add-header-inner-replaces-outer',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'An `add_header` at an inner level drops the `add_header`s of the enclosing levels (they are not repeated, and there is no `add_header_inherit merge`).',
      why: 'nginx inherits add_header only into levels that set none: one `add_header Cache-Control` in a location silently removes the server\'s X-Cache-Status, HSTS or security headers there (measured: the location\'s responses had neither X-Cache nor Strict-Transport-Security). nginx ≥ 1.29.3 can merge with `add_header_inherit merge;`.',
      bad: 'server {\n    add_header Strict-Transport-Security "max-age=31536000" always;\n    location /static/ {\n        add_header Cache-Control "public, max-age=86400";\n    }\n}',
      good: 'server {\n    add_header Strict-Transport-Security "max-age=31536000" always;\n    location /static/ {\n        add_header Cache-Control "public, max-age=86400";\n        add_header Strict-Transport-Security "max-age=31536000" always;\n    }\n}',
    },
  },
  check(ctx) {
    const { list } = addHeaderModel(ctx.model);
    const done = new Set<object>();
    for (const level of list.levels()) {
      if (list.mode(level) !== 'on') continue;
      const parent = parentLevel(level);
      // An if whose location has its own add_header is add-header-inside-if's case.
      if (!parent || (level.context === 'if in location' && list.own(parent).length)) continue;
      const proxied = proxiedAt(ctx.model, level);
      const missing = list.missing(level).filter((e) => matters(e, proxied));
      if (!missing.length) continue;
      const own = list.own(level);
      if (done.has(own[0].d)) continue;
      done.add(own[0].d);
      const names = uniqueCi(missing.map((e) => e.placed.d.args[0].value));
      const anchor = anchorFor(level, own[own.length - 1]);
      const lines = repeatLines(missing, 'add_header');
      const edits: TextEdit[] = [];
      if (anchor) {
        edits.push(insertLinesAfter(ctx.file(anchor.file.path), anchor, lines));
        // An if below with its own add_headers that repeats this level's would lose the repeated headers
        // when it matches: give it the same lines (before its own, add-header-inside-if adds after them).
        for (const c of level.children) {
          const co = c.context === 'if in location' && list.mode(c) === 'on' ? list.own(c) : [];
          if (!co.length) continue;
          const have = new Set(list.entries(c).map((e) => e.key));
          const add = missing.filter((e) => !have.has(e.key));
          const a = add.length ? anchorFor(c, co[0]) : undefined;
          if (a) edits.push(insertLinesBefore(ctx.file(a.file.path), a, repeatLines(add, 'add_header')));
        }
      }
      ctx.report({
        path: own[0].file.path,
        range: directiveRange(own[0]),
        message:
          `add_header in ${describeLevel(level)} replaces the headers inherited from ${uniqueLevels(missing)}: ${listWords(names)} ${names.length > 1 ? 'are' : 'is'} not sent for requests handled here. ` +
          `Repeat ${names.length > 1 ? 'them' : 'it'} in this block (on nginx ≥ 1.29.3, add_header_inherit merge; does the same).`,
        related: relatedFor(missing, (e) => `add_header ${e.placed.d.args[0].value} set here (${describeLevel(e.level)})`),
        fixes: edits.length ? [{ title: `Repeat ${listWords(lines.map(shortLine), 3)} here`, safe: false, edits }] : [],
      });
    }
  },
});
