// nginx/add-header-cache-control-duplicates-upstream: add_header Cache-Control on proxied responses adds a second line.
import { defineRule } from '../rule';
import type { NginxModel, Placed, Scope } from '../../nginx/model';
import type { RelatedInfo } from '../../types';
import { CACHE_FAMILIES, directiveRange, effective } from '../../nginx/policy';
import { ownOf, placementsOf } from '../../nginx/placements';
import { describeLevel, isAncestorOrSelf, isLevel, parentLevel } from '../../nginx/scopes';
import { anchorFor, Inserts } from '../../nginx/edits';
import { addHeaderModel, hideModel, repeatLines } from '../../nginx/headerLists';

/** Scopes whose requests go upstream through `family`: those with a `*_pass`, and the ifs inside them (they inherit it). */
function proxiedScopes(model: NginxModel, family: string): Scope[] {
  const out: Scope[] = [];
  const seen = new Set<Scope>();
  for (const p of placementsOf(model, `${family}_pass`)) {
    if (!isLevel(p.scope) || seen.has(p.scope)) continue;
    seen.add(p.scope);
    out.push(p.scope);
    for (const c of p.scope.children) if (c.context === 'if in location' && !seen.has(c)) (seen.add(c), out.push(c));
  }
  return out;
}

interface Group {
  level: Scope;
  ccs: Placed[];
  byFamily: Map<string, { reach: Set<Scope>; bad: Scope[] }>;
}

export default defineRule({
  id: 'nginx/add-header-cache-control-duplicates-upstream',
  dialect: 'nginx',
  meta: {
    category: 'correctness',
    defaultSeverity: 'info',
    fix: 'unsafe',
    docs: {
      summary: '`add_header Cache-Control` on proxied responses without `*_hide_header Cache-Control`: clients get the upstream\'s Cache-Control line and this one.',
      why: 'add_header appends a header line; it does not replace the upstream\'s (measured: the client got "public, max-age=600" and "no-store" as two Cache-Control lines). Browsers and CDNs combine or pick one of them unpredictably. `proxy_hide_header Cache-Control` leaves only the added line.',
      bad: 'location /api/ {\n    add_header Cache-Control "no-store";\n    proxy_pass http://app;\n}',
      good: 'location /api/ {\n    proxy_hide_header Cache-Control;\n    add_header Cache-Control "no-store";\n    proxy_pass http://app;\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    const ah = addHeaderModel(model);
    const groups = new Map<Scope, Group>();
    const proxied = new Map<string, Scope[]>();
    for (const fam of CACHE_FAMILIES) {
      const scopes = proxiedScopes(model, fam);
      proxied.set(fam, scopes);
      for (const P of scopes) {
        const ccs = ah.effective(P).filter((p) => p.d.args[0]?.value.toLowerCase() === 'cache-control' && p.d.args[1]?.value !== '');
        if (!ccs.length) continue;
        const hidden = effective(P, `${fam}_hide_header`).some((p) => p.d.args[0]?.value.toLowerCase() === 'cache-control');
        for (const cc of ccs) {
          let g = groups.get(cc.scope);
          if (!g) groups.set(cc.scope, (g = { level: cc.scope, ccs: ccs.filter((c) => c.scope === cc.scope), byFamily: new Map() }));
          let f = g.byFamily.get(fam);
          if (!f) g.byFamily.set(fam, (f = { reach: new Set(), bad: [] }));
          f.reach.add(P);
          if (!hidden && !f.bad.includes(P)) f.bad.push(P);
        }
      }
    }
    // Identical add_header lines (a header repeated in several blocks, as the inheritance rules' fixes do) are one
    // finding; its fix covers every block.
    const findings = new Map<string, { cc: Placed; inserts: Inserts; related: RelatedInfo[]; fams: string[]; count: number }>();
    const proxiedSets = new Map([...proxied].map(([fam, list]) => [fam, new Set(list)]));
    const done = new Set<object>();
    for (const g of groups.values()) {
      const fams = [...g.byFamily].filter(([, f]) => f.bad.length);
      if (!fams.length) continue;
      const first = g.ccs[0];
      if (done.has(first.d)) continue;
      done.add(first.d);
      const k = first.d.args[1]?.raw ?? '';
      let out = findings.get(k);
      if (!out) findings.set(k, (out = { cc: first, inserts: new Inserts(), related: [], fams: [], count: 0 }));
      out.count++;
      const cc = first;
      const inserts = out.inserts;
      const related = out.related;
      for (const [fam] of fams) if (!out.fams.includes(fam)) out.fams.push(fam);
      const T = g.level.context === 'if in location' ? parentLevel(g.level) : g.level;
      if (!T) continue;
      for (const [fam, f] of fams) {
        const hm = hideModel(model, fam);
        const line = `${fam}_hide_header Cache-Control;`;
        const hideAt = (s: Scope): Scope | undefined => {
          for (let cur: Scope | undefined = s; cur; cur = parentLevel(cur)) if (hm.own(cur).length) return cur;
          return undefined;
        };
        const addTo = (level: Scope) => {
          const own = hm.own(level);
          const a = anchorFor(level, own[own.length - 1]);
          if (a) inserts.add(a, false, [line]);
        };
        // A new list at a level that had none: repeat what it inherited, or those entries stop being hidden there.
        const createAt = (level: Scope, before: Placed | undefined) => {
          const parent = parentLevel(level);
          const inherited = parent ? hm.expected(parent).filter((e) => e.key !== 'cache-control') : [];
          const a = before && anchorFor(level, before);
          if (a) inserts.add(a, true, [line, ...repeatLines(inherited, hm.name)]);
        };
        // Hide at the add_header's level when every proxied location below gets this Cache-Control;
        // otherwise only where it is sent, so other locations keep the upstream's Cache-Control.
        const proxiedSet = proxiedSets.get(fam)!;
        let atTop = true;
        const walk = (s: Scope) => {
          if (!atTop) return;
          if (proxiedSet.has(s) && !f.reach.has(s)) atTop = false;
          for (const c of s.children) walk(c);
        };
        walk(T);
        for (const P of f.bad) {
          const H = hideAt(P);
          if (atTop) {
            if (H && H !== T && isAncestorOrSelf(T, H)) addTo(H);
            else if (H === T) addTo(T);
            else createAt(T, cc);
          } else {
            const Q = P.context === 'if in location' || P.context === 'limit_except' ? parentLevel(P) : P;
            if (!Q) continue;
            if (H === Q) addTo(Q);
            else createAt(Q, ownOf(model, Q, `${fam}_pass`)[0] ?? (P !== Q ? P.block : Q.items[0]));
          }
          const pass = ownOf(model, P, `${fam}_pass`)[0] ?? ownOf(model, P.parent!, `${fam}_pass`)[0];
          if (pass && related.length < 5) related.push({ path: pass.file.path, range: directiveRange(pass), message: `proxied here (${describeLevel(P)}) without ${fam}_hide_header Cache-Control` });
        }
      }
    }
    for (const f of findings.values()) {
      const names = f.fams.map((fam) => `${fam}_hide_header Cache-Control`);
      const edits = f.inserts.edits(ctx.file);
      ctx.report({
        path: f.cc.file.path,
        range: directiveRange(f.cc),
        message:
          `add_header Cache-Control adds a second Cache-Control line to the one the upstream sends${f.count > 1 ? ` (here and in ${f.count - 1} other block${f.count > 2 ? 's' : ''} with the same line)` : ''}: clients and CDNs get both (e.g. "public, max-age=600" and ${quoted(f.cc)}) and may obey either. ` +
          `Hide the upstream's with ${names.join(' and ')}.`,
        related: f.related,
        fixes: edits.length ? [{ title: `Add ${names.join(' and ')} (the upstream's Cache-Control is dropped)`, safe: false, edits }] : [],
      });
    }
  },
});

function quoted(p: Placed): string {
  return `"${p.d.args[1]?.value ?? ''}"`;
}
