// The VMOD signatures table (server/src/analyzer/vcl/data/vmods.ts) is what the installed Varnish's VMODs say:
// regenerated from the libvmod_*.so JSON specs and compared. Skipped without Varnish 7.1, except in CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUNDLED, TARGET, VMOD_DIR, installedVersion, render } from './generate-vmods';
import { VMODS, VMODS_VERSION } from '../../../server/src/analyzer/vcl/data/vmods';

const installed = fs.existsSync(path.join(VMOD_DIR, 'libvmod_std.so'));
const skip = installed || process.env.CI === 'true' ? false : `no Varnish VMODs in ${VMOD_DIR}`;

test('vmods.ts is generated from the installed Varnish 7.1 VMODs', { skip }, () => {
  const version = installedVersion();
  assert.match(version, /^Varnish 7\.1\./, 'the table describes Varnish 7.1');
  assert.equal(fs.readFileSync(TARGET, 'utf8'), render(version), 'run: node --import tsx test/unit/vcl-data/generate-vmods.ts --write');
});

test('the table holds every bundled VMOD with typed signatures', () => {
  assert.match(VMODS_VERSION, /^Varnish 7\.1\./);
  assert.deepEqual(Object.keys(VMODS), [...BUNDLED]);
  const collect = VMODS.std.functions.collect;
  assert.equal(collect.returns, 'VOID');
  assert.deepEqual(collect.params.map((p) => p.type), ['HEADER', 'STRING']);
  const shard = VMODS.directors.objects.shard.methods.backend;
  assert.deepEqual(shard.params.find((p) => p.name === 'by')?.enums, ['HASH', 'URL', 'KEY', 'BLOB']);
  assert.deepEqual(VMODS.cookie.functions.format_rfc1123, VMODS.cookie.functions.format_date);
});
