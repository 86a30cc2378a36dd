// `--format json`: the exact shape, 1-based positions, every analysed file present, paths relative to cwd.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CLEAN_CONF, cleanup, cli, copyExample, lineOf, tmpDir, writeTree } from './helpers';

after(cleanup);

interface JsonPos {
  line: number;
  column: number;
}
interface JsonRange {
  start: JsonPos;
  end: JsonPos;
}
interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  range: JsonRange;
  fixes: { title: string; safe: boolean; edits: { path: string; range: JsonRange; newText: string }[] }[];
  related: { path: string; range: JsonRange; message: string }[];
}
interface JsonFile {
  path: string;
  dialect: string;
  findings: JsonFinding[];
}
interface JsonDoc {
  version: number;
  files: JsonFile[];
}

function keys(o: object): string[] {
  return Object.keys(o).sort();
}

function assertRange(r: JsonRange, where: string) {
  assert.deepEqual(keys(r), ['end', 'start'], where);
  for (const p of [r.start, r.end]) {
    assert.deepEqual(keys(p), ['column', 'line'], where);
    assert.ok(Number.isInteger(p.line) && p.line >= 1, `${where}: 1-based line`);
    assert.ok(Number.isInteger(p.column) && p.column >= 1, `${where}: 1-based column`);
  }
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.column <= r.end.column), `${where}: start <= end`);
}

/** Checks the exact key sets of the whole document; returns it. */
function parseStrict(stdout: string): JsonDoc {
  const doc = JSON.parse(stdout) as JsonDoc;
  assert.deepEqual(keys(doc), ['files', 'version']);
  assert.equal(doc.version, 1);
  assert.ok(Array.isArray(doc.files));
  for (const f of doc.files) {
    assert.deepEqual(keys(f), ['dialect', 'findings', 'path']);
    assert.equal(typeof f.path, 'string');
    assert.ok(f.dialect === 'nginx' || f.dialect === 'vcl', f.dialect);
    for (const x of f.findings) {
      const where = `${f.path} ${x.ruleId}`;
      assert.deepEqual(keys(x), ['fixes', 'message', 'range', 'related', 'ruleId', 'severity'], where);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(x.severity), where);
      assert.equal(typeof x.message, 'string');
      assert.match(x.ruleId, /^(nginx|vcl)\/[a-z0-9-]+$/);
      assertRange(x.range, where);
      for (const fix of x.fixes) {
        assert.deepEqual(keys(fix), ['edits', 'safe', 'title'], where);
        assert.equal(typeof fix.title, 'string');
        assert.equal(typeof fix.safe, 'boolean');
        for (const e of fix.edits) {
          assert.deepEqual(keys(e), ['newText', 'path', 'range'], where);
          assert.equal(typeof e.newText, 'string');
          assertRange(e.range, where);
        }
      }
      for (const rel of x.related) {
        assert.deepEqual(keys(rel), ['message', 'path', 'range'], where);
        assertRange(rel.range, where);
      }
    }
  }
  return doc;
}

function paths(doc: JsonDoc): string[] {
  return doc.files.map((f) => f.path);
}

describe('json on clean files', () => {
  test('every input file is present with findings: [] and its dialect', () => {
    const dir = tmpDir();
    writeTree(dir, {
      'a.conf': CLEAN_CONF,
      'sub/b.nginx': CLEAN_CONF,
      'cache.vcl': 'vcl 4.1;\n\nbackend default {\n    .host = "127.0.0.1";\n    .port = "8080";\n}\n',
    });
    const r = cli(['--format', 'json', 'a.conf', 'sub/b.nginx', 'cache.vcl'], { cwd: dir });
    const doc = parseStrict(r.stdout);
    assert.deepEqual(paths(doc).sort(), ['a.conf', 'cache.vcl', 'sub/b.nginx']);
    for (const f of doc.files) {
      if (f.path !== 'cache.vcl') assert.deepEqual(f.findings, [], f.path);
      assert.equal(f.dialect, f.path.endsWith('.vcl') ? 'vcl' : 'nginx');
    }
    assert.equal(doc.files.find((f) => f.path === 'a.conf')!.findings.length, 0);
    assert.equal(r.stderr, '');
  });

  test('a path is reported as given on the command line', () => {
    const dir = tmpDir();
    writeTree(dir, { 'a.conf': CLEAN_CONF });
    const abs = path.join(dir, 'a.conf');
    assert.deepEqual(paths(parseStrict(cli(['--format', 'json', abs], { cwd: dir }).stdout)), [abs]);
    assert.deepEqual(paths(parseStrict(cli(['--format', 'json', './a.conf'], { cwd: dir }).stdout)), ['./a.conf']);
  });

  test('a directory is searched for config files, skipping node_modules and dot-directories', () => {
    const dir = tmpDir();
    writeTree(dir, {
      'etc/nginx.conf': CLEAN_CONF,
      'etc/snippets/x.nginx': CLEAN_CONF,
      'etc/varnish/default.vcl': 'vcl 4.1;\n\nbackend default {\n    .host = "127.0.0.1";\n}\n',
      'etc/sites-enabled/shop': CLEAN_CONF,
      'etc/notes.txt': 'not a config\n',
      'etc/node_modules/pkg/y.conf': CLEAN_CONF,
      'etc/.git/z.conf': CLEAN_CONF,
      'etc/.hidden.conf': CLEAN_CONF,
    });
    const doc = parseStrict(cli(['--format', 'json', 'etc'], { cwd: dir }).stdout);
    assert.deepEqual(paths(doc).sort(), ['etc/nginx.conf', 'etc/sites-enabled/shop', 'etc/snippets/x.nginx', 'etc/varnish/default.vcl']);
  });

  test('a quoted glob is expanded by the CLI', () => {
    const dir = tmpDir();
    writeTree(dir, { 'conf/a.conf': CLEAN_CONF, 'conf/deep/b.conf': CLEAN_CONF, 'conf/c.txt': 'x\n' });
    assert.deepEqual(paths(parseStrict(cli(['--format', 'json', 'conf/*.conf'], { cwd: dir }).stdout)), ['conf/a.conf']);
    assert.deepEqual(paths(parseStrict(cli(['--format', 'json', 'conf/**/*.conf'], { cwd: dir }).stdout)).sort(), ['conf/a.conf', 'conf/deep/b.conf']);
  });
});

describe('json on the incident example', () => {
  test('the main config and the file it includes are present once each, paths relative to cwd', () => {
    const dir = tmpDir();
    copyExample('incident', dir, 'site');
    const doc = parseStrict(cli(['--format', 'json', 'site/nginx.conf'], { cwd: dir }).stdout);
    assert.deepEqual(paths(doc).sort(), ['site/conf.d/shop.conf', 'site/nginx.conf']);
  });

  test('an absolute entry is shown as given; the included file relative to cwd', () => {
    const dir = tmpDir();
    const site = copyExample('incident', dir, 'site');
    const doc = parseStrict(cli(['--format', 'json', path.join(site, 'nginx.conf')], { cwd: dir }).stdout);
    assert.deepEqual(paths(doc).sort(), [path.join(site, 'nginx.conf'), 'site/conf.d/shop.conf'].sort());
  });

  test('reports the incident with 1-based positions', () => {
    const incident = path.join(__dirname, '../../examples/incident');
    const r = cli(['--format', 'json', 'nginx.conf'], { cwd: incident });
    assert.equal(r.code, 1, r.stderr);
    const doc = parseStrict(r.stdout);
    const shop = doc.files.find((f) => f.path === 'conf.d/shop.conf');
    const main = doc.files.find((f) => f.path === 'nginx.conf');
    assert.ok(shop && main, `files: ${paths(doc)}`);

    const shopText = fs.readFileSync(path.join(incident, 'conf.d/shop.conf'), 'utf8').split('\n');
    const key = shop.findings.filter((f) => f.ruleId === 'nginx/cache-key-volatile-variable');
    assert.equal(key.length, 1, JSON.stringify(shop.findings.map((f) => f.ruleId)));
    assert.equal(key[0].severity, 'error');
    const keyLine = lineOf(path.join(incident, 'conf.d/shop.conf'), 'proxy_cache_key');
    assert.equal(key[0].range.start.line, keyLine);
    // 1-based column: the character at column-1 is where the range starts, never the indentation.
    assert.notEqual(shopText[keyLine - 1][key[0].range.start.column - 1].trim(), '');

    const ttl = shop.findings.filter((f) => f.ruleId === 'nginx/upstream-ttl-overrides-cache-valid');
    assert.equal(ttl.length, 1);
    assert.equal(ttl[0].severity, 'warning');
    assert.equal(ttl[0].range.start.line, lineOf(path.join(incident, 'conf.d/shop.conf'), 'proxy_cache_valid'));

    const inactive = main.findings.filter((f) => f.ruleId === 'nginx/inactive-shorter-than-ttl');
    assert.equal(inactive.length, 1);
    assert.equal(inactive[0].severity, 'warning');
    const inactiveLine = lineOf(path.join(incident, 'nginx.conf'), 'inactive=30s');
    assert.equal(inactive[0].range.start.line, inactiveLine);
    // 1-based columns: the range's text covers the `30s`.
    const mainLine = fs.readFileSync(path.join(incident, 'nginx.conf'), 'utf8').split('\n')[inactiveLine - 1];
    const { start, end } = inactive[0].range;
    assert.ok(end.line > start.line || mainLine.slice(start.column - 1, end.column - 1).includes('30s'), JSON.stringify(inactive[0].range));
  });

  test('files reached by an include are not reported twice when also given as inputs', () => {
    const incident = path.join(__dirname, '../../examples/incident');
    for (const args of [['nginx.conf', 'conf.d/shop.conf'], ['conf.d/shop.conf', 'nginx.conf'], ['.']]) {
      const doc = parseStrict(cli(['--format', 'json', ...args], { cwd: incident }).stdout);
      assert.deepEqual(paths(doc).sort(), ['conf.d/shop.conf', 'nginx.conf'], args.join(' '));
      const all = doc.files.flatMap((f) => f.findings.map((x) => `${f.path}:${x.range.start.line}:${x.ruleId}`));
      assert.equal(new Set(all).size, all.length, `duplicates for ${args.join(' ')}: ${all}`);
      assert.equal(all.filter((s) => s.endsWith('nginx/cache-key-volatile-variable')).length, 1, args.join(' '));
    }
  });

  test('the fixed example has no error or warning', () => {
    const r = cli(['--format', 'json', 'examples/incident-fixed']);
    const doc = parseStrict(r.stdout);
    assert.deepEqual(paths(doc).sort(), ['examples/incident-fixed/conf.d/shop.conf', 'examples/incident-fixed/nginx.conf']);
    const bad = doc.files.flatMap((f) => f.findings.filter((x) => x.severity === 'error' || x.severity === 'warning'));
    assert.deepEqual(bad, []);
    assert.equal(r.code, 0);
  });
});
