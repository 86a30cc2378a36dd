// nginx/bypass-without-no-cache: `*_cache_bypass` conditions not in `*_no_cache` — bypassed responses are stored for everyone.
import { defineRule } from '../rule';
import type { NginxRuleContext } from '../rule';
import { insertLineAfter } from '../../fixes';
import { directiveRange, effective, variablesIn, wordRange } from '../../nginx/policy';
import type { CacheFamily, CachePolicy } from '../../nginx/policy';
import { scopeChain } from '../../nginx/model';
import type { Placed, Scope } from '../../nginx/model';
import type { Word } from '../../nginx/tree';
import type { RelatedInfo, TextEdit, TextRange } from '../../types';
import { predicateKind } from './predicate-literal-always-true';

/**
 * Variables that make a predicate a refresh or a protocol switch rather than a personalised request
 * (`Pragma`, `Cache-Control`, WebSocket `Upgrade`, purge/refresh headers), and response variables
 * (`$upstream_http_*`, only meaningful in `*_no_cache`): not compared between bypass and no_cache.
 */
export function isRefreshOrResponseVariable(name: string): boolean {
  const n = name.toLowerCase();
  return (
    n === 'http_pragma' || n === 'http_cache_control' || n === 'http_upgrade' || n === 'http_connection' ||
    /purge|refresh|flush|invalidat/.test(n) || /^(upstream_|sent_http_)/.test(n)
  );
}

/** What an inner list does to the outer one, for messages. */
export function replacesText(m: PairMismatch): string {
  return m.replaced ? `replaces the list of ${describeLevel(m.replaced)}` : 'is the only list in effect';
}

/** A short name for a configuration level: `http`, `server`, `location /api/`, … */
export function describeLevel(s: Scope): string {
  if (s.kind === 'main') return 'the top level';
  if (s.kind === 'location' && s.block) return `location ${s.block.d.args.map((a) => a.raw).join(' ')}`;
  if (s.kind === 'if') return 'the if block';
  return `the ${s.kind} level`;
}

/** One mismatch between the primary predicate list and the other one, reported once per cause. */
export interface PairMismatch {
  pol: CachePolicy;
  family: CacheFamily;
  /** The primary list in effect (all at one level) and the other list in effect (maybe empty). */
  primary: Placed[];
  other: Placed[];
  primaryName: string;
  otherName: string;
  /** Variable names (without `$`) of the primary list that the other list lacks. */
  missing: string[];
  /** The other list sits at a deeper level than the primary one and replaced what it inherited. */
  otherIsInner: boolean;
  /** For an inner other list: the level of the outer list it replaced, if there was one. */
  replaced?: Scope;
  path: string;
  range: TextRange;
  related: RelatedInfo[];
  edit?: TextEdit;
}

/**
 * For every cached scope: the conditions of the effective `<family>_<primary>` list that the effective
 * `<family>_<other>` list lacks. A condition is a variable of a word made of variables only; literals are
 * the business of predicate-literal-always-true, and an other list holding an always-true word covers all.
 * The cause is the primary list when it is at the same level as the other list or deeper (the fix adds
 * the variables at that level, repeating an inherited other list because lists replace), or the other
 * list when it is deeper (it replaced the list that matched; the fix adds the variables to it).
 */
export function pairMismatches(ctx: NginxRuleContext, primarySuffix: string, otherSuffix: string): PairMismatch[] {
  const out: PairMismatch[] = [];
  const seen = new Set<object>();
  for (const pol of ctx.policies) {
    const fam = pol.family;
    const primaryName = `${fam}_${primarySuffix}`;
    const otherName = `${fam}_${otherSuffix}`;
    const primary = effective(pol.scope, primaryName);
    if (!primary.length) continue;
    const other = effective(pol.scope, otherName);
    if (other.some((o) => o.d.args.some((a) => predicateKind(a) !== 'vars' && predicateKind(a) !== 'never'))) continue;
    const otherVars = new Set(other.flatMap((o) => o.d.args.flatMap((a) => variablesIn(a).map((v) => v.name.toLowerCase()))));
    const missing: string[] = [];
    const words: { p: Placed; w: Word }[] = [];
    for (const p of primary) {
      for (const w of p.d.args) {
        if (predicateKind(w) !== 'vars') continue;
        const lacking = variablesIn(w).map((v) => v.name).filter((n) => !isRefreshOrResponseVariable(n) && !otherVars.has(n.toLowerCase()));
        if (!lacking.length) continue;
        words.push({ p, w });
        for (const n of lacking) if (!missing.some((m) => m.toLowerCase() === n.toLowerCase())) missing.push(n);
      }
    }
    if (!missing.length) continue;
    const chain = [...scopeChain(pol.scope)];
    const lp = chain.indexOf(primary[0].scope);
    const lo = other.length ? chain.indexOf(other[0].scope) : Infinity;
    const otherIsInner = lo < lp;
    const key = otherIsInner ? other[0].d : primary[0].d;
    if (seen.has(key)) continue;
    seen.add(key);
    const add = missing.map((n) => '$' + n);
    const lastOther = other[other.length - 1];
    const appendToOther = (): TextEdit | undefined => {
      const last = lastOther?.d.args[lastOther.d.args.length - 1];
      return last && { path: lastOther.file.path, start: last.end, end: last.end, newText: ' ' + add.join(' ') };
    };
    let m: PairMismatch;
    if (otherIsInner) {
      const o = other[0];
      m = {
        pol, family: fam, primary, other, primaryName, otherName, missing, otherIsInner,
        replaced: o.scope.parent && effective(o.scope.parent, otherName)[0]?.scope,
        path: o.file.path,
        range: wordRange(o.d.name),
        related: primary.map((p) => ({ path: p.file.path, range: directiveRange(p), message: `${primaryName} in effect here (${describeLevel(p.scope)})` })),
        edit: appendToOther(),
      };
    } else {
      const first = words[0];
      const sameDirective = words.filter((x) => x.p === first.p);
      const lastP = primary[primary.length - 1];
      const repeat = [...other.flatMap((o) => o.d.args.map((a) => a.raw)), ...add];
      m = {
        pol, family: fam, primary, other, primaryName, otherName, missing, otherIsInner,
        path: first.p.file.path,
        range: { start: first.w.offset, end: sameDirective[sameDirective.length - 1].w.end },
        related: other.map((o) => ({ path: o.file.path, range: directiveRange(o), message: `${otherName} in effect here (${describeLevel(o.scope)}) lacks ${add.join(' ')}` })),
        edit: lo === lp ? appendToOther() : insertLineAfter(ctx.file(lastP.file.path), lastP.d.offset, lastP.d.end, `${otherName} ${repeat.join(' ')};`),
      };
    }
    out.push(m);
  }
  return out;
}

export default defineRule({
  id: 'nginx/bypass-without-no-cache',
  dialect: 'nginx',
  meta: {
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'safe',
    docs: {
      summary: '`*_cache_bypass` has conditions that the `*_no_cache` in effect does not have.',
      why: '`*_cache_bypass` only skips reading the cache: the response fetched for a bypassing request (typically a logged-in user) is still stored and then served to everyone else, unless `*_no_cache` is true for the same request (measured: the bypassed response was stored and the next anonymous client got it as a HIT). `*_no_cache` at an inner level replaces the outer list, so the conditions must be repeated there.',
      bad: 'proxy_cache_bypass $cookie_session;',
      good: 'proxy_cache_bypass $cookie_session;\nproxy_no_cache $cookie_session;',
    },
  },
  check(ctx) {
    for (const m of pairMismatches(ctx, 'cache_bypass', 'no_cache')) {
      const vars = m.missing.map((n) => '$' + n).join(' ');
      const message = m.otherIsInner
        ? `${m.otherName} here ${replacesText(m)} and lacks ${vars}, on which ${m.primaryName} (${describeLevel(m.primary[0].scope)}) bypasses the cache: the responses fetched for those requests are stored and served to every other client (a leak when the condition marks a logged-in user). Add ${vars} to ${m.otherName} here.`
        : `${m.primaryName} ${vars} is not matched by ${m.other.length ? `the ${m.otherName} in effect (${describeLevel(m.other[0].scope)})` : `any ${m.otherName}`}: bypassing only skips reading the cache, so the responses fetched for those requests are still stored and served to every other client (a leak when the condition marks a logged-in user). Add the same variables to ${m.otherName}.`;
      ctx.report({
        path: m.path,
        range: m.range,
        message,
        related: m.related,
        fixes: m.edit ? [{ title: `Add ${vars} to ${m.otherName}`, safe: true, edits: [m.edit] }] : [],
      });
    }
  },
});
