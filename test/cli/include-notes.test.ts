// What an analysis leaves out at an include is said on stderr, one `note:` line each, with its place:
// a network path (never read), an include level beyond the limit, a file that is not a regular file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { CLEAN_CONF, cleanup, cli, tmpDir, writeTree } from './helpers';

after(cleanup);

const notes = (stderr: string) => stderr.split('\n').filter((l) => / note: /.test(l));

test('an include of a network path is not read, and a note at the include says so', () => {
  const dir = tmpDir();
  writeTree(dir, { 'nginx.conf': `${CLEAN_CONF}http {\n    include //fileserver/share/sites/*.conf;\n}\n` });
  const r = cli([path.join(dir, 'nginx.conf')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(notes(r.stderr).map((l) => l.replace(dir + '/', '')), [
    'nginx.conf:7:13: note: include "//fileserver/share/sites/*.conf" names a network location; cachelint reads local files only, so what it includes is not analysed',
  ]);
});

test('includes nested beyond the depth limit are not followed, with a note at the include that was not', () => {
  const dir = tmpDir();
  const files: Record<string, string> = { 'nginx.conf': `${CLEAN_CONF}http {\n    include level1.conf;\n}\n` };
  for (let i = 1; i <= 20; i++) files[`level${i}.conf`] = `# level ${i}\ninclude level${i + 1}.conf;\n`;
  files['level21.conf'] = 'proxy_cache_valid 200 10m;\n';
  writeTree(dir, files);
  const r = cli([path.join(dir, 'nginx.conf')]);
  const lines = notes(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /level\d+\.conf:2:9: note: include "level\d+\.conf" is not followed: it is at include level \d+, beyond the limit of 16 levels/);
});

test('an include of a named pipe is not read (the CLI does not block on it), with a note', () => {
  const dir = tmpDir();
  writeTree(dir, { 'nginx.conf': `${CLEAN_CONF}http {\n    include pipe.conf;\n}\n` });
  execFileSync('mkfifo', [path.join(dir, 'pipe.conf')]);
  const r = cli([path.join(dir, 'nginx.conf')]);
  assert.match(notes(r.stderr).join('\n'), /nginx\.conf:7:13: note: include "pipe\.conf" is not read: it is a named pipe/);
});

test('a config without such includes prints no note', () => {
  const dir = tmpDir();
  writeTree(dir, { 'nginx.conf': CLEAN_CONF });
  const r = cli([path.join(dir, 'nginx.conf')]);
  assert.equal(r.code, 0);
  assert.deepEqual(notes(r.stderr), []);
});
