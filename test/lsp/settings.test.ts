// The server's reading of the `cachelint` configuration section: every key, and bad values left at defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultServerSettings, parseSettings } from '../../server/src/lsp/settings';

test('the Varnish settings reach the analyzer: version, vcl_path and the VCC parameters', () => {
  const s = parseSettings({ varnish: { version: '6.0', vclPath: ['/etc/varnish'], allowInlineC: true, errUnref: false } });
  assert.equal(s.analyzer.varnishVersion, '6.0');
  assert.deepEqual(s.analyzer.vclPath, ['/etc/varnish']);
  assert.deepEqual(s.analyzer.vcc, { allowInlineC: true, errUnref: false });
});

test('values of the wrong type keep the defaults', () => {
  const s = parseSettings({ varnish: { version: '5.0', allowInlineC: 'yes', errUnref: 0 }, thresholds: { shortTtlSeconds: -1 } });
  const d = defaultServerSettings();
  assert.equal(s.analyzer.varnishVersion, d.analyzer.varnishVersion);
  assert.deepEqual(s.analyzer.vcc, d.analyzer.vcc);
  assert.deepEqual(s.analyzer.thresholds, d.analyzer.thresholds);
});

test('maxProblemsPerFile: a count, 0 for no limit; negative or non-numbers keep the default', () => {
  assert.equal(defaultServerSettings().maxProblemsPerFile, 1000);
  assert.equal(parseSettings({ maxProblemsPerFile: 250.7 }).maxProblemsPerFile, 250);
  assert.equal(parseSettings({ maxProblemsPerFile: 0 }).maxProblemsPerFile, 0);
  assert.equal(parseSettings({ maxProblemsPerFile: -5 }).maxProblemsPerFile, 1000);
  assert.equal(parseSettings({ maxProblemsPerFile: '10' }).maxProblemsPerFile, 1000);
});
