// The effective-policy card and the hovers, on the incident example and small configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeEntries, hoverAt, policyAt } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { createNodeFileProvider, createOverlayProvider } from '../../server/src/node/fileProvider';

const INCIDENT = path.join(__dirname, '..', '..', 'examples', 'incident');

function analyse(files: Record<string, string>) {
  const provider = createOverlayProvider(createNodeFileProvider(), new Map(Object.entries(files)));
  return analyzeEntries([Object.keys(files)[0]], { provider, settings: defaultSettings() });
}

/** The card row `name` as [value, from]. */
function row(card: string, name: string): [string, string] {
  const line = card.split('\n').find((l) => l.startsWith(`| ${name} |`));
  assert.ok(line, `row "${name}" in\n${card}`);
  const cells = line.split(' | ');
  return [cells[1], cells[2].replace(/ \|$/, '')];
}

test('the incident card: every row with the line it comes from', () => {
  const main = path.join(INCIDENT, 'nginx.conf');
  const shop = path.join(INCIDENT, 'conf.d', 'shop.conf');
  const r = analyzeEntries([main], { provider: createNodeFileProvider(), settings: defaultSettings() });
  const text = r.files.get(shop)!.text;
  const line = (needle: string) => `:${text.slice(0, text.indexOf(needle)).split('\n').length}`;
  const card = hoverAt(r, shop, text.indexOf('proxy_cache shop') + 3)!;
  assert.match(row(card, 'zone')[0], /^shop: 50m ≈ 404,750 keys, max_size 2g, inactive 30 s ⚠ shorter than the TTL$/);
  assert.equal(row(card, 'zone')[1], '../nginx.conf:14');
  assert.equal(row(card, 'zone used by')[0], 'shop.example.com (80)');
  assert.match(row(card, 'key')[0], /\$request_id changes per request/);
  assert.equal(row(card, 'key')[1], line('proxy_cache_key'));
  assert.match(row(card, 'TTL source')[0], /^X-Accel-Expires > Cache-Control > Expires > proxy_cache_valid/);
  assert.deepEqual(row(card, 'TTL 200, 301'), ['10 min — unless the upstream sends X-Accel-Expires / Cache-Control / Expires ⚠', line('proxy_cache_valid')]);
  assert.equal(row(card, 'on expiry')[1], `${line('proxy_cache_use_stale')}, ${line('proxy_cache_background_update')}`);
  assert.equal(row(card, 'cold misses')[1], line('proxy_cache_lock'));
  assert.match(row(card, 'headers')[0], /added: X-Cache-Status;/);
  assert.deepEqual(row(card, 'HIT/MISS visible'), ['header X-Cache-Status ✓, log format `edge` ✓', `${line('add_header')}, ../nginx.conf:11`]);
  // The same card from the location line (the "Show effective cache policy" command and `explain`).
  assert.equal(policyAt(r, shop, text.indexOf('location /api/')), card.split('\n\n---\n\n')[0]);
});

test('built-in key, ignored headers, buffering off and a server summary', () => {
  const r = analyse({
    '/virtual/nginx.conf': [
      'http {',
      '    proxy_cache_path /var/cache/a keys_zone=a:1m;',
      '    server {',
      '        location /x/ {',
      '            proxy_pass http://app:8080/;',
      '            proxy_cache a;',
      '            proxy_ignore_headers Cache-Control Expires;',
      '            proxy_buffering off;',
      '        }',
      '        location /static/ { root /srv; }',
      '    }',
      '}',
      '',
    ].join('\n'),
  });
  const p = '/virtual/nginx.conf';
  const text = r.files.get(p)!.text;
  const card = policyAt(r, p, text.indexOf('proxy_cache a'))!;
  assert.match(row(card, 'key')[0], /^built-in: `http:\/\/app:8080` \+ the URI sent upstream/);
  assert.match(row(card, 'TTL source')[0], /~~Cache-Control~~ > ~~Expires~~/);
  assert.match(row(card, 'never stored')[0], /⛔ everything: proxy_buffering off/);
  assert.match(row(card, 'HIT/MISS visible')[0], /^✗/);
  assert.doesNotMatch(row(card, 'never stored')[0], /Cache-Control private/);
  const summary = policyAt(r, p, text.indexOf('server {'))!;
  assert.match(summary, /\*\*server\*\* — cached locations/);
  assert.match(summary, /\| location \/x\/ \| proxy `a` \| upstream headers only \| :4 \|/);
  assert.doesNotMatch(summary, /static/);
  assert.equal(hoverAt(r, p, text.indexOf('server {') + 2), summary);
});
