// vcl/surrogate-control-masks-private: a Surrogate-Control header without no-store (set, or read and kept by
// VCL) reaches the built-in checks, which then skip the Cache-Control private/no-store/no-cache check.
import { defineVclRule } from '../rule';
import { facts } from '../../vcl/flow';
import { unparen, walkStatements, type Expr, type IfStmt } from '../../vcl/tree';
import { explore, hitForMissTtl, insertBlockAfter, isHeader, mentions, notStored, opaqueStep, passHints, setsUncacheable, stringLiterals } from '../../vcl/response';

interface Kept {
  file: string;
  start: number;
  end: number;
  via: 'set' | 'cond';
}

interface State {
  kept?: Kept;
  control: boolean;
  hard: boolean;
  opaque: boolean;
}

const sc = (e: Expr) => isHeader(e, 'beresp', 'surrogate-control');

/** A fact that says the response has a Surrogate-Control header (and not one with no-store). */
function present(e: Expr, polarity: boolean): boolean {
  if (!polarity) return false;
  const x = unparen(e);
  if (sc(x)) return true;
  if (x.type === 'binary' && (x.op === '~' || x.op === '==') && sc(unparen(x.left))) {
    const r = unparen(x.right);
    return r.type === 'string' && r.value !== '' && !/no-store/i.test(r.value);
  }
  return false;
}

export default defineVclRule({
  id: 'vcl/surrogate-control-masks-private',
  dialect: 'vcl',
  meta: {
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'A `Surrogate-Control` header without `no-store`, set or kept by VCL, reaches the built-in checks: they then skip the `Cache-Control: private|no-store|no-cache` check, so private responses are cached.',
      why: 'The built-in `vcl_backend_response` only looks at Cache-Control when there is no Surrogate-Control header (`!beresp.http.Surrogate-Control && beresp.http.Cache-Control ~ "no-cache|no-store|private"`). Any Surrogate-Control without no-store — `max-age=60`, `content="ESI/1.0"` — switches that check off. Measured on Varnish 7.1: a response with `Surrogate-Control: max-age=60` and `Cache-Control: private` was cached and served as a hit. That is by design when the backend means "Surrogate-Control overrides Cache-Control for Varnish"; otherwise check Cache-Control yourself or unset Surrogate-Control once it has been used.',
      bad: 'sub vcl_backend_response {\n    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {\n        set beresp.do_esi = true;\n    }\n}',
      good: 'sub vcl_backend_response {\n    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {\n        unset beresp.http.Surrogate-Control;\n        set beresp.do_esi = true;\n    }\n}',
    },
  },
  check(ctx) {
    const model = ctx.model;
    const hints = passHints(model);
    const found = new Map<string, Kept>();
    const r = explore<State>(
      model,
      'vcl_backend_response',
      {
        init: { control: false, hard: false, opaque: false },
        key: (s) => `${s.kept ? `${s.kept.file}:${s.kept.start}` : ''}|${+s.control}${+s.hard}${+s.opaque}`,
        cond: (s, c) => {
          let n = s;
          if (notStored(c.expr, c.polarity, hints) === 'hard') n = { ...n, hard: true };
          if (c.builtin) return n;
          if (!n.control && mentions(c.expr, (x) => isHeader(x, 'beresp', 'cache-control'))) n = { ...n, control: true };
          for (const f of facts(c.expr, c.polarity)) {
            // Only a branch entered because the header is there counts as using (and keeping) it.
            if (c.polarity && present(f.expr, f.polarity)) n = { ...n, kept: { file: c.file, start: f.expr.start, end: f.expr.end, via: 'cond' } };
            else if (sc(unparen(f.expr)) && !f.polarity) n = { ...n, kept: undefined };
          }
          return n;
        },
        step: (s, st) => {
          if (opaqueStep(st)) return { ...s, opaque: true };
          const x = st.stmt;
          if (setsUncacheable(x)) return { ...s, hard: true };
          if (st.builtin) return s;
          if (x.type === 'unset' && sc(x.target)) return { ...s, kept: undefined };
          if (x.type === 'set' && sc(x.target)) {
            const lits = stringLiterals(x.value);
            if (lits.some((l) => /no-store/i.test(l.value))) return { ...s, kept: undefined };
            if (x.op === '=' && lits.length && lits.every((l) => l.value.trim() !== '')) return { ...s, kept: { file: st.file, start: x.start, end: x.end, via: 'set' } };
          }
          return s;
        },
        end: (s, end) => {
          const builtinEnd = end.kind === 'end' || (end.kind === 'return' && end.step.builtin);
          if (!builtinEnd || !s.kept || s.control || s.hard || s.opaque) return;
          found.set(`${s.kept.file}:${s.kept.start}`, s.kept);
        },
      },
      { builtin: true },
    );
    if (!r.complete || !model.builtin) return;
    const check = ['if (beresp.http.Cache-Control ~ "(?i:no-cache|no-store|private)") {', '\tset beresp.uncacheable = true;', `\tset beresp.ttl = ${hitForMissTtl(ctx.version)};`, '}'];
    for (const k of found.values()) {
      const file = ctx.file(k.file);
      // Insert the check after the set, or after the if whose condition read the header.
      let after: { start: number; end: number } | undefined = k.via === 'set' ? { start: k.start, end: k.end } : undefined;
      if (k.via === 'cond') {
        walkStatements(file.tree.items, (s) => {
          if (after || s.type !== 'if') return;
          const i = s as IfStmt;
          if (i.branches.some((b) => b.cond.start <= k.start && k.end <= b.cond.end)) after = { start: i.start, end: i.end };
        });
      }
      ctx.report({
        path: k.file,
        range: { start: k.start, end: k.end },
        message: `${k.via === 'set' ? 'This Surrogate-Control (without no-store)' : 'The backend\'s Surrogate-Control (without no-store), read here and kept,'} reaches the built-in checks, which look at Cache-Control only when there is no Surrogate-Control: a response with \`Cache-Control: private\`, \`no-store\` or \`no-cache\` is then cached and served to everyone (measured on Varnish 7.1). Unless the backend means Surrogate-Control to override Cache-Control, check Cache-Control yourself or unset Surrogate-Control once it has been used.`,
        fixes: after ? [{ title: 'Check Cache-Control private/no-store/no-cache explicitly', safe: false, edits: [insertBlockAfter(file, after.start, after.end, check)] }] : [],
      });
    }
  },
});
