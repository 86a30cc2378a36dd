// Bad input: unreadable, missing and odd paths, options without their value, conflicting flags. Each
// exits 2 with exactly one `cachelint:` line on stderr; good inputs next to bad ones are still reported.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CLEAN_CONF, cleanup, FIXABLE_LINES, cli, enforcingUser, stderrLines, tmpDir, writeTree, type CliRun } from './helpers';

after(cleanup);

/** A config with an error-level finding and a safe fix: exit 1 on its own. */
const FIXABLE_CONF = FIXABLE_LINES.join('\n');

/** Exit 2, nothing on stdout, exactly one `cachelint:` line on stderr that matches `mentions`. */
function assertOneLineFailure(r: CliRun, mentions: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit code (stderr ${JSON.stringify(r.stderr)})`);
  assert.equal(r.stdout, '', `${what}: stdout`);
  const lines = stderrLines(r);
  assert.equal(lines.length, 1, `${what}: one stderr line, got ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], /^cachelint: \S/);
  assert.match(lines[0], mentions);
}

/** Paths the JSON report lists. */
function reported(r: CliRun): string[] {
  return JSON.parse(r.stdout).files.map((f: { path: string }) => f.path);
}

describe('options missing their value and conflicting flags', () => {
  const dir = tmpDir();
  writeTree(dir, { 'nginx.conf': CLEAN_CONF });
  const fails = (args: string[], mentions: RegExp, input?: string) => assertOneLineFailure(cli(args, { cwd: dir, input }), mentions, args.join(' '));

  test('an option whose value is the next option is missing its value', () => {
    // Taking `--fix` as the stdin file name used to analyse stdin silently and exit 0.
    fails(['--stdin-filename', '--fix', '-'], /option --stdin-filename needs a value/, CLEAN_CONF);
    fails(['--format', '--fix', 'nginx.conf'], /option --format needs a value/);
    fails(['--only', '--fix', 'nginx.conf'], /option --only needs a value/);
    fails(['--vcl-path', '--stdin'], /option --vcl-path needs a value/, CLEAN_CONF);
  });

  test('an option at the very end is missing its value', () => {
    for (const opt of ['--rule', '--only', '--threshold', '--varnish-version', '--varnish-param', '--vcl-path', '--extra-directive', '--max-warnings', '--stdin-filename']) {
      fails(['nginx.conf', opt], new RegExp(`option ${opt} needs a value`));
    }
  });

  test('a value given with = is taken as is, even when it looks like an option', () => {
    const r = cli(['--format', 'json', '--stdin', '--stdin-filename=--odd.conf'], { cwd: dir, input: CLEAN_CONF });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(reported(r), ['--odd.conf']);
    // A negative number is a value, not an option.
    assert.equal(cli(['--max-warnings', '-1', 'nginx.conf'], { cwd: dir }).code, 0);
  });

  test('unknown options, long and short', () => {
    fails(['-x', 'nginx.conf'], /unknown option '-x'/);
    fails(['--fixx', 'nginx.conf'], /unknown option '--fixx'/);
    fails(['--fix=yes', 'nginx.conf'], /--fix takes no value/);
  });

  test('stdin together with file arguments', () => {
    fails(['--stdin', 'nginx.conf'], /stdin cannot be combined with other inputs/, CLEAN_CONF);
    fails(['-', 'nginx.conf'], /stdin cannot be combined with other inputs/, CLEAN_CONF);
    fails(['nginx.conf', '-'], /stdin cannot be combined with other inputs/, CLEAN_CONF);
  });

  test('--unsafe-fixes without --fix, and --fix with stdin', () => {
    fails(['--unsafe-fixes', 'nginx.conf'], /--unsafe-fixes needs --fix/);
    fails(['--unsafe-fixes', '--stdin'], /--unsafe-fixes needs --fix/, CLEAN_CONF);
    fails(['--fix', '--unsafe-fixes', '-'], /--fix cannot write to stdin/, CLEAN_CONF);
  });

  test('nothing was written when the command line was refused', () => {
    const d = tmpDir();
    writeTree(d, { 'nginx.conf': FIXABLE_CONF });
    const before = fs.readFileSync(path.join(d, 'nginx.conf'));
    assertOneLineFailure(cli(['--fix', 'nginx.conf', '--format'], { cwd: d }), /--format needs a value/, '--fix then a bad option');
    assert.deepEqual(fs.readFileSync(path.join(d, 'nginx.conf')), before);
  });
});

describe('paths that are not readable config files', () => {
  const dir = tmpDir();
  writeTree(dir, { 'good.conf': CLEAN_CONF, 'empty/readme.txt': 'no configs here\n', 'dir.conf/readme.txt': 'a directory named like a config\n' });
  fs.symlinkSync(path.join(dir, 'nowhere.conf'), path.join(dir, 'dangling.conf'));
  const hasMkfifo = spawnSync('mkfifo', [path.join(dir, 'pipe.conf')]).status === 0;

  test('a missing file, a dangling symlink, an empty directory, a directory named like a config', () => {
    for (const [arg, mentions] of [
      ['missing.conf', /no such file or directory: missing\.conf/],
      ['dangling.conf', /dangling\.conf/],
      ['empty', /no config files .* in directory empty/],
      ['dir.conf', /no config files .* in directory dir\.conf/],
    ] as const) {
      assertOneLineFailure(cli([arg], { cwd: dir }), mentions, arg);
    }
  });

  test('a named pipe is refused without reading from it', { skip: hasMkfifo ? false : 'mkfifo is not available' }, () => {
    // Reading the pipe would block forever: the run must end by itself, well within the helper's timeout.
    assertOneLineFailure(cli(['pipe.conf'], { cwd: dir }), /not a regular file: pipe\.conf/, 'pipe.conf');
  });

  test('good files are reported next to every kind of bad path, which all go on one stderr line', () => {
    const args = ['--format', 'json', 'good.conf', 'missing.conf', 'empty', 'dangling.conf', ...(hasMkfifo ? ['pipe.conf'] : [])];
    const r = cli(args, { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(reported(r), ['good.conf']);
    const lines = stderrLines(r);
    assert.equal(lines.length, 1, JSON.stringify(r.stderr));
    for (const name of ['missing.conf', 'empty', 'dangling.conf', ...(hasMkfifo ? ['pipe.conf'] : [])]) assert.ok(lines[0].includes(name), `${name} in ${lines[0]}`);
  });

  test('an input failure wins over findings: exit 2, not 1, and the findings are still shown', () => {
    const d = tmpDir();
    writeTree(d, { 'bad.conf': FIXABLE_CONF });
    assert.equal(cli(['bad.conf'], { cwd: d }).code, 1);
    const r = cli(['--format', 'json', 'bad.conf', 'missing.conf'], { cwd: d });
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.files[0].findings.some((f: { ruleId: string }) => f.ruleId === 'nginx/cache-key-volatile-variable'));
  });
});

describe('files and directories the user may not read', () => {
  const dir = tmpDir();
  writeTree(dir, { 'good.conf': CLEAN_CONF, 'secret.conf': CLEAN_CONF, 'locked/inner.conf': CLEAN_CONF, 'tree/ok.conf': CLEAN_CONF, 'tree/sub/hidden.conf': CLEAN_CONF, 'fixme.conf': FIXABLE_CONF });
  const user = enforcingUser(dir);
  // The readable files, and the directory (for --fix's temporary file), are open to the user the CLI runs as.
  for (const f of ['good.conf', 'fixme.conf', 'tree/ok.conf']) fs.chmodSync(path.join(dir, f), 0o666);
  fs.chmodSync(dir, 0o777);
  fs.chmodSync(path.join(dir, 'secret.conf'), 0o000);
  fs.chmodSync(path.join(dir, 'locked'), 0o000);
  fs.chmodSync(path.join(dir, 'tree/sub'), 0o000);
  after(() => {
    for (const d of ['locked', 'tree/sub']) fs.chmodSync(path.join(dir, d), 0o755);
  });
  const run = (args: string[]) => cli(args, { cwd: dir, ...user.opts });

  test('an unreadable file: exit 2, one line with the reason', { skip: user.skip ?? false }, () => {
    assertOneLineFailure(run(['secret.conf']), /cannot read secret\.conf \(permission denied\)/, 'secret.conf');
  });

  test('an unreadable directory is reported as unreadable, not as empty', { skip: user.skip ?? false }, () => {
    // It used to say "no config files in directory locked".
    assertOneLineFailure(run(['locked']), /cannot read directory locked \(permission denied\)/, 'locked');
  });

  test('an unreadable subdirectory: the readable configs are reported, the run says what it could not read', { skip: user.skip ?? false }, () => {
    const r = run(['--format', 'json', 'tree']);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(reported(r), ['tree/ok.conf']);
    const lines = stderrLines(r);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^cachelint: cannot read directory tree\/sub \(permission denied\)$/);
  });

  test('mixed readable and unreadable inputs with --fix: the readable one is fixed and reported', { skip: user.skip ?? false }, () => {
    const before = fs.readFileSync(path.join(dir, 'fixme.conf'), 'utf8');
    const r = run(['--fix', '--format', 'json', 'good.conf', 'secret.conf', 'fixme.conf']);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(reported(r), ['good.conf', 'fixme.conf']);
    const lines = stderrLines(r);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^cachelint: cannot read secret\.conf \(permission denied\)$/);
    assert.notEqual(fs.readFileSync(path.join(dir, 'fixme.conf'), 'utf8'), before, 'the readable file was fixed');
  });
});
