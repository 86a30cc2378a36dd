// The bench's floor (the smallest tree of an nginx config) builds the same statements as cachelint's parser,
// so the figure it gives is the structural work alone, not a cheaper task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { smallestTree } from '../bench/floor';
import { parseNginx } from '../../server/src/analyzer/nginx/parser';
import { walkDirectives } from '../../server/src/analyzer/nginx/tree';

const BENCH_INPUT = path.join(process.env.CACHELINT_BENCH_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'bench'), 'synthetic-cache.conf');

type Small = ReturnType<typeof smallestTree>[number];

function flatten(nodes: Small[], out: string[] = [], depth = 0): string[] {
  for (const n of nodes) {
    out.push(`${depth} ${n.name} ${n.args.join(' ')}`);
    if (n.children) flatten(n.children, out, depth + 1);
  }
  return out;
}

function cachelintStatements(text: string): string[] {
  const out: string[] = [];
  const depth = (d: { parent?: unknown }) => {
    let k = 0;
    for (let p = d.parent as { parent?: unknown } | undefined; p; p = p.parent as { parent?: unknown } | undefined) k++;
    return k;
  };
  walkDirectives(parseNginx(text).children, (d) => {
    out.push(`${depth(d)} ${d.name.raw} ${d.args.map((a) => a.raw).join(' ')}`);
  });
  return out;
}

test('the smallest tree nests blocks and keeps quoted words whole', () => {
  const text = 'http {\n  # a comment; {\n  server { listen 80; location / { add_header X "a b;c"; } }\n}\n';
  assert.deepEqual(flatten(smallestTree(text)), ['0 http ', '1 server ', '2 listen 80', '2 location /', '3 add_header X "a b;c"']);
});

test('on the bench input the smallest tree has the statements cachelint parses', { skip: !fs.existsSync(BENCH_INPUT) && `${BENCH_INPUT} is missing` }, () => {
  const text = fs.readFileSync(BENCH_INPUT, 'utf8');
  const ours = cachelintStatements(text);
  assert.ok(ours.length > 30000, `${ours.length} statements`);
  assert.deepEqual(flatten(smallestTree(text)), ours);
});
