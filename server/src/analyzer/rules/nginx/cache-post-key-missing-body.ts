// nginx/cache-post-key-missing-body: POST responses cached under a key that ignores the request body.
import { defineRule } from '../rule';
import { directiveRange, wordRange } from '../../nginx/policy';
import { mayMissDirectives } from '../../nginx/completeness';
import { variableIndex } from '../../nginx/variables';

export default defineRule({
  id: 'nginx/cache-post-key-missing-body',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: '`*_cache_methods` includes POST and the cache key has no `$request_body`.',
      why: 'Requests with different bodies get the same key: a POST was answered with the response to another client\'s POST, and a plain GET got it too (measured). Responses to state-changing requests leak between users.',
      bad: 'proxy_cache_methods GET HEAD POST;\nproxy_cache_key $scheme$host$request_uri;',
      good: 'proxy_cache_methods GET HEAD;',
    },
  },
  check(ctx) {
    const vars = variableIndex(ctx.model);
    const done = new Set<object>();
    for (const pol of ctx.policies) {
      for (const m of pol.methods) {
        const post = m.d.args.find((a) => a.value.toUpperCase() === 'POST');
        if (!post || done.has(m.d)) continue;
        const fam = pol.family;
        let keyDesc: string;
        let hasMethod = false;
        if (pol.key) {
          const w = pol.key.d.args[0];
          if (!w || pol.key.d.args.length !== 1) continue;
          const d = vars.derive(w, pol.scope);
          if (d.unknown || d.touches.has('request_body')) continue;
          keyDesc = `${fam}_cache_key ${w.value}`;
          hasMethod = d.touches.has('request_method');
        } else {
          // The built-in key (proxy) or none at all; in a fragment the key may be set elsewhere.
          if (mayMissDirectives(ctx.model, pol.scope, { templates: false })) continue;
          keyDesc = fam === 'proxy' ? 'the built-in key (upstream URL)' : `no ${fam}_cache_key`;
        }
        done.add(m.d);
        const rest = m.d.args.filter((a) => a !== post);
        // Drop the POST word with the white space before it; a directive left with nothing keeps GET (so an
        // outer level's list does not take over).
        const idx = m.d.args.indexOf(post);
        const start = idx > 0 ? m.d.args[idx - 1].end : post.offset;
        const end = idx > 0 ? post.end : (m.d.args[idx + 1]?.offset ?? post.end);
        const edit = rest.length ? { path: m.file.path, start, end, newText: '' } : { path: m.file.path, start: post.offset, end: post.end, newText: 'GET' };
        ctx.report({
          path: m.file.path,
          range: wordRange(post),
          message: `POST responses are cached in "${pol.zoneName}" with ${keyDesc}, which has no $request_body: a POST with a different body (another user's form) gets the first POST's response${hasMethod ? '' : ', and so does a GET of the same URL'}. Remove POST from ${fam}_cache_methods, or add $request_body to the key (with client_body_buffer_size ≥ client_max_body_size).`,
          related: pol.key ? [{ path: pol.key.file.path, range: directiveRange(pol.key), message: 'the cache key in effect, without $request_body' }] : [],
          fixes: [{ title: `Remove POST from ${fam}_cache_methods`, safe: true, edits: [edit] }],
        });
      }
    }
  },
});
