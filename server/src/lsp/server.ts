// The language server's handlers: document → analysis (cached) → analyzer facade → LSP via convert.ts.
import * as nodePath from 'node:path';
import {
  CodeActionKind,
  CompletionItemKind,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  type CompletionItem,
  type Location as LspLocation,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Definition,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type DocumentSymbol,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type SymbolInformation,
  type TextDocumentPositionParams,
  type ResultProgressReporter,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDiagnosticReportPartialResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyzeDocument,
  collectFixEdits,
  completionsAt,
  referencesAt,
  definitionAt,
  detectDialect,
  disableForLineFix,
  fixUntilStable,
  hoverAt,
  outline,
  policyAt,
} from '../analyzer/analyze';
import type { AnalysisResult, SourceFile } from '../analyzer/api';
import { LineIndex } from '../analyzer/text/lineIndex';
import type { Dialect, FileProvider, Finding, IncludeNotice } from '../analyzer/types';
import { createOverlayProvider, listDirectory, pathKind, readFileHead } from '../node/fileProvider';
import {
  diagnosticsOf,
  FIX_ALL_KIND,
  noticeDiagnostic,
  pathToUri,
  sameRange,
  toCodeAction,
  toDocumentSymbols,
  toLocation,
  toOffset,
  toRange,
  toSymbolInformation,
  toWorkspaceEdit,
  uriToPath,
  type ConvertContext,
} from './convert';
import { boundedProvider, noticeDiagnostics, OutsideReads } from './limits';
import { defaultServerSettings, SettingsStore, type ServerSettings } from './settings';
import {
  codeActionParams,
  didChangeParams,
  didOpenParams,
  documentNotificationParams,
  positionParams,
  textDocumentParams,
  workspaceDiagnosticParams,
  type Check,
} from './validate';
import { NGINX_MAIN_RE, VCL_MAIN_RE, WorkspaceIndex, type FileChangeKind } from './workspaceIndex';

/** The custom request behind the "Show effective cache policy" command. */
export const EFFECTIVE_POLICY_REQUEST = 'cachelint/effectivePolicy';

export interface EffectivePolicyParams extends TextDocumentPositionParams {}
export interface EffectivePolicyResult {
  /** The policy card, or null when no cache policy applies at the position. */
  markdown: string | null;
}

export interface ServerOptions {
  /** Product version, for the start message. */
  version: string;
  /** Disk access; open documents are overlaid on it. */
  fileProvider: FileProvider;
}

/** At most this many not-open files get findings pushed per open document. */
const MAX_RELATED_FILES = 500;
/** How long a `workspace/diagnostic` request with nothing new is held open before answering empty (ms). */
const WORKSPACE_PULL_HOLD_MS = 30_000;

interface Analysis {
  uri: string;
  path: string;
  version: number;
  settings: ServerSettings;
  /** Undefined when the document was too large to analyse or cachelint is disabled for it. */
  result: AnalysisResult | undefined;
  /** Size in KiB when too large. */
  sizeKB: number;
  ctx: ConvertContext;
  /** The document as the analyzer saw it. */
  file: SourceFile;
  /** The main config the workspace index gave as the document's context (undefined: none known). */
  indexRoot: string | undefined;
  /** What the analysis left out at includes (limits, unreadable files, network paths). */
  notices: IncludeNotice[];
}

/** What the caller of `startServer` can observe. */
export interface RunningServer {
  /** Whether the client asked the server to shut down (the exit code depends on it). */
  readonly shutdownReceived: boolean;
}

/** Wires all handlers onto `connection` and starts listening. */
export function startServer(connection: Connection, options: ServerOptions): RunningServer {
  let shutdownReceived = false;
  /** Where each open document was last edited (an offset): problems near it are shown first. */
  const lastEdit = new Map<string, number>();
  const documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update(doc, changes, version) {
      const first = changes[0];
      if (first && 'range' in first) lastEdit.set(doc.uri, doc.offsetAt(first.range.start));
      return TextDocument.update(doc, changes, version);
    },
  });
  const overlays = new Map<string, string>();
  const provider = createOverlayProvider(options.fileProvider, overlays);
  const pathByUri = new Map<string, string>();
  const uriByPath = new Map<string, string>();
  /** Open documents that look like main configs (their paths are analysis roots). */
  const rootDocs = new Set<string>();
  const cache = new Map<string, { key: string; analysis: Analysis }>();
  /** Paths each open document's last analysis read; who must be re-checked when a file changes. */
  const reach = new Map<string, Set<string>>();

  let settings: SettingsStore | undefined;
  let pullDiagnostics = false;
  let refreshSupport = false;
  let hierarchicalSymbols = false;
  let folderNotifications = false;
  let watchedFilesRegistration = false;
  let workspaceFolders: string[] = [];
  /** Bumped on every open/change/close and when roots change: analyses depend on other files too. */
  let workspaceGeneration = 0;

  const log = (msg: string) => connection.console.error(msg);
  const outsideReads = new OutsideReads((msg) => connection.console.info(msg));

  /**
   * Runs a handler; an exception becomes one logged error and the fallback answer. Params that fail
   * `check` are refused with InvalidParams before the handler runs.
   */
  function safe<P, R>(name: string, fallback: R, handler: (params: P, token?: CancellationToken) => R | Promise<R>, check?: Check) {
    return async (params: P, token?: CancellationToken): Promise<R> => {
      const problem = check?.(params);
      if (problem !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, `cachelint: ${name}: ${problem}`);
      try {
        return await handler(params, token);
      } catch (err) {
        log(`cachelint: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fallback;
      }
    };
  }

  function pathOf(doc: TextDocument): string {
    let p = pathByUri.get(doc.uri);
    if (!p) {
      p = uriToPath(doc.uri, doc.languageId === 'vcl' ? 'vcl' : undefined);
      pathByUri.set(doc.uri, p);
      uriByPath.set(p, doc.uri);
    }
    return p;
  }

  function isLintable(doc: TextDocument): boolean {
    if (doc.languageId === 'nginx' || doc.languageId === 'vcl') return true;
    const dialect: Dialect | undefined = detectDialect(pathOf(doc));
    return dialect === 'nginx' || dialect === 'vcl';
  }

  function looksLikeMainConfig(doc: TextDocument, path: string): boolean {
    if (nodePath.posix.basename(path) === 'nginx.conf') return true;
    const head = doc.getText();
    return NGINX_MAIN_RE.test(head) || VCL_MAIN_RE.test(head.slice(0, 4000));
  }

  /** Main configs to try as the context of the document at `path`: the index's first, then open ones. */
  function currentRoots(indexRoot: string | undefined): string[] {
    const roots = new Set<string>(indexRoot ? [indexRoot] : []);
    for (const uri of rootDocs) {
      const p = pathByUri.get(uri);
      if (p) roots.add(p);
    }
    return [...roots];
  }

  function convertContext(docPath: string, docLines: LineIndex, result: AnalysisResult | undefined): ConvertContext {
    const extra = new Map<string, LineIndex | undefined>();
    return {
      lines(path) {
        const known = result?.files.get(path)?.lines;
        if (known) return known;
        if (path === docPath) return docLines;
        // A file the analysis did not keep (e.g. a definition target): index it from the provider.
        if (!extra.has(path)) {
          const text = provider.readFile(path);
          extra.set(path, text === undefined ? undefined : new LineIndex(text));
        }
        return extra.get(path);
      },
      uri: (path) => uriByPath.get(path) ?? pathToUri(path),
    };
  }

  /**
   * The cached analysis of an open, lintable document; undefined for anything else, and when the
   * request was cancelled before the (synchronous, possibly long) analysis started.
   */
  async function getAnalysis(uri: string, token?: CancellationToken): Promise<Analysis | undefined> {
    if (!settings) return undefined;
    let doc = documents.get(uri);
    if (!doc || !isLintable(doc)) return undefined;
    const settingsGeneration = settings.generation;
    const docSettings = await settings.get(uri);
    doc = documents.get(uri);
    if (!doc) return undefined;
    const key = `${doc.version}|${settingsGeneration}|${workspaceGeneration}`;
    const hit = cache.get(uri);
    if (hit && hit.key === key) return hit.analysis;
    if (token?.isCancellationRequested) return undefined;

    const path = pathOf(doc);
    const text = doc.getText();
    const dialect = doc.languageId === 'vcl' ? 'vcl' : doc.languageId === 'nginx' ? 'nginx' : (detectDialect(path, text) ?? 'nginx');
    const bytes = Buffer.byteLength(text, 'utf8');
    const tooLarge = bytes > docSettings.maxFileSizeKB * 1024;
    const indexRoot = index.rootOf(path);
    const notices: IncludeNotice[] = [];
    const result = tooLarge || !docSettings.enable
      ? undefined
      : analyzeDocument(path, { provider: boundedProvider(provider, docSettings, notices), settings: docSettings.analyzer, roots: currentRoots(indexRoot) });
    // The analysis indexes the lines of the files it read; otherwise index them here.
    const file: SourceFile = result?.files.get(path) ?? { path, text, dialect, lines: new LineIndex(text) };
    const lines = file.lines;
    const analysis: Analysis = {
      uri,
      path,
      version: doc.version,
      settings: docSettings,
      result,
      sizeKB: Math.ceil(bytes / 1024),
      ctx: convertContext(path, lines, result),
      file,
      indexRoot,
      notices,
    };
    if (result) {
      reportInternalErrors(result.internalErrors);
      outsideReads.report(path, result.files.keys(), workspaceFolders);
    }
    cache.set(uri, { key, analysis });
    reach.set(uri, new Set(result ? result.files.keys() : [path]));
    publishRelated(analysis);
    return analysis;
  }

  // ---- findings in files that are not open ------------------------------------------------------

  /** Files that are not open but reached through an open document's includes → that document's uri. */
  const relatedOwner = new Map<string, string>();

  function isOpenPath(path: string): boolean {
    const uri = uriByPath.get(path);
    return uri !== undefined && documents.get(uri) !== undefined;
  }

  /**
   * Publishes the findings of the files an open document's analysis reached that are not open
   * themselves (e.g. `conf.d/*.conf` under an open nginx.conf), so the Problems view lists them.
   * An open file's own analysis always takes precedence; the first open owner keeps a file.
   */
  function publishRelated(a: Analysis): void {
    const reached = new Set<string>();
    if (a.result) {
      for (const path of a.result.files.keys()) {
        if (path === a.path || isOpenPath(path) || reached.size >= MAX_RELATED_FILES) continue;
        const owner = relatedOwner.get(path);
        if (owner !== undefined && owner !== a.uri && documents.get(owner)) continue;
        reached.add(path);
        relatedOwner.set(path, a.uri);
        // Pull: the workspace report stops listing what is pushed here now.
        if (pullDiagnostics && owner === undefined) showIndexed(path);
        const diagnostics = [...diagnosticsOf(a.result.findingsFor(path), a.ctx, a.settings.maxProblemsPerFile), ...noticeDiagnostics(a.notices, path, a.ctx)];
        void connection.sendDiagnostics({ uri: a.ctx.uri(path), diagnostics });
      }
    }
    for (const [path, owner] of relatedOwner) {
      if (owner === a.uri && !reached.has(path)) releaseRelated(path);
    }
  }

  /**
   * Clears the pushed findings of a file that is no longer reached (or is now open). A file that is
   * not open shows the workspace index's findings again: pushed in its place, or (pull) in the
   * workspace report.
   */
  function releaseRelated(path: string): void {
    if (!relatedOwner.delete(path)) return;
    const fallback = !pullDiagnostics && !isOpenPath(path) ? indexedFindings(path) : [];
    void connection.sendDiagnostics({ uri: uriByPath.get(path) ?? pathToUri(path), diagnostics: fallback });
    if (pullDiagnostics) showIndexed(path);
  }

  function isRelatedOwned(path: string): boolean {
    const owner = relatedOwner.get(path);
    return owner !== undefined && documents.get(owner) !== undefined;
  }

  function releaseRelatedOf(owner: string): void {
    for (const [path, o] of [...relatedOwner]) if (o === owner) releaseRelated(path);
  }

  const reportedErrors = new Set<string>();
  /** Logs each distinct rule failure once (not on every keystroke). */
  function reportInternalErrors(errors: readonly string[] | undefined): void {
    for (const e of errors ?? []) {
      if (reportedErrors.has(e) || reportedErrors.size >= 100) continue;
      reportedErrors.add(e);
      log(`cachelint: internal error: ${e}`);
    }
  }

  function documentDiagnostics(a: Analysis): Diagnostic[] {
    if (!a.settings.enable) return [];
    if (!a.result) {
      return [
        noticeDiagnostic(
          `cachelint did not analyse this file: it is ${a.sizeKB} KB, more than cachelint.maxFileSizeKB (${a.settings.maxFileSizeKB} KB).`,
          'info',
        ),
      ];
    }
    return [
      ...diagnosticsOf(a.result.findingsFor(a.path), a.ctx, a.settings.maxProblemsPerFile, lastEdit.get(a.uri) ?? 0),
      ...noticeDiagnostics(a.notices, a.path, a.ctx),
    ];
  }

  // ---- push diagnostics -------------------------------------------------------------------------

  const pending = new Set<string>();
  /** A flush is queued for the next turn of the event loop. */
  let pushQueued = false;
  let pushing: Promise<void> = Promise.resolve();

  async function publish(uri: string): Promise<void> {
    const a = await getAnalysis(uri);
    if (!a) return;
    // A newer version is on its way; its own publish follows.
    if (documents.get(uri)?.version !== a.version) return;
    await connection.sendDiagnostics({ uri, version: a.version, diagnostics: documentDiagnostics(a) });
  }

  /** Open documents whose analysis reads `paths` or is read by the analysis of `uri`. */
  function dependentsOf(uri: string, paths: Set<string>): string[] {
    const reached = reach.get(uri) ?? new Set<string>();
    const out: string[] = [];
    for (const doc of documents.all()) {
      if (doc.uri === uri) continue;
      const p = pathByUri.get(doc.uri);
      const theirs = reach.get(doc.uri);
      if ((p && reached.has(p)) || (theirs && [...paths].some((q) => theirs.has(q)))) out.push(doc.uri);
    }
    return out;
  }

  /** Upper bound on how long a stream of changes defers analysis (ms): the user still sees findings while typing fast. */
  const SETTLE_MAX_MS = 250;

  /**
   * Waits while documents keep changing. Messages are handled one per event-loop turn, so while a
   * turn brings another change, more are likely queued behind it (a burst of edits, a replayed
   * history): analysing each version would be wasted. A single keystroke costs one turn.
   */
  async function settle(): Promise<void> {
    const start = Date.now();
    for (;;) {
      const generation = workspaceGeneration;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (generation === workspaceGeneration || Date.now() - start > SETTLE_MAX_MS) return;
    }
  }

  async function flushPush(): Promise<void> {
    await settle();
    const changed = [...pending];
    pending.clear();
    const done = new Set<string>();
    for (const uri of changed) {
      await safe('publishDiagnostics', undefined, () => publish(uri))(undefined);
      done.add(uri);
    }
    for (const uri of changed) {
      const p = pathByUri.get(uri);
      for (const dep of dependentsOf(uri, new Set(p ? [p] : []))) {
        if (done.has(dep)) continue;
        done.add(dep);
        await safe('publishDiagnostics', undefined, () => publish(dep))(undefined);
      }
    }
  }

  function schedulePush(uris: Iterable<string>): void {
    if (pullDiagnostics) return;
    for (const u of uris) pending.add(u);
    if (pushQueued || pending.size === 0) return;
    // No timer: the changes already received in this turn are analysed together, at once. Analyses
    // run one at a time; a change that arrives meanwhile is analysed right after, at its own version.
    pushQueued = true;
    setImmediate(() => {
      pushQueued = false;
      pushing = pushing.then(flushPush, flushPush);
    });
  }

  /** Diagnostics of every open document may have changed (settings, roots). */
  function refreshAll(): void {
    if (pullDiagnostics) {
      if (refreshSupport) connection.languages.diagnostics.refresh().catch((err: unknown) => log(`cachelint: diagnostic refresh failed: ${String(err)}`));
    } else {
      schedulePush(documents.all().map((d) => d.uri));
    }
  }

  // ---- workspace index ---------------------------------------------------------------------------

  const index = new WorkspaceIndex({
    provider,
    fs: {
      list: listDirectory,
      kind: pathKind,
      head: (path, maxBytes) => {
        const open = overlays.get(path);
        return open !== undefined ? Promise.resolve({ text: open.slice(0, maxBytes), size: Buffer.byteLength(open, 'utf8') }) : readFileHead(path, maxBytes);
      },
    },
    settings: (folder) => (settings ? settings.get(pathToUri(folder)) : Promise.resolve(defaultServerSettings())),
    uri: (path) => uriByPath.get(path) ?? pathToUri(path),
    diagnosticsChanged: (path) => showIndexed(path),
    rootsChanged: () => indexRootsChanged(),
    createProgress: () => connection.window.createWorkDoneProgress(),
    log: (msg) => connection.console.log(msg),
    warn: (msg) => {
      connection.console.warn(msg);
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: msg });
    },
    internalErrors: (errors) => reportInternalErrors(errors),
    filesRead: (entry, paths) => outsideReads.report(entry, paths, workspaceFolders),
    flushed: () => lastIndexSend,
    idle: () => wakeRevisionWaiters(),
  });
  /** The last diagnostics sent on the index's behalf; messages are written in order, so all before it are written when it is. */
  let lastIndexSend: Promise<void> = Promise.resolve();

  /** Pull: a revision per file whose indexed findings (or who shows them) changed; the workspace report sends the new ones. */
  const indexRevisions = new Map<string, number>();
  let indexRevision = 0;
  /** Pull: held `workspace/diagnostic` requests, woken by the next change. */
  const revisionWaiters = new Set<() => void>();

  function indexedFindings(path: string): Diagnostic[] {
    return index.diagnosticsFor(path) ?? [];
  }

  /**
   * The index's findings for a file changed, or whether the file is open or pushed on an open
   * document's behalf did. Push: sent unless someone else shows the file. Pull: a new revision.
   */
  function showIndexed(path: string): void {
    if (pullDiagnostics) {
      indexRevisions.set(path, ++indexRevision);
      wakeRevisionWaiters();
      return;
    }
    if (isOpenPath(path) || isRelatedOwned(path)) return;
    lastIndexSend = connection.sendDiagnostics({ uri: uriByPath.get(path) ?? pathToUri(path), diagnostics: indexedFindings(path) }).catch(() => undefined);
  }

  /**
   * Open documents analysed before the index knew their main config (or when it knew another one) are
   * analysed again, unless their analysis already used the main config the index names now.
   */
  function indexRootsChanged(): void {
    for (const doc of documents.all()) {
      const hit = cache.get(doc.uri);
      const path = pathByUri.get(doc.uri);
      if (!hit || !path) continue;
      const now = index.rootOf(path);
      const a = hit.analysis;
      if (now === a.indexRoot || (now !== undefined && a.result?.entries[0] === now)) continue;
      workspaceGeneration++;
      refreshAll();
      return;
    }
  }

  function wakeRevisionWaiters(): void {
    for (const wake of [...revisionWaiters]) wake();
  }

  /** Resolves at the next change of the index's findings, when the index becomes idle, on cancellation or after `ms`. */
  function nextIndexChange(token: CancellationToken | undefined, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        revisionWaiters.delete(done);
        cancelled?.dispose();
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      const cancelled = token?.onCancellationRequested(done);
      revisionWaiters.add(done);
    });
  }

  /**
   * `workspace/diagnostic`: the indexed findings of files that are not open that the client has not
   * seen. With nothing new the request is held until the index finds something. With a partial
   * result token, findings are streamed while the index is at work and the request ends when it is idle.
   */
  async function workspaceReport(
    params: WorkspaceDiagnosticParams,
    token: CancellationToken | undefined,
    partial: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined,
  ): Promise<WorkspaceDiagnosticReport> {
    const seen = new Map((params.previousResultIds ?? []).map((r) => [r.uri, r.value] as const));
    const take = () => {
      const items = workspaceItems(seen);
      for (const i of items) seen.set(i.uri, i.resultId!);
      return items;
    };
    const deadline = Date.now() + WORKSPACE_PULL_HOLD_MS;
    let items = take();
    if (!partial) {
      while (items.length === 0 && !token?.isCancellationRequested && Date.now() < deadline) {
        await nextIndexChange(token, deadline - Date.now());
        items = take();
      }
      return { items: token?.isCancellationRequested ? [] : items };
    }
    let streamed = false;
    for (;;) {
      if (items.length > 0 && !token?.isCancellationRequested) {
        partial.report({ items });
        streamed = true;
      }
      if ((streamed && !index.busy) || token?.isCancellationRequested || Date.now() >= deadline) break;
      await nextIndexChange(token, deadline - Date.now());
      items = take();
    }
    // Everything went out as partial results: the final response carries none.
    return { items: [] };
  }

  /** The workspace report (pull): indexed findings of files that are not open, those the client has not seen. */
  function workspaceItems(previous: Map<string, string>): WorkspaceDocumentDiagnosticReport[] {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const [path, revision] of indexRevisions) {
      if (isOpenPath(path)) continue;
      const uri = uriByPath.get(path) ?? pathToUri(path);
      const resultId = String(revision);
      if (previous.get(uri) === resultId) continue;
      items.push({ kind: 'full', uri, version: null, resultId, items: isRelatedOwned(path) ? [] : indexedFindings(path) });
    }
    return items;
  }

  function reindexWorkspace(): void {
    index.reindexAll(workspaceFolders).catch((err: unknown) => log(`cachelint: indexing the workspace failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  connection.onInitialize(
    (params: InitializeParams): InitializeResult => {
      const caps = params.capabilities ?? {};
      pullDiagnostics = caps.textDocument?.diagnostic !== undefined;
      refreshSupport = caps.workspace?.diagnostics?.refreshSupport === true;
      hierarchicalSymbols = caps.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true;
      folderNotifications = caps.workspace?.workspaceFolders === true;
      watchedFilesRegistration = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
      settings = new SettingsStore(connection, caps.workspace?.configuration === true);
      const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
      workspaceFolders = folders.filter((u) => u.startsWith('file:')).map((u) => uriToPath(u));
      if (workspaceFolders.length === 0 && params.rootPath) workspaceFolders = [params.rootPath];
      const result: InitializeResult = {
        capabilities: {
          textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
          hoverProvider: true,
          definitionProvider: true,
          referencesProvider: true,
          completionProvider: { triggerCharacters: ['.'] },
          documentSymbolProvider: { label: 'cachelint' },
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
          workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        },
        serverInfo: { name: 'cachelint', version: options.version },
      };
      if (pullDiagnostics) {
        // The workspace report carries the index's findings of files that are not open.
        result.capabilities.diagnosticProvider = { identifier: 'cachelint', interFileDependencies: true, workspaceDiagnostics: true };
      }
      return result;
    },
  );

  connection.onInitialized(
    safe('initialized', undefined, () => {
      connection.console.info(
        `cachelint language server ${options.version} started (node ${process.version}, ${pullDiagnostics ? 'pull' : 'push'} diagnostics)`,
      );
      reindexWorkspace();
      if (watchedFilesRegistration) {
        // Changes on disk (saves, git checkouts, new files) keep the index current; the server filters what matters.
        connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] })
          .catch((err: unknown) => log(`cachelint: watching workspace files failed: ${String(err)}`));
      }
      if (folderNotifications) {
        connection.workspace.onDidChangeWorkspaceFolders(
          safe('workspaceFolders', undefined, (e) => {
            const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
            workspaceFolders = workspaceFolders.filter((f) => !removed.has(f));
            for (const f of e.added) if (f.uri.startsWith('file:')) workspaceFolders.push(uriToPath(f.uri));
            // Open documents get their new context as the index finds it.
            reindexWorkspace();
          }),
        );
      }
    }),
  );

  connection.onDidChangeConfiguration(
    safe('didChangeConfiguration', undefined, (params) => {
      settings?.changed(params);
      refreshAll();
      // Severities, thresholds and index limits apply to files that are not open too.
      index.settingsChanged().catch((err: unknown) => log(`cachelint: indexing the workspace failed: ${String(err)}`));
    }),
  );

  connection.onDidChangeWatchedFiles(
    safe('didChangeWatchedFiles', undefined, (params) => {
      const changes: Array<{ path: string; kind: FileChangeKind }> = [];
      for (const c of Array.isArray(params?.changes) ? params.changes : []) {
        if (!c?.uri?.startsWith('file:')) continue;
        const kind: FileChangeKind = c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed';
        changes.push({ path: uriToPath(c.uri), kind });
      }
      if (changes.length === 0) return;
      // Open documents that read a changed file (and are not it) are analysed again.
      const changed = new Set(changes.map((c) => c.path));
      const dirs = changes.filter((c) => c.kind === 'deleted').map((c) => `${c.path}/`);
      const affected = documents.all().filter((d) => {
        const own = pathByUri.get(d.uri);
        const r = reach.get(d.uri);
        return r !== undefined && [...r].some((p) => p !== own && (changed.has(p) || dirs.some((dir) => p.startsWith(dir))));
      });
      if (affected.length > 0) {
        workspaceGeneration++;
        if (pullDiagnostics) refreshAll();
        else schedulePush(affected.map((d) => d.uri));
      }
      index.filesChanged(changes).catch((err: unknown) => log(`cachelint: updating the workspace index failed: ${String(err)}`));
    }),
  );

  connection.onShutdown(() => {
    shutdownReceived = true;
    index.dispose();
    wakeRevisionWaiters();
  });

  // ---- documents --------------------------------------------------------------------------------

  function trackRoot(doc: TextDocument): boolean {
    const was = rootDocs.has(doc.uri);
    const is = isLintable(doc) && looksLikeMainConfig(doc, pathOf(doc));
    if (is) rootDocs.add(doc.uri);
    else rootDocs.delete(doc.uri);
    return was !== is;
  }

  documents.onDidChangeContent(
    safe('didChange', undefined, (e) => {
      const doc = e.document;
      const path = pathOf(doc);
      // Open now: its own analysis takes over from the findings pushed on an including file's behalf.
      if (relatedOwner.has(path)) releaseRelated(path);
      overlays.set(path, doc.getText());
      index.prioritize(path);
      workspaceGeneration++;
      const rootsChanged = trackRoot(doc);
      if (pullDiagnostics) {
        if (rootsChanged) refreshAll();
      } else {
        schedulePush([doc.uri]);
      }
    }),
  );

  documents.onDidClose(
    safe('didClose', undefined, (e) => {
      const uri = e.document.uri;
      const path = pathByUri.get(uri);
      const edited = e.document.version > 1;
      const dependents = path ? dependentsOf(uri, new Set([path])) : [];
      if (path) overlays.delete(path);
      const wasRoot = rootDocs.delete(uri);
      workspaceGeneration++;
      cache.delete(uri);
      lastEdit.delete(uri);
      reach.delete(uri);
      releaseRelatedOf(uri);
      settings?.forget(uri);
      if (path) outsideReads.forget(path);
      pathByUri.delete(uri);
      if (path && uriByPath.get(path) === uri) uriByPath.delete(path);
      pending.delete(uri);
      if (pullDiagnostics) {
        // Re-pull so an including document pushes this file's findings again.
        if (wasRoot || dependents.length > 0) refreshAll();
        if (path) showIndexed(path);
      } else {
        // Closed, the file shows what the workspace index found in it (nothing when not indexed).
        void connection.sendDiagnostics({ uri, diagnostics: path ? indexedFindings(path) : [] });
        schedulePush(dependents);
      }
      // Unsaved edits are gone: what the index read from the buffer is read from disk again.
      if (path && edited) index.documentClosed(path);
    }),
  );

  // ---- features ---------------------------------------------------------------------------------

  connection.languages.diagnostics.on(
    safe(
      'textDocument/diagnostic',
      { kind: 'full', items: [] } as DocumentDiagnosticReport,
      async (params, token): Promise<DocumentDiagnosticReport> => {
        const a = await getAnalysis(params.textDocument.uri, token);
        return { kind: 'full', items: a ? documentDiagnostics(a) : [] };
      },
      textDocumentParams,
    ),
  );

  connection.languages.diagnostics.onWorkspace((params, token, _workDone, partial) =>
    safe('workspace/diagnostic', { items: [] } as WorkspaceDiagnosticReport, (p: WorkspaceDiagnosticParams, t) => workspaceReport(p, t, partial), workspaceDiagnosticParams)(
      params,
      token,
    ),
  );

  connection.onHover(
    safe('hover', null, async (params, token): Promise<Hover | null> => {
      const a = await getAnalysis(params.textDocument.uri, token);
      if (!a?.result) return null;
      const md = hoverAt(a.result, a.path, toOffset(a.file.lines, params.position));
      return md ? { contents: { kind: 'markdown', value: md } } : null;
    }, positionParams),
  );

  connection.onDefinition(
    safe('definition', null, async (params, token): Promise<Definition | null> => {
      const a = await getAnalysis(params.textDocument.uri, token);
      if (!a?.result) return null;
      const targets = definitionAt(a.result, a.path, toOffset(a.file.lines, params.position));
      const out = [];
      for (const t of targets) {
        const loc = toLocation(t, a.ctx);
        if (loc) out.push(loc);
      }
      return out;
    }, positionParams),
  );

  connection.onReferences(
    safe('references', [] as LspLocation[], async (params, token): Promise<LspLocation[]> => {
      const a = await getAnalysis(params.textDocument.uri, token);
      if (!a?.result) return [];
      const out: LspLocation[] = [];
      for (const t of referencesAt(a.result, a.path, toOffset(a.file.lines, params.position), params.context?.includeDeclaration ?? true)) {
        const loc = toLocation(t, a.ctx);
        if (loc) out.push(loc);
      }
      return out;
    }, positionParams),
  );

  connection.onCompletion(
    safe('completion', [] as CompletionItem[], async (params, token): Promise<CompletionItem[]> => {
      const a = await getAnalysis(params.textDocument.uri, token);
      if (!a?.result) return [];
      return completionsAt(a.result, a.path, toOffset(a.file.lines, params.position)).map((c) => ({
        label: c.label,
        kind: CompletionItemKind.Variable,
        detail: c.detail,
        documentation: { kind: 'markdown', value: c.documentation },
      }));
    }, positionParams),
  );

  connection.onDocumentSymbol(
    safe('documentSymbol', null, async (params, token): Promise<DocumentSymbol[] | SymbolInformation[] | null> => {
      const a = await getAnalysis(params.textDocument.uri, token);
      if (!a?.result) return null;
      const symbols = outline(a.result, a.path);
      return hierarchicalSymbols ? toDocumentSymbols(symbols, a.file.lines) : toSymbolInformation(symbols, a.file.lines, a.uri);
    }, textDocumentParams),
  );

  connection.onCodeAction(safe('codeAction', [] as CodeAction[], (params, token) => codeActions(params, token), codeActionParams));

  /** Whether an action of `kind` is wanted by a request's `only` filter (hierarchical kinds). */
  function wanted(only: string[] | undefined, kind: string): boolean {
    return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  }

  async function codeActions(params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[]> {
    const a = await getAnalysis(params.textDocument.uri, token);
    if (!a?.result) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];

    if (wanted(only, CodeActionKind.QuickFix)) {
      const seen = new Set<string>();
      const own = a.result.findingsFor(a.path);
      for (const diagnostic of params.context.diagnostics) {
        if (typeof diagnostic?.code !== 'string' || !diagnostic.range) continue;
        if (diagnostic.source !== undefined && diagnostic.source !== 'cachelint') continue;
        // Stateless: findings of this version, matched by rule id and range.
        const sameRule = own.filter((f) => f.ruleId === diagnostic.code);
        let matches = sameRule.filter((f) => sameRange(toRange(a.file.lines, f.range), diagnostic.range));
        if (matches.length === 0) {
          // Some clients send columns back in another unit (e.g. bytes): accept the one finding of this
          // rule starting on the same line.
          const onLine = sameRule.filter((f) => a.file.lines.positionAt(f.range.start).line === diagnostic.range.start?.line);
          if (onLine.length === 1) matches = onLine;
        }
        for (const finding of matches) {
          let preferred = false;
          const candidates = [...finding.fixes.map((fix) => ({ fix, prefer: fix.safe })), { fix: disableForLineFix(a.file, finding), prefer: false }];
          for (const { fix, prefer } of candidates) {
            const action = toCodeAction(fix, CodeActionKind.QuickFix, a.ctx, {
              diagnostics: [diagnostic],
              isPreferred: prefer && !preferred,
            });
            if (!action) continue;
            if (action.isPreferred) preferred = true;
            const id = action.title + JSON.stringify(action.edit);
            if (seen.has(id)) continue;
            seen.add(id);
            actions.push(action);
          }
        }
      }
    }

    if (only && wanted(only, FIX_ALL_KIND)) {
      const fixAll = fixAllAction(a);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  }

  /**
   * All safe fixes of the document whose edits stay in it, as one `source.fixAll.cachelint` action.
   * Applied in passes until nothing changes (like `cachelint --fix`), as one edit of the changed span.
   */
  function fixAllAction(a: Analysis): CodeAction | undefined {
    if (!a.result) return undefined;
    const local: Finding[] = a.result.findingsFor(a.path).map((f) => ({
      ...f,
      fixes: f.fixes.filter((fix) => fix.safe && fix.edits.every((e) => e.path === a.path)),
    }));
    const firstPass = collectFixEdits(local, { unsafe: false }).get(a.path) ?? [];
    if (firstPass.length === 0) return undefined;
    const fixed = fixUntilStable(a.result.entries, { provider, settings: a.settings.analyzer }, { unsafe: false, only: (p) => p === a.path });
    const after = fixed.texts.get(a.path);
    const edits = fixed.passes > 1 && after !== undefined ? [changedSpan(a.path, a.file.text, after)] : firstPass;
    const edit = toWorkspaceEdit(edits, a.ctx);
    if (!edit) return undefined;
    return { title: 'Fix all safe cachelint problems', kind: FIX_ALL_KIND, edit };
  }

  /** One edit turning `before` into `after`: the span between their common prefix and suffix. */
  function changedSpan(path: string, before: string, after: string) {
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let end = 0;
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
    return { path, start, end: before.length - end, newText: after.slice(start, after.length - end) };
  }

  connection.onRequest(
    EFFECTIVE_POLICY_REQUEST,
    safe('effectivePolicy', { markdown: null } as EffectivePolicyResult, async (params: EffectivePolicyParams, token): Promise<EffectivePolicyResult> => {
      // The command's own request answers "no policy" to anything it cannot place (a documented contract).
      if (positionParams(params) !== undefined) return { markdown: null };
      const a = await getAnalysis(params.textDocument.uri, token);
      if (!a?.result) return { markdown: null };
      return { markdown: policyAt(a.result, a.path, toOffset(a.file.lines, params.position)) ?? null };
    }),
  );

  documents.listen(validatingSync(connection, log));
  connection.listen();
  return {
    get shutdownReceived() {
      return shutdownReceived;
    },
  };
}

/**
 * `connection` as the document store sees it: document notifications whose params are malformed are
 * logged and dropped before they reach the store (a document with a non-string text, a change without
 * a version), so that the store only ever holds well-formed documents.
 */
function validatingSync(connection: Connection, log: (msg: string) => void): Connection {
  let logged = 0;
  const guard =
    <P>(method: string, check: Check, handler: (params: P) => void) =>
    (params: P): void => {
      const problem = check(params);
      if (problem === undefined) {
        handler(params);
        return;
      }
      // A client stuck sending malformed messages would otherwise fill the log.
      if (logged++ < 100) log(`cachelint: ignored a malformed ${method} notification: ${problem}`);
    };
  const wrapped: Record<string, unknown> = {
    onDidOpenTextDocument: (h: (p: unknown) => void) => connection.onDidOpenTextDocument(guard('textDocument/didOpen', didOpenParams, h)),
    onDidChangeTextDocument: (h: (p: unknown) => void) => connection.onDidChangeTextDocument(guard('textDocument/didChange', didChangeParams, h)),
    onDidCloseTextDocument: (h: (p: unknown) => void) => connection.onDidCloseTextDocument(guard('textDocument/didClose', documentNotificationParams, h)),
    onWillSaveTextDocument: (h: (p: unknown) => void) => connection.onWillSaveTextDocument(guard('textDocument/willSave', documentNotificationParams, h)),
    onDidSaveTextDocument: (h: (p: unknown) => void) => connection.onDidSaveTextDocument(guard('textDocument/didSave', documentNotificationParams, h)),
  };
  return new Proxy(connection, {
    get: (target, prop, receiver) => (typeof prop === 'string' && prop in wrapped ? wrapped[prop] : Reflect.get(target, prop, receiver)),
  });
}
