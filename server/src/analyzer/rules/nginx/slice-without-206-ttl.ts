// nginx/slice-without-206-ttl: `slice` is on but *_cache_valid has no 206 (or any) — no slice is ever stored.
import { defineRule } from '../rule';
import { directiveRange, effective, validEntries } from '../../nginx/policy';
import type { Scope } from '../../nginx/model';
import type { TextEdit } from '../../types';
import { mayMissDirectives } from '../../nginx/completeness';
import { activeSlice } from '../../nginx/cacheTuning';

export default defineRule({
  id: 'nginx/slice-without-206-ttl',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'error',
    fix: 'safe',
    docs: {
      summary: '`slice` is on but the `*_cache_valid` list in effect has neither `206` nor `any`, so the slices (206 responses) are never cached.',
      why: 'The slice module fetches and stores every range as a 206 Partial Content response. A time-only `proxy_cache_valid 1h;` covers only 200, 301 and 302, so no slice gets a TTL unless the upstream sends one: measured, 3 GETs of a 3-slice file made 9 upstream requests and no HIT. Adding 206 next to 200 gives slices the TTL full responses already have.',
      bad: 'slice 1m;\nproxy_cache_valid 200 1h;',
      good: 'slice 1m;\nproxy_cache_valid 200 206 1h;',
    },
  },
  check(ctx) {
    const done = new Map<Scope, Set<string>>();
    for (const pol of ctx.policies) {
      const slice = activeSlice(pol.scope);
      if (!slice) continue;
      const name = `${pol.family}_cache_valid`;
      const list = effective(pol.scope, name);
      // No list at all: nginx-wide "no TTL" (cache-without-ttl) — the upstream's headers decide for 206 too.
      if (!list.length) continue;
      const level = list[0].scope;
      const seen = done.get(level) ?? done.set(level, new Set()).get(level)!;
      if (seen.has(name)) continue;
      seen.add(name);
      if (mayMissDirectives(ctx.model, pol.scope, { upTo: level, emptyGlobs: true })) continue;
      const entries = validEntries(list);
      if (entries.length !== list.length) continue;
      const codes = new Set(entries.flatMap((e) => e.codes));
      if (codes.has('206') || codes.has('any')) continue;
      const main = entries.find((e) => e.codes.includes('200'));
      const at = main?.placed ?? list[0];
      let edit: TextEdit | undefined;
      if (main) {
        const d = main.placed.d;
        const path = main.placed.file.path;
        const w200 = d.args.length > 1 ? d.args.find((a) => a.value === '200') : undefined;
        edit = w200
          ? { path, start: w200.end, end: w200.end, newText: ' 206' }
          : { path, start: main.timeWord.offset, end: main.timeWord.offset, newText: '200 301 302 206 ' };
      }
      const listText = entries.map((e) => (e.placed.d.args.length > 1 ? `${e.codes.join(' ')} ${e.timeWord.value}` : `${e.timeWord.value}, which means 200 301 302`)).join('; ');
      ctx.report({
        path: at.file.path,
        range: directiveRange(at),
        message: `slice ${slice.d.args[0].value} stores each slice as a 206 response, but the ${name} list in effect (${listText}) has neither 206 nor any: slices are not cached unless the upstream sends its own expiry, so every request fetches all its slices again. ${main ? `Add 206 to the entry for 200: ${name} 200 206 ${main.timeWord.value};` : `Add a ${name} entry for 206.`}`,
        related: [
          { path: slice.file.path, range: directiveRange(slice), message: `slice ${slice.d.args[0].value} is on here` },
          ...(list[0].scope !== pol.scope ? list.filter((p) => p !== at).map((p) => ({ path: p.file.path, range: directiveRange(p), message: `${name} inherited from here` })) : []),
        ],
        fixes: edit ? [{ title: `Cache 206 slices for ${main!.timeWord.value} like 200`, safe: true, edits: [edit] }] : [],
      });
    }
  },
});
