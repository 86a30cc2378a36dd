// Document outline: nginx blocks as a symbol tree (VCL's comes from its parse, in vclFeatures.ts).
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
