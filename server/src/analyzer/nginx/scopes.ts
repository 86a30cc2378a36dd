// Configuration levels: the root of a scope, the levels of the http module's inheritance (http → server →
// location → if → limit_except) and how they nest, which file holds a block's own lines, `internal`
// locations, and how a level is named in messages.
import { scopeChain } from './model';
import type { ParsedFile, Placed, Scope } from './model';
import { own } from './policy';

/** The outermost scope of a scope's chain: `main` for a whole configuration, else a fragment's context. */
export function rootOf(scope: Scope): Scope {
  let s = scope;
  while (s.parent) s = s.parent;
  return s;
}

/** Configuration levels that merge http-module settings: http → server → location → nested location → if. */
const LEVEL_CONTEXTS = new Set(['http', 'server', 'location', 'if in location', 'limit_except']);

/** Whether a scope is a level of the http module's inheritance (not main, upstream, map bodies, stream, …). */
export function isLevel(s: Scope): boolean {
  return s.family === 'http' && LEVEL_CONTEXTS.has(s.context);
}

/** The enclosing level a level inherits from, if visible. */
export function parentLevel(s: Scope): Scope | undefined {
  const p = s.parent;
  return p && isLevel(p) ? p : undefined;
}

/** Whether `anc` is `s` or one of its enclosing scopes. */
export function isAncestorOrSelf(anc: Scope, s: Scope): boolean {
  for (let cur: Scope | undefined = s; cur; cur = cur.parent) if (cur === anc) return true;
  return false;
}

/** The file whose text holds the block's own lines (includes bring in other files). */
export function blockFile(s: Scope): ParsedFile | undefined {
  return s.block?.file ?? s.items[0]?.file;
}

/** Whether the scope is inside an `internal` location (reached only by subrequests and internal redirects). */
export function inInternalLocation(scope: Scope): boolean {
  for (const s of scopeChain(scope)) if (s.kind === 'location' && own(s, 'internal').length) return true;
  return false;
}

/**
 * How a level is named in a message. Each form is fixed by the messages that use it:
 * - `name` (default): what identifies the level: `server example.com`, `server (listen 8080)`,
 *   `location /api/`, `if ($arg_x)`, `limit_except GET`, otherwise its context (`http`, `server`).
 * - `noun`: `the server level`, `location /api/`, `the if block`, `the top level`.
 * - `where`: `at server level`, `in this location`, `in this if block`, `at the top level`.
 * - `within`: `in this server`, `in this location`, `in this if block`, `here` (the top level).
 */
export type LevelForm = 'name' | 'noun' | 'where' | 'within';

export function describeLevel(s: Scope, form: LevelForm = 'name'): string {
  switch (form) {
    case 'name':
      return levelIdentity(s);
    case 'noun':
      if (s.kind === 'main') return 'the top level';
      if (s.kind === 'location' && s.block) return `location ${blockArgs(s.block)}`;
      if (s.kind === 'if') return 'the if block';
      return `the ${s.kind} level`;
    case 'where':
      if (s.kind === 'main') return 'at the top level';
      if (s.kind === 'if') return 'in this if block';
      if (s.kind === 'http' || s.kind === 'server') return `at ${s.kind} level`;
      return `in this ${s.kind}`;
    case 'within':
      return s.kind === 'main' ? 'here' : `in this ${s.kind === 'if' ? 'if block' : s.kind}`;
  }
}

/** A block directive's arguments as written. */
function blockArgs(p: Placed | undefined): string {
  return p ? p.d.args.map((a) => a.raw).join(' ') : '';
}

function levelIdentity(s: Scope): string {
  switch (s.context) {
    case 'server': {
      const sn = s.items.find((p) => p.d.name.value === 'server_name');
      const first = sn?.d.args[0]?.value;
      if (first && first !== '_' && first !== '') return `server ${first}`;
      const listen = s.items.find((p) => p.d.name.value === 'listen')?.d.args[0]?.value;
      return listen ? `server (listen ${listen})` : 'server';
    }
    case 'location':
      return `location ${blockArgs(s.block)}`.trim();
    case 'if in location':
      return `if ${blockArgs(s.block)}`.trim();
    case 'limit_except':
      return `limit_except ${blockArgs(s.block)}`.trim();
    default:
      return s.context;
  }
}
