// nginx/include-cycle: a file that includes itself, directly or through other files.
import { defineRule } from '../rule';
import { relative, dirname } from '../../text/paths';

export default defineRule({
  id: 'nginx/include-cycle',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    docs: {
      summary: 'An `include` that leads back to a file already being included.',
      why: 'nginx follows includes without a cycle check and fails after exhausting open files; the configuration never loads.',
      bad: '# a.conf\ninclude b.conf;\n# b.conf\ninclude a.conf;',
      good: '# include each file once, from one place',
    },
  },
  check(ctx) {
    for (const site of ctx.model.includes) {
      for (const target of site.cycles) {
        const arg = site.at.d.args[0];
        ctx.report({ path: site.at.file.path, range: { start: arg.offset, end: arg.end }, message: `include cycle: "${relative(dirname(site.at.file.path), target)}" is already being included; nginx would recurse until it runs out of open files` });
      }
    }
  },
});
