// vcl/values.ts (addresses, masks, header names as varnishd -C 7.1.1 checks them) and the vcl/invalid-value cases
// a 4.1 fixture cannot hold: `vcl 4.0` main files, and a program without any backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressProblem, applyMask, badHeaderChar, formatIp, hostNameProblem, parseIPv4, parseIPv6, parseIp } from '../../../server/src/analyzer/vcl/values';
import { analyzeEntries } from '../../../server/src/analyzer/analyze';
import { defaultSettings } from '../../../server/src/analyzer/types';
import { RULES } from '../../../server/src/analyzer/rules';
import { memory } from './memory';

test('IPv4 literals: strict dotted quads only', () => {
  assert.deepEqual(parseIPv4('10.1.2.3'), [10, 1, 2, 3]);
  assert.equal(parseIPv4('10.1'), undefined);
  assert.equal(parseIPv4('010.1.2.3'), undefined);
  assert.equal(parseIPv4('1.2.3.256'), undefined);
  assert.equal(parseIPv4('10.1..2'), undefined);
});

test('IPv6 literals as inet_pton reads them', () => {
  assert.equal(parseIPv6('::1')?.[15], 1);
  assert.equal(parseIPv6('::')?.length, 16);
  assert.deepEqual(parseIPv6('::ffff:1.2.3.4')?.slice(10), [255, 255, 1, 2, 3, 4]);
  assert.equal(parseIPv6('1:2:3:4:5:6:7:8')?.length, 16);
  for (const bad of ['::1::2', '1.2.3.4::80', '1:2:3:4:5:6:7:8:9', ':::', '12345::', '1:2', 'g::1']) assert.equal(parseIPv6(bad), undefined, bad);
});

test('masks and inet_ntop formatting', () => {
  assert.equal(formatIp(applyMask(parseIp('192.168.1.7')!, 24)), '192.168.1.0');
  assert.equal(formatIp(applyMask(parseIp('1.2.3.4')!, 0)), '0.0.0.0');
  assert.equal(formatIp(applyMask(parseIp('2001:db8::1')!, 64)), '2001:db8::');
  assert.equal(formatIp(applyMask(parseIp('1::2')!, 64)), '1::');
  assert.equal(formatIp(parseIp('::ffff:10.0.0.1')!), '::ffff:10.0.0.1');
  assert.equal(formatIp(parseIp('1:0:0:2:0:0:0:3')!), '1:0:0:2::3');
  assert.equal(formatIp(parseIp('1:0:2:0:3:0:4:0')!), '1:0:2:0:3:0:4:0');
});

test('addresses that can never resolve, and those left to DNS', () => {
  assert.equal(addressProblem('[0:0:0:0')?.reason, "IPv6 address lacks ']'");
  assert.equal(addressProblem('[0:0:0:0]/0')?.reason, 'IPv6 address has wrong port separator');
  assert.equal(addressProblem('::1::2')?.reason, 'Name or service not known');
  assert.equal(addressProblem('1.2.3.4::80')?.reason, 'Name or service not known');
  assert.equal(addressProblem('a..b')?.reason, 'Name or service not known');
  assert.equal(addressProblem('')?.reason, 'Name or service not known');
  for (const ok of ['127.0.0.1', '127.0.0.1:8080', '127.0.0.1 8080', '::1', '[::1]', '[::1]:80', '[::1] 80', '[1.2.3.4]:80', 'localhost', 'example.com.', 'fe80::1%eth0', 'app:http', '1.2.3.4:']) {
    assert.equal(addressProblem(ok), undefined, ok);
  }
  assert.equal(hostNameProblem('...com') !== undefined, true);
  assert.equal(hostNameProblem('example.com.'), undefined);
});

test('header name characters', () => {
  assert.equal(badHeaderChar("X-a!#$%&'*+.^_`|~"), undefined);
  assert.deepEqual(badHeaderChar('a b'), { char: ' ', index: 1 });
  assert.equal(badHeaderChar('a:b')?.char, ':');
});

function run(files: Record<string, string>) {
  const settings = defaultSettings();
  for (const r of RULES) settings.rules[r.id] = r.id === 'vcl/invalid-value' ? 'error' : 'off';
  return analyzeEntries(['/etc/varnish/default.vcl'], { provider: memory(files), settings }).findings.map((f) => f.message.replace(/:.*$/s, ''));
}

test('vcl 4.0: quoted headers and unix socket backends (measured: "Quoted headers are available for VCL >= 4.1.")', () => {
  const got = run({
    '/etc/varnish/default.vcl': 'vcl 4.0;\nbackend default { .path = "/run/app.sock"; }\ninclude "recv.vcl";\n',
    '/etc/varnish/recv.vcl': 'vcl 4.1;\nsub vcl_recv { set req.http."X-A" = "1"; }\n',
  });
  assert.deepEqual(got.sort(), ['Quoted headers are available for VCL >= 4.1.', 'Unix socket backends only supported in VCL4.1 and higher.']);
});

test('a program without a backend, but not a snippet with a vcl line', () => {
  assert.deepEqual(run({ '/etc/varnish/default.vcl': 'vcl 4.1;\n' }), ['No backends or directors found in VCL program, at least one is necessary.']);
  assert.deepEqual(run({ '/etc/varnish/default.vcl': 'vcl 4.1;\ninclude "recv.vcl";\n', '/etc/varnish/recv.vcl': 'sub vcl_recv { }\n' }), [
    'No backends or directors found in VCL program, at least one is necessary.',
  ]);
  // A snippet opened on its own, an include that is not there, `backend x none;`: silent.
  assert.deepEqual(run({ '/etc/varnish/default.vcl': 'vcl 4.1;\nsub vcl_recv { set req.http.X = "1"; }\n' }), []);
  assert.deepEqual(run({ '/etc/varnish/default.vcl': 'vcl 4.1;\ninclude "missing.vcl";\n' }), []);
  assert.deepEqual(run({ '/etc/varnish/default.vcl': 'vcl 4.1;\nbackend x none;\n' }), []);
});
