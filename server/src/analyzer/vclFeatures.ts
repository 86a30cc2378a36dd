// Editor features for VCL: hovers (variables, subroutines, return actions, the built-in behaviour that still
// applies), go-to-definition and references, the outline, and completion of the variables a sub may use.
import type { Location, OutlineSymbol } from './api';
import type { TextRange } from './types';
import type { VclFile, VclModel } from './vcl/model';
import { referencesTo } from './vcl/model';
import { possibleReturns } from './vcl/flow';
import { walkExpr, walkStatements, statementExprs, type NameExpr, type ReturnStmt, type SubDecl } from './vcl/tree';
import {
  RETURN_ACTIONS,
  builtinSub,
  canAccess,
  legalReturns,
  lookupVariable,
  subroutineContext,
  variablesFor,
  type BuiltinMethod,
  type ReturnAction,
  type VarnishVersion,
} from './vcl/data';

export interface VclProgram {
  model: VclModel;
  version: VarnishVersion;
}

interface Spot {
  sub?: SubDecl;
  /** The offset is on the sub's own name. */
  onSubName?: boolean;
  name?: NameExpr;
  ret?: ReturnStmt;
  /** A declaration name under the offset (backend, probe, acl). */
  decl?: { kind: 'backend' | 'probe' | 'acl'; name: string };
}

const inside = (r: { start: number; end: number }, offset: number) => offset >= r.start && offset <= r.end;

/** What is under `offset` in `file`: the enclosing sub, a name, a return action, a declaration name. */
function spotAt(file: VclFile, offset: number): Spot {
  const spot: Spot = {};
  for (const item of file.tree.items) {
    if (!inside(item, offset)) continue;
    if (item.type === 'sub') {
      spot.sub = item;
      if (inside(item.name, offset)) spot.onSubName = true;
    } else if ((item.type === 'backend' || item.type === 'probe' || item.type === 'acl') && inside(item.name, offset)) {
      spot.decl = { kind: item.type, name: item.name.text };
    }
  }
  walkStatements(file.tree.items, (s) => {
    if (!inside(s, offset)) return false;
    if (s.type === 'return' && s.action && inside(s.action, offset)) spot.ret = s;
    for (const e of statementExprs(s)) {
      walkExpr(e, (x) => {
        if (!inside(x, offset)) return false;
        if (x.type === 'name' && (!spot.name || x.end - x.start <= spot.name.end - spot.name.start)) spot.name = x;
        return undefined;
      });
    }
    return undefined;
  });
  return spot;
}

function context(p: VclProgram, sub: SubDecl | undefined): BuiltinMethod | undefined {
  return sub ? subroutineContext(sub.name.text, p.version) : undefined;
}

function list(items: readonly string[], max = 12): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, …` : items.join(', ');
}

function variableHover(p: VclProgram, name: string, sub: SubDecl | undefined): string | undefined {
  const info = lookupVariable(name, p.version);
  if (!info) return undefined;
  const ctx = context(p, sub);
  const here = ctx
    ? ` In \`${sub!.name.text}\`: ${canAccess(name, 'read', ctx, p.version) ? 'readable' : 'not readable'}, ${canAccess(name, 'write', ctx, p.version) ? 'writable' : 'not writable'}.`
    : '';
  return [
    `**${info.name}** — \`${info.type}\` (Varnish ${p.version})`,
    '',
    info.description,
    '',
    `Readable in: ${list(info.readable) || '—'}  `,
    `Writable in: ${list(info.writable) || '—'}${info.unsettable.length ? `  \nUnsettable in: ${list(info.unsettable)}` : ''}`,
    here ? `\n${here.trim()}` : '',
  ].join('\n');
}

function actionHover(p: VclProgram, action: string, sub: SubDecl | undefined): string | undefined {
  const spec = RETURN_ACTIONS[action as ReturnAction];
  if (!spec) return undefined;
  const ctx = context(p, sub);
  const legal = ctx ? legalReturns(ctx, p.version) : undefined;
  const note = legal && sub ? `\n\nLegal in \`${sub.name.text}\` (Varnish ${p.version}): ${legal.map((a) => `\`${a}\``).join(' ')}${legal.includes(action as ReturnAction) ? '' : ` — **\`${action}\` is not one of them**`}.` : '';
  return `**return (${spec.syntax})**\n\n${spec.description}${note}`;
}

/**
 * The hover of a built-in subroutine: when it runs, legal returns, and what the built-in code still does
 * given the user's returns (it runs only on paths that fall off the end of the user's code).
 */
function subHover(p: VclProgram, name: string): string | undefined {
  const info = builtinSub(name, p.version);
  if (!info) {
    const defs = p.model.subs.get(name);
    if (!defs) return undefined;
    const calls = referencesTo(p.model, 'sub', name).filter((r) => r.node);
    return `**sub ${name}** — custom subroutine, called from ${calls.length ? list([...new Set(calls.map((c) => c.sub ?? '?'))]) : 'nowhere'}.`;
  }
  const lines = [`**sub ${name}** — built-in subroutine (Varnish ${p.version})`, '', info.runs];
  const legal = legalReturns(info.context, p.version);
  if (legal) lines.push('', `Legal returns: ${legal.map((a) => `\`${a}\``).join(' ')}`);
  if (p.model.subs.has(name)) {
    const r = possibleReturns(p.model, name, { builtin: false });
    const user = [...r.actions].filter((a): a is string => a !== undefined);
    const fallsThrough = r.actions.has(undefined);
    lines.push('', '| after your code | effect |', '|---|---|');
    if (user.length) lines.push(`| returns ${user.map((a) => `\`${a}\``).join(', ')} | the built-in \`${name}\` is skipped on those paths |`);
    lines.push(
      fallsThrough
        ? `| falls through | the built-in still runs: ${info.builtinBehavior.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`
        : `| never falls through | ⚠ the built-in code never runs: its checks (${info.builtinBehavior.split('.')[0].replace(/\|/g, '\\|')}) are yours to do |`,
    );
    if (!r.complete) lines.push('', '_Too many paths to be exact; the table over-approximates._');
  } else {
    lines.push('', `Not defined in this VCL: the built-in runs as is. ${info.builtinBehavior}`);
  }
  return lines.join('\n');
}

function declHover(p: VclProgram, kind: 'backend' | 'probe' | 'acl', name: string): string {
  const uses = referencesTo(p.model, kind, name).length;
  return `**${kind} ${name}** — used ${uses} time${uses === 1 ? '' : 's'}${uses === 0 && kind !== 'probe' ? ' (Varnish refuses unused declarations unless vcc_err_unref is off)' : ''}.`;
}

/** Markdown hover at `offset`, or undefined. */
export function vclHover(p: VclProgram, path: string, offset: number): string | undefined {
  const file = p.model.files.get(path);
  if (!file) return undefined;
  const spot = spotAt(file, offset);
  if (spot.onSubName && spot.sub) return subHover(p, spot.sub.name.text);
  if (spot.ret?.action) return actionHover(p, spot.ret.action.text, spot.sub);
  if (spot.decl) return declHover(p, spot.decl.kind, spot.decl.name);
  if (spot.name) {
    const n = spot.name.name;
    const asVariable = variableHover(p, n, spot.sub);
    if (asVariable) return asVariable;
    if (p.model.subs.has(n)) return subHover(p, n);
    for (const kind of ['backend', 'acl', 'probe'] as const) {
      const decls = kind === 'backend' ? p.model.backends : kind === 'acl' ? p.model.acls : p.model.probes;
      if (decls.has(n)) return declHover(p, kind, n);
    }
  }
  return undefined;
}

function declarationsOf(p: VclProgram, name: string): Location[] {
  const out: Location[] = [];
  for (const m of [p.model.subs, p.model.backends, p.model.acls, p.model.probes, p.model.objects, p.model.imports] as Map<string, { file: string; range: TextRange }[]>[]) {
    for (const d of m.get(name) ?? []) out.push({ path: d.file, range: d.range });
  }
  return out;
}

/** Go-to-definition: a called sub, a backend, ACL, probe, object or import; an include → its files. */
export function vclDefinition(p: VclProgram, path: string, offset: number): Location[] {
  const file = p.model.files.get(path);
  if (!file) return [];
  for (const inc of p.model.includes) {
    if (inc.file === path && inside(inc.node, offset)) return inc.targets.map((t) => ({ path: t, range: { start: 0, end: 0 } }));
  }
  const ref = p.model.references.find((r) => r.file === path && inside(r.range, offset));
  if (ref) return declarationsOf(p, ref.name);
  const spot = spotAt(file, offset);
  if (spot.onSubName && spot.sub) return declarationsOf(p, spot.sub.name.text);
  return [];
}

/** References of the declaration or reference at `offset` (with the declarations when asked). */
export function vclReferences(p: VclProgram, path: string, offset: number, includeDeclaration: boolean): Location[] {
  const file = p.model.files.get(path);
  if (!file) return [];
  const ref = p.model.references.find((r) => r.file === path && inside(r.range, offset));
  const spot = ref ? undefined : spotAt(file, offset);
  const name = ref?.name ?? (spot?.onSubName ? spot.sub?.name.text : spot?.decl?.name);
  if (!name) return [];
  const uses = p.model.references.filter((r) => r.name === name).map((r) => ({ path: r.file, range: r.range }));
  return includeDeclaration ? [...declarationsOf(p, name), ...uses] : uses;
}

/** The outline of one VCL file: backends, probes, ACLs, subs, imports. */
export function vclOutlineOf(file: VclFile): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const item of file.tree.items) {
    if (item.type === 'sub' || item.type === 'backend' || item.type === 'probe' || item.type === 'acl') {
      out.push({ name: `${item.type} ${item.name.text}`, detail: '', kind: item.type, range: { start: item.start, end: item.end }, selectionRange: { start: item.name.start, end: item.name.end }, children: [] });
    }
  }
  return out;
}

export interface VclCompletion {
  label: string;
  detail: string;
  documentation: string;
}

/** Variables usable at `offset`: those readable (or writable) in the enclosing built-in sub. */
export function vclCompletions(p: VclProgram, path: string, offset: number): VclCompletion[] {
  const file = p.model.files.get(path);
  if (!file) return [];
  const ctx = context(p, spotAt(file, offset).sub);
  return variablesFor(p.version)
    .filter((v) => !ctx || v.readable.includes(ctx) || v.writable.includes(ctx))
    .map((v) => ({
      label: v.name,
      detail: `${v.type}${ctx ? ` — ${v.writable.includes(ctx) ? 'read/write' : 'read-only'} here` : ''}`,
      documentation: v.description,
    }));
}
