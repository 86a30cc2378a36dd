// nginx/ignore-headers-inner-replaces-outer: a `*_ignore_headers` at an inner level replaces the outer set.
import { defineRule } from '../rule';
import type { TextEdit } from '../../types';
import { CACHE_FAMILIES, directiveRange } from '../../nginx/policy';
import { passFamiliesBelow } from '../../nginx/placements';
import { blockFile, describeLevel } from '../../nginx/scopes';
import { anchorFor, insertLinesAfter } from '../../nginx/edits';
import { entryText, ignoreModel, listWords, relatedFor, uniqueCi, uniqueLevels } from '../../nginx/headerLists';

export default defineRule({
  id: 'nginx/ignore-headers-inner-replaces-outer',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'A `*_ignore_headers` at an inner level lacks values the enclosing level\'s `*_ignore_headers` had (the inner set replaces the outer one).',
      why: 'nginx does not merge `*_ignore_headers` sets: a location that ignores only `Vary` honours `Set-Cookie`, `Cache-Control` and `Expires` again although the server ignored them, and the cache stops storing (measured: 0/5 HITs instead of 4/5).',
      bad: 'server {\n    proxy_ignore_headers Cache-Control Expires;\n    location /api/ {\n        proxy_ignore_headers Vary;\n    }\n}',
      good: 'server {\n    proxy_ignore_headers Cache-Control Expires;\n    location /api/ {\n        proxy_ignore_headers Vary Cache-Control Expires;\n    }\n}',
    },
  },
  check(ctx) {
    const below = passFamiliesBelow(ctx.model);
    const done = new Set<object>();
    for (const fam of CACHE_FAMILIES) {
      const lm = ignoreModel(ctx.model, fam);
      for (const level of lm.levels()) {
        if (!below.get(level)?.has(fam)) continue;
        const missing = lm.missing(level);
        if (!missing.length) continue;
        const own = lm.own(level);
        if (done.has(own[0].d)) continue;
        done.add(own[0].d);
        const values = uniqueCi(missing.map(entryText));
        // Append to the last statement written in this block; a second statement (values are ORed) when the list comes from an include.
        const bf = blockFile(level);
        const inBlock = [...own].reverse().find((p) => p.file === bf && p.d.args.length);
        let edit: TextEdit | undefined;
        if (inBlock) {
          const last = inBlock.d.args[inBlock.d.args.length - 1];
          edit = { path: inBlock.file.path, start: last.end, end: last.end, newText: ' ' + values.join(' ') };
        } else {
          const anchor = anchorFor(level, own[own.length - 1]);
          if (anchor) edit = insertLinesAfter(ctx.file(anchor.file.path), anchor, [`${lm.name} ${values.join(' ')};`]);
        }
        const cookie = values.some((v) => v.toLowerCase() === 'set-cookie');
        ctx.report({
          path: own[0].file.path,
          range: directiveRange(own[0]),
          message:
            `${lm.name} in ${describeLevel(level)} replaces the set inherited from ${uniqueLevels(missing)}: ${listWords(values)} ${values.length > 1 ? 'are' : 'is'} honoured again here, ` +
            `so responses carrying ${values.length > 1 ? 'them' : 'it'} are cached differently (or not at all) than the outer level intended. List the union in this block.`,
          related: relatedFor(missing, (e) => `${lm.name} ${entryText(e)} set here (${describeLevel(e.level)})`),
          fixes: edit ? [{ title: `Add ${values.join(' ')} to ${lm.name}${cookie ? ' (hide Set-Cookie too: only for responses that are not personalised)' : ''}`, safe: false, edits: [edit] }] : [],
        });
      }
    }
  },
});
