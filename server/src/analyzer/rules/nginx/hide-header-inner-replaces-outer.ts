// nginx/hide-header-inner-replaces-outer: a `*_hide_header` list at an inner level replaces the outer one.
import { defineRule } from '../rule';
import { directiveRange } from '../../nginx/policy';
import { passFamiliesBelow, PASS_FAMILIES } from '../../nginx/placements';
import { describeLevel } from '../../nginx/scopes';
import { anchorFor, insertLinesAfter } from '../../nginx/edits';
import { hideModel, listWords, relatedFor, repeatLines, shortLine, uniqueCi, uniqueLevels } from '../../nginx/headerLists';

export default defineRule({
  id: 'nginx/hide-header-inner-replaces-outer',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'A `*_hide_header` at an inner level replaces the list of an enclosing level instead of adding to it.',
      why: 'nginx inherits the `*_hide_header` list only into levels that set none; one `proxy_hide_header X-Powered-By` in a location un-hides everything the server hid. With `proxy_ignore_headers Set-Cookie` that replays one user\'s session cookie to everyone (measured: bob\'s cache HIT carried alice\'s Set-Cookie).',
      bad: 'server {\n    proxy_hide_header Set-Cookie;\n    location /app/ {\n        proxy_hide_header X-Powered-By;\n        proxy_pass http://app;\n    }\n}',
      good: 'server {\n    proxy_hide_header Set-Cookie;\n    location /app/ {\n        proxy_hide_header X-Powered-By;\n        proxy_hide_header Set-Cookie;\n        proxy_pass http://app;\n    }\n}',
    },
  },
  check(ctx) {
    const below = passFamiliesBelow(ctx.model);
    const done = new Set<object>();
    for (const fam of PASS_FAMILIES) {
      const lm = hideModel(ctx.model, fam);
      const name = lm.name;
      for (const level of lm.levels()) {
        // Only where responses of this family pass through: elsewhere the list has no effect.
        if (!below.get(level)?.has(fam)) continue;
        const missing = lm.missing(level);
        if (!missing.length) continue;
        const own = lm.own(level);
        const first = own[0];
        if (done.has(first.d)) continue;
        done.add(first.d);
        const names = uniqueCi(missing.map((e) => e.placed.d.args[0].value));
        const cookie = names.some((n) => n.toLowerCase() === 'set-cookie');
        const from = uniqueLevels(missing);
        const anchor = anchorFor(level, own[own.length - 1]);
        const file = anchor && ctx.file(anchor.file.path);
        const lines = repeatLines(missing, name);
        ctx.report({
          path: first.file.path,
          range: directiveRange(first),
          severity: cookie ? 'error' : undefined,
          message:
            `${name} in ${describeLevel(level)} replaces the list inherited from ${from}: ${listWords(names)} ${names.length > 1 ? 'are' : 'is'} no longer hidden here` +
            (cookie ? ', so upstream Set-Cookie headers reach clients (and are replayed from the cache when Set-Cookie is ignored).' : '.') +
            ` Repeat ${names.length > 1 ? 'them' : 'it'} in this block.`,
          related: relatedFor(missing, (e) => `${name} ${e.placed.d.args[0].value} set here (${describeLevel(e.level)})`),
          fixes: anchor && file ? [{ title: `Repeat ${listWords(lines.map(shortLine))} here`, safe: false, edits: [insertLinesAfter(file, anchor, lines)] }] : [],
        });
      }
    }
  },
});
