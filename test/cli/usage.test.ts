// CLI usage errors, help and version: exit 2 with one `cachelint:` line, nothing half-done.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { ruleRegistry } from '../../server/src/analyzer/analyze';
import { CLEAN_CONF, PACKAGE_VERSION, cleanup, cli, stderrLines, tmpDir, writeTree } from './helpers';

after(cleanup);

function assertUsageError(args: string[], mentions: RegExp, opts: { cwd?: string; input?: string } = {}) {
  const r = cli(args, opts);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '', `stdout for ${args.join(' ')}`);
  const lines = stderrLines(r);
  assert.equal(lines.length, 1, `one stderr line for ${args.join(' ')}, got ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], /^cachelint: \S/);
  assert.match(lines[0], mentions);
}

describe('usage errors exit 2 with one line on stderr', () => {
  const dir = tmpDir();
  writeTree(dir, { 'nginx.conf': CLEAN_CONF, 'empty/readme.txt': 'no configs here\n' });
  const run = (args: string[], mentions: RegExp, input?: string) => assertUsageError(args, mentions, { cwd: dir, input });

  test('unknown option', () => run(['--frobnicate', 'nginx.conf'], /--frobnicate/));
  test('unknown format', () => run(['--format', 'xml', 'nginx.conf'], /xml/));
  test('option without its value', () => run(['nginx.conf', '--format'], /--format/));
  test('--rule without ID=SEVERITY', () => run(['--rule', 'nginx/cache-key-volatile-variable', 'nginx.conf'], /--rule/));
  test('--rule with an unknown severity', () => run(['--rule', 'nginx/cache-key-volatile-variable=loud', 'nginx.conf'], /loud/));
  test('--threshold without NAME=NUMBER', () => run(['--threshold', 'shortTtlSeconds', 'nginx.conf'], /--threshold/));
  test('--threshold with an unknown name', () => run(['--threshold', 'hugeTtl=5', 'nginx.conf'], /hugeTtl/));
  test('--only with an unknown rule', () => run(['--only', 'nginx/no-such-rule', 'nginx.conf'], /no-such-rule/));
  test('--varnish-param with an unknown parameter', () => run(['--varnish-param', 'vcc_feature=on', 'nginx.conf'], /vcc_feature/));
  test('--max-warnings that is not a number', () => run(['--max-warnings', 'many', 'nginx.conf'], /--max-warnings/));
  test('--unsafe-fixes without --fix', () => run(['--unsafe-fixes', 'nginx.conf'], /--unsafe-fixes/));
  test('--fix with - (stdin)', () => run(['--fix', '-'], /--fix/, CLEAN_CONF));
  test('--fix with --stdin', () => run(['--fix', '--stdin', '--stdin-filename', 'x.conf'], /--fix/, CLEAN_CONF));
  test('--stdin-filename without stdin', () => run(['--stdin-filename', 'x.conf', 'nginx.conf'], /--stdin-filename/));
  test('no input at all', () => run([], /input/));
  test('a nonexistent path', () => run(['missing.conf'], /missing\.conf/));
  test('a directory without config files', () => run(['empty'], /empty/));
  test('a glob that matches nothing', () => run(['nothing/*.conf'], /nothing\/\*\.conf/));
  test('explain without FILE:LINE', () => run(['explain', 'nginx.conf'], /FILE:LINE/));
  test('explain on a line past the end', () => run(['explain', 'nginx.conf:999'], /999/));
  test('explain on a missing file', () => run(['explain', 'missing.conf:1'], /missing\.conf/));

  test('--rule with an unknown rule id (any id is accepted while the registry is empty)', () => {
    const args = ['--rule', 'nginx/no-such-rule=off', 'nginx.conf'];
    if (ruleRegistry().length === 0) {
      assert.equal(cli(args, { cwd: dir }).code, 0);
    } else {
      run(args, /nginx\/no-such-rule/);
    }
  });

  test('a known rule id with each severity is accepted', () => {
    const id = ruleRegistry()[0]?.id ?? 'nginx/cache-key-volatile-variable';
    for (const sev of ['off', 'hint', 'info', 'warning', 'error']) {
      const r = cli(['--rule', `${id}=${sev}`, '--extra-directive', 'more_set_headers', 'nginx.conf'], { cwd: dir });
      assert.equal(r.code, 0, `${sev}: ${r.stderr}`);
      assert.equal(r.stderr, '');
    }
  });
});

describe('mixed good and bad paths', () => {
  test('reports the good files, then exits 2 with one line naming the bad one', () => {
    const dir = tmpDir();
    writeTree(dir, { 'good.conf': CLEAN_CONF });
    const r = cli(['--format', 'json', 'good.conf', 'missing.conf'], { cwd: dir });
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.files.map((f: { path: string }) => f.path),
      ['good.conf'],
    );
    const lines = stderrLines(r);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^cachelint: .*missing\.conf/);
  });
});

describe('help and version', () => {
  test('--help prints usage on stdout and exits 0', () => {
    const r = cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: cachelint/);
    for (const opt of ['--format', '--fix', '--unsafe-fixes', '--max-warnings', '--rule', '--extra-directive', '--stdin-filename', 'explain']) {
      assert.ok(r.stdout.includes(opt), `help mentions ${opt}`);
    }
    assert.equal(r.stderr, '');
  });

  test('--version prints the package version', () => {
    const r = cli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${PACKAGE_VERSION}\n`);
  });
});

describe('explain', () => {
  const incident = path.join(__dirname, '../../examples/incident');

  test('a line outside any cache policy exits 2 with a clear message', () => {
    // `worker_processes auto;` is in the main context: no server, no location, no cache.
    const r = cli(['explain', 'nginx.conf:3'], { cwd: incident });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const lines = stderrLines(r);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^cachelint: no cache policy at nginx\.conf:3/);
  });

  test('a line in a caching location prints its policy card', () => {
    const r = cli(['explain', 'conf.d/shop.conf:10'], { cwd: incident });
    assert.equal(r.code, 0, r.stderr);
    // The card names the zone the location caches in.
    assert.match(r.stdout, /shop/);
    assert.equal(r.stderr, '');
  });
});

describe('--threshold tunes a rule', () => {
  const dir = tmpDir();
  const conf = [
    'http {',
    '    proxy_cache_path /var/cache/nginx/a keys_zone=a:10m inactive=1h;',
    '    server {',
    '        location / {',
    '            proxy_pass http://127.0.0.1:8081;',
    '            proxy_cache a;',
    '            proxy_cache_valid 200 1h;',
    '            proxy_cache_valid 500 30s;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
  writeTree(dir, { 'nginx.conf': conf });
  const ids = (args: string[]) => {
    const r = cli(['--format', 'json', ...args, 'nginx.conf'], { cwd: dir });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return JSON.parse(r.stdout).files.flatMap((f: { findings: { ruleId: string }[] }) => f.findings.map((x) => x.ruleId));
  };
  test('errors cached 30 s are reported by default and not with errorTtlSeconds=60', () => {
    assert.ok(ids([]).includes('nginx/cache-errors-long-ttl'));
    assert.ok(!ids(['--threshold', 'errorTtlSeconds=60']).includes('nginx/cache-errors-long-ttl'));
  });
});

describe('--varnish-param sets what varnishd accepts', () => {
  const dir = tmpDir();
  writeTree(dir, { 'default.vcl': 'vcl 4.1;\nbackend app { .host = "127.0.0.1"; }\nsub vcl_recv {\n    C{ VRT_log(ctx, "x"); }C\n}\n' });
  const ids = (args: string[]): string[] => {
    const r = cli(['--format', 'json', ...args, 'default.vcl'], { cwd: dir });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return JSON.parse(r.stdout).files.flatMap((f: { findings: { ruleId: string }[] }) => f.findings.map((x) => x.ruleId));
  };
  test('--only keeps one rule', () => {
    assert.ok(ids([]).some((id: string) => id !== 'vcl/syntax'));
    assert.deepEqual([...new Set(ids(['--only', 'vcl/syntax']))], ['vcl/syntax']);
  });
  test('inline C is an error by default and accepted with vcc_allow_inline_c=on', () => {
    assert.ok(ids([]).includes('vcl/syntax'));
    assert.ok(!ids(['--varnish-param', 'vcc_allow_inline_c=on']).includes('vcl/syntax'));
  });
});
