// nginx/syntax: what nginx's parser rejects — unbalanced braces, missing ";", unterminated quotes.
import { defineRule } from '../rule';

export default defineRule({
  id: 'nginx/syntax',
  dialect: 'nginx',
  meta: {
    category: 'syntax',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'Syntax errors nginx would reject: unbalanced braces, a missing ";", an unterminated quote.',
      why: '`nginx -t` stops at the first one and the server keeps its old configuration; cachelint reports all of them and keeps analysing the rest of the file.',
      bad: 'proxy_pass http://app\nproxy_cache shop;',
      good: 'proxy_pass http://app;\nproxy_cache shop;',
    },
  },
  check(ctx) {
    for (const file of ctx.model.files.values()) {
      for (const e of file.tree.errors) {
        if (e.kind === 'syntax') ctx.report({ path: file.path, range: { start: e.offset, end: Math.max(e.end, e.offset + 1) }, message: e.message });
      }
    }
  },
});
