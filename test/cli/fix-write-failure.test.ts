// `--fix` when a file cannot be written: the original stays byte for byte, no temporary file is left
// behind, the run exits 2 with one clear line on stderr, and files that can be written still are.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanup, cli, enforcingUser, FIXABLE_LINES, stderrLines, tmpDir, type CliRun } from './helpers';

after(cleanup);

/** CRLF, a latin1 byte and a safe fix (`$request_id` leaves the cache key). */
const ORIGINAL = Buffer.from(['# caf\xe9', ...FIXABLE_LINES].join('\r\n'), 'latin1');

function assertWriteFailure(r: CliRun, name: string, reason: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr ${JSON.stringify(r.stderr)})`);
  const lines = stderrLines(r);
  assert.equal(lines.length, 1, `one stderr line, got ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], new RegExp(`^cachelint: cannot write ${name.replace(/\./g, '\\.')} \\(${reason.source}\\); the file is unchanged$`));
}

describe('--fix never truncates or half-writes a file', () => {
  test('the fix applies when the file can be written (the failures below are real failures)', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'nginx.conf'), ORIGINAL);
    const r = cli(['--fix', 'nginx.conf'], { cwd: dir });
    assert.notEqual(r.code, 2, r.stderr);
    assert.notDeepEqual(fs.readFileSync(path.join(dir, 'nginx.conf')), ORIGINAL);
  });

  test('a write that fails with "file too large" (holds for root too)', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, ORIGINAL);
    const r = cli(['--fix', 'nginx.conf'], { cwd: dir, noFileSize: true });
    assertWriteFailure(r, 'nginx.conf', /file too large/);
    assert.deepEqual(fs.readFileSync(file), ORIGINAL, 'the original is intact');
    assert.deepEqual(fs.readdirSync(dir), ['nginx.conf'], 'no temporary file left behind');
    // The report is still printed: the findings of the unchanged file.
    assert.match(r.stdout, /cache-key-volatile-variable/);
  });

  test('machine-readable output stays valid JSON when the write fails', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'nginx.conf'), ORIGINAL);
    const r = cli(['--fix', '--format', 'json', 'nginx.conf'], { cwd: dir, noFileSize: true });
    assertWriteFailure(r, 'nginx.conf', /file too large/);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.files[0].findings.some((f: { ruleId: string }) => f.ruleId === 'nginx/cache-key-volatile-variable'), 'the unfixed finding is reported');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'nginx.conf')), ORIGINAL);
  });

  describe('a read-only directory', () => {
    const dir = tmpDir();
    const ro = path.join(dir, 'ro');
    const rw = path.join(dir, 'rw');
    fs.mkdirSync(ro);
    fs.mkdirSync(rw);
    const user = enforcingUser(dir);
    for (const d of [ro, rw]) {
      fs.writeFileSync(path.join(d, 'nginx.conf'), ORIGINAL);
      fs.chmodSync(path.join(d, 'nginx.conf'), 0o666);
    }
    fs.chmodSync(rw, 0o777);
    fs.chmodSync(ro, 0o555);
    after(() => fs.chmodSync(ro, 0o755));

    test('the file in it is intact, no temporary file, exit 2 with one line', { skip: user.skip ?? false }, () => {
      const r = cli(['--fix', 'ro/nginx.conf'], { cwd: dir, ...user.opts });
      assertWriteFailure(r, 'ro/nginx.conf', /permission denied/);
      assert.deepEqual(fs.readFileSync(path.join(ro, 'nginx.conf')), ORIGINAL);
      assert.deepEqual(fs.readdirSync(ro), ['nginx.conf']);
    });

    test('another file that can be written is still fixed', { skip: user.skip ?? false }, () => {
      const r = cli(['--fix', 'ro/nginx.conf', 'rw/nginx.conf'], { cwd: dir, ...user.opts });
      assertWriteFailure(r, 'ro/nginx.conf', /permission denied/);
      assert.deepEqual(fs.readFileSync(path.join(ro, 'nginx.conf')), ORIGINAL);
      const fixed = fs.readFileSync(path.join(rw, 'nginx.conf'));
      assert.notDeepEqual(fixed, ORIGINAL, 'the writable file was fixed');
      assert.ok(!fixed.toString('latin1').includes('$request_id'));
      assert.ok(!/(^|[^\r])\n/.test(fixed.toString('latin1')), 'still CRLF');
      assert.deepEqual(fs.readdirSync(rw), ['nginx.conf']);
    });
  });
});
