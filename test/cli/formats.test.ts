// `--format text|sarif|github`: layout, structure and escaping.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { escapeData, escapeProperty } from '../../server/src/cli/format/github';
import { CLEAN_CONF, PACKAGE_VERSION, ROOT, cleanup, cli, lineOf, tmpDir, writeTree } from './helpers';

after(cleanup);

const INCIDENT = path.join(__dirname, '../../examples/incident');
const SHOP = path.join(INCIDENT, 'conf.d/shop.conf');

describe('text', () => {
  test('a clean run prints only the summary', () => {
    const dir = tmpDir();
    writeTree(dir, { 'a.conf': CLEAN_CONF, 'b.conf': CLEAN_CONF });
    const one = cli(['a.conf'], { cwd: dir });
    assert.equal(one.code, 0);
    assert.equal(one.stdout, 'No problems in 1 file.\n');
    assert.equal(cli(['a.conf', 'b.conf'], { cwd: dir }).stdout, 'No problems in 2 files.\n');
  });

  test('no colour when stdout is not a terminal', () => {
    const r = cli(['nginx.conf'], { cwd: INCIDENT, env: { NO_COLOR: undefined } });
    assert.ok(!r.stdout.includes('\x1b['), JSON.stringify(r.stdout));
  });

  test('findings are compiler-style aligned lines, then a blank line and the summary', () => {
    const r = cli(['nginx.conf'], { cwd: INCIDENT });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    const blank = lines.indexOf('');
    assert.ok(blank > 0, r.stdout);
    const rows = lines.slice(0, blank);
    const summary = lines.slice(blank + 1);
    const row = /^((\S+):(\d+):(\d+))( {2,})(error|warning|info|hint)( {2,})(\S.*)  \[((?:nginx|vcl)\/[a-z0-9-]+)\]$/;
    const severityColumns = new Set<number>();
    const messageColumns = new Set<number>();
    for (const line of rows) {
      const m = row.exec(line);
      assert.ok(m, `row: ${JSON.stringify(line)}`);
      severityColumns.add(m[1].length + m[5].length);
      messageColumns.add(m[1].length + m[5].length + m[6].length + m[7].length);
    }
    assert.equal(severityColumns.size, 1, 'severities start in one column');
    assert.equal(messageColumns.size, 1, 'messages start in one column');
    const key = rows.find((l) => l.endsWith('[nginx/cache-key-volatile-variable]'));
    assert.ok(key, r.stdout);
    assert.ok(key.startsWith(`conf.d/shop.conf:${lineOf(SHOP, 'proxy_cache_key')}:`), key);
    assert.match(key, /\s{2}error\s{2,}/);
    assert.equal(summary.length, 1, r.stdout);
    assert.match(summary[0], /^\d+ problems \(\d+ errors?, \d+ warnings(, \d+ infos?)?(, \d+ hints?)?\) in 2 files( — \d+ fixable with --fix)?/);
    assert.equal(Number(/^(\d+)/.exec(summary[0])![1]), rows.length);
  });
});

describe('sarif', () => {
  test('a clean run is a valid empty SARIF 2.1.0 log', () => {
    const dir = tmpDir();
    writeTree(dir, { 'a.conf': CLEAN_CONF });
    const r = cli(['--format', 'sarif', 'a.conf'], { cwd: dir });
    assert.equal(r.code, 0);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const driver = log.runs[0].tool.driver;
    assert.equal(driver.name, 'cachelint');
    assert.equal(driver.version, PACKAGE_VERSION);
    assert.match(driver.informationUri, /^https:\/\//);
    assert.ok(Array.isArray(driver.rules));
    for (const rule of driver.rules) {
      assert.match(rule.id, /^(nginx|vcl)\/[a-z0-9-]+$/);
      assert.equal(typeof rule.shortDescription.text, 'string');
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level), rule.id);
      const page = /^https:\/\/github\.com\/cachelint\/cachelint\/blob\/main\/(docs\/rules\/[a-z]+\/[a-z0-9-]+\.md)$/.exec(rule.helpUri);
      assert.ok(page, rule.helpUri);
      assert.ok(fs.existsSync(path.join(ROOT, page[1])), `${page[1]} exists`);
    }
    assert.deepEqual(log.runs[0].results, []);
  });

  test('results carry levels, relative URIs and 1-based regions', () => {
    const r = cli(['--format', 'sarif', 'nginx.conf'], { cwd: INCIDENT });
    assert.equal(r.code, 1, r.stderr);
    const run = JSON.parse(r.stdout).runs[0];
    const ruleIds = new Set(run.tool.driver.rules.map((x: { id: string }) => x.id));
    for (const res of run.results) {
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.equal(typeof res.message.text, 'string');
      assert.ok(ruleIds.has(res.ruleId), `${res.ruleId} is described in tool.driver.rules`);
      const loc = res.locations[0].physicalLocation;
      assert.ok(!loc.artifactLocation.uri.startsWith('/'), loc.artifactLocation.uri);
      for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(loc.region[k] >= 1, k);
      for (const fix of res.fixes ?? []) {
        for (const change of fix.artifactChanges) {
          assert.ok(change.artifactLocation.uri);
          for (const rep of change.replacements) {
            assert.ok(rep.deletedRegion.startLine >= 1);
            assert.equal(typeof rep.insertedContent.text, 'string');
          }
        }
      }
    }
    const key = run.results.find((x: { ruleId: string }) => x.ruleId === 'nginx/cache-key-volatile-variable');
    assert.ok(key, 'volatile key reported');
    assert.equal(key.level, 'error');
    assert.equal(key.locations[0].physicalLocation.artifactLocation.uri, 'conf.d/shop.conf');
    assert.equal(key.locations[0].physicalLocation.region.startLine, lineOf(SHOP, 'proxy_cache_key'));
    const ttl = run.results.find((x: { ruleId: string }) => x.ruleId === 'nginx/upstream-ttl-overrides-cache-valid');
    assert.equal(ttl?.level, 'warning');
  });
});

describe('github', () => {
  test('escaping follows the workflow command rules', () => {
    assert.equal(escapeData('50% done\r\nnext'), '50%25 done%0D%0Anext');
    assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  });

  test('a clean run prints nothing', () => {
    const dir = tmpDir();
    writeTree(dir, { 'a.conf': CLEAN_CONF });
    const r = cli(['--format', 'github', 'a.conf'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
  });

  test('one annotation per finding', () => {
    const r = cli(['--format', 'github', 'nginx.conf'], { cwd: INCIDENT });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    const cmd = /^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([^,:]+)::(.+)$/;
    for (const line of lines) assert.match(line, cmd);
    const key = lines.find((l) => l.includes('title=nginx/cache-key-volatile-variable::'));
    assert.ok(key, r.stdout);
    assert.ok(key.startsWith(`::error file=conf.d/shop.conf,line=${lineOf(SHOP, 'proxy_cache_key')},`), key);
    const ttl = lines.find((l) => l.includes('title=nginx/upstream-ttl-overrides-cache-valid::'));
    assert.ok(ttl?.startsWith('::warning file=conf.d/shop.conf,'), ttl);
    const inactive = lines.find((l) => l.includes('title=nginx/inactive-shorter-than-ttl::'));
    assert.ok(inactive?.startsWith(`::warning file=nginx.conf,line=${lineOf(path.join(INCIDENT, 'nginx.conf'), 'inactive=30s')},`), inactive);
  });
});
