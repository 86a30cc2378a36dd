// nginx/template-placeholder: `{{ … }}`, `{% … %}` and `${VAR}` placeholders of a config template.
import { defineRule } from '../rule';

export default defineRule({
  id: 'nginx/template-placeholder',
  dialect: 'nginx',
  meta: {
    category: 'syntax',
    defaultSeverity: 'info',
    fix: 'none',
    docs: {
      summary: 'A template placeholder (`{{ host }}`, `{% if %}`, `${UPSTREAM}`): the file is a template, analysed with the placeholder as an unknown value.',
      why: 'nginx would read the placeholder literally; cachelint recognises it so the rest of the template is still checked. Lint the rendered file too.',
      bad: 'server_name {{ server_name }};',
      good: 'server_name shop.example.com;',
    },
  },
  check(ctx) {
    for (const file of ctx.model.files.values()) {
      for (const e of file.tree.errors) {
        if (e.kind === 'template') ctx.report({ path: file.path, range: { start: e.offset, end: e.end }, message: e.message });
      }
    }
  },
});
