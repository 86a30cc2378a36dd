// The Node FileProvider: byte-exact reads, atomic writes, include-mask expansion, overlays.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  createNodeFileProvider,
  createOverlayProvider,
  globIncludeMask,
  readTextFile,
  writeTextFileAtomic,
} from '../../server/src/node/fileProvider';
import { cleanup, tmpDir, writeTree } from './helpers';

after(cleanup);

describe('readTextFile', () => {
  test('UTF-8 with a BOM round-trips, the BOM kept in the text', () => {
    const dir = tmpDir();
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# caf\u00e9 \u{1F600}\r\nevents {}\n', 'utf8')]);
    const p = path.join(dir, 'a.conf');
    fs.writeFileSync(p, bytes);
    const f = readTextFile(p)!;
    assert.equal(f.encoding, 'utf8');
    assert.equal(f.text.charCodeAt(0), 0xfeff);
    assert.deepEqual(Buffer.from(f.text, f.encoding), bytes);
  });

  test('bytes that are not UTF-8 are read as latin1 and round-trip', () => {
    const dir = tmpDir();
    const bytes = Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x80, 0xff, 0xc3, 0x0a]);
    const p = path.join(dir, 'b.conf');
    fs.writeFileSync(p, bytes);
    const f = readTextFile(p)!;
    assert.equal(f.encoding, 'latin1');
    assert.equal(f.text.length, bytes.length);
    assert.equal(f.text[5], '\u00e9');
    assert.deepEqual(Buffer.from(f.text, f.encoding), bytes);
  });

  test('missing files and directories are undefined', () => {
    const dir = tmpDir();
    assert.equal(readTextFile(path.join(dir, 'nope.conf')), undefined);
    assert.equal(readTextFile(dir), undefined);
    assert.equal(createNodeFileProvider().readFile(dir), undefined);
  });
});

describe('writeTextFileAtomic', () => {
  test('replaces the content, keeps the mode, leaves no temporary file', () => {
    const dir = tmpDir();
    const p = path.join(dir, 'x.conf');
    fs.writeFileSync(p, 'old\n');
    fs.chmodSync(p, 0o600);
    writeTextFileAtomic(p, 'caf\u00e9\r\n', 'latin1');
    assert.deepEqual(fs.readFileSync(p), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]));
    assert.equal(fs.statSync(p).mode & 0o777, 0o600);
    writeTextFileAtomic(p, 'caf\u00e9\n', 'utf8');
    assert.deepEqual(fs.readFileSync(p), Buffer.from('caf\u00e9\n', 'utf8'));
    assert.deepEqual(fs.readdirSync(dir), ['x.conf']);
  });

  test('writes through a symlink to its target', () => {
    const dir = tmpDir();
    writeTree(dir, { 'sites-available/shop': 'old\n' });
    fs.mkdirSync(path.join(dir, 'sites-enabled'));
    const link = path.join(dir, 'sites-enabled/shop');
    fs.symlinkSync('../sites-available/shop', link);
    writeTextFileAtomic(link, 'new\n', 'utf8');
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(dir, 'sites-available/shop'), 'utf8'), 'new\n');
  });

  test('on error the original is untouched', () => {
    const dir = tmpDir();
    const p = path.join(dir, 'y.conf');
    fs.writeFileSync(p, Buffer.from([0x41, 0xe9, 0x0a]));
    assert.throws(() => writeTextFileAtomic(p, 'A\u20ac\n', 'latin1'), /latin1/);
    assert.deepEqual(fs.readFileSync(p), Buffer.from([0x41, 0xe9, 0x0a]));
    assert.throws(() => writeTextFileAtomic(path.join(dir, 'no/such/dir/z.conf'), 'x', 'utf8'));
    assert.deepEqual(fs.readdirSync(dir), ['y.conf']);
  });
});

describe('globIncludeMask', () => {
  const dir = tmpDir();
  writeTree(dir, {
    'conf.d/a.conf': '',
    'conf.d/b.conf': '',
    'conf.d/c.txt': '',
    'conf.d/.hidden.conf': '',
    'conf.d/sub.conf/inner': '',
    'sites/x1/site.conf': '',
    'sites/x2/site.conf': '',
    'sites/y1/site.conf': '',
    'sites/.old/site.conf': '',
  });

  test('* ? and [...] in any segment, sorted absolute regular files, dot-names need a literal dot', () => {
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d/*.conf')), [path.join(dir, 'conf.d/a.conf'), path.join(dir, 'conf.d/b.conf')]);
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d/?.conf')), [path.join(dir, 'conf.d/a.conf'), path.join(dir, 'conf.d/b.conf')]);
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d/[b-z].*')), [path.join(dir, 'conf.d/b.conf'), path.join(dir, 'conf.d/c.txt')]);
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d/.*.conf')), [path.join(dir, 'conf.d/.hidden.conf')]);
    assert.deepEqual(globIncludeMask(path.join(dir, 'sites/x*/site.conf')), [path.join(dir, 'sites/x1/site.conf'), path.join(dir, 'sites/x2/site.conf')]);
    assert.deepEqual(globIncludeMask(path.join(dir, 'sites/*/site.conf')), ['x1', 'x2', 'y1'].map((d) => path.join(dir, 'sites', d, 'site.conf')));
  });

  test('a plain path matches itself only when it is a regular file', () => {
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d/a.conf')), [path.join(dir, 'conf.d/a.conf')]);
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d')), []);
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d/missing.conf')), []);
  });

  test('no ** and no braces: they are not special segments', () => {
    assert.deepEqual(globIncludeMask(path.join(dir, '**/site.conf')), []);
    assert.deepEqual(globIncludeMask(path.join(dir, 'conf.d/{a,b}.conf')), []);
  });

  test('never throws on odd masks', () => {
    for (const m of ['', '/', '[', path.join(dir, '[z-a]'), path.join(dir, 'conf.d/[.conf'), '\0/x', path.join(dir, '*\\')]) {
      assert.ok(Array.isArray(globIncludeMask(m)), m);
    }
  });
});

describe('createOverlayProvider', () => {
  test('open buffers win over the disk and join the masks they match', () => {
    const dir = tmpDir();
    writeTree(dir, { 'conf.d/a.conf': 'disk a' });
    const overlays = new Map<string, string>([[path.join(dir, 'conf.d/a.conf'), 'buffer a']]);
    const p = createOverlayProvider(createNodeFileProvider(), overlays);
    assert.equal(p.readFile(path.join(dir, 'conf.d/a.conf')), 'buffer a');
    overlays.set(path.join(dir, 'conf.d/new.conf'), 'unsaved');
    assert.equal(p.readFile(path.join(dir, 'conf.d/new.conf')), 'unsaved');
    assert.deepEqual(p.glob(path.join(dir, 'conf.d/*.conf')), [path.join(dir, 'conf.d/a.conf'), path.join(dir, 'conf.d/new.conf')]);
    assert.deepEqual(p.glob(path.join(dir, 'other/*.conf')), []);
    assert.equal(p.readFile(path.join(dir, 'conf.d/missing.conf')), undefined);
  });
});
