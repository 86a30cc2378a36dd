// The structural errors PCRE2 (Varnish's regex engine) refuses when VCC compiles a regex literal: an unclosed
// character class or group, a `)` without its `(`, a quantifier with nothing to repeat, a trailing backslash.
// Only the pattern's structure is read — nothing is compiled or run, so a pattern from a config costs linear time.
// Patterns using extended mode (`(?x)`), where whitespace and `#` change meaning, are not judged.

/** PCRE2's message for the first structural error of a pattern, with its offset; undefined when none is found. */
export function regexError(pattern: string): { message: string; offset: number } | undefined {
  if (/\(\?[a-wyz^-]*x/.test(pattern)) return undefined;
  const open: number[] = [];
  /** Whether the previous item can take a quantifier; 'quantified' after one (a `?` or `+` may still follow). */
  let prev: 'none' | 'item' | 'quantified' | 'modified' = 'none';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= n) return { message: '\\ at end of pattern', offset: i };
      if (pattern[i + 1] === 'Q') {
        const e = pattern.indexOf('\\E', i + 2);
        i = e < 0 ? n : e + 2;
        prev = 'item';
        continue;
      }
      i += 2;
      prev = 'item';
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) return { message: 'missing terminating ] for character class', offset: i };
      i = end + 1;
      prev = 'item';
      continue;
    }
    if (c === '(') {
      if (pattern.startsWith('(?#', i)) {
        const e = pattern.indexOf(')', i);
        if (e < 0) return { message: 'missing ) after (?# comment', offset: i };
        i = e + 1;
        continue;
      }
      open.push(i);
      i++;
      // `(?:`, `(?=`, `(?<name>`, `(?i)`: the group's header is not an item to repeat.
      if (pattern[i] === '?' || pattern[i] === '*') {
        i++;
        while (i < n && /[A-Za-z0-9_<>'=!:|^+\-&P]/.test(pattern[i]) && pattern[i] !== ')') {
          const h = pattern[i];
          i++;
          if (h === ':' || h === '=' || h === '!' || h === '>' || h === '|') break;
        }
      }
      prev = 'none';
      continue;
    }
    if (c === ')') {
      if (!open.length) return { message: 'unmatched closing parenthesis', offset: i };
      open.pop();
      i++;
      prev = 'item';
      continue;
    }
    if (c === '|') {
      i++;
      prev = 'none';
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      if (prev === 'none') return { message: 'quantifier does not follow a repeatable item', offset: i };
      if (prev === 'item') prev = 'quantified';
      else if (prev === 'quantified' && c !== '*') prev = 'modified';
      else return { message: 'quantifier does not follow a repeatable item', offset: i };
      i++;
      continue;
    }
    if (c === '{' && /^\{(\d+|\d+,\d*|\d*,\d+)\}/.test(pattern.slice(i))) {
      const close = pattern.indexOf('}', i);
      if (prev === 'none') return { message: 'quantifier does not follow a repeatable item', offset: i };
      i = close + 1;
      prev = prev === 'item' ? 'quantified' : 'modified';
      continue;
    }
    if (c === '^' || c === '$') {
      i++;
      prev = 'item';
      continue;
    }
    i++;
    prev = 'item';
  }
  if (open.length) return { message: 'missing closing parenthesis', offset: open[open.length - 1] };
  return undefined;
}

/** The offset of the `]` closing the class opened at `start`, or -1. */
function classEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  while (i < p.length) {
    const c = p[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '[' && p[i + 1] === ':') {
      const e = p.indexOf(':]', i + 2);
      if (e >= 0 && /^[a-z]+$/.test(p.slice(i + 2, e))) {
        i = e + 2;
        continue;
      }
    }
    if (c === ']') return i;
    i++;
  }
  return -1;
}
