// `*_cache_bypass` and `*_no_cache`: how nginx evaluates their arguments, and where the two lists in effect
// for a cached scope disagree (bypass-without-no-cache and no-cache-without-bypass are the two directions).
import type { NginxRuleContext } from '../rules/rule';
import { insertLineAfter } from '../fixes';
import type { RelatedInfo, TextEdit, TextRange } from '../types';
import { directiveRange, effective, variableRefs, variablesIn, wordRange } from './policy';
import type { CacheFamily, CachePolicy } from './policy';
import { scopeChain } from './model';
import type { Placed, Scope } from './model';
import type { Word } from './tree';
import { describeLevel } from './scopes';
import { unescapeWord } from './scanner';
import { TextMemo } from '../text/memo';

/**
 * How nginx evaluates one predicate argument (`ngx_http_test_predicates()`: true when non-empty and not "0"):
 * `never` for "" and "0", `always` for any other literal, `vars` when the word is made of variables only
 * (true when one of them is non-empty), `mixed` for text around variables (as good as always true),
 * `unknown` for template placeholders.
 */
export type PredicateKind = 'never' | 'always' | 'vars' | 'mixed' | 'unknown';

export function predicateKind(w: Word): PredicateKind {
  return w.template ? 'unknown' : kindOfText.get(w.raw);
}

/** The kind of a word that is not a template, from its raw text (quotes and escapes included). */
const kindOfText = new TextMemo<PredicateKind>((raw) => {
  const vars = variableRefs.get(raw);
  const quote = raw[0] === '"' || raw[0] === "'" ? raw[0] : undefined;
  if (!vars.length) {
    const value = unescapeWord(raw, quote, raw.includes('\\'));
    return value === '' || value === '0' ? 'never' : 'always';
  }
  let rest = raw;
  for (let i = vars.length - 1; i >= 0; i--) rest = rest.slice(0, vars[i].start) + rest.slice(vars[i].end);
  if (quote) rest = rest.slice(1, -1);
  return rest === '' ? 'vars' : 'mixed';
});

/** Whether a predicate list is true for every request (a literal such as `1`, or text around a variable). */
export function alwaysTrue(list: Placed[]): boolean {
  return list.some((p) => p.d.args.some((a) => predicateKind(a) === 'always' || predicateKind(a) === 'mixed'));
}

/**
 * Variables that make a predicate a refresh or a protocol switch rather than a personalised request
 * (`Pragma`, `Cache-Control`, WebSocket `Upgrade`, purge/refresh headers), and response variables
 * (`$upstream_http_*`, only meaningful in `*_no_cache`): not compared between bypass and no_cache.
 */
function isRefreshOrResponseVariable(name: string): boolean {
  const n = name.toLowerCase();
  return (
    n === 'http_pragma' || n === 'http_cache_control' || n === 'http_upgrade' || n === 'http_connection' ||
    /purge|refresh|flush|invalidat/.test(n) || /^(upstream_|sent_http_)/.test(n)
  );
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

/** What an inner list does to the outer one, for messages. */
export function replacesText(m: PairMismatch): string {
  return m.replaced ? `replaces the list of ${describeLevel(m.replaced, 'noun')}` : 'is the only list in effect';
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
    if (other.some((o) => o.d.args.some((a) => {
      const k = predicateKind(a);
      return k !== 'vars' && k !== 'never';
    }))) continue;
    const otherVars = new Set<string>();
    for (const o of other) for (const a of o.d.args) for (const v of variablesIn(a)) otherVars.add(v.name.toLowerCase());
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
        related: primary.map((p) => ({ path: p.file.path, range: directiveRange(p), message: `${primaryName} in effect here (${describeLevel(p.scope, 'noun')})` })),
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
        related: other.map((o) => ({ path: o.file.path, range: directiveRange(o), message: `${otherName} in effect here (${describeLevel(o.scope, 'noun')}) lacks ${add.join(' ')}` })),
        edit: lo === lp ? appendToOther() : insertLineAfter(ctx.file(lastP.file.path), lastP.d.offset, lastP.d.end, `${otherName} ${repeat.join(' ')};`),
      };
    }
    out.push(m);
  }
  return out;
}

/**
 * Reports every mismatch of `pairMismatches` with the message `message` writes (`vars` is the missing
 * variables as `$a $b`) and a safe fix that adds them to the other list.
 */
export function reportPairMismatches(ctx: NginxRuleContext, primarySuffix: string, otherSuffix: string, message: (m: PairMismatch, vars: string) => string): void {
  for (const m of pairMismatches(ctx, primarySuffix, otherSuffix)) {
    const vars = m.missing.map((n) => '$' + n).join(' ');
    ctx.report({
      path: m.path,
      range: m.range,
      message: message(m, vars),
      related: m.related,
      fixes: m.edit ? [{ title: `Add ${vars} to ${m.otherName}`, safe: true, edits: [m.edit] }] : [],
    });
  }
}
