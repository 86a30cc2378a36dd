// nginx/proxy-set-header-inner-replaces-outer: `*_set_header` / `*_param` at an inner level drops the outer list.
import { defineRule } from '../rule';
import { directiveRange } from '../../nginx/policy';
import { passFamiliesBelow } from '../../nginx/placements';
import { describeLevel } from '../../nginx/scopes';
import { anchorFor, insertLinesAfter } from '../../nginx/edits';
import { listWords, relatedFor, repeatLines, SET_LISTS, setModel, shortLine, uniqueLevels } from '../../nginx/headerLists';

export default defineRule({
  id: 'nginx/proxy-set-header-inner-replaces-outer',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'A `proxy_set_header` (or `grpc_set_header`, `fastcgi_param`, `uwsgi_param`, `scgi_param`) at an inner level drops the entries of the enclosing level.',
      why: 'nginx inherits these lists only into levels that set none: one `proxy_set_header X-Request-Id` in a location drops the server\'s `proxy_set_header Host $host`, so the upstream sees the proxy_pass host instead of the client\'s (measured: the backend saw 127.0.0.1:port), serves another vhost, and that page is what gets cached.',
      bad: 'server {\n    proxy_set_header Host $host;\n    location /api/ {\n        proxy_set_header X-Request-Id $request_id;\n        proxy_pass http://app;\n    }\n}',
      good: 'server {\n    proxy_set_header Host $host;\n    location /api/ {\n        proxy_set_header X-Request-Id $request_id;\n        proxy_set_header Host $host;\n        proxy_pass http://app;\n    }\n}',
    },
  },
  check(ctx) {
    const below = passFamiliesBelow(ctx.model);
    const done = new Set<object>();
    for (const { family, name, caseInsensitive } of SET_LISTS) {
      const lm = setModel(ctx.model, name, caseInsensitive);
      for (const level of lm.levels()) {
        if (!below.get(level)?.has(family)) continue;
        const missing = lm.missing(level);
        if (!missing.length) continue;
        const own = lm.own(level);
        if (done.has(own[0].d)) continue;
        done.add(own[0].d);
        const names: string[] = [];
        for (const e of missing) if (!names.includes(e.placed.d.args[0].value)) names.push(e.placed.d.args[0].value);
        const host = names.some((n) => n.toLowerCase() === 'host' || n === 'HTTP_HOST');
        const anchor = anchorFor(level, own[own.length - 1]);
        const file = anchor && ctx.file(anchor.file.path);
        const lines = repeatLines(missing, name);
        const what = family === 'proxy' || family === 'grpc' ? 'headers' : 'parameters';
        ctx.report({
          path: own[0].file.path,
          range: directiveRange(own[0]),
          message:
            `${name} in ${describeLevel(level)} replaces the ${what} inherited from ${uniqueLevels(missing)}: ${listWords(names)} ${names.length > 1 ? 'are' : 'is'} no longer sent upstream from here` +
            (host && family === 'proxy' ? ', so the upstream sees the proxy_pass host instead of the client\'s Host and may serve (and the cache store) another site\'s page.' : '.') +
            ` Repeat ${names.length > 1 ? 'them' : 'it'} in this block.`,
          related: relatedFor(missing, (e) => `${name} ${e.placed.d.args[0].value} set here (${describeLevel(e.level)})`),
          fixes: anchor && file ? [{ title: `Repeat ${listWords(lines.map(shortLine), 3)} here`, safe: false, edits: [insertLinesAfter(file, anchor, lines)] }] : [],
        });
      }
    }
  },
});
