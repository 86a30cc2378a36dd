// Document outline: nginx blocks and VCL declarations as a symbol tree.
import type { OutlineSymbol, SymbolKind } from './api';
import type { Node } from './nginx/tree';

const KINDS: Record<string, SymbolKind> = { http: 'http', server: 'server', location: 'location', upstream: 'upstream', map: 'map', if: 'if' };

export function nginxOutline(nodes: Node[]): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const n of nodes) {
    if (n.type !== 'directive' || !n.block) continue;
    const name = n.name.value;
    let label = [name, ...n.args.map((a) => a.raw)].join(' ');
    let detail = '';
    const children = n.block.raw ? [] : nginxOutline(n.block.children);
    if (name === 'server' && !n.block.raw) {
      const names: string[] = [];
      const listens: string[] = [];
      for (const c of n.block.children) {
        if (c.type !== 'directive') continue;
        if (c.name.value === 'server_name') names.push(...c.args.map((a) => a.value));
        if (c.name.value === 'listen') listens.push(c.args.map((a) => a.value).join(' '));
      }
      if (names.length) label = `server ${names.join(' ')}`;
      detail = listens.join(', ');
    }
    out.push({
      name: label.length > 80 ? label.slice(0, 77) + '…' : label,
      detail,
      kind: KINDS[name] ?? 'block',
      range: { start: n.offset, end: n.end },
      selectionRange: { start: n.name.offset, end: n.name.end },
      children,
    });
  }
  return out;
}

const VCL_DECL = /(^|\n)[ \t]*(sub|backend|acl|probe)\s+([A-Za-z_][\w.-]*)\s*\{/g;

/** Top-level VCL declarations (subs, backends, ACLs, probes), skipping strings and comments when matching braces. */
export function vclOutline(text: string): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  VCL_DECL.lastIndex = 0;
  for (let m = VCL_DECL.exec(text); m; m = VCL_DECL.exec(text)) {
    const start = m.index + m[1].length;
    const kw = m[2];
    const nameStart = text.indexOf(m[3], m.index + m[1].length + kw.length);
    const open = m.index + m[0].length - 1;
    const end = matchBrace(text, open);
    out.push({ name: `${kw} ${m[3]}`, detail: '', kind: kw as SymbolKind, range: { start, end }, selectionRange: { start: nameStart, end: nameStart + m[3].length }, children: [] });
    VCL_DECL.lastIndex = end;
  }
  return out;
}

function matchBrace(t: string, open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    const c = t[i];
    if (c === '"') {
      const e = t.indexOf('"', i + 1);
      i = e < 0 ? t.length : e;
    } else if (c === '#' || (c === '/' && t[i + 1] === '/')) {
      const e = t.indexOf('\n', i);
      i = e < 0 ? t.length : e;
    } else if (c === '/' && t[i + 1] === '*') {
      const e = t.indexOf('*/', i + 2);
      i = e < 0 ? t.length : e + 1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return t.length;
}
