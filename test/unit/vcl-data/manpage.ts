// Reads the VCL variable reference that ships with the installed Varnish (`man 7 vcl-var`, rendered from
// doc/sphinx/reference/vcl_var.rst of that release) into plain records. Used by generate.ts only.
import { execFileSync } from 'node:child_process';

export interface ManVariable {
  /** As printed: `req.http.*`, `storage.<name>.free_space`. */
  name: string;
  /** `<= 4.0` / `>= 4.1` when the entry only exists in one VCL syntax version. */
  vcl?: '<=4.0' | '>=4.1';
  type: string;
  read?: string;
  write?: string;
  unset?: string;
  /** The first paragraph of the description, whitespace-collapsed. */
  text: string;
}

/** Renders `man 7 vcl-var` as plain text (no hyphenation, wide lines). */
export function renderManPage(page = 'vcl-var', section = '7'): string {
  return execFileSync('man', [section, page], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '400', MAN_KEEP_FORMATTING: '', LC_ALL: 'C.UTF-8' } })
    .replace(/.\x08/g, '');
}

const HEADER = /^ {7}([a-z_]+(?:\.[A-Za-z0-9_<>*-]+)*)(?:\s+VCL ([<>]=) (4\.[01]))?\s*$/;

export function parseVariables(text: string): ManVariable[] {
  const lines = text.split('\n');
  const out: ManVariable[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i]);
    if (!m) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const t = /^\s+Type: (\S+)/.exec(lines[j] ?? '');
    if (!t) continue;
    const v: ManVariable = { name: m[1], type: t[1], text: '' };
    if (m[2]) v.vcl = m[2] === '<=' ? '<=4.0' : '>=4.1';
    const para: string[] = [];
    for (j++; j < lines.length && !HEADER.exec(lines[j]) && !/^ {3}\S/.test(lines[j]); j++) {
      const l = lines[j].trim();
      const f = /^(Readable|Writable|Unsettable|Unsetable) from: (.*)$/.exec(l);
      if (f) {
        if (f[1] === 'Readable') v.read = f[2];
        else if (f[1] === 'Writable') v.write = f[2];
        else v.unset = f[2];
      } else if (/^Default:/.test(l)) continue;
      else if (l === '' && para.length) para.push('\n');
      else if (l) para.push(l);
    }
    v.text = para.join(' ').split('\n')[0].replace(/\s+/g, ' ').trim();
    out.push(v);
    i = j - 1;
  }
  return out;
}
