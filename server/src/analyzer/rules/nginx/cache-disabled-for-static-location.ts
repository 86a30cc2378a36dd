// nginx/cache-disabled-for-static-location: `*_cache off` in a location that matches static assets, under a cache-enabled level.
import { defineRule } from '../rule';
import { removeStatement } from '../../fixes';
import { CACHE_FAMILIES, directiveRange, policyFor } from '../../nginx/policy';
import type { CacheFamily } from '../../nginx/policy';
import { passFamiliesBelow } from '../../nginx/placements';
import { staticExtensions } from '../../nginx/staticAssets';

export default defineRule({
  id: 'nginx/cache-disabled-for-static-location',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: '`*_cache off` in a location whose regex matches static assets (`\\.(css|js|png|jpg|…)$`), under a level that has the cache on.',
      why: '`proxy_cache off` turns the inherited cache off completely: every asset request goes to the upstream (measured: `-` ×5 in that location, 4/5 HITs in the sibling). Static assets are the easiest content to cache, so this is often an accident left over from debugging; it can also be deliberate, hence info only.',
      bad: 'proxy_cache static;\nlocation ~* \\.(css|js|png)$ {\n    proxy_cache off;\n    proxy_pass http://app;\n}',
      good: 'proxy_cache static;\nlocation ~* \\.(css|js|png)$ {\n    proxy_pass http://app;\n}',
    },
  },
  check(ctx) {
    const done = new Set<object>();
    for (const p of ctx.model.all) {
      const name = p.d.name.value;
      if (!name.endsWith('_cache') || done.has(p.d)) continue;
      const fam = name.slice(0, -'_cache'.length) as CacheFamily;
      if (!CACHE_FAMILIES.includes(fam) || p.d.args.length !== 1 || p.d.args[0].value !== 'off') continue;
      const loc = p.scope;
      if (loc.kind !== 'location' || !loc.block || !loc.parent) continue;
      const args = loc.block.d.args;
      if (args.length !== 2 || (args[0].value !== '~' && args[0].value !== '~*')) continue;
      const exts = staticExtensions(args[1].value);
      if (!exts) continue;
      const parent = policyFor(loc.parent, fam, ctx.zones);
      if (!parent || !passFamiliesBelow(ctx.model).get(loc)?.has(fam)) continue;
      done.add(p.d);
      ctx.report({
        path: p.file.path,
        range: directiveRange(p),
        message: `${name} off turns off cache "${parent.zoneName}" for this static-asset location (${exts.slice(0, 6).join(', ')}${exts.length > 6 ? ', …' : ''}): every asset request goes to the upstream. Remove it unless these responses must not be cached.`,
        related: [{ path: parent.cache.file.path, range: directiveRange(parent.cache), message: `cache "${parent.zoneName}" enabled here` }],
        // A snippet file may be included in other locations too: only edit the location's own file.
        fixes:
          p.file.path === loc.block.file.path
            ? [{ title: `Remove ${name} off (cache the assets in "${parent.zoneName}")`, safe: false, edits: [removeStatement(ctx.file(p.file.path), p.d.offset, p.d.end)] }]
            : [],
      });
    }
  },
});
