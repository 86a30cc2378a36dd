// The language server bundle (dist/server.js) driven over stdio and node IPC by a real JSON-RPC client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  DiagnosticSeverity,
  SymbolKind,
  type CodeAction,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type DocumentSymbol,
  type Hover,
  type InitializeResult,
  type Location,
  type LocationLink,
  type Position,
  type PublishDiagnosticsParams,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { disposeServer, ensureServerBundle, ROOT, SERVER, spawnServer, uriOf, Waiters, withTimeout } from './harness';

const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
/** Upper bound for any single wait on the server; waits end as soon as the awaited event arrives. */
const TIMEOUT_MS = 8000;

const VOLATILE = 'nginx/cache-key-volatile-variable';
const UPSTREAM_TTL = 'nginx/upstream-ttl-overrides-cache-valid';
const INACTIVE = 'nginx/inactive-shorter-than-ttl';

/** A copy of examples/ in a fresh temporary directory. */
function copyExamples(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-lsp-'));
  fs.cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
  return dir;
}


/** Position of `needle` (plus `delta` characters) in `text`; fails when absent. */
function positionOf(text: string, needle: string, delta = 0): Position {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `"${needle}" not found`);
  return TextDocument.create('file:///x', 'nginx', 0, text).positionAt(i + delta);
}

function lineOf(text: string, needle: string): number {
  return positionOf(text, needle).line;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'nginx', 0, text), edits);
}

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

function describeDiagnostics(list: Diagnostic[] | undefined): string {
  if (!list) return 'nothing published';
  return JSON.stringify(list.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code ?? '-'} ${messageOf(d).slice(0, 60)}`));
}

interface ClientOptions {
  pull: boolean;
  workspaceFolder: string;
  /** When set, the client answers `workspace/configuration` with this (read at each request). */
  configuration?: () => unknown;
}

/** A minimal LSP client over the server's stdio, recording what the server sends. */
class TestClient {
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly logs: string[] = [];
  readonly configurationRequests: Array<{ scopeUri?: string; section?: string }> = [];
  refreshes = 0;
  stderr = '';
  exited: Promise<number | null>;
  initializeResult: InitializeResult | undefined;
  private readonly waiters = new Waiters(TIMEOUT_MS);
  /** Resolves with the first non-undefined value of `probe`, re-checked on every message from the server. */
  readonly waitFor = this.waiters.waitFor.bind(this.waiters);

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      this.waiters.poke();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.waiters.poke();
    });
    conn.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      this.waiters.poke();
      return null;
    });
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.listen();
  }

  static async start(opts: ClientOptions): Promise<TestClient> {
    const { proc, conn } = spawnServer();
    const client = new TestClient(proc, conn);
    if (opts.configuration) {
      const read = opts.configuration;
      conn.onRequest('workspace/configuration', (p: { items: Array<{ scopeUri?: string; section?: string }> }) => {
        client.configurationRequests.push(...p.items);
        return p.items.map((item) => (item.section === 'cachelint' ? read() : null));
      });
    }
    client.initializeResult = await conn.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      clientInfo: { name: 'cachelint-test' },
      rootUri: uriOf(opts.workspaceFolder),
      workspaceFolders: [{ uri: uriOf(opts.workspaceFolder), name: 'incident' }],
      capabilities: {
        workspace: {
          configuration: opts.configuration !== undefined,
          workspaceFolders: true,
          diagnostics: opts.pull ? { refreshSupport: true } : undefined,
        },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          definition: { linkSupport: false },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
            isPreferredSupport: true,
          },
          diagnostic: opts.pull ? { dynamicRegistration: false, relatedDocumentSupport: false } : undefined,
        },
      },
    });
    conn.sendNotification('initialized', {});
    return client;
  }

  latest(uri: string): PublishDiagnosticsParams | undefined {
    return this.published.get(uri)?.at(-1);
  }

  /** The latest diagnostics published for `uri` once they satisfy `ok`. */
  waitForDiagnostics(uri: string, what: string, ok: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean): Promise<Diagnostic[]> {
    return this.waitFor(`${what} (last published for ${path.basename(uri)}: ${describeDiagnostics(this.latest(uri)?.diagnostics)})`, () => {
      const p = this.latest(uri);
      return p && ok(p.diagnostics, p) ? p.diagnostics : undefined;
    }).catch((err: Error) => {
      // The message above was built before waiting; say what arrived in the end.
      throw new Error(`${err.message}; finally: ${describeDiagnostics(this.latest(uri)?.diagnostics)}`);
    });
  }

  open(uri: string, text: string, languageId = 'nginx', version = 1): void {
    this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest<R>(method, params);
  }

  async shutdown(): Promise<number | null> {
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    return withTimeout(this.exited, 'the server process to exit', TIMEOUT_MS);
  }

  /** Ends the connection and, if still running, the child process (by PID). */
  dispose(): void {
    disposeServer(this.proc, this.conn);
  }
}

function findRule(list: Diagnostic[], rule: string): Diagnostic | undefined {
  return list.find((d) => d.code === rule);
}

function asLocations(def: Location | Location[] | LocationLink[] | null): Location[] {
  if (!def) return [];
  const list = Array.isArray(def) ? def : [def];
  return list.map((l) => ('targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange } : l));
}

function flattenSymbols(symbols: DocumentSymbol[]): DocumentSymbol[] {
  return symbols.flatMap((s) => [s, ...flattenSymbols(s.children ?? [])]);
}

function within(outer: Range, inner: Range): boolean {
  const le = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

describe('language server over stdio, push diagnostics', () => {
  let tmp: string;
  let client: TestClient;
  let shopPath: string;
  let shopUri: string;
  let shopText: string;
  let mainUri: string;
  let mainText: string;
  /** Each rule's diagnostic, awaited once (analyzer-dependent). */
  const awaited = new Map<string, Promise<Diagnostic>>();
  const diagnosticFor = (uri: string, rule: string): Promise<Diagnostic> => {
    const key = `${uri} ${rule}`;
    let p = awaited.get(key);
    if (!p) {
      p = client.waitForDiagnostics(uri, `a ${rule} diagnostic`, (list) => findRule(list, rule) !== undefined).then((list) => findRule(list, rule)!);
      p.catch(() => undefined);
      awaited.set(key, p);
    }
    return p;
  };

  before(async () => {
    await ensureServerBundle();
    tmp = copyExamples();
    const incident = path.join(tmp, 'examples', 'incident');
    shopPath = path.join(incident, 'conf.d', 'shop.conf');
    shopUri = uriOf(shopPath);
    shopText = fs.readFileSync(shopPath, 'utf8');
    mainUri = uriOf(path.join(incident, 'nginx.conf'));
    mainText = fs.readFileSync(path.join(incident, 'nginx.conf'), 'utf8');
    client = await TestClient.start({ pull: false, workspaceFolder: incident });
    client.open(shopUri, shopText);
    client.open(mainUri, mainText);
  });

  after(() => {
    client?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('advertises the features and logs a start line with the version', async () => {
    const caps = client.initializeResult!.capabilities;
    assert.equal(client.initializeResult!.serverInfo?.version, VERSION);
    assert.ok(caps.hoverProvider && caps.definitionProvider && caps.documentSymbolProvider);
    assert.equal(caps.diagnosticProvider, undefined, 'no pull diagnostics for a client without them');
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ['quickfix', 'source.fixAll.cachelint']);
    const line = await client.waitFor('the start message', () => client.logs.find((l) => l.includes('cachelint') && l.includes(VERSION)));
    assert.ok(!line.includes('\n'), 'one line');
  });

  test('publishes diagnostics for both opened files, with their versions', async () => {
    for (const uri of [shopUri, mainUri]) {
      const list = await client.waitForDiagnostics(uri, 'a publish', (_, p) => p.version === 1);
      for (const d of list) {
        assert.equal(d.source, 'cachelint');
        assert.ok(d.range.start.line >= 0);
      }
    }
  });

  test('reports the incident: volatile key, upstream TTL override, inactive shorter than TTL', async () => {
    const [volatile, ttl, inactive] = await Promise.all([
      diagnosticFor(shopUri, VOLATILE),
      diagnosticFor(shopUri, UPSTREAM_TTL),
      diagnosticFor(mainUri, INACTIVE),
    ]);
    assert.equal(volatile.severity, DiagnosticSeverity.Error);
    assert.equal(volatile.range.start.line, lineOf(shopText, 'proxy_cache_key'));
    assert.equal(volatile.source, 'cachelint');
    assert.equal(volatile.codeDescription?.href, 'https://github.com/cachelint/cachelint/blob/main/docs/rules/nginx/cache-key-volatile-variable.md');
    assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', 'nginx', 'cache-key-volatile-variable.md')), 'the linked page exists');

    assert.equal(ttl.severity, DiagnosticSeverity.Warning);
    assert.equal(ttl.range.start.line, lineOf(shopText, 'proxy_cache_valid'));

    assert.equal(inactive.severity, DiagnosticSeverity.Warning);
    const token = positionOf(mainText, 'inactive=30s');
    assert.ok(
      within({ start: inactive.range.start, end: inactive.range.end }, { start: token, end: { line: token.line, character: token.character + 'inactive=30s'.length } }) ||
        within({ start: token, end: { line: token.line, character: token.character + 'inactive=30s'.length } }, inactive.range),
      `range ${JSON.stringify(inactive.range)} is on the inactive=30s token`,
    );
  });

  test('hover on proxy_cache shows Markdown naming the zone', async () => {
    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: shopUri },
      position: positionOf(shopText, 'proxy_cache shop;', 3),
    });
    assert.ok(hover, 'a hover');
    const contents = hover.contents as { kind: string; value: string };
    assert.equal(contents.kind, 'markdown');
    assert.match(contents.value, /\bshop\b/);
  });

  test('code actions for the volatile key: a quick fix removing $request_id and "Disable … for this line"', async () => {
    const diagnostic = await diagnosticFor(shopUri, VOLATILE);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: shopUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], triggerKind: 1 },
    });
    assert.ok(actions.every((a) => a.kind === 'quickfix' && a.diagnostics?.length === 1), 'quick fixes tied to the diagnostic');
    assert.ok(actions.filter((a) => a.isPreferred).length <= 1, 'at most one preferred');
    const keyLine = lineOf(shopText, 'proxy_cache_key');

    const fix = actions.find((a) => {
      const edits = a.edit?.changes?.[shopUri];
      if (!edits || a.title.startsWith('Disable')) return false;
      const line = applyEdits(shopText, edits).split('\n').find((l) => l.includes('proxy_cache_key'));
      return line !== undefined && !line.includes('$request_id');
    });
    assert.ok(fix, `a fix that removes $request_id among ${JSON.stringify(actions.map((a) => a.title))}`);
    const fixed = applyEdits(shopText, fix.edit!.changes![shopUri]);
    assert.match(fixed, /proxy_cache_key \$scheme\$host\$request_uri;/);

    const disable = actions.find((a) => a.title.startsWith(`Disable ${VOLATILE}`));
    assert.ok(disable, 'a Disable action');
    const disabled = applyEdits(shopText, disable.edit!.changes![shopUri]).split('\n');
    const at = disabled.findIndex((l) => l.includes('proxy_cache_key'));
    assert.equal(at, keyLine + 1);
    assert.equal(disabled[at - 1].trim(), `# cachelint-disable-next-line ${VOLATILE}`);
  });

  test('code actions are matched to findings, not trusted from the request', async () => {
    const forged: Diagnostic = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } },
      code: VOLATILE,
      source: 'cachelint',
      message: 'forged',
      data: { edits: [{ newText: 'rm -rf' }] },
    };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: shopUri },
      range: forged.range,
      context: { diagnostics: [forged] },
    });
    assert.deepEqual(actions, []);
  });

  test('a diagnostic sent back with columns in another unit still matches the finding on its line', async () => {
    const diagnostic = await diagnosticFor(shopUri, VOLATILE);
    const shifted = { ...diagnostic, range: { start: { line: diagnostic.range.start.line, character: 0 }, end: { line: diagnostic.range.end.line, character: 1 } } };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: shopUri },
      range: shifted.range,
      context: { diagnostics: [shifted] },
    });
    assert.ok(actions.some((a) => a.title.startsWith(`Disable ${VOLATILE}`)), JSON.stringify(actions.map((a) => a.title)));
  });

  test('fix-all returns only a source.fixAll.cachelint action with edits in this document', async () => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: shopUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'], triggerKind: 2 },
    });
    assert.ok(actions.length <= 1);
    for (const a of actions) {
      assert.equal(a.kind, 'source.fixAll.cachelint');
      assert.deepEqual(Object.keys(a.edit?.changes ?? {}), [shopUri]);
      applyEdits(shopText, a.edit!.changes![shopUri]);
    }
  });

  test('document symbols: the server and its location', async () => {
    const symbols = await client.request<DocumentSymbol[] | null>('textDocument/documentSymbol', { textDocument: { uri: shopUri } });
    assert.ok(symbols, 'symbols');
    const server = symbols.find((s) => s.kind === SymbolKind.Module);
    assert.ok(server, `a server symbol among ${JSON.stringify(symbols.map((s) => s.name))}`);
    const location = flattenSymbols(server.children ?? []).find((s) => s.kind === SymbolKind.Method);
    assert.ok(location, 'a location symbol inside the server');
    assert.match(`${location.name} ${location.detail ?? ''}`, /\/api\//);
    assert.ok(within(server.range, location.range));
  });

  test('definition of the zone in proxy_cache points at keys_zone in nginx.conf', async () => {
    const def = await client.request<Location | Location[] | LocationLink[] | null>('textDocument/definition', {
      textDocument: { uri: shopUri },
      position: positionOf(shopText, 'proxy_cache shop;', 'proxy_cache '.length + 1),
    });
    const target = asLocations(def).find((l) => l.uri === mainUri);
    assert.ok(target, `a location in nginx.conf among ${JSON.stringify(def)}`);
    const start = positionOf(mainText, 'keys_zone=shop');
    assert.equal(target.range.start.line, start.line);
    assert.ok(target.range.start.character >= start.character);
    assert.ok(target.range.end.character <= start.character + 'keys_zone=shop'.length);
  });

  test('effective policy request answers with the policy card', async () => {
    const res = await client.request<{ markdown: string | null }>('cachelint/effectivePolicy', {
      textDocument: { uri: shopUri },
      position: positionOf(shopText, 'proxy_cache shop;'),
    });
    assert.ok(res.markdown, 'a policy card');
    assert.match(res.markdown, /\bshop\b/);
  });

  test('a change in the main config re-publishes the open files it includes', async () => {
    await diagnosticFor(shopUri, UPSTREAM_TTL);
    const at = positionOf(mainText, 'http {\n', 'http {\n'.length);
    const change = { range: { start: at, end: at }, text: '    proxy_ignore_headers Cache-Control Expires;\n' };
    client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 2 }, contentChanges: [change] });
    await client.waitForDiagnostics(shopUri, `shop.conf re-published without ${UPSTREAM_TTL}`, (list) => findRule(list, UPSTREAM_TTL) === undefined);
  });

  test('opening a main config gives an already open include its context; closing it takes it away', async () => {
    // A layout the workspace scan cannot see: the main config is neither in the folder nor an ancestor.
    const split = path.join(tmp, 'split');
    fs.mkdirSync(path.join(split, 'sites'), { recursive: true });
    fs.mkdirSync(path.join(split, 'main'), { recursive: true });
    const sitePath = path.join(split, 'sites', 'site.conf');
    const siteText = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8081;\n        proxy_cache edge;\n        proxy_cache_valid 200 10m;\n    }\n}\n';
    fs.writeFileSync(sitePath, siteText);
    const rootPath = path.join(split, 'main', 'nginx.conf');
    const rootText = `events {}\nhttp {\n    proxy_cache_path /tmp/cachelint-edge keys_zone=edge:10m inactive=1h;\n    proxy_ignore_headers Cache-Control Expires;\n    include ${path.join(split, 'sites')}/*.conf;\n}\n`;
    fs.writeFileSync(rootPath, rootText);
    const siteUri = uriOf(sitePath);
    const rootUri = uriOf(rootPath);

    client.open(siteUri, siteText);
    await client.waitForDiagnostics(siteUri, `${UPSTREAM_TTL} while analysed alone`, (list) => findRule(list, UPSTREAM_TTL) !== undefined);
    client.open(rootUri, rootText);
    await client.waitForDiagnostics(siteUri, `no ${UPSTREAM_TTL} once the main config is open`, (list) => findRule(list, UPSTREAM_TTL) === undefined);
    client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: rootUri } });
    await client.waitForDiagnostics(siteUri, `${UPSTREAM_TTL} again after the main config is closed`, (list) => findRule(list, UPSTREAM_TTL) !== undefined);
    await client.waitForDiagnostics(rootUri, 'cleared diagnostics for the closed file', (list, p) => list.length === 0 && p.version === undefined);
  });

  test('an incremental change removing $request_id clears the volatile-key diagnostic', async () => {
    const start = positionOf(shopText, '$request_id;');
    const change = { range: { start, end: { line: start.line, character: start.character + '$request_id'.length } }, text: '' };
    client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: shopUri, version: 2 }, contentChanges: [change] });
    const list = await client.waitForDiagnostics(shopUri, 'a publish for version 2', (_, p) => p.version === 2);
    assert.equal(findRule(list, VOLATILE), undefined, describeDiagnostics(list));
  });

  test('requests about unknown documents answer empty, and the server keeps serving', async () => {
    const uri = 'file:///nowhere/unknown.conf';
    const position = { line: 0, character: 0 };
    const range = { start: position, end: position };
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position }), null);
    const def = await client.request<Location[] | null>('textDocument/definition', { textDocument: { uri }, position });
    assert.ok(def === null || def.length === 0);
    const symbols = await client.request<DocumentSymbol[] | null>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols === null || symbols.length === 0);
    assert.deepEqual(await client.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }), []);
    assert.deepEqual(await client.request('cachelint/effectivePolicy', { textDocument: { uri }, position }), { markdown: null });
    // Malformed params: still an answer.
    assert.deepEqual(await client.request('cachelint/effectivePolicy', {}), { markdown: null });
    // Positions outside the document are clamped, not fatal.
    await client.request('textDocument/hover', { textDocument: { uri: shopUri }, position: { line: 999, character: 999 } });
    assert.equal(client.proc.exitCode, null, 'server still running');
    const symbolsAfter = await client.request('textDocument/documentSymbol', { textDocument: { uri: shopUri } });
    assert.notEqual(symbolsAfter, undefined);
  });

  describe('a garbage document', () => {
    let uri: string;
    before(() => {
      // Deterministic noise: any UTF-16 code unit (lone surrogates and NULs included) and unbalanced braces.
      let seed = 42;
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
      let text = '';
      for (let i = 0; i < 4000; i++) text += String.fromCharCode(Math.floor(rand() * 0x10000));
      text += '\nhttp { server { location / { proxy_cache ; proxy_cache_key "$a\n}}}}} {{{ ;;; " \' \\';
      uri = uriOf(path.join(tmp, 'examples', 'incident', 'garbage.conf'));
      client.open(uri, text);
    });

    test('gets published diagnostics and does not stop the server', async () => {
      await client.waitForDiagnostics(uri, 'a publish for the garbage document', (_, p) => p.version === 1);
      const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
      assert.notEqual(symbols, undefined);
      assert.equal(client.proc.exitCode, null);
    });

    test('gets at least one syntax error', async () => {
      const list = await client.waitForDiagnostics(uri, 'a publish for the garbage document', (_, p) => p.version === 1);
      assert.ok(list.length > 0, 'diagnostics for garbage');
      assert.ok(list.some((d) => d.severity === DiagnosticSeverity.Error));
    });
  });

  test('an untitled document is analysed from its buffer', async () => {
    const uri = 'untitled:Untitled-1';
    client.open(uri, 'http {\n    proxy_cache_path /tmp/c keys_zone=z:1m;\n    server {\n        location / {\n            proxy_pass http://127.0.0.1:8081;\n            proxy_cache z;\n            proxy_cache_key $host$request_uri$request_id;\n        }\n    }\n}\n');
    const list = await client.waitForDiagnostics(uri, `a ${VOLATILE} diagnostic`, (l) => findRule(l, VOLATILE) !== undefined);
    for (const d of list) for (const r of d.relatedInformation ?? []) assert.equal(r.location.uri, uri);
  });

  test('settings pushed by workspace/didChangeConfiguration apply to all documents', async () => {
    await diagnosticFor(mainUri, INACTIVE);
    client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { cachelint: { rules: { [INACTIVE]: 'off' } } } });
    await client.waitForDiagnostics(mainUri, `nginx.conf re-published without ${INACTIVE}`, (list) => findRule(list, INACTIVE) === undefined);
  });

  test('shutdown and exit end the process', async () => {
    assert.equal(await client.shutdown(), 0);
    assert.equal(client.stderr.includes('Error'), false, client.stderr);
  });
});

describe('language server over stdio, pull diagnostics and settings', () => {
  let tmp: string;
  let client: TestClient;
  let shopUri: string;
  let mainUri: string;
  let config: Record<string, unknown> = {};

  const pull = (uri: string) => client.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
  const items = async (uri: string): Promise<Diagnostic[]> => {
    const report = await pull(uri);
    assert.equal(report.kind, 'full');
    return (report as { items: Diagnostic[] }).items;
  };
  /** Changes the settings the client reports and waits for the server to ask for a re-pull. */
  const reconfigure = async (next: Record<string, unknown>) => {
    config = next;
    const before = client.refreshes;
    client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitFor('workspace/diagnostic/refresh', () => (client.refreshes > before ? true : undefined));
  };

  before(async () => {
    await ensureServerBundle();
    tmp = copyExamples();
    const incident = path.join(tmp, 'examples', 'incident');
    shopUri = uriOf(path.join(incident, 'conf.d', 'shop.conf'));
    mainUri = uriOf(path.join(incident, 'nginx.conf'));
    client = await TestClient.start({ pull: true, workspaceFolder: incident, configuration: () => config });
    client.open(shopUri, fs.readFileSync(path.join(incident, 'conf.d', 'shop.conf'), 'utf8'));
    client.open(mainUri, fs.readFileSync(path.join(incident, 'nginx.conf'), 'utf8'));
  });

  after(() => {
    client?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('advertises pull diagnostics and answers textDocument/diagnostic', async () => {
    const provider = client.initializeResult!.capabilities.diagnosticProvider as { interFileDependencies: boolean } | undefined;
    assert.ok(provider, 'diagnosticProvider');
    assert.equal(provider.interFileDependencies, true);
    const report = await pull(shopUri);
    assert.equal(report.kind, 'full');
    assert.ok(client.configurationRequests.some((r) => r.section === 'cachelint' && r.scopeUri === shopUri), 'settings read per resource');
  });

  test('an unknown document gets an empty report', async () => {
    assert.deepEqual(await items('file:///nowhere/unknown.conf'), []);
  });

  test('pulled diagnostics carry the incident findings', async () => {
    const shop = await items(shopUri);
    assert.equal(findRule(shop, VOLATILE)?.severity, DiagnosticSeverity.Error, describeDiagnostics(shop));
    assert.equal(findRule(shop, UPSTREAM_TTL)?.severity, DiagnosticSeverity.Warning, describeDiagnostics(shop));
    const main = await items(mainUri);
    assert.equal(findRule(main, INACTIVE)?.severity, DiagnosticSeverity.Warning, describeDiagnostics(main));
  });

  test('rule severities from the settings apply after a configuration change', async () => {
    await reconfigure({ rules: { [INACTIVE]: 'off', [UPSTREAM_TTL]: 'error' } });
    const main = await items(mainUri);
    assert.equal(findRule(main, INACTIVE), undefined, describeDiagnostics(main));
    const shop = await items(shopUri);
    assert.equal(findRule(shop, UPSTREAM_TTL)?.severity, DiagnosticSeverity.Error, describeDiagnostics(shop));
  });

  test('a file over maxFileSizeKB gets one info diagnostic and no analysis', async () => {
    await reconfigure({ maxFileSizeKB: 2 });
    const uri = uriOf(path.join(tmp, 'examples', 'incident', 'conf.d', 'big.conf'));
    client.open(uri, 'proxy_cache_key $request_id;\n'.repeat(200));
    const list = await items(uri);
    assert.equal(list.length, 1, describeDiagnostics(list));
    assert.equal(list[0].severity, DiagnosticSeverity.Information);
    assert.match(messageOf(list[0]), /maxFileSizeKB/);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } }), null);
  });

  test('over maxProblemsPerFile: errors first, then the problems nearest the last edit, and a notice counting the rest', async () => {
    const dir = path.join(tmp, 'many');
    fs.mkdirSync(dir, { recursive: true });
    const uri = uriOf(path.join(dir, 'nginx.conf'));
    const location = (i: number, key = '') =>
      `        location /p${i}/ {\n            proxy_pass http://127.0.0.1:8080;\n            proxy_cache z;\n${key}        }\n`;
    const locations = Array.from({ length: 40 }, (_, i) => location(i, i === 20 ? '            proxy_cache_key $request_id;\n' : '')).join('');
    const text = `http {\n    proxy_cache_path /tmp/c keys_zone=z:10m;\n    server {\n        listen 80;\n${locations}    }\n}\n# end\n`;
    const lastLine = text.split('\n').length - 2;
    await reconfigure({ maxProblemsPerFile: 0 });
    client.open(uri, text);
    const all = await items(uri);
    assert.ok(all.length > 40, `every problem without a limit: ${all.length}`);
    const errorLine = all.find((d) => d.severity === DiagnosticSeverity.Error)?.range.start.line;
    assert.ok(errorLine !== undefined && errorLine > 60, describeDiagnostics(all));

    await reconfigure({ maxProblemsPerFile: 6 });
    const top = await items(uri);
    assert.equal(top.length, 6, describeDiagnostics(top));
    const notice = top[5];
    assert.match(messageOf(notice), new RegExp(`found ${all.length} problems in this file and shows 5`));
    assert.equal(notice.code, undefined);
    assert.equal(top.filter((d) => d.severity === DiagnosticSeverity.Error).length, 1, 'the error is kept');
    const others = top.slice(0, 5).filter((d) => d.severity !== DiagnosticSeverity.Error);
    assert.ok(others.every((d) => d.range.start.line < 20), `before any edit, the first problems of the file: ${describeDiagnostics(others)}`);

    // An edit at the end of the file brings the problems near it forward.
    client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: 5 } }, text: '# the end' }],
    });
    const near = await items(uri);
    assert.equal(near.length, 6, describeDiagnostics(near));
    const nearOthers = near.slice(0, 5).filter((d) => d.severity !== DiagnosticSeverity.Error);
    assert.ok(nearOthers.every((d) => d.range.start.line > lastLine - 30), `after an edit at line ${lastLine}: ${describeDiagnostics(nearOthers)}`);
    assert.ok(near.some((d) => d.severity === DiagnosticSeverity.Error), 'the error is still kept');
  });

  test('cachelint.enable false silences diagnostics and hovers; true brings them back', async () => {
    await reconfigure({ enable: false });
    assert.deepEqual(await items(shopUri), []);
    const text = fs.readFileSync(path.join(tmp, 'examples', 'incident', 'conf.d', 'shop.conf'), 'utf8');
    const position = positionOf(text, 'proxy_cache shop', 2);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: shopUri }, position }), null);
    await reconfigure({ enable: true });
    assert.ok(findRule(await items(shopUri), VOLATILE), 'volatile key reported again');
    assert.ok(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: shopUri }, position }), 'hover again');
  });

  test('shutdown and exit end the process', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('language server, findings in included files that are not open', () => {
  let tmp: string;
  let client: TestClient;
  let shopUri: string;
  let shopText: string;
  let mainUri: string;

  before(async () => {
    await ensureServerBundle();
    tmp = copyExamples();
    const incident = path.join(tmp, 'examples', 'incident');
    shopUri = uriOf(path.join(incident, 'conf.d', 'shop.conf'));
    shopText = fs.readFileSync(path.join(incident, 'conf.d', 'shop.conf'), 'utf8');
    mainUri = uriOf(path.join(incident, 'nginx.conf'));
    client = await TestClient.start({ pull: true, workspaceFolder: incident, configuration: () => ({}) });
  });

  after(() => {
    client?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('pulling an open nginx.conf pushes the findings of the conf.d file it includes', async () => {
    client.open(mainUri, fs.readFileSync(path.join(tmp, 'examples', 'incident', 'nginx.conf'), 'utf8'));
    await client.request('textDocument/diagnostic', { textDocument: { uri: mainUri } });
    const shop = await client.waitForDiagnostics(shopUri, 'shop.conf findings pushed', (d) => findRule(d, VOLATILE) !== undefined);
    assert.equal(findRule(shop, VOLATILE)!.range.start.line, lineOf(shopText, 'proxy_cache_key'));
    assert.ok(findRule(shop, UPSTREAM_TTL), describeDiagnostics(shop));
  });

  test('opening the included file hands it over to its own (pulled) analysis; closing it pushes again', async () => {
    const pushes = client.published.get(shopUri)!.length;
    client.open(shopUri, shopText);
    await client.waitForDiagnostics(shopUri, 'pushed findings cleared on open', (d, p) => d.length === 0 && client.published.get(shopUri)!.indexOf(p) >= pushes);
    const report = await client.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: shopUri } });
    assert.ok(findRule((report as { items: Diagnostic[] }).items, VOLATILE));
    const refreshes = client.refreshes;
    client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: shopUri } });
    await client.waitFor('a refresh after closing', () => (client.refreshes > refreshes ? true : undefined));
    await client.request('textDocument/diagnostic', { textDocument: { uri: mainUri } });
    await client.waitForDiagnostics(shopUri, 'findings pushed again', (d) => findRule(d, VOLATILE) !== undefined);
  });

  test('closing nginx.conf clears the findings pushed for its includes', async () => {
    client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: mainUri } });
    await client.waitForDiagnostics(shopUri, 'pushed findings cleared', (d) => d.length === 0);
  });
});

describe('language server over node IPC', () => {
  let proc: ChildProcess | undefined;
  let conn: MessageConnection | undefined;

  after(() => {
    conn?.dispose();
    if (proc?.pid !== undefined && proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(proc.pid);
      } catch {
        // already gone
      }
    }
  });

  test('initializes, shuts down and exits', async () => {
    await ensureServerBundle();
    proc = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const exited = new Promise<number | null>((resolve) => proc!.once('exit', (code) => resolve(code)));
    conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    conn.listen();
    const result = await withTimeout(
      conn.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {} }),
      'initialize over IPC',
      TIMEOUT_MS,
    );
    assert.equal(result.serverInfo?.name, 'cachelint');
    conn.sendNotification('initialized', {});
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    assert.equal(await withTimeout(exited, 'the IPC server to exit', TIMEOUT_MS), 0);
  });
});
