// The language server under abuse: malformed JSON-RPC, bad params, floods of edits, huge and binary
// files, hostile include graphs and workspaces, a failing rule. After each, it still answers correctly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { Diagnostic, DocumentDiagnosticReport, Hover, PublishDiagnosticsParams } from 'vscode-languageserver';
import { RULES } from '../../server/src/analyzer/rules';
import { startServer } from '../../server/src/lsp/server';
import { FrameRepair } from '../../server/src/lsp/framing';
import { createNodeFileProvider, readFileHead, readTextFile } from '../../server/src/node/fileProvider';
import { disposeServer, ensureServerBundle, spawnServer, uriOf, Waiters, withTimeout } from './harness';

/** Upper bound for any single wait on the server; waits end as soon as the awaited message arrives. */
const TIMEOUT_MS = 20_000;
const VOLATILE = 'nginx/cache-key-volatile-variable';
const RAW_QUERY = 'nginx/cache-key-raw-query-string';
const INCLUDE_CYCLE = 'nginx/include-cycle';

/** A fragment with a known finding (a volatile cache key) and a directive to hover. */
const GOOD = `proxy_cache_path /var/cache/nginx keys_zone=one:10m;
server {
    listen 80;
    location / {
        proxy_pass http://127.0.0.1:8080;
        proxy_cache one;
        proxy_cache_key "$scheme$host$request_uri$request_id";
        proxy_cache_valid 200 10m;
    }
}
`;
const HOVER_AT = { line: 7, character: 12 }; // on `proxy_cache_valid`

const frame = (body: string | Buffer) => Buffer.concat([Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
const messageOf = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : String(d.message));

interface Options {
  pull: boolean;
  folder: string;
  /** Answers `workspace/configuration` for the `cachelint` section (read at each request). */
  configuration: () => unknown;
  /** Called when the server asks to create a progress (the index starts a run). */
  onProgressCreate?: () => void;
}

/** An LSP client over the bundle's stdio that records what the server sends. */
class Client {
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly logs: string[] = [];
  readonly shown: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly waiters = new Waiters(TIMEOUT_MS);
  readonly waitFor = this.waiters.waitFor.bind(this.waiters);

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
    opts: Options,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      (this.published.get(p.uri) ?? this.published.set(p.uri, []).get(p.uri)!).push(p);
      this.waiters.poke();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.waiters.poke();
    });
    conn.onNotification('window/showMessage', (p: { message: string }) => {
      this.shown.push(p.message);
      this.waiters.poke();
    });
    conn.onNotification('$/progress', () => this.waiters.poke());
    conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
      p.items.map((i) => (i.section === 'cachelint' ? opts.configuration() : null)),
    );
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => {
      opts.onProgressCreate?.();
      return null;
    });
    conn.listen();
  }

  static async start(opts: Options): Promise<Client> {
    const { proc, conn } = spawnServer();
    const client = new Client(proc, conn, opts);
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(opts.folder),
      workspaceFolders: [{ uri: uriOf(opts.folder), name: 'ws' }],
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true, workspaceFolders: true, diagnostics: opts.pull ? { refreshSupport: false } : undefined },
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          hover: { contentFormat: ['markdown'] },
          diagnostic: opts.pull ? { dynamicRegistration: false } : undefined,
        },
      },
    });
    await conn.sendNotification('initialized', {});
    return client;
  }

  open(uri: string, text: string, languageId = 'nginx', version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return withTimeout(this.conn.sendRequest<R>(method, params), method, TIMEOUT_MS);
  }

  async pull(uri: string): Promise<Diagnostic[]> {
    const r = await this.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(r.kind, 'full');
    return (r as { items: Diagnostic[] }).items;
  }

  latest(uri: string): PublishDiagnosticsParams | undefined {
    return this.published.get(uri)?.at(-1);
  }

  /** Raw bytes on the server's stdin. Callers await their earlier messages first, so frames never interleave. */
  writeRaw(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.proc.stdin!.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  /** The server is alive and right: the hover on a good document and its known finding. */
  async assertHealthy(uri: string, what: string): Promise<void> {
    assert.equal(this.proc.exitCode, null, `the server is running after ${what}`);
    const hover = await this.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: HOVER_AT });
    assert.match(JSON.stringify(hover?.contents ?? null), /proxy_cache_valid/, `hover after ${what}`);
    const items = await this.pull(uri);
    assert.ok(items.some((d) => d.code === VOLATILE), `the volatile-key finding after ${what}`);
  }

  async stop(): Promise<void> {
    try {
      await withTimeout(this.conn.sendRequest('shutdown'), 'shutdown', 5000);
      await this.conn.sendNotification('exit');
      await withTimeout(this.exited, 'exit', 5000);
    } catch {
      // stopped by PID below
    }
    disposeServer(this.proc, this.conn);
  }
}

/** Asserts that `p` rejects with a JSON-RPC error of `code`. */
async function rejectsWith(p: Promise<unknown>, code: number, what: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ResponseError, `${what}: a JSON-RPC error, got ${String(err)}`);
    assert.equal(err.code, code, `${what}: error code (${err.message})`);
    return true;
  });
}

const tmps: string[] = [];
function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-abuse-')));
  tmps.push(dir);
  return dir;
}
after(() => {
  for (const t of tmps) fs.rmSync(t, { recursive: true, force: true });
});

describe('malformed JSON-RPC and params over stdio', () => {
  let client: Client;
  let good: string;

  before(async () => {
    await ensureServerBundle();
    const dir = tempDir();
    good = uriOf(path.join(dir, 'site.conf'));
    client = await Client.start({ pull: true, folder: dir, configuration: () => ({ index: { enable: false } }) });
    await client.open(good, GOOD);
    await client.assertHealthy(good, 'start');
  });
  after(() => client?.stop());

  test('a body that is not JSON is dropped with a log line', async () => {
    await client.writeRaw(frame('this is {not json'));
    await client.waitFor('a log about the malformed message', () => client.logs.find((l) => /dropped a malformed message/.test(l)));
    await client.assertHealthy(good, 'a non-JSON body');
  });

  test('a header without Content-Length: the stream resynchronises at the next message', async () => {
    await client.writeRaw('X-Custom: 1\r\n\r\n{"jsonrpc":"2.0","id":"lost","method":"shutdown"}');
    await client.waitFor('a log about the header', () => client.logs.find((l) => /header without Content-Length/.test(l)));
    await client.assertHealthy(good, 'a header without Content-Length');
  });

  test('a non-numeric Content-Length and a garbage header line are skipped', async () => {
    await client.writeRaw('Content-Length: many\r\n\r\n{}');
    await client.writeRaw('garbage without colon\r\n\r\n');
    await client.waitFor('logs about both', () => (client.logs.some((l) => /unusable Content-Length "many"/.test(l)) && client.logs.some((l) => /malformed message header line/.test(l)) ? true : undefined));
    await client.assertHealthy(good, 'a bad Content-Length');
  });

  test('a Content-Length too small or too large loses that message only', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri: good } } });
    // Too small: the body is cut (not JSON), its tail is skipped up to the next header.
    await client.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${body.length - 10}\r\n\r\n`), Buffer.from(body)]));
    await client.assertHealthy(good, 'a short Content-Length');
    // Too large: the body swallows the start of the next message, which is lost; later ones are read.
    const next = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri: good } } });
    await client.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${body.length + 25}\r\n\r\n`), Buffer.from(body), frame(next)]));
    await client.assertHealthy(good, 'a long Content-Length');
  });

  test('an unknown request gets MethodNotFound; an unknown notification is ignored', async () => {
    await rejectsWith(client.request('cachelint/noSuchMethod', {}), -32601, 'unknown request');
    await client.conn.sendNotification('cachelint/noSuchNotification', { x: 1 });
    await client.conn.sendNotification('$/noSuchNotification', { x: 1 });
    await client.assertHealthy(good, 'unknown methods');
  });

  test('wrong param shapes for known methods are refused with InvalidParams', async () => {
    const bad: Array<[string, unknown]> = [
      ['textDocument/hover', { position: { line: 0, character: 0 } }],
      ['textDocument/hover', { textDocument: null, position: { line: 0, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri: good }, position: { line: '1', character: '2' } }],
      ['textDocument/hover', { textDocument: { uri: good } }],
      ['textDocument/hover', { textDocument: { uri: 42 }, position: { line: 0, character: 0 } }],
      ['textDocument/definition', { textDocument: { uri: good }, position: { line: 1.5, character: 0 } }],
      ['textDocument/references', { textDocument: { uri: good }, position: null, context: { includeDeclaration: true } }],
      ['textDocument/completion', { textDocument: {}, position: { line: 0, character: 0 } }],
      ['textDocument/documentSymbol', { textDocument: 'site.conf' }],
      ['textDocument/diagnostic', {}],
      ['textDocument/codeAction', { textDocument: { uri: good }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
      ['textDocument/codeAction', { textDocument: { uri: good }, range: null, context: { diagnostics: [] } }],
      ['workspace/diagnostic', { previousResultIds: 'all' }],
    ];
    for (const [method, params] of bad) await rejectsWith(client.request(method, params), -32602, `${method} ${JSON.stringify(params)}`);
    // The policy command's request answers "no policy" to what it cannot place.
    assert.deepEqual(await client.request('cachelint/effectivePolicy', { textDocument: { uri: good }, position: [1, 2] }), { markdown: null });
    // Null params fail in the protocol layer before any handler: still an error answer, not a crash.
    await assert.rejects(client.request('textDocument/hover', null), ResponseError);
    await client.assertHealthy(good, 'requests with wrong params');
  });

  test('malformed document notifications are ignored with a log line and change nothing', async () => {
    const other = good.replace('site.conf', 'other.conf');
    const before = client.logs.length;
    await client.conn.sendNotification('textDocument/didOpen', {});
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: other, languageId: 'nginx', version: 1, text: 5 } });
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: good, version: 2 }, contentChanges: [{ range: { start: { line: 'x' } }, text: 'boom' }] });
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: good }, contentChanges: [{ text: '' }] });
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: good, version: 3 }, contentChanges: null });
    await client.conn.sendNotification('textDocument/didClose', { textDocument: null });
    await client.waitFor('six "ignored" log lines', () => (client.logs.slice(before).filter((l) => /ignored a malformed textDocument\//.test(l)).length >= 6 ? true : undefined));
    // The bad open did not open anything; the bad changes did not touch the good document.
    assert.deepEqual(await client.pull(other), []);
    await client.assertHealthy(good, 'malformed document notifications');
  });

  test('unknown and closed documents, positions past the end or negative', async () => {
    const unknown = good.replace('site.conf', 'never-opened.conf');
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: unknown }, position: { line: 0, character: 0 } }), null);
    assert.deepEqual(await client.pull(unknown), []);
    assert.deepEqual(await client.request('textDocument/codeAction', { textDocument: { uri: unknown }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), []);
    assert.equal(await client.request('textDocument/documentSymbol', { textDocument: { uri: unknown } }), null);
    // A document opened then closed is unknown again.
    const closed = good.replace('site.conf', 'closed.conf');
    await client.open(closed, GOOD);
    assert.ok((await client.pull(closed)).some((d) => d.code === VOLATILE));
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: closed } });
    assert.deepEqual(await client.pull(closed), []);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: closed }, position: HOVER_AT }), null);
    // Past the end of the line: clamped to its end, as LSP asks ("proxy_cache_valid 200 10m;" ends in `10m;`).
    const lineEnd = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: good }, position: { line: 7, character: 10_000 } });
    const atEnd = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: good }, position: { line: 7, character: GOOD.split('\n')[7].length } });
    assert.deepEqual(lineEnd, atEnd);
    // Past the end of the document: answered (the end of the text), not an error.
    await client.request('textDocument/hover', { textDocument: { uri: good }, position: { line: 1_000_000, character: 5 } });
    await client.request('textDocument/definition', { textDocument: { uri: good }, position: { line: 1_000_000, character: 5 } });
    // Negative positions are not LSP positions.
    await rejectsWith(client.request('textDocument/hover', { textDocument: { uri: good }, position: { line: -1, character: 0 } }), -32602, 'negative line');
    await rejectsWith(client.request('textDocument/hover', { textDocument: { uri: good }, position: { line: 0, character: -3 } }), -32602, 'negative character');
    await client.assertHealthy(good, 'unknown documents and odd positions');
    assert.equal(client.stderr.match(/failed:/g), null, `no handler failed: ${client.stderr}`);
    assert.ok(!client.logs.some((l) => /(hover|definition|diagnostic|codeAction) failed/.test(l)), client.logs.join('\n'));
  });
});

describe('FrameRepair (the stdio framing)', () => {
  test('frames split at every byte and bad headers between them come out as the good frames only', async () => {
    const a = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'a', params: { s: 'é' } });
    const b = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'b' });
    const input = Buffer.concat([frame(a), Buffer.from('Bogus: x\r\n\r\n{"junk":1}'), Buffer.from('content-length: 9999999999999\r\n\r\n'), frame(b)]);
    const drops: string[] = [];
    const repair = new FrameRepair((r) => drops.push(r));
    const out: Buffer[] = [];
    repair.on('data', (c: Buffer) => out.push(c));
    for (let i = 0; i < input.length; i++) repair.write(input.subarray(i, i + 1));
    repair.end();
    await new Promise((resolve) => repair.on('end', resolve));
    assert.equal(Buffer.concat(out).toString(), Buffer.concat([frame(a), frame(b)]).toString());
    // The foreign header, the junk body run into the next header, the unusable length.
    assert.equal(drops.length, 3, drops.join('\n'));
  });
});

describe('10,000 rapid didChanges', () => {
  test('the last diagnostics are those of the last version, and far fewer than 10,000 analyses ran', async () => {
    await ensureServerBundle();
    const dir = tempDir();
    const client = await Client.start({ pull: false, folder: dir, configuration: () => ({ index: { enable: false } }) });
    try {
      const uri = uriOf(path.join(dir, 'typing.conf'));
      await client.open(uri, GOOD);
      await client.waitFor('the first diagnostics', () => client.latest(uri));
      const N = 10_000;
      // Each change inserts a line at the top: the volatile-key finding moves down one line per version.
      for (let v = 2; v <= N + 1; v++) {
        void client.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: v },
          contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }],
        });
      }
      const last = await client.waitFor('diagnostics of the last version', () => {
        const p = client.latest(uri);
        return p?.version === N + 1 ? p : undefined;
      }, 120_000);
      const volatile = last.diagnostics.find((d) => d.code === VOLATILE);
      assert.ok(volatile, 'the finding is still there');
      assert.equal(volatile.range.start.line, 6 + N, 'at its line in the last version');
      const all = client.published.get(uri)!;
      assert.ok(all.length < N / 10, `${all.length} publications for ${N} changes`);
      // Versions only move forward.
      for (let i = 1; i < all.length; i++) assert.ok((all[i].version ?? 0) >= (all[i - 1].version ?? 0));
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: HOVER_AT.line + N, character: HOVER_AT.character } });
      assert.match(JSON.stringify(hover?.contents ?? null), /proxy_cache_valid/);
    } finally {
      await client.stop();
    }
  });
});

describe('huge and binary files, hostile includes', () => {
  let client: Client;
  let dir: string;
  let outside: string;
  let good: string;
  let config: Record<string, unknown> = {};

  const write = (name: string, text: string | Buffer) => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };
  /** Opens a file of the workspace as it is on disk and pulls its diagnostics. */
  const openAndPull = async (p: string): Promise<Diagnostic[]> => {
    await client.open(uriOf(p), fs.readFileSync(p, 'latin1'));
    return client.pull(uriOf(p));
  };
  const changeConfig = async (c: Record<string, unknown>) => {
    config = { index: { enable: false }, ...c };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  };

  before(async () => {
    await ensureServerBundle();
    dir = tempDir();
    outside = tempDir();
    good = uriOf(path.join(dir, 'site.conf'));
    config = { index: { enable: false } };
    client = await Client.start({ pull: true, folder: dir, configuration: () => config });
    await client.open(good, GOOD);
  });
  after(() => client?.stop());

  test('a 20 MB document is not analysed and says so; a 20 MB include is not read and the include says so', async () => {
    const line = '# padding padding padding padding padding padding padding padding\n';
    const big = line.repeat(Math.ceil((20 * 1024 * 1024) / line.length));
    const bigUri = uriOf(path.join(dir, 'huge.conf'));
    await client.open(bigUri, big);
    const items = await client.pull(bigUri);
    assert.equal(items.length, 1);
    assert.match(messageOf(items[0]), /did not analyse this file.*more than cachelint\.maxFileSizeKB/);
    await client.assertHealthy(good, 'a 20 MB document');

    write('big/huge.conf', big);
    const incl = write('big-include.conf', `include ${path.join(dir, 'big/huge.conf')};\n${GOOD}`);
    const started = Date.now();
    const diags = await openAndPull(incl);
    const notice = diags.find((d) => /is not read: it is \d+ KB, more than the limit of 5120 KB \(cachelint\.maxFileSizeKB\)/.test(messageOf(d)));
    assert.ok(notice, JSON.stringify(diags.map(messageOf)));
    assert.equal(notice.range.start.line, 0, 'at the include');
    assert.ok(!diags.some((d) => d.code === 'nginx/include-not-found'), 'not reported as missing');
    assert.ok(diags.some((d) => d.code === VOLATILE), 'the rest is analysed');
    assert.ok(Date.now() - started < 10_000, 'without reading 20 MB');
    await client.assertHealthy(good, 'a 20 MB include');
  });

  test('a binary file (NULs, invalid UTF-8) opened and included is analysed without harm', async () => {
    const bytes = Buffer.concat([Buffer.from('proxy_cache_valid 200 1m;\n'), Buffer.from([0, 0, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x80, 0x00, 0x3b, 0x7b, 0x0a]), Buffer.alloc(4096, 0)]);
    const bin = write('bin/blob.conf', bytes);
    const binItems = await openAndPull(bin);
    assert.ok(Array.isArray(binItems));
    const incl = write('bin-include.conf', `include ${bin};\n${GOOD}`);
    const diags = await openAndPull(incl);
    assert.ok(diags.some((d) => d.code === VOLATILE), JSON.stringify(diags.map(messageOf)));
    await client.assertHealthy(good, 'a binary file');
  });

  test('include cycles, directly and through a symlink, are reported, not followed', async () => {
    const self = path.join(dir, 'cycle/self.conf');
    write('cycle/self.conf', `include ${self};\n${GOOD}`);
    const selfDiags = await openAndPull(self);
    assert.ok(selfDiags.some((d) => d.code === INCLUDE_CYCLE), JSON.stringify(selfDiags.map(messageOf)));

    const viaLink = path.join(dir, 'cycle/link.conf');
    const target = write('cycle/target.conf', `include ${viaLink};\n${GOOD}`);
    fs.symlinkSync(target, viaLink);
    const linkDiags = await openAndPull(target);
    const cycle = linkDiags.find((d) => d.code === INCLUDE_CYCLE);
    assert.ok(cycle, JSON.stringify(linkDiags.map(messageOf)));
    assert.equal(cycle.range.start.line, 0, 'reported at the include in the opened file');

    // A symlink to itself cannot be read: the include says why.
    const loop = path.join(dir, 'cycle/loop.conf');
    fs.symlinkSync(loop, loop);
    const loopIncl = write('cycle/loop-include.conf', `include ${loop};\n${GOOD}`);
    const loopDiags = await openAndPull(loopIncl);
    assert.ok(loopDiags.some((d) => /loops back on itself/.test(messageOf(d))), JSON.stringify(loopDiags.map(messageOf)));
    await client.assertHealthy(good, 'include cycles');
  });

  test('include depth: the default limit (16) and cachelint.maxIncludeDepth are reported at the include', async () => {
    const chain: string[] = [];
    for (let i = 0; i <= 20; i++) chain.push(path.join(dir, `deep/d${i}.conf`));
    for (let i = 0; i <= 20; i++) write(`deep/d${i}.conf`, i < 20 ? `include ${chain[i + 1]};\nproxy_cache_valid 200 ${i + 1}m;\n` : 'proxy_cache_valid 200 1h;\n');
    await client.open(uriOf(chain[0]), fs.readFileSync(chain[0], 'utf8'));
    await client.pull(uriOf(chain[0]));
    // d0 is level 0: the include in d16 is the 17th level.
    const at16 = await client.waitFor('the depth notice in d16.conf', () =>
      client.latest(uriOf(chain[16]))?.diagnostics.find((d) => /at include level 17, beyond the limit of 16 levels; .*\(cachelint\.maxIncludeDepth\)\.$/.test(messageOf(d))),
    );
    assert.equal(at16.range.start.line, 0);
    assert.ok(!client.published.has(uriOf(chain[18])), 'd18.conf was not read');

    await changeConfig({ maxIncludeDepth: 0 });
    const d0 = await client.pull(uriOf(chain[0]));
    assert.ok(d0.some((d) => /at include level 1, beyond the limit of 0 levels; .*\(cachelint\.maxIncludeDepth\)\.$/.test(messageOf(d))), JSON.stringify(d0.map(messageOf)));
    await changeConfig({});
    await client.assertHealthy(good, 'deep includes');
  });

  test('a glob include matching 10,000 files: expanded up to cachelint.maxIncludeGlobFiles (default 1000), with a notice', async () => {
    fs.mkdirSync(path.join(dir, 'many'));
    for (let i = 0; i < 10_000; i++) fs.writeFileSync(path.join(dir, 'many', `f${String(i).padStart(5, '0')}.conf`), `proxy_cache_valid 200 ${(i % 50) + 1}m;\n`);
    const glob = write('glob.conf', `${GOOD}include ${path.join(dir, 'many')}/*.conf;\n`);
    const started = Date.now();
    const diags = await openAndPull(glob);
    const notice = diags.find((d) => /matches more than 1000 files: only the first 1000 in name order are analysed \(cachelint\.maxIncludeGlobFiles\)/.test(messageOf(d)));
    assert.ok(notice, JSON.stringify(diags.map(messageOf)));
    assert.equal(notice.range.start.line, GOOD.split('\n').length - 1);
    assert.ok(Date.now() - started < 15_000, `answered in ${Date.now() - started} ms`);

    await changeConfig({ maxIncludeGlobFiles: 10 });
    const ten = await client.pull(uriOf(glob));
    assert.ok(ten.some((d) => /matches more than 10 files/.test(messageOf(d))), JSON.stringify(ten.map(messageOf)));
    await changeConfig({});
    await client.assertHealthy(good, 'a glob of 10,000 files');
  });

  test('includes read regular files only: a named pipe is refused without blocking', async (t) => {
    if (process.platform === 'win32') return t.skip('no mkfifo');
    const fifo = path.join(dir, 'pipes/fifo.conf');
    fs.mkdirSync(path.dirname(fifo), { recursive: true });
    execFileSync('mkfifo', [fifo]);
    // The file layer alone: neither read blocks (a blocking open would never return here).
    assert.equal(readTextFile(fifo), undefined);
    assert.equal(await withTimeout(readFileHead(fifo, 100), 'reading the head of a FIFO', 5000), undefined);
    assert.match(createNodeFileProvider().unreadable!(fifo) ?? '', /named pipe/);

    const incl = write('pipes/include.conf', `include ${fifo};\ninclude ${path.join(dir, 'pipes')}/*.conf;\n${GOOD}`);
    const diags = await openAndPull(incl);
    const notice = diags.find((d) => /is not read: it is a named pipe \(FIFO\), not a regular file/.test(messageOf(d)));
    assert.ok(notice, JSON.stringify(diags.map(messageOf)));
    assert.ok(!diags.some((d) => d.code === 'nginx/include-not-found'));
    await client.assertHealthy(good, 'a FIFO include');
  });

  test('network paths and URLs are never read: the include says so', async () => {
    const incl = write('net.conf', `include //fileserver/share/cache.conf;\ninclude "\\\\\\\\fileserver\\\\share\\\\cache.conf";\ninclude http://config.example/cache.conf;\n${GOOD}`);
    const diags = await openAndPull(incl);
    const notices = diags.filter((d) => /names a network location; cachelint reads local files only/.test(messageOf(d)));
    assert.deepEqual(notices.map((d) => d.range.start.line).sort(), [0, 1, 2], JSON.stringify(diags.map(messageOf)));
    assert.ok(!diags.some((d) => d.code === 'nginx/include-not-found'));
    // The file layer refuses them too, whoever asks.
    const provider = createNodeFileProvider();
    for (const p of ['//fileserver/share/x.conf', '\\\\fileserver\\share\\x.conf', 'http://config.example/x.conf']) {
      assert.equal(provider.readFile(p), undefined);
      assert.deepEqual(provider.glob(`${p}*`), []);
    }
    await client.assertHealthy(good, 'network includes');
  });

  test('reading files outside the workspace folders is logged, once per analysed file and set of files', async () => {
    const far = path.join(outside, 'shared/cache-zones.conf');
    fs.mkdirSync(path.dirname(far), { recursive: true });
    fs.writeFileSync(far, 'proxy_cache_path /var/cache/x keys_zone=far:10m;\n');
    const incl = write('uses-outside.conf', `include ${far};\n${GOOD}`);
    const uri = uriOf(incl);
    await openAndPull(incl);
    const log = await client.waitFor('the outside-read log line', () => client.logs.find((l) => l.includes(`analysing ${incl} read 1 file(s) outside the workspace folders: ${far}`)));
    assert.ok(log);
    // Edits that read the same files do not log again.
    for (let v = 2; v <= 5; v++) {
      await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: `include ${far};\n${GOOD}# edit ${v}\n` }] });
      await client.pull(uri);
    }
    assert.equal(client.logs.filter((l) => l.includes('outside the workspace folders') && l.includes(incl)).length, 1);
    // Files inside the workspace are not reported.
    assert.ok(!client.logs.some((l) => l.includes('outside the workspace folders') && l.includes(path.join(dir, 'many'))));
    await client.assertHealthy(good, 'outside reads');
  });
});

describe('a hostile workspace under the index', () => {
  test('a symlink loop, a self-linked file, a FIFO, and files deleted while the index runs', async (t) => {
    await ensureServerBundle();
    const dir = tempDir();
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    fs.symlinkSync(path.join(dir, 'self.conf'), path.join(dir, 'self.conf'));
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(dir, 'nginx-pipe.conf')]);
    const confd = path.join(dir, 'conf.d');
    fs.mkdirSync(confd);
    const doomed: string[] = [];
    for (let i = 0; i < 400; i++) {
      const p = path.join(confd, `site-${String(i).padStart(3, '0')}.conf`);
      fs.writeFileSync(p, `server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_cache one;\n        proxy_cache_key "$request_id";\n    }\n}\n`);
      doomed.push(p);
    }
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `events {}\nhttp {\n    proxy_cache_path /var/cache/nginx keys_zone=one:10m;\n    include conf.d/*.conf;\n}\n`);
    let deleted = false;
    const client = await Client.start({
      pull: false,
      folder: dir,
      configuration: () => ({}),
      // The index asks for its progress at the start of its run: the files go away while it runs.
      onProgressCreate: () => {
        if (deleted) return;
        deleted = true;
        for (const p of doomed.slice(0, 300)) fs.rmSync(p);
      },
    });
    try {
      const indexed = await client.waitFor('the end of the indexing run', () => client.logs.find((l) => /cachelint: indexed \d+ nginx\/VCL files/.test(l)), 60_000);
      assert.ok(deleted, 'files were deleted during the run');
      const count = Number(/indexed (\d+)/.exec(indexed)![1]);
      assert.ok(count <= 402, indexed);
      // The editor reports the deletions; the index forgets them and clears what it showed for them.
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: doomed.slice(0, 300).map((p) => ({ uri: uriOf(p), type: 3 })) });
      for (const p of doomed.slice(0, 300)) {
        const last = client.latest(uriOf(p));
        if (last && last.diagnostics.length > 0) await client.waitFor(`cleared diagnostics of ${p}`, () => (client.latest(uriOf(p))!.diagnostics.length === 0 ? true : undefined));
      }
      // The surviving sites have their findings, in the context of nginx.conf.
      await client.waitFor('findings of a surviving site', () => client.latest(uriOf(doomed[399]))?.diagnostics.find((d) => d.code === VOLATILE));
      assert.ok(!client.logs.some((l) => /failed|unexpected error|unhandled/.test(l)), client.logs.filter((l) => /failed|unexpected|unhandled/.test(l)).join('\n'));
      const good = uriOf(path.join(dir, 'site.conf'));
      await client.open(good, GOOD);
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: good }, position: HOVER_AT });
      assert.match(JSON.stringify(hover?.contents ?? null), /proxy_cache_valid/);
      if (process.platform === 'win32') t.diagnostic('no FIFO on this platform');
    } finally {
      await client.stop();
    }
  });
});

describe('a rule that throws', () => {
  // The server runs in this process on a pair of in-memory streams, so that one rule's `check` can be
  // replaced by one that throws: the real server code, with no test hook in the product.
  test('is isolated: one logged internal error across many edits, the other findings still delivered', async () => {
    const rule = RULES.find((r) => r.id === RAW_QUERY)!;
    const original = rule.check;
    (rule as { check: unknown }).check = () => {
      throw new Error('rule exploded');
    };
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConn = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const logs: string[] = [];
    client.onNotification('window/logMessage', (p: { message: string }) => {
      logs.push(p.message);
    });
    client.listen();
    try {
      startServer(serverConn, { version: 'test', fileProvider: createNodeFileProvider() });
      await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { textDocument: { diagnostic: {} } } });
      await client.sendNotification('initialized', {});
      const uri = 'file:///in-memory/site.conf';
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: GOOD } });
      for (let v = 2; v <= 30; v++) {
        await client.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }] });
        const r = await client.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
        const items = (r as { items: Diagnostic[] }).items;
        assert.ok(items.some((d) => d.code === VOLATILE), `version ${v}: the other rules' findings are delivered`);
        assert.ok(!items.some((d) => d.code === RAW_QUERY), `version ${v}: nothing from the failing rule`);
      }
      // The log line comes before the replies that follow it on the same stream.
      await client.sendRequest('textDocument/hover', { textDocument: { uri }, position: HOVER_AT });
      const errors = logs.filter((l) => /internal error/.test(l));
      assert.deepEqual(errors, [`cachelint: internal error: ${RAW_QUERY}: rule exploded`]);
    } finally {
      (rule as { check: unknown }).check = original;
      client.dispose();
      serverConn.dispose();
      toServer.end();
      toClient.end();
    }
  });
});
