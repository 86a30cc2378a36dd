// The background workspace index of the language server bundle (dist/server.js), driven over stdio:
// progress, findings of files that are not open, requests answered while indexing, limits, disk changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { WorkspaceDiagnosticRequest } from 'vscode-languageserver';
import type {
  Diagnostic,
  InitializeResult,
  Location,
  PublishDiagnosticsParams,
  WorkspaceDiagnosticReport,
  WorkspaceFullDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { generateWorkspace, type GeneratedWorkspace } from '../bench/workspace';
import { createNodeFileProvider, listDirectory, pathKind, readFileHead, toAnalyzerPath } from '../../server/src/node/fileProvider';
import { parseSettings } from '../../server/src/lsp/settings';
import { silentProgress, WorkspaceIndex } from '../../server/src/lsp/workspaceIndex';
import { disposeServer, ensureServerBundle, ROOT, spawnServer, uriOf, Waiters, withTimeout } from './harness';

/** Upper bound for any single wait on the server; waits end as soon as the awaited message arrives. */
const TIMEOUT_MS = 30_000;

type ProgressValue = { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number; cancellable?: boolean };

/** Everything the server sent (and every reply the client got), in arrival order. */
type Event =
  | { kind: 'create'; token: string | number }
  | { kind: 'progress'; token: string | number; value: ProgressValue }
  | { kind: 'publish'; params: PublishDiagnosticsParams }
  | { kind: 'showMessage'; type: number; message: string }
  | { kind: 'log'; message: string }
  | { kind: 'register'; method: string }
  | { kind: 'reply'; what: string };

interface ClientOptions {
  folder: string;
  /** Declare `window.workDoneProgress`. */
  progress: boolean;
  /** The `cachelint` section answered to `workspace/configuration` (read at each request). */
  configuration?: () => unknown;
  /** Declare pull diagnostics. */
  pull?: boolean;
  /** Declare dynamic registration of `workspace/didChangeWatchedFiles`. */
  watch?: boolean;
}

/** A minimal LSP client over the server's stdio that records what arrives, in order. */
class IndexClient {
  readonly events: Event[] = [];
  stderr = '';
  private readonly waiters = new Waiters(TIMEOUT_MS);
  /** Resolves with the first non-undefined value of `probe`, re-checked on every message from the server. */
  readonly waitFor = this.waiters.waitFor.bind(this.waiters);

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
  ) {
    proc.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    const record = (e: Event) => {
      this.events.push(e);
      this.waiters.poke();
    };
    conn.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => record({ kind: 'publish', params }));
    conn.onNotification('window/showMessage', (p: { type: number; message: string }) => record({ kind: 'showMessage', type: p.type, message: p.message }));
    conn.onNotification('window/logMessage', (p: { message: string }) => record({ kind: 'log', message: p.message }));
    conn.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      record({ kind: 'create', token: p.token });
      return null;
    });
    conn.onUnhandledProgress((p: { token: string | number; value: ProgressValue }) => record({ kind: 'progress', token: p.token, value: p.value }));
    conn.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string }> }) => {
      for (const r of p.registrations) record({ kind: 'register', method: r.method });
      return null;
    });
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => null);
    this.record = record;
    conn.listen();
  }

  readonly record: (e: Event) => void;

  static async start(opts: ClientOptions): Promise<IndexClient> {
    const { proc, conn } = spawnServer();
    const client = new IndexClient(proc, conn);
    const read = opts.configuration;
    if (read) conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => p.items.map((i) => (i.section === 'cachelint' ? read() : null)));
    await withTimeout(
      conn.sendRequest<InitializeResult>('initialize', {
        processId: process.pid,
        clientInfo: { name: 'cachelint-index-test' },
        rootUri: uriOf(opts.folder),
        workspaceFolders: [{ uri: uriOf(opts.folder), name: 'ws' }],
        capabilities: {
          window: { workDoneProgress: opts.progress },
          workspace: {
            configuration: read !== undefined,
            workspaceFolders: true,
            didChangeWatchedFiles: opts.watch ? { dynamicRegistration: true } : undefined,
            diagnostics: opts.pull ? { refreshSupport: true } : undefined,
          },
          textDocument: {
            synchronization: { dynamicRegistration: false },
            publishDiagnostics: { relatedInformation: true, versionSupport: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            documentSymbol: { hierarchicalDocumentSymbolSupport: true },
            diagnostic: opts.pull ? { dynamicRegistration: false, relatedDocumentSupport: false } : undefined,
          },
        },
      }),
      'initialize',
      TIMEOUT_MS,
    );
    await conn.sendNotification('initialized', {});
    return client;
  }

  progress(): Array<{ at: number; value: ProgressValue }> {
    const out: Array<{ at: number; value: ProgressValue }> = [];
    this.events.forEach((e, at) => {
      if (e.kind === 'progress') out.push({ at, value: e.value });
    });
    return out;
  }

  /** Index of the progress `end` event, once it has arrived. */
  waitForEnd(): Promise<number> {
    return this.waitFor('the progress end', () => {
      const i = this.events.findIndex((e) => e.kind === 'progress' && e.value.kind === 'end');
      return i >= 0 ? i : undefined;
    });
  }

  /** The first "N/M files" report of the analysis phase. */
  waitForCountReport(): Promise<{ at: number; value: ProgressValue }> {
    return this.waitFor('a "N/M files" progress report', () => this.progress().find((p) => p.value.kind === 'report' && /^\d+\/\d+ files$/.test(p.value.message ?? '')));
  }

  latest(uri: string): PublishDiagnosticsParams | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (e.kind === 'publish' && e.params.uri === uri) return e.params;
    }
    return undefined;
  }

  waitForDiagnostics(uri: string, what: string, ok: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    return this.waitFor(`${what} for ${path.basename(uri)}`, () => {
      const p = this.latest(uri);
      return p && ok(p.diagnostics) ? p.diagnostics : undefined;
    });
  }

  /** Sends a request and records its reply as an event when it arrives. */
  async request<R>(method: string, params: unknown, what = method): Promise<R> {
    const r = await withTimeout(this.conn.sendRequest<R>(method, params), method, TIMEOUT_MS);
    this.record({ kind: 'reply', what });
    return r;
  }

  open(file: string): void {
    const text = fs.readFileSync(file, 'utf8');
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId: file.endsWith('.vcl') ? 'vcl' : 'nginx', version: 1, text } });
  }

  filesChanged(changes: Array<{ file: string; type: 1 | 2 | 3 }>): void {
    void this.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map((c) => ({ uri: uriOf(c.file), type: c.type })) });
  }

  /** Shuts the server down; the process is killed by its PID if it does not exit. */
  async stop(): Promise<void> {
    try {
      await withTimeout(this.conn.sendRequest('shutdown'), 'shutdown', 5000);
      await this.conn.sendNotification('exit');
    } catch {
      // killed below
    }
    disposeServer(this.proc, this.conn);
  }
}

function tempWorkspace(files: number, seed: number): { dir: string; ws: GeneratedWorkspace } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-index-'));
  return { dir, ws: generateWorkspace(path.join(dir, 'ws'), { files, seed }) };
}

/** The text of a generated file with its planted problem repaired. */
function repaired(text: string, rule: string): string {
  switch (rule) {
    case 'nginx/cache-key-volatile-variable':
      return text.replace('$request_id', '');
    case 'nginx/cache-key-per-client-variable':
      return text.replace('$remote_addr', '');
    case 'nginx/cache-valid-zero-or-tiny':
      return text.replace(' 1s;', ' 10m;');
    case 'nginx/zone-undefined':
      return text.replace(/(env\d+)_missing/, '$1_z0');
    default:
      throw new Error(`no repair for ${rule}`);
  }
}

/** A position on the zone name of the first `proxy_cache NAME;` line. */
function zonePosition(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /^\s*proxy_cache\s+\w+;/.test(l));
  assert.ok(line >= 0, 'a proxy_cache line');
  return { line, character: lines[line].indexOf('proxy_cache') + 'proxy_cache '.length + 1 };
}

describe('workspace index: progress, findings of files that are not open, requests while indexing', () => {
  let tmp: string;
  let ws: GeneratedWorkspace;
  let client: IndexClient;
  let openFile: string;
  let hoverDone: Promise<unknown>;

  before(async () => {
    await ensureServerBundle();
    ({ dir: tmp, ws } = tempWorkspace(300, 7));
    client = await IndexClient.start({ folder: path.join(tmp, 'ws'), progress: true, configuration: () => ({}) });
    // A site whose main config is in a sibling directory (platform/env-N/main/nginx.conf), not above it.
    openFile = ws.detachedSites[0];
    client.open(openFile);
    // Asked as soon as the index reports its first count, i.e. while it is analysing.
    hoverDone = client.waitForCountReport().then(() =>
      client.request('textDocument/hover', { textDocument: { uri: uriOf(openFile) }, position: zonePosition(fs.readFileSync(openFile, 'utf8')) }, 'hover'),
    );
    hoverDone.catch(() => undefined);
  });

  after(async () => {
    await client?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('progress: created by the server, then begin, reports with percentages and "N/M files", then one end', async () => {
    const endAt = await client.waitForEnd();
    const createAt = client.events.findIndex((e) => e.kind === 'create');
    assert.ok(createAt >= 0, 'window/workDoneProgress/create was requested');
    const token = (client.events[createAt] as { token: string | number }).token;
    const progress = client.progress();
    assert.ok(progress.every((p) => (client.events[p.at] as { token: unknown }).token === token), 'all progress on the created token');
    assert.equal(progress[0].value.kind, 'begin');
    assert.ok(progress[0].at > createAt, 'begin after create');
    assert.equal(progress[0].value.cancellable, true);
    assert.match(progress[0].value.title ?? '', /cachelint/);
    assert.equal(progress.at(-1)!.at, endAt, 'end is the last progress');
    assert.equal(progress.filter((p) => p.value.kind === 'end').length, 1);
    const reports = progress.filter((p) => p.value.kind === 'report');
    assert.ok(reports.length >= 3, `several reports (${reports.length})`);
    const counted = reports.filter((p) => /^\d+\/\d+ files$/.test(p.value.message ?? ''));
    let last = -1;
    for (const r of counted) {
      assert.equal(typeof r.value.percentage, 'number');
      assert.ok(r.value.percentage! >= last && r.value.percentage! <= 100, `percentages rise: ${last} → ${r.value.percentage}`);
      last = r.value.percentage!;
    }
    // Every config file written was found and indexed.
    assert.equal(counted.at(-1)!.value.message, `${ws.files.length}/${ws.files.length} files`);
    assert.equal(counted.at(-1)!.value.percentage, 100);
  });

  test('a request on the open file is answered while indexing still runs', async () => {
    await hoverDone;
    const endAt = await client.waitForEnd();
    const replyAt = client.events.findIndex((e) => e.kind === 'reply' && e.what === 'hover');
    assert.ok(replyAt >= 0 && replyAt < endAt, `the hover reply (#${replyAt}) must come before the progress end (#${endAt})`);
    // Proof that the index was still at work when the reply came: it reported unfinished progress afterwards.
    const later = client.progress().filter((p) => p.at > replyAt && p.value.kind === 'report' && (p.value.percentage ?? 100) < 100);
    assert.ok(later.length > 0, 'a report below 100% after the reply');
  });

  test('findings of files that are not open are published: sites, shared snippets, VCL parts, files no main config includes', async () => {
    assert.ok(ws.planted.length >= 10, `planted problems: ${ws.planted.length}`);
    assert.ok(ws.planted.some((p) => p.path.endsWith('.vcl')) && ws.planted.some((p) => ws.orphans.includes(p.path)));
    for (const p of ws.planted) {
      if (p.path === openFile) continue;
      await client.waitForDiagnostics(uriOf(p.path), `a ${p.rule} diagnostic`, (list) => list.some((d) => d.code === p.rule));
    }
    // Nothing is published for a file without findings.
    const clean = ws.files.find((f) => f.endsWith('/snippets/gzip.conf'))!;
    assert.equal(client.latest(uriOf(clean)), undefined);
  });

  test('the open file is analysed in the context of the main config that includes it, found by the index', async () => {
    await client.waitForEnd();
    const text = fs.readFileSync(openFile, 'utf8');
    const def = await client.request<Location[] | null>('textDocument/definition', { textDocument: { uri: uriOf(openFile) }, position: zonePosition(text) });
    const zones = path.join(path.dirname(path.dirname(openFile)), 'conf.d', 'cache-zones.conf');
    assert.ok(def?.some((l) => l.uri === uriOf(zones)), `the zone is defined in ${zones}: ${JSON.stringify(def)}`);
  });
});

describe('workspace index: limits, cancellation, settings', () => {
  const clients: IndexClient[] = [];
  const tmps: string[] = [];

  before(ensureServerBundle);

  after(async () => {
    for (const c of clients) await c.stop();
    for (const t of tmps) fs.rmSync(t, { recursive: true, force: true });
  });

  async function start(files: number, opts: Omit<ClientOptions, 'folder'>): Promise<{ client: IndexClient; ws: GeneratedWorkspace }> {
    const { dir, ws } = tempWorkspace(files, 3);
    tmps.push(dir);
    const client = await IndexClient.start({ folder: path.join(dir, 'ws'), ...opts });
    clients.push(client);
    return { client, ws };
  }

  test('cachelint.index.maxFiles: reaching the limit is shown to the user and in the progress', async () => {
    const { client, ws } = await start(120, { progress: true, configuration: () => ({ index: { maxFiles: 25 } }) });
    const shown = await client.waitFor('a window/showMessage about the limit', () => client.events.find((e) => e.kind === 'showMessage'));
    assert.equal((shown as { type: number }).type, 2, 'a warning');
    assert.match((shown as { message: string }).message, /cachelint\.index\.maxFiles/);
    assert.match((shown as { message: string }).message, /\b25\b/);
    const endAt = await client.waitForEnd();
    const reports = client.progress().filter((p) => p.at < endAt && p.value.kind === 'report');
    assert.ok(reports.some((p) => /limit of 25 files/i.test(p.value.message ?? '')), JSON.stringify(reports.map((r) => r.value.message)));
    assert.equal(reports.filter((p) => /^\d+\/\d+ files$/.test(p.value.message ?? '')).at(-1)?.value.message, '25/25 files');
    assert.ok(ws.files.length > 25);
  });

  test('cancelling the progress stops indexing cleanly; the server keeps answering', async () => {
    const { client, ws } = await start(300, { progress: true });
    const first = await client.waitForCountReport();
    const token = (client.events[first.at] as { token: string | number }).token;
    void client.conn.sendNotification('window/workDoneProgress/cancel', { token });
    const endAt = await client.waitForEnd();
    const counts = client.progress().filter((p) => p.at < endAt && /^\d+\/\d+ files$/.test(p.value.message ?? ''));
    const [done, total] = counts.at(-1)!.value.message!.split(/[/ ]/).map(Number);
    assert.equal(total, ws.files.length);
    assert.ok(done < total, `stopped before the end: ${done}/${total}`);
    await client.waitFor('a log line about the cancellation', () => client.events.find((e) => e.kind === 'log' && /cancelled/.test(e.message)));
    const file = ws.detachedSites[0];
    client.open(file);
    const symbols = await client.request<unknown[] | null>('textDocument/documentSymbol', { textDocument: { uri: uriOf(file) } });
    assert.ok(Array.isArray(symbols) && symbols.length > 0);
    assert.equal(client.proc.exitCode, null);
  });

  test('without window.workDoneProgress the index works silently', async () => {
    const { client, ws } = await start(60, { progress: false });
    const planted = ws.planted.find((p) => ws.orphans.includes(p.path))!;
    await client.waitForDiagnostics(uriOf(planted.path), `a ${planted.rule} diagnostic`, (list) => list.some((d) => d.code === planted.rule));
    await client.waitFor('the index summary in the log', () => client.events.find((e) => e.kind === 'log' && /indexed \d+ nginx\/VCL files/.test(e.message)));
    assert.equal(client.events.filter((e) => e.kind === 'create' || e.kind === 'progress').length, 0);
  });

  test('cachelint.index.workspaceDiagnostics false: nothing is published for files that are not open', async () => {
    const { client } = await start(60, { progress: true, configuration: () => ({ index: { workspaceDiagnostics: false } }) });
    await client.waitForEnd();
    await client.waitFor('the index summary in the log', () => client.events.find((e) => e.kind === 'log' && /indexed \d+ nginx\/VCL files/.test(e.message)));
    assert.deepEqual(client.events.filter((e) => e.kind === 'publish').map((e) => (e as { params: PublishDiagnosticsParams }).params.uri), []);
  });
});

describe('workspace index: changes on disk', () => {
  let tmp: string;
  let ws: GeneratedWorkspace;
  let client: IndexClient;

  before(async () => {
    await ensureServerBundle();
    ({ dir: tmp, ws } = tempWorkspace(80, 11));
    client = await IndexClient.start({ folder: path.join(tmp, 'ws'), progress: true, watch: true });
    await client.waitForEnd();
  });

  after(async () => {
    await client?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the server asks to be told about file changes', async () => {
    await client.waitFor('a registration of workspace/didChangeWatchedFiles', () => client.events.find((e) => e.kind === 'register' && e.method === 'workspace/didChangeWatchedFiles'));
  });

  test('fixing a problem on disk in a file that is not open re-publishes it without the finding', async () => {
    const planted = ws.planted.find((p) => p.path.includes('/sites-enabled/'))!;
    assert.ok(planted, 'a problem in an included site');
    const uri = uriOf(planted.path);
    await client.waitForDiagnostics(uri, `the ${planted.rule} finding`, (list) => list.some((d) => d.code === planted.rule));
    fs.writeFileSync(planted.path, repaired(fs.readFileSync(planted.path, 'utf8'), planted.rule));
    client.filesChanged([{ file: planted.path, type: 2 }]);
    await client.waitForDiagnostics(uri, `no ${planted.rule} finding`, (list) => !list.some((d) => d.code === planted.rule));
  });

  test('a new file that a glob include matches is indexed in that main config', async () => {
    const sites = path.dirname(ws.files.find((f) => /\/env-0\/nginx\/sites-enabled\//.test(f))!);
    const file = path.join(sites, 'zz-new');
    // The zone is declared in env-0's conf.d: in the main config's context it is known.
    fs.writeFileSync(file, 'server {\n    listen 80;\n    location / {\n        proxy_pass http://env0_app0;\n        proxy_cache env0_z0;\n        proxy_cache_key $scheme$host$uri$request_id;\n    }\n}\n');
    client.filesChanged([{ file, type: 1 }]);
    const list = await client.waitForDiagnostics(uriOf(file), 'a volatile-key finding', (l) => l.some((d) => d.code === 'nginx/cache-key-volatile-variable'));
    assert.ok(!list.some((d) => d.code === 'nginx/zone-undefined'), JSON.stringify(list.map((d) => d.code)));
  });

  test('deleting a file clears its findings', async () => {
    const planted = ws.planted.find((p) => ws.orphans.includes(p.path))!;
    const uri = uriOf(planted.path);
    await client.waitForDiagnostics(uri, `a ${planted.rule} finding`, (list) => list.length > 0);
    fs.rmSync(planted.path);
    client.filesChanged([{ file: planted.path, type: 3 }]);
    await client.waitForDiagnostics(uri, 'cleared findings', (list) => list.length === 0);
  });
});

describe('workspace index, pull diagnostics: the workspace report', () => {
  let tmp: string;
  let ws: GeneratedWorkspace;
  let client: IndexClient;

  before(async () => {
    await ensureServerBundle();
    ({ dir: tmp, ws } = tempWorkspace(60, 5));
    client = await IndexClient.start({ folder: path.join(tmp, 'ws'), progress: true, pull: true, configuration: () => ({}) });
    await client.waitForEnd();
  });

  after(async () => {
    await client?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  let first: WorkspaceFullDocumentDiagnosticReport[] = [];

  test('workspace/diagnostic lists the findings of files that are not open; nothing of them is pushed', async () => {
    const report = await client.request<WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [] });
    first = report.items.filter((i): i is WorkspaceFullDocumentDiagnosticReport => i.kind === 'full');
    for (const p of ws.planted) {
      const item = first.find((i) => i.uri === uriOf(p.path));
      assert.ok(item?.items.some((d) => d.code === p.rule), `${p.rule} for ${p.path}`);
    }
    assert.equal(client.events.filter((e) => e.kind === 'publish').length, 0);
  });

  test('a held workspace/diagnostic request answers with the file that changed on disk', async () => {
    const planted = ws.planted.find((p) => p.path.includes('/sites-enabled/') || ws.orphans.includes(p.path))!;
    const held = client.request<WorkspaceDiagnosticReport>('workspace/diagnostic', {
      previousResultIds: first.map((i) => ({ uri: i.uri, value: i.resultId! })),
    });
    fs.writeFileSync(planted.path, repaired(fs.readFileSync(planted.path, 'utf8'), planted.rule));
    client.filesChanged([{ file: planted.path, type: 2 }]);
    const report = await held;
    const item = report.items.find((i) => i.uri === uriOf(planted.path)) as WorkspaceFullDocumentDiagnosticReport | undefined;
    assert.ok(item, JSON.stringify(report.items.map((i) => i.uri)));
    assert.ok(!item.items.some((d) => d.code === planted.rule));
    assert.ok(report.items.every((i) => i.uri === uriOf(planted.path)), 'only what changed');
  });

  test('with a partial result token, findings stream while indexing and the request ends once the index is idle', async () => {
    const { dir, ws: ws2 } = tempWorkspace(200, 9);
    const streaming = await IndexClient.start({ folder: path.join(dir, 'ws'), progress: true, pull: true });
    try {
      const partials: WorkspaceFullDocumentDiagnosticReport[][] = [];
      const partialResultToken = 'workspace-pull';
      streaming.conn.onProgress(WorkspaceDiagnosticRequest.partialResult, partialResultToken, (p) => {
        partials.push(p.items as WorkspaceFullDocumentDiagnosticReport[]);
        streaming.record({ kind: 'log', message: 'partial result' });
      });
      const report = await streaming.request<WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [], partialResultToken }, 'workspace/diagnostic');
      assert.deepEqual(report.items, [], 'all of it went out as partial results');
      const endAt = await streaming.waitForEnd();
      const replyAt = streaming.events.findIndex((e) => e.kind === 'reply' && e.what === 'workspace/diagnostic');
      assert.ok(replyAt > endAt, `the request ends after the index (#${replyAt} after #${endAt})`);
      assert.ok(partials.length >= 1);
      const all = partials.flat();
      for (const p of ws2.planted) assert.ok(all.some((i) => i.uri === uriOf(p.path) && i.items.some((d) => d.code === p.rule)), `${p.rule} for ${p.path}`);
    } finally {
      await streaming.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the cachelint.index settings are read, and bad values keep the defaults', () => {
  const s = parseSettings({ index: { enable: false, workspaceDiagnostics: false, maxFiles: 120.7, exclude: ['**/legacy/**', 3, ' '] } });
  assert.deepEqual(s.index, { enable: false, workspaceDiagnostics: false, maxFiles: 120, exclude: ['**/legacy/**'] });
  const d = parseSettings({ index: { enable: 'no', maxFiles: -1, exclude: 'x' } });
  assert.deepEqual(d.index, { enable: true, workspaceDiagnostics: true, maxFiles: 5000, exclude: [] });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['cachelint.index.maxFiles'].default, d.index.maxFiles);
  assert.equal(props['cachelint.index.enable'].default, d.index.enable);
  assert.equal(props['cachelint.index.workspaceDiagnostics'].default, d.index.workspaceDiagnostics);
  assert.deepEqual(props['cachelint.index.exclude'].default, d.index.exclude);
});

describe('workspace index, in process: what the walk finds', () => {
  let tmp: string;

  before(() => {
    tmp = toAnalyzerPath(fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cachelint-walk-'))));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    };
    write('etc/nginx/nginx.conf', 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    write('etc/nginx/conf.d/site.conf', 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8081;\n        proxy_cache_key $host$request_uri$request_id;\n    }\n}\n');
    write('etc/nginx/sites-available/unused', 'server {\n    listen 81;\n    location / {\n        proxy_pass http://127.0.0.1:8082;\n        proxy_cache_key $scheme$host$uri$request_id;\n    }\n}\n');
    write('etc/redis/redis.conf', 'maxmemory 2gb\nmaxmemory-policy allkeys-lru\n');
    write('etc/supervisor/supervisord.conf', '[program:app]\ncommand=/usr/bin/app\n');
    write('deploy/edge.conf', 'upstream app {\n    server 127.0.0.1:8081;\n}\n');
    write('node_modules/pkg/nginx.conf', 'events {}\nhttp {}\n');
    write('.cache/nginx.conf', 'events {}\nhttp {}\n');
    write('legacy/old/nginx.conf', 'events {}\nhttp {}\n');
    write('varnish/default.vcl', 'vcl 4.1;\ninclude "parts.vcl";\nbackend default { .host = "127.0.0.1"; .port = "8081"; }\n');
    write('varnish/parts.vcl', 'sub vcl_recv {\n    return (hash);\n}\n');
    // A symlinked directory pointing up: followed, it would never end.
    fs.symlinkSync(tmp, path.join(tmp, 'etc', 'loop'), 'dir');
    // A symlinked file is indexed like the file.
    fs.symlinkSync(path.join(tmp, 'deploy', 'edge.conf'), path.join(tmp, 'deploy', 'edge-link.conf'));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function index(raw: unknown): Promise<{ found: string[]; diagnosed: Map<string, string[]>; warnings: string[]; idx: WorkspaceIndex }> {
    const diagnosed = new Map<string, string[]>();
    const warnings: string[] = [];
    const found = new Set<string>();
    const idx: WorkspaceIndex = new WorkspaceIndex({
      provider: createNodeFileProvider(),
      fs: {
        list: listDirectory,
        kind: pathKind,
        head: (p, n) => {
          found.add(p);
          return readFileHead(p, n);
        },
      },
      settings: async () => parseSettings(raw),
      uri: uriOf,
      diagnosticsChanged: (p) => diagnosed.set(p, (idx.diagnosticsFor(p) ?? []).map((d) => String(d.code))),
      rootsChanged: () => undefined,
      createProgress: async () => silentProgress(),
      log: () => undefined,
      warn: (m) => warnings.push(m),
      internalErrors: () => undefined,
    });
    await withTimeout(idx.reindexAll([tmp]), 'the index run', TIMEOUT_MS);
    return { found: [...found].map((p) => p.slice(tmp.length + 1)).sort(), diagnosed, warnings, idx };
  }

  test('skips node_modules and hidden folders, does not enter symlinked folders, keeps symlinked files', async () => {
    const { found } = await index({});
    assert.ok(!found.some((f) => f.startsWith('node_modules/') || f.startsWith('.cache/') || f.startsWith('etc/loop/')), found.join(', '));
    assert.ok(found.includes('deploy/edge-link.conf'), found.join(', '));
  });

  test('finds nginx and VCL files, not other .conf files; a file no main config includes is analysed alone', async () => {
    const { diagnosed, idx } = await index({});
    const at = (rel: string) => path.join(tmp, rel).replace(/\\/g, '/');
    assert.ok(diagnosed.get(at('etc/nginx/conf.d/site.conf'))?.includes('nginx/cache-key-volatile-variable'));
    assert.ok(diagnosed.get(at('etc/nginx/sites-available/unused'))?.includes('nginx/cache-key-volatile-variable'));
    assert.equal(idx.rootOf(at('etc/nginx/sites-available/unused')), undefined);
    assert.equal(idx.rootOf(at('etc/nginx/conf.d/site.conf')), at('etc/nginx/nginx.conf'));
    assert.equal(idx.rootOf(at('varnish/parts.vcl')), at('varnish/default.vcl'));
    assert.equal(idx.rootOf(at('deploy/edge.conf')), undefined);
    for (const rel of ['etc/redis/redis.conf', 'etc/supervisor/supervisord.conf']) assert.equal(idx.diagnosticsFor(at(rel)), undefined, rel);
  });

  test('cachelint.index.exclude leaves out matching folders and files', async () => {
    const { found } = await index({ index: { exclude: ['legacy', '**/*-link.conf'] } });
    assert.ok(!found.some((f) => f.startsWith('legacy/') || f.endsWith('-link.conf')), found.join(', '));
    assert.ok(found.includes('etc/nginx/nginx.conf'));
  });

  test('cachelint.index.enable false: nothing is read', async () => {
    const { found, diagnosed } = await index({ index: { enable: false } });
    assert.deepEqual(found, []);
    assert.equal(diagnosed.size, 0);
  });
});
