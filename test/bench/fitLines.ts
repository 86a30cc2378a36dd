// Generated bench inputs of an exact line count: the largest size whose text fits, padded with comments.

/** Newline characters in a text. */
export function newlines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * The text of the largest `size` (≥ 1) whose `build(size)` has at most `target` lines, followed by comment
 * lines up to exactly `target` (`pad(0)` first, then `pad(1)`, …).
 */
export function fitLines(target: number, build: (size: number) => string, pad: (i: number) => string): string {
  let lo = 1;
  let hi = 1;
  while (newlines(build(hi * 2)) <= target) hi *= 2;
  hi *= 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (newlines(build(mid)) <= target) lo = mid;
    else hi = mid;
  }
  const body = build(lo);
  const lines: string[] = [];
  for (let i = 0; i < target - newlines(body); i++) lines.push(pad(i));
  return body + (lines.length ? lines.join('\n') + '\n' : '');
}
