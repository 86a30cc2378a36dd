// `--fix`: applies the safe fixes, keeps each file's bytes (encoding, line endings) outside the edits, writes atomically.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanup, cli, copyExample, tmpDir } from './helpers';

after(cleanup);

interface Pos {
  line: number;
  column: number;
}
interface Edit {
  path: string;
  range: { start: Pos; end: Pos };
  newText: string;
}
interface Doc {
  files: { path: string; findings: { fixes: { safe: boolean; edits: Edit[] }[] }[] }[];
}

/** UTF-16 offset of a 1-based line/column in a text whose lines end with \r\n, \n or \r. */
function offsetOf(text: string, p: Pos): number {
  let line = 1;
  let i = 0;
  while (line < p.line && i < text.length) {
    const c = text[i++];
    if (c === '\n' || (c === '\r' && text[i] !== '\n')) line++;
  }
  return i + p.column - 1;
}

/**
 * The edits `--fix` should apply: every safe fix, in report order, unless it overlaps one already chosen.
 * Returns them per path, as [start, end, newText] offsets into `texts`.
 */
function chosenEdits(doc: Doc, texts: Map<string, string>): Map<string, [number, number, string][]> {
  const chosen = new Map<string, [number, number, string][]>();
  for (const file of doc.files) {
    for (const finding of file.findings) {
      for (const fix of finding.fixes) {
        if (!fix.safe) continue;
        const edits = fix.edits.map((e) => {
          const t = texts.get(e.path)!;
          return { path: e.path, start: offsetOf(t, e.range.start), end: offsetOf(t, e.range.end), newText: e.newText };
        });
        const overlaps = edits.some((e) => (chosen.get(e.path) ?? []).some(([s, en]) => e.start < en && s < e.end));
        if (overlaps) continue;
        for (const e of edits) {
          if (!chosen.has(e.path)) chosen.set(e.path, []);
          chosen.get(e.path)!.push([e.start, e.end, e.newText]);
        }
      }
    }
  }
  return chosen;
}

function apply(text: string, edits: [number, number, string][]): string {
  let out = text;
  for (const [s, e, t] of [...edits].sort((a, b) => b[0] - a[0])) out = out.slice(0, s) + t + out.slice(e);
  return out;
}

describe('--fix', () => {
  test('keeps CRLF line endings and latin1 bytes outside the edits, atomically', () => {
    const dir = tmpDir();
    const lines = [
      '# Caf\xe9 shop: one file, Windows line endings, latin1 comment.',
      'events {',
      '    worker_connections 1024;',
      '}',
      'http {',
      "    log_format edge '$remote_addr $status $upstream_cache_status';",
      '    access_log /var/log/nginx/access.log edge;',
      '    proxy_cache_path /var/cache/nginx/shop levels=1:2 keys_zone=shop:50m max_size=2g inactive=30s;',
      '    server {',
      '        listen 80;',
      '        server_name shop.example.com;',
      '        location /api/ {',
      '            proxy_pass http://127.0.0.1:8081;',
      '            proxy_cache shop;',
      '            # na\xefve key',
      '            proxy_cache_key $scheme$host$request_uri$request_id;',
      '            proxy_cache_valid 200 301 10m;',
      '            proxy_ignore_headers Cache-Control Expires;',
      '            proxy_cache_lock on;',
      '            proxy_cache_use_stale updating error timeout;',
      '            proxy_cache_background_update on;',
      '            add_header X-Cache-Status $upstream_cache_status always;',
      '        }',
      '    }',
      '}',
      '',
    ];
    const original = Buffer.from(lines.join('\r\n'), 'latin1');
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, original);
    fs.chmodSync(file, 0o640);

    const before = cli(['--format', 'json', 'nginx.conf'], { cwd: dir });
    const doc = JSON.parse(before.stdout) as Doc;
    const text = original.toString('latin1');
    const chosen = chosenEdits(doc, new Map([['nginx.conf', text]]));
    assert.ok(chosen.get('nginx.conf')?.length, `a safe fix is offered: ${before.stdout}`);
    const expected = Buffer.from(apply(text, chosen.get('nginx.conf')!), 'latin1');

    const r = cli(['--fix', 'nginx.conf'], { cwd: dir });
    assert.notEqual(r.code, 2, r.stderr);
    assert.match(r.stdout, /Applied \d+ fix(es)? to 1 file\./);
    const after = fs.readFileSync(file);
    assert.deepEqual(after, expected);
    assert.ok(after.includes(Buffer.from([0xe9])) && after.includes(Buffer.from([0xef])), 'latin1 bytes kept');
    assert.ok(!/(^|[^\r])\n/.test(after.toString('latin1')), 'every line still ends with CRLF');
    assert.equal(fs.statSync(file).mode & 0o777, 0o640, 'permissions kept');
    assert.deepEqual(fs.readdirSync(dir), ['nginx.conf'], 'no temporary file left behind');

    // What is reported after --fix is what is left: no safe fix remains for what was fixed.
    const again = JSON.parse(cli(['--format', 'json', 'nginx.conf'], { cwd: dir }).stdout) as Doc;
    const left = chosenEdits(again, new Map([['nginx.conf', after.toString('latin1')]]));
    assert.deepEqual(left.get('nginx.conf') ?? [], []);
  });

  test('fixes files reached through an include and reports what is left', () => {
    const dir = tmpDir();
    const site = copyExample('incident', dir, 'site');
    const rels = ['site/nginx.conf', 'site/conf.d/shop.conf'];
    const texts = new Map(rels.map((rel) => [rel, fs.readFileSync(path.join(dir, rel), 'utf8')]));
    const before = JSON.parse(cli(['--format', 'json', 'site/nginx.conf'], { cwd: dir }).stdout) as Doc;
    const chosen = chosenEdits(before, texts);
    // UX: the incident has fixable findings ("2 fixable with --fix").
    assert.ok(chosen.size > 0, 'the incident offers safe fixes');

    const r = cli(['--fix', '--format', 'json', 'site/nginx.conf'], { cwd: dir });
    assert.notEqual(r.code, 2, r.stderr);
    // Machine-readable stdout stays pure; the fix count goes to stderr.
    assert.match(r.stderr, /^Applied \d+ fix(es)? to \d+ files?\.\n$/);
    for (const rel of rels) {
      const expected = apply(texts.get(rel)!, chosen.get(rel) ?? []);
      assert.equal(fs.readFileSync(path.join(dir, rel), 'utf8'), expected, rel);
    }
    // The report after --fix is the report of the fixed files.
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(cli(['--format', 'json', 'site/nginx.conf'], { cwd: dir }).stdout));
    assert.ok(fs.existsSync(site));
  });

  test('without --fix nothing is written', () => {
    const dir = tmpDir();
    const site = copyExample('incident', dir, 'site');
    const stamp = fs.statSync(path.join(site, 'conf.d/shop.conf')).mtimeMs;
    const bytes = fs.readFileSync(path.join(site, 'conf.d/shop.conf'));
    cli(['site/nginx.conf'], { cwd: dir });
    assert.deepEqual(fs.readFileSync(path.join(site, 'conf.d/shop.conf')), bytes);
    assert.equal(fs.statSync(path.join(site, 'conf.d/shop.conf')).mtimeMs, stamp);
  });
});
