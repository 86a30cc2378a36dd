// VCL editor features through the facade: hovers, definition, references, outline, completion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEntries, completionsAt, definitionAt, hoverAt, outline, referencesAt } from '../../server/src/analyzer/analyze';
import { defaultSettings } from '../../server/src/analyzer/types';
import { createNodeFileProvider, createOverlayProvider } from '../../server/src/node/fileProvider';

const PATH = '/virtual/default.vcl';
const TEXT = `vcl 4.1;

backend app {
    .host = "127.0.0.1";
    .port = "8081";
}

acl purgers {
    "127.0.0.1";
}

sub strip_cookies {
    unset req.http.Cookie;
}

sub vcl_recv {
    if (req.method == "PURGE" && client.ip ~ purgers) {
        return (purge);
    }
    if (req.url ~ "^/static/") {
        call strip_cookies;
    }
}

sub vcl_backend_response {
    set beresp.ttl = 10m;
    return (deliver);
}
`;

function analyse(version: '6.0' | '7.1' | '8.0' = '7.1') {
  const settings = defaultSettings();
  settings.varnishVersion = version;
  return analyzeEntries([PATH], { provider: createOverlayProvider(createNodeFileProvider(), new Map([[PATH, TEXT]])), settings });
}
const at = (needle: string, delta = 1) => {
  const i = TEXT.indexOf(needle);
  assert.ok(i >= 0, needle);
  return i + delta;
};
const line = (offset: number) => TEXT.slice(0, offset).split('\n').length;

test('hover on vcl_recv: legal returns, and the built-in still runs where the user code falls through', () => {
  const h = hoverAt(analyse(), PATH, at('vcl_recv'))!;
  assert.match(h, /built-in subroutine \(Varnish 7\.1\)/);
  assert.match(h, /Legal returns: .*`hash`.*`purge`/);
  assert.match(h, /\| returns `purge` \| the built-in `vcl_recv` is skipped on those paths \|/);
  assert.match(h, /\| falls through \| the built-in still runs/);
});

test('hover on vcl_backend_response that always returns: the built-in checks never run', () => {
  const h = hoverAt(analyse(), PATH, at('vcl_backend_response'))!;
  assert.match(h, /never falls through \| ⚠ the built-in code never runs/);
});

test('hover on a variable: type, scopes, and whether it is writable in this sub', () => {
  const h = hoverAt(analyse(), PATH, at('beresp.ttl'))!;
  assert.match(h, /\*\*beresp\.ttl\*\* — `DURATION`/);
  assert.match(h, /In `vcl_backend_response`: readable, writable\./);
  assert.equal(hoverAt(analyse(), PATH, at('"127.0.0.1";\n}')), undefined);
});

test('hover on a return action names the legal actions of the sub', () => {
  const h = hoverAt(analyse(), PATH, at('purge);'))!;
  assert.match(h, /\*\*return \(purge\)\*\*/);
  assert.match(h, /Legal in `vcl_recv`/);
});

test('definition and references of subs and ACLs', () => {
  const r = analyse();
  const def = definitionAt(r, PATH, at('strip_cookies;'));
  assert.deepEqual(def.map((d) => line(d.range.start)), [line(at('sub strip_cookies'))]);
  const aclRefs = referencesAt(r, PATH, at('purgers {'), true);
  assert.deepEqual(aclRefs.map((d) => line(d.range.start)).sort((a, b) => a - b), [line(at('acl purgers')), line(at('client.ip ~ purgers'))]);
});

test('outline lists backends, ACLs and subs from the parse', () => {
  assert.deepEqual(outline(analyse(), PATH).map((s) => s.name), ['backend app', 'acl purgers', 'sub strip_cookies', 'sub vcl_recv', 'sub vcl_backend_response']);
});

test('completion offers the variables of the enclosing sub only', () => {
  const r = analyse();
  const recv = completionsAt(r, PATH, at('call strip_cookies')).map((c) => c.label);
  assert.ok(recv.includes('req.url'));
  assert.ok(!recv.includes('beresp.ttl'), 'beresp.ttl is not available in vcl_recv');
  const beresp = completionsAt(r, PATH, at('set beresp.ttl')).map((c) => c.label);
  assert.ok(beresp.includes('beresp.ttl'));
  assert.ok(!beresp.includes('req.url'));
});
