// nginx/background-update-without-use-stale: `*_cache_background_update on` does nothing without `use_stale updating`.
import { defineRule } from '../rule';
import type { TextEdit } from '../../types';
import { directiveRange } from '../../nginx/policy';
import { insertLineAfter } from '../../fixes';
import { isAncestorOrSelf } from '../../nginx/scopes';
import { mayMissDirectives } from '../../nginx/completeness';
import { groupBy, literalCache, staleValues, updatingEdits } from '../../nginx/cacheTuning';

export default defineRule({
  id: 'nginx/background-update-without-use-stale',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: '`*_cache_background_update on` is in effect but `*_cache_use_stale` lacks `updating`, so the background refresh never happens.',
      why: 'nginx refreshes an expired entry in the background only when it may serve the stale copy meanwhile: `use_stale updating`, or a `stale-while-revalidate` sent by the upstream. Otherwise the client waits for the upstream as if the directive were absent (measured: EXPIRED after 1.03 s with background_update alone).',
      bad: 'proxy_cache shop;\nproxy_cache_background_update on;',
      good: 'proxy_cache shop;\nproxy_cache_background_update on;\nproxy_cache_use_stale updating;',
    },
  },
  check(ctx) {
    const affected = ctx.policies.filter((pol) => {
      if (!literalCache(pol) || pol.background?.d.args[0]?.value.toLowerCase() !== 'on') return false;
      const values = staleValues(pol);
      if (values.has('updating')) return false;
      // `use_stale off` at a level inside the one that turns background updates on is a deliberate opt-out.
      if (values.has('off') && pol.useStale[0].scope !== pol.background.scope && isAncestorOrSelf(pol.background.scope, pol.useStale[0].scope)) return false;
      return !mayMissDirectives(ctx.model, pol.scope, { upTo: pol.useStale[0]?.scope, zone: pol.zone });
    });
    for (const [, pols] of groupBy(affected, (p) => p.background!.d)) {
      const bg = pols[0].background!;
      const fam = pols[0].family;
      // The same edit as missing-use-stale-updating makes for each cause, once per cause.
      const edits: TextEdit[] = [];
      const seen = new Set<string>();
      let fixable = true;
      for (const pol of pols) {
        // `use_stale off` at an outer level: turn stale serving on only where background updates are asked for.
        const outerOff = staleValues(pol).has('off') && pol.useStale[0].scope !== bg.scope;
        const e = outerOff ? [insertLineAfter(ctx.file(bg.file.path), bg.d.offset, bg.d.end, `${fam}_cache_use_stale updating;`)] : updatingEdits(ctx, pol, false);
        if (!e) {
          fixable = false;
          break;
        }
        for (const x of e) {
          const k = `${x.path}\0${x.start}\0${x.end}\0${x.newText}`;
          if (!seen.has(k)) {
            seen.add(k);
            edits.push(x);
          }
        }
      }
      const lists = [...new Set(pols.flatMap((p) => p.useStale))];
      const off = pols.some((p) => staleValues(p).has('off'));
      const related = lists.length
        ? lists.map((p) => ({ path: p.file.path, range: directiveRange(p), message: `${fam}_cache_use_stale in effect here ${p.d.args.some((a) => a.value.toLowerCase() === 'off') ? 'turns stale serving off' : 'lacks updating'}` }))
        : [{ path: pols[0].cache.file.path, range: directiveRange(pols[0].cache), message: `cache "${pols[0].zoneName}" enabled here; ${fam}_cache_use_stale is not set at this level or any enclosing one` }];
      ctx.report({
        path: bg.file.path,
        range: directiveRange(bg),
        message: `${fam}_cache_background_update on has no effect: ${fam}_cache_use_stale ${off ? 'is off' : 'lacks updating'}, so a client still waits for the upstream when an entry expires. ${off ? `Allow ${fam}_cache_use_stale updating here` : `Add updating to ${fam}_cache_use_stale`} (unless the upstream always sends stale-while-revalidate).`,
        related,
        fixes: fixable && edits.length ? [{ title: off ? `Serve stale while updating (${fam}_cache_use_stale updating)` : `Add updating to ${fam}_cache_use_stale`, safe: true, edits }] : [],
      });
    }
  },
});
