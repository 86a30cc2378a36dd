// Drives the language server bundle (dist/server.js) over stdio the way an editor does, and times it:
// open → first diagnostics, one-line edits → their diagnostics, hovers, code actions; then peak RSS.
// Also the server's start → initialize over node IPC (what the VS Code client waits for on activation).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { CodeAction, Diagnostic, Hover, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { summarize, type Sample } from './stats';
import { withTimeout as bounded } from '../lsp/harness';

const WAIT_MS = 60_000;

const CLIENT_CAPABILITIES = {
  workspace: { configuration: false, workspaceFolders: true },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
    },
  },
};

export interface LspResult {
  /** didOpen → first publishDiagnostics of version 1. */
  open: number;
  openDiagnostics: number;
  /** didChange → publishDiagnostics of that version, one per edit. */
  edits: Sample;
  hovers: Sample;
  /** Hovers that returned content (a null hover is a miss of the probe position). */
  hoverHits: number;
  codeActions: Sample;
  codeActionCount: number;
  /** VmHWM / VmRSS of the server process at the end, bytes. */
  peakRss: number;
  rss: number;
  /** How the server asked to be sent changes. */
  sync: 'incremental' | 'full';
  /** What the server wrote to stderr. */
  stderr: string;
}

interface Waiter {
  version: number;
  resolve: (p: PublishDiagnosticsParams) => void;
}

/** Reads `VmHWM` and `VmRSS` (bytes) of a process from /proc. */
export function memoryOf(pid: number): { hwm: number; rss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)\\s*kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

const withTimeout = <T>(p: Promise<T>, what: string, ms = WAIT_MS): Promise<T> => bounded(p, what, ms);

function kill(proc: ChildProcess): void {
  if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
    try {
      process.kill(proc.pid);
    } catch {
      // already gone
    }
  }
}

export interface LspOptions {
  server: string;
  file: string;
  /** An empty directory used as the workspace folder (nothing for the server to scan). */
  workspace: string;
  edits: number;
  hovers: number;
  codeActions: number;
}

/** One editor session on `file`: open, edits, hovers, code actions. Throws on a protocol error or timeout. */
export async function driveServer(o: LspOptions): Promise<LspResult> {
  const proc = spawn(process.execPath, [o.server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const conn: MessageConnection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const uri = pathToFileURL(o.file).href;
  let latest: PublishDiagnosticsParams | undefined;
  const waiters: Waiter[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    if (p.uri !== uri) return;
    latest = p;
    for (const w of [...waiters]) {
      if (p.version === w.version) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('client/unregisterCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  conn.listen();
  const diagnosticsOf = (version: number) =>
    withTimeout(new Promise<PublishDiagnosticsParams>((resolve) => waiters.push({ version, resolve })), `diagnostics of version ${version}`);

  try {
    const init = await withTimeout(
      conn.sendRequest<InitializeResult>('initialize', {
        processId: process.pid,
        clientInfo: { name: 'cachelint-bench' },
        rootUri: pathToFileURL(o.workspace).href,
        workspaceFolders: [{ uri: pathToFileURL(o.workspace).href, name: 'bench' }],
        capabilities: CLIENT_CAPABILITIES,
      }),
      'initialize',
    );
    await conn.sendNotification('initialized', {});
    const syncKind = (() => {
      const s = init.capabilities.textDocumentSync;
      return typeof s === 'number' ? s : (s?.change ?? 1);
    })();
    const sync: LspResult['sync'] = syncKind === 2 ? 'incremental' : 'full';

    const text = fs.readFileSync(o.file, 'utf8');
    const languageId = o.file.endsWith('.vcl') ? 'vcl' : 'nginx';
    let doc = TextDocument.create(uri, languageId, 1, text);

    // Open → first diagnostics.
    let t = performance.now();
    const first = diagnosticsOf(1);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const opened = await first;
    const open = performance.now() - t;

    // One-line edits spread over the file: each rewrites one statement line, and waits for its diagnostics.
    const candidates = linesMatching(doc, /^\s*(proxy_cache_valid|set |proxy_cache_lock|add_header)\b/);
    const editLines = spread(candidates.length ? candidates : [...Array(doc.lineCount).keys()], o.edits);
    const editTimes: number[] = [];
    for (let i = 0; i < editLines.length; i++) {
      const line = editLines[i];
      const old = lineText(doc, line);
      const next = editedLine(old, i);
      const range = { start: { line, character: 0 }, end: { line, character: old.length } };
      const version = doc.version + 1;
      const change = sync === 'incremental' ? { range, text: next } : { text: '' };
      doc = TextDocument.update(doc, [{ range, text: next }], version);
      if (sync === 'full') change.text = doc.getText();
      const waited = diagnosticsOf(version);
      t = performance.now();
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await waited;
      editTimes.push(performance.now() - t);
    }

    // Hovers on cache directives of the settled document.
    const hoverLines = spread(linesMatching(doc, /^\s*(proxy_cache|proxy_cache_valid|hash_data|set beresp\.ttl)\b/), o.hovers);
    const hoverTimes: number[] = [];
    let hoverHits = 0;
    for (const line of hoverLines) {
      const character = lineText(doc, line).search(/\S/) + 2;
      t = performance.now();
      const h = await withTimeout(conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } }), 'hover');
      hoverTimes.push(performance.now() - t);
      if (h) hoverHits++;
    }

    // Code actions where diagnostics are (the editor asks with the diagnostics under the cursor).
    const diags = latest?.diagnostics ?? [];
    const picked = spread([...diags.keys()], o.codeActions).map((i) => diags[i]);
    const actionTimes: number[] = [];
    let actionCount = 0;
    for (const d of picked.length ? picked : []) {
      const inRange = diags.filter((x: Diagnostic) => x.range.start.line === d.range.start.line);
      t = performance.now();
      const actions = await withTimeout(
        conn.sendRequest<CodeAction[] | null>('textDocument/codeAction', {
          textDocument: { uri },
          range: d.range,
          context: { diagnostics: inRange, triggerKind: 1 },
        }),
        'codeAction',
      );
      actionTimes.push(performance.now() - t);
      actionCount += actions?.length ?? 0;
    }

    const mem = memoryOf(proc.pid!);
    await withTimeout(conn.sendRequest('shutdown'), 'shutdown', 10_000);
    await conn.sendNotification('exit');
    return {
      open,
      openDiagnostics: opened.diagnostics.length,
      edits: summarize(editTimes),
      hovers: summarize(hoverTimes),
      hoverHits,
      codeActions: summarize(actionTimes),
      codeActionCount: actionCount,
      peakRss: mem.hwm,
      rss: mem.rss,
      sync,
      stderr,
    };
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}${stderr ? `; server stderr: ${stderr.slice(-500)}` : ''}`);
  } finally {
    conn.dispose();
    setTimeout(() => kill(proc), 2000).unref();
  }
}

/** Starts the server as the VS Code client does (fork, node IPC) and times start → initialize result. */
export async function startOverIpc(server: string, workspace: string): Promise<number> {
  const t = performance.now();
  // execArgv: [] — not this process's `--import tsx`, which would add its own load time to the server's.
  const proc = fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
  const conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  try {
    await withTimeout(
      conn.sendRequest<InitializeResult>('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(workspace).href,
        workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'bench' }],
        capabilities: CLIENT_CAPABILITIES,
      }),
      'initialize over IPC',
      20_000,
    );
    await conn.sendNotification('initialized', {});
    return performance.now() - t;
  } finally {
    try {
      await withTimeout(conn.sendRequest('shutdown'), 'shutdown', 5000);
      await conn.sendNotification('exit');
    } catch {
      // killed below
    }
    conn.dispose();
    setTimeout(() => kill(proc), 1000).unref();
  }
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

function linesMatching(doc: TextDocument, re: RegExp): number[] {
  const out: number[] = [];
  const lines = doc.getText().split('\n');
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i])) out.push(i);
  return out;
}

/** `n` items evenly spread over `list` (all of it when shorter). */
function spread<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(list[Math.floor(((i + 0.5) * list.length) / n)]);
  return out;
}

/** A realistic one-line edit: change a number on the line (a TTL, a size), or append a comment. */
function editedLine(line: string, i: number): string {
  const m = /(\d+)([smhdkKmMgG]?;)/.exec(line);
  if (m) return line.slice(0, m.index) + String(Number(m[1]) + 1 + (i % 5)) + m[2] + line.slice(m.index + m[0].length);
  return `${line} # edit ${i}`;
}
