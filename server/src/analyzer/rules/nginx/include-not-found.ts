// nginx/include-not-found: an `include` naming a file that does not exist (a glob matching nothing is fine).
import { defineRule } from '../rule';

export default defineRule({
  id: 'nginx/include-not-found',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'An `include` of a file that does not exist, relative to the main configuration\'s directory (or the including file\'s).',
      why: 'nginx refuses to start ("open() … failed"); the directives you expect from that file (often the cache zone) are missing from the analysis too. A glob that matches nothing is accepted, as in nginx.',
      bad: 'include snippets/cache.conf;   # no such file',
      good: 'include snippets/*.conf;',
    },
  },
  check(ctx) {
    for (const site of ctx.model.includes) {
      const arg = site.at.d.args[0];
      if (!site.missing) continue;
      const message = site.nearby
        ? `include "${site.pattern}" exists only next to this file: nginx resolves relative include paths against the main configuration's directory and will not find it there. Use a path relative to that directory, or an absolute one.`
        : `include "${site.pattern}" matches no file: nginx will refuse to start (looked relative to the main configuration's directory and to this file's directory)`;
      ctx.report({ path: site.at.file.path, range: { start: arg.offset, end: arg.end }, message });
    }
  },
});
