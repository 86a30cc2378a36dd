// The `*_cache_path` parser and nginx's value parsers (each case checked against `nginx -t` 1.22.1),
// and the zone rules on fragments, which the fixtures (full configs) cannot show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginx } from '../../server/src/analyzer/nginx/parser';
import { isKnownDirective } from '../../server/src/analyzer/nginx/directives';
import type { Directive } from '../../server/src/analyzer/nginx/tree';
import {
  editDistance,
  nearestCandidate,
  ngxAtoi,
  ngxParseOffset,
  ngxParseSize,
  ngxParseTime,
  parseCachePath,
} from '../../server/src/analyzer/nginx/cachePath';
import { analyzeEntries } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { RULES } from '../../server/src/analyzer/rules';
import type { FileProvider } from '../../server/src/analyzer/types';

function directive(text: string): Directive {
  const n = parseNginx(text, { isKnownDirective }).children[0];
  assert.equal(n.type, 'directive');
  return n as Directive;
}

const kinds = (text: string) => parseCachePath(directive(text))!.problems.map((p) => p.kind);

test('ngxParseTime: units largest first, ms only for timeouts, M and y only for seconds', () => {
  assert.equal(ngxParseTime('1h30m', true), 5400);
  assert.equal(ngxParseTime('1m30', true), 90);
  assert.equal(ngxParseTime('1h 30m', true), 5400);
  assert.equal(ngxParseTime('1hm', true), 3600);
  assert.equal(ngxParseTime('1y', true), 31536000);
  assert.equal(ngxParseTime('1s500ms', false), 1500);
  assert.equal(ngxParseTime('0', false), 0);
  for (const bad of ['10q', '1h30x', '30m1h', '1m1m', '', 'h', '500msx']) assert.equal(ngxParseTime(bad, false), undefined, bad);
  assert.equal(ngxParseTime('500ms', true), undefined);
  assert.equal(ngxParseTime('1M', false), undefined);
  assert.equal(ngxParseTime('1y', false), undefined);
  assert.equal(ngxParseTime('1w', false), 604800000);
});

test('ngxParseSize has no g; ngxParseOffset has; ngxAtoi is digits only', () => {
  assert.equal(ngxParseSize('4K'), 4096);
  assert.equal(ngxParseSize('10m'), 10485760);
  assert.equal(ngxParseSize('1g'), undefined);
  assert.equal(ngxParseSize('10x'), undefined);
  assert.equal(ngxParseSize(''), undefined);
  assert.equal(ngxParseOffset('1G'), 1073741824);
  assert.equal(ngxAtoi('0200'), 200);
  assert.equal(ngxAtoi('-1'), undefined);
});

test('parseCachePath: parameters, defaults and ranges', () => {
  const text = 'proxy_cache_path /var/cache/nginx/a levels=1:2 keys_zone=shop:10m inactive=1h max_size=1g use_temp_path=off;';
  const cp = parseCachePath(directive(text))!;
  assert.equal(cp.family, 'proxy');
  assert.deepEqual(cp.levels, [1, 2]);
  assert.equal(cp.keysZone?.name, 'shop');
  assert.equal(cp.keysZone?.size, 10485760);
  assert.equal(text.slice(cp.keysZone!.nameRange.start, cp.keysZone!.nameRange.end), 'shop');
  assert.equal(text.slice(cp.keysZone!.sizeRange!.start, cp.keysZone!.sizeRange!.end), '10m');
  assert.equal(cp.inactive, 3600);
  assert.equal(cp.maxSize, 1073741824);
  assert.equal(cp.useTempPath, false);
  assert.deepEqual(cp.problems, []);
  const q = parseCachePath(directive('fastcgi_cache_path /x "keys_zone=php:1m";'))!;
  assert.equal(q.keysZone?.name, 'php');
  assert.equal(q.inactive, 600);
});

test('parseCachePath: what nginx -t rejects', () => {
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m levels=3:2;'), ['invalid-levels']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m levels=1:2:2:2;'), ['invalid-levels']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m levels=1:;'), ['invalid-levels']);
  // nginx adds up the lengths of repeated levels= parameters
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m levels=2:2:2 levels=2:2;'), ['invalid-levels']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m levels=;'), []);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:4k;'), ['keys-zone-too-small']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:8k;'), ['keys-zone-no-memory']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:12k;'), []);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1g;'), ['keys-zone-invalid-size']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z;'), ['keys-zone-no-size']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=:1m;'), ['missing-keys-zone']);
  assert.deepEqual(kinds('proxy_cache_path /a levels=1:2;'), ['missing-keys-zone']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m inactive=500ms;'), ['invalid-time']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m loader_sleep=1M;'), ['invalid-time']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m manager_files=-1;'), ['invalid-number']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m use_temp_path=ON;'), ['invalid-use-temp-path']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m Levels=1:2;'), ['unknown-parameter']);
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:1m purger=on;'), ['plus-parameter']);
  // templates and variables are never judged
  assert.deepEqual(kinds('proxy_cache_path /a keys_zone=z:{{ size }};'), []);
  assert.deepEqual(kinds('proxy_cache_path /a {{ params }};'), []);
});

test('parseCachePath: path key as nginx compares directories', () => {
  const key = (t: string) => parseCachePath(directive(t))!.pathKey;
  assert.equal(key('proxy_cache_path /a/ keys_zone=z:1m;'), '/a/');
  assert.notEqual(key('proxy_cache_path /a keys_zone=z:1m;'), key('proxy_cache_path /a/ keys_zone=z:1m;'));
  assert.equal(key('proxy_cache_path cache/a keys_zone=z:1m;'), key('proxy_cache_path cache/a/ keys_zone=z:1m;'));
});

test('nearestCandidate: one close candidate or none', () => {
  assert.equal(editDistance('updatng', 'updating'), 1);
  assert.equal(editDistance('HEDA', 'HEAD'), 1);
  assert.equal(nearestCandidate('updatng', ['updating', 'timeout']), 'updating');
  assert.equal(nearestCandidate('PUT', ['GET', 'HEAD', 'POST']), undefined);
  assert.equal(nearestCandidate('http_501', ['http_500', 'http_502']), undefined);
});

function memoryProvider(files: Record<string, string>): FileProvider {
  return {
    readFile: (p) => files[p],
    glob: (pattern) => {
      const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
      return Object.keys(files).filter((p) => re.test(p)).sort();
    },
  };
}

function run(id: string, files: Record<string, string>, entry: string) {
  const settings = defaultSettings();
  for (const r of RULES) settings.rules[r.id] = r.id === id ? r.meta.defaultSeverity : 'off';
  delete settings.rules[id];
  return analyzeEntries([entry], { provider: memoryProvider(files), settings }).findings;
}

test('zone-undefined: a fragment whose zones live in the main configuration is left alone', () => {
  const site = 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:8081; proxy_cache shop; }\n}\n';
  assert.deepEqual(run('nginx/zone-undefined', { '/etc/nginx/sites-enabled/shop.conf': site }, '/etc/nginx/sites-enabled/shop.conf'), []);
  // …but a request-controlled zone name is a risk wherever the zones are
  const arg = site.replace('proxy_cache shop', 'proxy_cache $arg_zone');
  const f = run('nginx/zone-undefined', { '/etc/nginx/sites-enabled/shop.conf': arg }, '/etc/nginx/sites-enabled/shop.conf');
  assert.deepEqual(f.map((x) => x.severity), ['warning']);
  // …and a variable set somewhere we cannot see makes no claim
  const parent = site.replace('proxy_cache shop', 'proxy_cache $zone_from_parent');
  assert.deepEqual(run('nginx/zone-undefined', { '/etc/nginx/sites-enabled/shop.conf': parent }, '/etc/nginx/sites-enabled/shop.conf'), []);
  // A fragment with zones of its own may still use one of the main configuration: only near misses and
  // names of another family are reported.
  const own = 'proxy_cache_path /var/cache/b keys_zone=blog:10m;\n' + site.replace('proxy_cache shop', 'proxy_cache main_zone; proxy_cache_valid 1m');
  assert.deepEqual(run('nginx/zone-undefined', { '/etc/nginx/sites-enabled/b.conf': own }, '/etc/nginx/sites-enabled/b.conf'), []);
  const typo = own.replace('proxy_cache main_zone', 'proxy_cache blgo');
  assert.equal(run('nginx/zone-undefined', { '/etc/nginx/sites-enabled/b.conf': typo }, '/etc/nginx/sites-enabled/b.conf').length, 1);
  const family = own.replace('proxy_cache main_zone', 'fastcgi_cache blog');
  assert.equal(run('nginx/zone-undefined', { '/etc/nginx/sites-enabled/b.conf': family }, '/etc/nginx/sites-enabled/b.conf').length, 1);
});

test('zone-undefined: a main configuration with an include that matched nothing at http level stays silent', () => {
  const main = 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n  server { location / { proxy_pass http://127.0.0.1:8081; proxy_cache shop; } }\n}\n';
  assert.deepEqual(run('nginx/zone-undefined', { '/srv/nginx.conf': main }, '/srv/nginx.conf'), []);
  const resolved = main.replace('/etc/nginx/conf.d/*.conf', '/srv/conf.d/*.conf');
  const f = run('nginx/zone-undefined', { '/srv/nginx.conf': resolved, '/srv/conf.d/a.conf': 'proxy_cache_path /var/cache/a keys_zone=shp:10m;\n' }, '/srv/nginx.conf');
  assert.equal(f.length, 1);
  assert.equal(f[0].fixes[0].edits[0].newText, 'shp');
});

test('duplicate-zone: two entries are two configurations', () => {
  const a = 'http { proxy_cache_path /var/cache/a keys_zone=shop:10m; }\n';
  const settings = defaultSettings();
  for (const r of RULES) if (r.id !== 'nginx/duplicate-zone') settings.rules[r.id] = 'off';
  const res = analyzeEntries(['/x/a.conf', '/y/b.conf'], { provider: memoryProvider({ '/x/a.conf': a, '/y/b.conf': a }), settings });
  assert.deepEqual(res.findings, []);
});
