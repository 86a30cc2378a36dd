// Floors for scale: the least work any nginx parser that builds a tree must do on a text.

interface Node {
  name: string | undefined;
  args: string[];
  children?: Node[];
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const SEMI = 59;
const OPEN = 123;
const CLOSE = 125;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

/**
 * The smallest tree of an nginx config: each statement's name and words, blocks nested. No positions,
 * no comments, no variables, no error recovery, nothing kept to give the text back; a parser that
 * does any of that (as an editor's must) does more than this.
 */
export function smallestTree(text: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let current = root;
  let words: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c === SPACE || c === TAB || c === LF || c === CR) {
      i++;
    } else if (c === HASH) {
      while (i < n && text.charCodeAt(i) !== LF) i++;
    } else if (c === SEMI) {
      current.push({ name: words[0], args: words.slice(1) });
      words = [];
      i++;
    } else if (c === OPEN) {
      const node: Node = { name: words[0], args: words.slice(1), children: [] };
      current.push(node);
      stack.push((current = node.children!));
      words = [];
      i++;
    } else if (c === CLOSE) {
      if (stack.length > 1) stack.pop();
      current = stack[stack.length - 1];
      i++;
    } else if (c === DQUOTE || c === SQUOTE) {
      const start = i++;
      while (i < n && text.charCodeAt(i) !== c) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      i++;
      words.push(text.slice(start, i));
    } else {
      const start = i;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c === SPACE || c === TAB || c === LF || c === CR || c === SEMI || c === OPEN || c === CLOSE) break;
        i++;
      }
      words.push(text.slice(start, i));
    }
  }
  return root;
}
