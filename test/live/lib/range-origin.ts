// A backend route for slice scenarios: a file of `size` bytes answered as 206 Partial Content to the Range
// nginx's slice module sends (every slice request carries one). Each 1,000-byte block has its own letter, so a
// slice served from the wrong place shows in the body.
import type { IncomingMessage } from 'node:http';
import type { Route } from './backend';

export function fileContent(size: number): string {
  let s = '';
  for (let i = 0; i < size; i += 1000) s += String.fromCharCode(97 + ((i / 1000) % 26)).repeat(Math.min(1000, size - i));
  return s;
}

function range(req: IncomingMessage, size: number): [number, number] {
  const m = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
  if (!m) return [0, size - 1];
  return [Number(m[1]), Math.min(size - 1, m[2] ? Number(m[2]) : size - 1)];
}

/** A 206 route serving `fileContent(size)`; `headers` are added to every answer (e.g. Cache-Control). */
export function rangeRoute(size: number, headers: Record<string, string> = {}): Route {
  const content = fileContent(size);
  return {
    status: 206,
    headers: (req) => {
      const [a, b] = range(req, size);
      return { ...headers, 'Content-Range': `bytes ${a}-${b}/${size}`, 'Content-Type': 'application/octet-stream' };
    },
    body: (req) => {
      const [a, b] = range(req, size);
      return content.slice(a, b + 1);
    },
  };
}
