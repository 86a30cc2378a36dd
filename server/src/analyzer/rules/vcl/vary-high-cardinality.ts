// vcl/vary-high-cardinality: VCL makes responses vary on User-Agent, Cookie or `*`: one object per browser
// build or per visitor, or none at all.
import { defineVclRule } from '../rule';
import { anyUserStatement, isHeader, stringLiterals } from '../../vcl/response';
import { walkStatements, type SetStmt } from '../../vcl/tree';

const HEADERS: Record<string, string> = { 'user-agent': 'User-Agent', cookie: 'Cookie', '*': '*' };

function advice(names: string[]): string {
  const out: string[] = [];
  if (names.includes('*')) out.push('Drop the `*` and name the request headers the response really depends on.');
  if (names.includes('User-Agent')) out.push('Normalise User-Agent in vcl_recv into a device class (e.g. `X-Device: mobile|desktop`) and vary on that instead.');
  if (names.includes('Cookie')) out.push('Copy the one cookie value the response depends on (e.g. the language) into its own request header in vcl_recv and vary on that instead.');
  return out.join(' ');
}

export default defineVclRule({
  id: 'vcl/vary-high-cardinality',
  dialect: 'vcl',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'none',
    docs: {
      summary: 'VCL sets `beresp.http.Vary` to include User-Agent, Cookie or `*`: one cached variant per distinct header value, or (for `*`) nothing cached at all.',
      why: 'Varnish stores one variant per distinct value of each header named in Vary. User-Agent strings number in the thousands (measured on Varnish 7.1: 3 distinct User-Agents, 3 misses; only a repeated one hit), and the Varnish docs warn that "your hit rate will suffer badly". A raw Cookie header is close to one value per visitor. `Vary: *` makes the built-in VCL treat the response as uncacheable (hit-for-miss). Normalise the header in `vcl_recv` into a few values (e.g. `X-Device: mobile|desktop`) and vary on that.',
      bad: 'sub vcl_backend_response {\n    set beresp.http.Vary = "Accept-Encoding, User-Agent";\n}',
      good: 'sub vcl_recv {\n    if (req.http.User-Agent ~ "(?i)mobile|android|iphone") {\n        set req.http.X-Device = "mobile";\n    } else {\n        set req.http.X-Device = "desktop";\n    }\n}\n\nsub vcl_backend_response {\n    set beresp.http.Vary = "Accept-Encoding, X-Device";\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    // A header normalised in VCL (the request header rewritten to a few values) may be varied on.
    const normalised = (h: string) =>
      anyUserStatement(model, (s) => s.type === 'set' && (isHeader(s.target, 'req', h) || isHeader(s.target, 'bereq', h)));
    const uaNormalised = normalised('user-agent');
    const cookieNormalised = normalised('cookie');
    for (const file of model.files.values()) {
      walkStatements(file.tree.items, (s) => {
        if (s.type !== 'set' || !isHeader(s.target, 'beresp', 'vary')) return;
        const set = s as SetStmt;
        for (const lit of stringLiterals(set.value)) {
          const tokens = lit.value.split(',').map((t) => t.trim().toLowerCase());
          const bad = tokens.filter((t) => t in HEADERS && !(t === 'user-agent' && uaNormalised) && !(t === 'cookie' && cookieNormalised));
          if (!bad.length) continue;
          const names = bad.map((t) => HEADERS[t]);
          const star = bad.includes('*');
          const why = star
            ? '`Vary: *` means no request matches a stored variant: the built-in VCL makes every such response a hit-for-miss object, so it is never cached'
            : `Varnish stores one variant per distinct ${names.join(' and ')} value${names.includes('User-Agent') ? ' (thousands of browser builds; measured on Varnish 7.1: 3 User-Agents, 3 misses)' : ''}${names.includes('Cookie') ? ' (a raw Cookie header is close to one value per visitor)' : ''}, so the hit rate collapses and the cache fills with duplicates`;
          ctx.report({
            path: file.path,
            range: { start: lit.start, end: lit.end },
            message: `Vary on ${names.join(', ')} set here: ${why}. ${advice(names)}`,
          });
        }
      });
    }
  },
});
