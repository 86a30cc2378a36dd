// A small reader for the built-in VCL texts, used by the consistency tests: splits a VCL file into its
// subroutines and lists what each one does (calls, returns, variable accesses, function calls).
// Comments and string literals are blanked out first, so names inside them do not count.

export interface SubUse {
  name: string;
  calls: string[];
  returns: string[];
  /** Variable uses with the access kind (`set x` = write, `unset x` = unset, anything else = read). */
  vars: { name: string; access: 'read' | 'write' | 'unset' }[];
  functions: string[];
}

/** Replaces comments and strings (`"…"`, `{"…"}`, `"""…"""`) with spaces, keeping offsets and newlines. */
export function blankCommentsAndStrings(src: string): string {
  let out = '';
  let i = 0;
  const keep = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < src.length) {
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\{"[\s\S]*?"\}/.exec(rest)) || (m = /^"""[\s\S]*?"""/.exec(rest)) || (m = /^"[^"\n]*"/.exec(rest))) {
      out += `"${keep(m[0]).slice(2)}"`;
    } else if ((m = /^\/\*[\s\S]*?\*\//.exec(rest)) || (m = /^(#|\/\/)[^\n]*/.exec(rest))) {
      out += keep(m[0]);
    } else {
      out += src[i];
      i++;
      continue;
    }
    i += m[0].length;
  }
  return out;
}

const ROOTS = /^(req|req_top|bereq|beresp|obj|obj_stale|resp|client|server|local|remote|sess|storage|param)$/;

export function parseSubs(vcl: string): SubUse[] {
  const text = blankCommentsAndStrings(vcl);
  const subs: SubUse[] = [];
  const re = /\bsub\s+(\w+)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    let depth = 1;
    let j = re.lastIndex;
    for (; j < text.length && depth; j++) depth += text[j] === '{' ? 1 : text[j] === '}' ? -1 : 0;
    const body = text.slice(re.lastIndex, j - 1);
    re.lastIndex = j;
    const use: SubUse = { name: m[1], calls: [], returns: [], vars: [], functions: [] };
    for (const c of body.matchAll(/\bcall\s+(\w+)\s*;/g)) use.calls.push(c[1]);
    for (const r of body.matchAll(/\breturn\s*\(\s*(\w+)/g)) use.returns.push(r[1]);
    for (const f of body.matchAll(/\b(hash_data|synthetic|regsub|regsuball|ban)\s*\(/g)) use.functions.push(f[1]);
    for (const v of body.matchAll(/(\bset\s+|\bunset\s+)?\b([a-z_]+(?:\.[A-Za-z0-9_-]+)+|now)\b(\s*\()?/g)) {
      let name = v[2];
      if (!ROOTS.test(name.split('.')[0]) && name !== 'now') continue;
      if (v[3]) name = name.replace(/\.[^.]+$/, ''); // req.http.host.lower() → req.http.host
      use.vars.push({ name, access: v[1]?.startsWith('unset') ? 'unset' : v[1] ? 'write' : 'read' });
    }
    subs.push(use);
  }
  return subs;
}
