// VCL fixes never break a VCL Varnish accepts: every VCL rule's fixtures compile with the real
// `varnishd -C` before and after all fixes (all rules on, safe and unsafe, in passes until nothing
// changes), and the fixes converge.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectFixEdits, fixUntilStable } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { RULES } from '../../server/src/analyzer/rules';
import { createNodeFileProvider } from '../../server/src/node/fileProvider';

const FIXTURES = path.join(__dirname, '..', 'rules', 'fixtures');
const VARNISHD = ['/usr/sbin/varnishd', '/usr/local/sbin/varnishd'].find((p) => fs.existsSync(p));
const CI = process.env.CI === 'true' || process.env.CI === '1';
/** Rules whose report fixture Varnish rejects by design: the compiler-grade VCL rules (the syntax category). */
const COMPILER = new Set(RULES.filter((r) => r.dialect === 'vcl' && r.meta.category === 'syntax').map((r) => r.id));
const skip = VARNISHD || CI ? false : 'varnishd is not installed (apt-get install varnish)';

/** `varnishd -C` on `file` in a private working directory; `overrides` replace files (absolute paths) first. */
function compiles(dir: string, name: string, overrides: Map<string, string>): { ok: boolean; output: string } {
  assert.ok(VARNISHD, 'varnishd is not installed (apt-get install varnish)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-vcl-'));
  try {
    const copy = path.join(work, 'vcl');
    fs.cpSync(dir, copy, { recursive: true });
    for (const [p, text] of overrides) fs.writeFileSync(path.join(copy, path.relative(dir, p)), text);
    const state = path.join(work, 'state');
    fs.mkdirSync(state);
    // varnishd drops privileges for the compiler: its working directory must be writable by that user.
    fs.chmodSync(work, 0o777);
    fs.chmodSync(state, 0o777);
    const r = spawnSync(VARNISHD, ['-C', '-n', state, '-p', `vcl_path=${copy}`, '-f', path.join(copy, name)], { encoding: 'utf8', timeout: 60_000 });
    const output = (r.stderr ?? '').split('\n').filter((l) => !/^Could not delete|^\s*$/.test(l)).slice(0, 8).join('\n');
    return { ok: r.status === 0, output };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

describe('VCL fixes keep Varnish accepting the VCL', { skip }, () => {
  for (const rule of RULES.filter((r) => r.dialect === 'vcl')) {
    const dir = path.join(FIXTURES, rule.id);
    const entries = COMPILER.has(rule.id) ? ['clean.vcl'] : ['report.vcl', 'clean.vcl'];
    test(`${rule.id}: ${entries.join(' and ')} compile before and after every fix`, () => {
      for (const name of entries) {
        const entry = path.join(dir, name);
        const before = compiles(dir, name, new Map());
        assert.ok(before.ok, `varnishd -C rejects ${rule.id}/${name}:\n${before.output}`);
        const provider = createNodeFileProvider();
        const { texts, result } = fixUntilStable([entry], { provider, settings: defaultSettings() }, { unsafe: true });
        assert.equal(collectFixEdits(result.findings, { unsafe: true }).size, 0, `${rule.id}/${name}: the fixes do not converge`);
        if (texts.size === 0) continue;
        const after = compiles(dir, name, texts);
        assert.ok(after.ok, `varnishd -C rejects ${rule.id}/${name} after the fixes:\n${after.output}\n--- fixed ---\n${texts.get(entry) ?? '(unchanged)'}`);
      }
    });
  }
});
