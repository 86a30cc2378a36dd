// nginx/negative-expires-or-no-store-on-cacheable: `expires epoch|-N|0` or a no-store Cache-Control on static assets
// or on a server that another cache of the same configuration proxies to.
import { defineRule } from '../rule';
import type { NginxModel, ParsedFile, Placed, Scope } from '../../nginx/model';
import type { Word } from '../../nginx/tree';
import type { Fix, RelatedInfo, TextEdit } from '../../types';
import { directiveRange, effective } from '../../nginx/policy';
import type { CachePolicy } from '../../nginx/policy';
import { parseTime } from '../../nginx/units';
import { removeStatement } from '../../fixes';
import { placementsOf } from '../../nginx/placements';
import { blockFile, describeLevel, isAncestorOrSelf, isLevel, parentLevel } from '../../nginx/scopes';
import { insertLinesBefore } from '../../nginx/edits';
import { addHeaderModel, forbidsCaching } from '../../nginx/headerLists';
import { isStaticLocation } from '../../nginx/staticAssets';

/** The time word of an `expires` that makes responses already expired: `epoch`, `-1`, `-1h`, `0`. */
function negativeExpires(p: Placed): Word | undefined {
  let w = p.d.args[0];
  if (w?.value === 'modified') w = p.d.args[1];
  if (!w || w.value.includes('$')) return undefined;
  const v = w.value;
  if (v === 'epoch') return w;
  if (v.startsWith('-') && parseTime(v.slice(1)) !== undefined) return w;
  if (parseTime(v) === 0) return w;
  return undefined;
}

function noStoreHeader(p: Placed): boolean {
  const [n, v] = p.d.args;
  return !!n && !!v && n.value.toLowerCase() === 'cache-control' && !v.value.includes('$') && forbidsCaching(v.value);
}

function allLevels(model: NginxModel): Scope[] {
  const out: Scope[] = [];
  const visit = (s: Scope) => {
    if (isLevel(s)) out.push(s);
    for (const c of s.children) visit(c);
  };
  for (const r of model.roots) visit(r);
  return out;
}

const LOCAL = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/i;

/** `port` or `unix:/path` keys a listen directive is reachable at from this host; undefined when not local. */
function listenKey(arg: string): string | undefined {
  if (arg.startsWith('unix:')) return arg;
  let m = /^(\d+)$/.exec(arg);
  if (m) return m[1];
  m = /^(\*|0\.0\.0\.0|\[::\]|127\.\d+\.\d+\.\d+|localhost|\[::1\]):(\d+)$/i.exec(arg);
  return m ? m[2] : undefined;
}

/** Keys of a proxy_pass/upstream server address that points at this host. */
function targetKeys(model: NginxModel, url: string): string[] {
  const m = /^https?:\/\/(unix:[^:]+|\[[^\]]+\]|[^/:]+)(?::(\d+))?/i.exec(url);
  if (!m || url.includes('$')) return [];
  const host = m[1];
  if (host.startsWith('unix:')) return [host];
  const port = m[2] ?? (url.toLowerCase().startsWith('https') ? '443' : '80');
  if (LOCAL.test(host)) return [port];
  if (m[2]) return [];
  const keys: string[] = [];
  for (const up of placementsOf(model, 'upstream')) {
    if (up.d.args[0]?.value !== host || !up.d.block) continue;
    for (const c of up.d.block.children) {
      if (c.type !== 'directive' || c.name.value !== 'server' || !c.args[0]) continue;
      const a = c.args[0].value;
      if (a.startsWith('unix:')) keys.push(a);
      else {
        const s = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(a);
        if (s && LOCAL.test(s[1])) keys.push(s[2] ?? '80');
      }
    }
  }
  return keys;
}

interface Candidate {
  placed: Placed;
  word: Word;
  kind: 'expires' | 'header';
  statics: Scope[];
  feeds?: CachePolicy;
}

export default defineRule({
  id: 'nginx/negative-expires-or-no-store-on-cacheable',
  dialect: 'nginx',
  meta: {
    category: 'performance',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: '`expires epoch|-N|0` or `add_header Cache-Control` with no-store/no-cache/private/max-age=0 on static assets, or on a server that a cache of this configuration proxies to.',
      why: 'These headers tell every downstream cache not to store the response. On static assets browsers and CDNs re-download them on every view; on a server behind another nginx cache that cache never hits (measured: 0/5 HITs for `expires epoch` and `expires -1` on the tier behind the cache, 4/5 without). The same nginx\'s own proxy_cache is not affected: its decision uses the upstream\'s headers.',
      bad: 'location ~* \\.(css|js|png)$ {\n    expires -1;\n}',
      good: 'location ~* \\.(css|js|png)$ {\n    expires 7d;\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    const ah = addHeaderModel(model);
    const levels = allLevels(model);
    const found = new Map<object, Candidate>();
    const add = (p: Placed, word: Word, kind: Candidate['kind'], s?: Scope, feeds?: CachePolicy) => {
      let c = found.get(p.d);
      if (!c) found.set(p.d, (c = { placed: p, word, kind, statics: [] }));
      if (s && !c.statics.includes(s)) c.statics.push(s);
      if (feeds && !c.feeds) c.feeds = feeds;
    };

    // Static assets: what applies in the location and in its ifs, own or inherited.
    for (const S of levels) {
      if (!isStaticLocation(S)) continue;
      for (const X of [S, ...S.children.filter((c) => c.context === 'if in location')]) {
        const exp = effective(X, 'expires');
        const last = exp[exp.length - 1];
        const w = last && negativeExpires(last);
        if (last && w) add(last, w, 'expires', S);
        for (const h of ah.effective(X)) if (noStoreHeader(h)) add(h, h.d.args[1], 'header', S);
      }
    }

    // A server that a cache in this configuration proxies to (two tiers in one config).
    const byKey = new Map<string, Scope[]>();
    for (const l of placementsOf(model, 'listen')) {
      if (l.scope.context !== 'server' || l.scope.family !== 'http' || !l.d.args[0]) continue;
      const k = listenKey(l.d.args[0].value);
      if (!k) continue;
      const list = byKey.get(k) ?? byKey.set(k, []).get(k)!;
      if (!list.includes(l.scope)) list.push(l.scope);
    }
    if (byKey.size) {
      for (const pol of ctx.policies) {
        if (pol.family !== 'proxy' || !pol.pass?.d.args[0]) continue;
        const backs = new Set<Scope>();
        for (const k of targetKeys(model, pol.pass.d.args[0].value)) {
          const servers = byKey.get(k) ?? [];
          if (servers.length === 1) backs.add(servers[0]);
        }
        const front = pol.scope;
        for (const back of backs) {
          if (isAncestorOrSelf(back, front)) continue;
          const ig = pol.ignoreHeaders;
          for (const s of levels) {
            if (!isAncestorOrSelf(back, s)) continue;
            if (!(ig.has('cache-control') && ig.has('expires'))) {
              for (const e of s.items) {
                if (e.d.name.value !== 'expires' || e.scope !== s) continue;
                const w = negativeExpires(e);
                if (w) add(e, w, 'expires', undefined, pol);
              }
            }
            if (!ig.has('cache-control')) for (const h of ah.list.own(s)) if (noStoreHeader(h)) add(h, h.d.args[1], 'header', undefined, pol);
          }
        }
      }
    }

    for (const c of found.values()) {
      const p = c.placed;
      const file = ctx.file(p.file.path);
      const what = c.kind === 'expires' ? `expires ${p.d.args.map((a) => a.value).join(' ')}` : `add_header Cache-Control "${c.word.value}"`;
      const related: RelatedInfo[] = [];
      let message: string;
      const fixes: Fix[] = [];
      if (c.statics.length) {
        const inside = c.statics.filter((S) => isAncestorOrSelf(S, p.scope));
        const inherited = c.statics.filter((S) => !isAncestorOrSelf(S, p.scope));
        for (const S of inherited.slice(0, 5)) related.push({ path: S.block!.file.path, range: directiveRange(S.block!), message: `static files served here (${describeLevel(S)}) inherit it` });
        if (c.feeds) related.push(feedsRelated(c.feeds));
        message =
          `${what} ${c.kind === 'expires' ? 'marks the static files of' : 'forbids browsers and CDNs to reuse the static files of'} ${c.statics.map((S) => describeLevel(S)).slice(0, 3).join(', ')}${c.kind === 'expires' ? ' as already expired' : ''}: they are downloaded again on every page view` +
          (c.feeds ? ', and the nginx cache in front of this server never stores them' : '') +
          `. Give assets a long lifetime (expires 7d;) instead.`;
        if (c.kind === 'expires') {
          const edits: TextEdit[] = [];
          if (inside.length) {
            const first = p.d.args[0];
            const last = p.d.args[p.d.args.length - 1];
            edits.push({ path: p.file.path, start: first.offset, end: last.end, newText: '7d' });
          }
          // An inherited expires is overridden in each static location (other locations keep it).
          let complete = true;
          for (const S of inherited) {
            const bf = blockFile(S);
            const firstItem = S.items.find((i) => i.file === bf);
            if (firstItem && bf) edits.push(insertLinesBefore(ctx.file(bf.path), firstItem, ['expires 7d;']));
            else complete = false;
          }
          if (edits.length && complete) fixes.push({ title: inside.length ? 'Use expires 7d' : `Set expires 7d in the static location${inherited.length > 1 ? 's' : ''}`, safe: false, edits });
        } else if (inside.length) {
          const r = removal(ah, p, file);
          if (r) fixes.push({ title: 'Remove this add_header Cache-Control', safe: false, edits: [r] });
        }
      } else {
        const pol = c.feeds!;
        related.push(feedsRelated(pol));
        message =
          `${what} makes this server's responses uncacheable for the nginx cache "${pol.zoneName}" that proxies to it (${pol.pass!.d.args[0].value}): it honours ${c.kind === 'expires' ? 'Expires and Cache-Control' : 'Cache-Control'} and stores nothing, so every request there is a MISS. ` +
          `Remove it here, or have the caching tier ignore these headers.`;
        const r = c.kind === 'expires' ? removeStatement(file, p.d.offset, p.d.end) : removal(ah, p, file);
        if (r) fixes.push({ title: `Remove ${what}`, safe: false, edits: [r] });
      }
      ctx.report({ path: p.file.path, range: { start: c.word.offset, end: c.word.end }, message, related, fixes });
    }
  },
});

function feedsRelated(pol: CachePolicy): RelatedInfo {
  return { path: pol.cache.file.path, range: directiveRange(pol.cache), message: `cache "${pol.zoneName}" stores responses proxied to this server` };
}

/** Removing an add_header, unless it is the level's only one while an enclosing level has some (that would switch inheritance on). */
function removal(ah: ReturnType<typeof addHeaderModel>, p: Placed, file: ParsedFile): TextEdit | undefined {
  const own = ah.list.own(p.scope);
  const parent = parentLevel(p.scope);
  if (own.length === 1 && parent && ah.effective(parent).length) return undefined;
  return removeStatement(file, p.d.offset, p.d.end);
}
