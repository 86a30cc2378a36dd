// Exit codes, --max-warnings, --rule and stdin input.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CLEAN_CONF, cleanup, cli, copyExample, lineOf, tmpDir, writeTree } from './helpers';

after(cleanup);

const INCIDENT = path.join(__dirname, '../../examples/incident');

interface Doc {
  files: { path: string; dialect: string; findings: { ruleId: string; severity: string; range: { start: { line: number } } }[] }[];
}

function counts(doc: Doc): { errors: number; warnings: number } {
  const all = doc.files.flatMap((f) => f.findings);
  return { errors: all.filter((f) => f.severity === 'error').length, warnings: all.filter((f) => f.severity === 'warning').length };
}

describe('exit codes', () => {
  test('0 for a clean config', () => {
    const dir = tmpDir();
    writeTree(dir, { 'a.conf': CLEAN_CONF });
    const r = cli(['a.conf', '--max-warnings', '0'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  test('1 when there is an error-level finding, 0 for the fixed example', () => {
    assert.equal(cli(['examples/incident']).code, 1);
    assert.equal(cli(['examples/incident-fixed']).code, 0);
  });

  test('--max-warnings: 1 only when warnings exceed it, and always on errors', () => {
    // With the error turned into a warning, only the warning count decides.
    const rule = ['--rule', 'nginx/cache-key-volatile-variable=warning'];
    const doc = JSON.parse(cli(['--format', 'json', ...rule, 'nginx.conf'], { cwd: INCIDENT }).stdout) as Doc;
    const { errors, warnings } = counts(doc);
    assert.ok(warnings >= 3, `the incident has at least three warnings now, got ${warnings}`);
    const expect = (max: number) => (errors > 0 || warnings > max ? 1 : 0);
    for (const max of [0, warnings - 1, warnings, warnings + 5]) {
      assert.equal(cli([...rule, '--max-warnings', String(max), 'nginx.conf'], { cwd: INCIDENT }).code, expect(max), `--max-warnings ${max}`);
    }
    assert.equal(cli([...rule, '--max-warnings', String(warnings), 'nginx.conf'], { cwd: INCIDENT }).code, errors > 0 ? 1 : 0);
    // Unlimited by default.
    assert.equal(cli([...rule, 'nginx.conf'], { cwd: INCIDENT }).code, errors > 0 ? 1 : 0);
  });

  test('--rule ID=off silences a rule, --rule ID=error raises one', () => {
    const find = (args: string[]) =>
      (JSON.parse(cli(['--format', 'json', ...args, 'nginx.conf'], { cwd: INCIDENT }).stdout) as Doc).files.flatMap((f) =>
        f.findings.filter((x) => x.ruleId === 'nginx/inactive-shorter-than-ttl'),
      );
    assert.equal(find([]).length, 1);
    assert.equal(find([])[0].severity, 'warning');
    assert.deepEqual(find(['--rule', 'nginx/inactive-shorter-than-ttl=off']), []);
    assert.equal(find(['--rule', 'nginx/inactive-shorter-than-ttl=error'])[0]?.severity, 'error');
  });
});

describe('stdin', () => {
  test('- reads one file from stdin', () => {
    const r = cli(['--format', 'json', '-'], { input: CLEAN_CONF });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.equal(doc.files.length, 1);
    assert.deepEqual(doc.files[0].findings, []);
  });

  test('--stdin-filename names the text, picks the dialect and never touches the disk', () => {
    const dir = tmpDir();
    const vcl = 'vcl 4.1;\n\nbackend default {\n    .host = "127.0.0.1";\n}\n';
    const r = cli(['--format', 'json', '--stdin', '--stdin-filename', 'varnish/default.vcl'], { cwd: dir, input: vcl });
    assert.notEqual(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.deepEqual(
      doc.files.map((f) => [f.path, f.dialect]),
      [['varnish/default.vcl', 'vcl']],
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('the stdin text is analysed in place of the file of that name, with its includes from disk', () => {
    const dir = tmpDir();
    // On disk the zone is fine (incident-fixed); the text on stdin has the incident's inactive=30s.
    copyExample('incident-fixed', dir, 'site');
    const mainOnDisk = fs.readFileSync(path.join(dir, 'site/nginx.conf'));
    const input = fs.readFileSync(path.join(INCIDENT, 'nginx.conf'), 'utf8');
    const r = cli(['--format', 'json', '--stdin', '--stdin-filename', 'site/nginx.conf'], { cwd: dir, input });
    assert.notEqual(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    const main = doc.files.find((f) => f.path === 'site/nginx.conf');
    assert.ok(main, r.stdout);
    const inactive = main.findings.filter((f) => f.ruleId === 'nginx/inactive-shorter-than-ttl');
    assert.equal(inactive.length, 1, r.stdout);
    assert.equal(inactive[0].range.start.line, lineOf(path.join(INCIDENT, 'nginx.conf'), 'inactive=30s'));
    assert.ok(doc.files.some((f) => f.path === 'site/conf.d/shop.conf'), 'the included file is read from disk');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'site/nginx.conf')), mainOnDisk);
  });
});

describe('includes by absolute path', () => {
  const main = (target: string) =>
    `events {}\nhttp {\n  proxy_cache_path /tmp/c keys_zone=z:10m;\n  server {\n    listen 8080;\n    include ${target};\n  }\n}\n`;
  const snippet = 'location / {\n  proxy_cache z;\n  proxy_cache_valid 200 10m;\n  proxy_pass http://127.0.0.1:8081;\n}\n';

  test('an absolute include that exists is read, not reported missing', () => {
    const dir = tmpDir();
    writeTree(dir, { 'etc/nginx.conf': main(path.join(dir, 'snippets/app.conf')), 'snippets/app.conf': snippet });
    const r = cli(['--format', 'json', 'etc/nginx.conf'], { cwd: dir });
    assert.notEqual(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    const ids = doc.files.flatMap((f) => f.findings.map((x) => x.ruleId));
    assert.ok(!ids.includes('nginx/include-not-found'), r.stdout);
    assert.ok(doc.files.some((f) => f.path === 'snippets/app.conf'), 'the included file is analysed');
  });

  test('an absolute include that does not exist is reported missing', () => {
    const dir = tmpDir();
    writeTree(dir, { 'etc/nginx.conf': main(path.join(dir, 'snippets/none.conf')), 'snippets/app.conf': snippet });
    const r = cli(['--format', 'json', 'etc/nginx.conf'], { cwd: dir });
    const doc = JSON.parse(r.stdout) as Doc;
    assert.ok(doc.files.flatMap((f) => f.findings.map((x) => x.ruleId)).includes('nginx/include-not-found'), r.stdout);
  });
});
