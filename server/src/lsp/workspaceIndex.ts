// The background index of a workspace's nginx/VCL files: main configs analysed in chunks, only the include graph and findings kept.
import picomatch from 'picomatch';
import type { Diagnostic } from 'vscode-languageserver';
import { analyzeEntries } from '../analyzer/analyze';
import type { AnalysisResult } from '../analyzer/api';
import type { FileProvider, IncludeNotice } from '../analyzer/types';
import { diagnosticsOf, type ConvertContext } from './convert';
import { boundedProvider, noticeDiagnostics } from './limits';
import type { ServerSettings } from './settings';

/** Directories never indexed (besides hidden ones). */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', 'target', 'vendor']);
/** Safety net against huge trees: at most this many directories are walked per workspace folder. */
const MAX_DIRS_PER_FOLDER = 50_000;
/** How much of a file is read to tell a main config from a fragment and nginx from other `.conf` files. */
const HEAD_BYTES = 16 * 1024;
/** Analysis work done between two yields to the event loop (ms); one main config is the smallest unit. */
const CHUNK_BUDGET_MS = 8;
/**
 * After a chunk the event loop runs freely for this share of the chunk's time (at most MAX_IDLE_MS):
 * a message (a reply, a diagnostic) takes an event-loop turn or two to be written, so one turn
 * between long chunks would hold a reply behind every message queued before it.
 */
const IDLE_RATIO = 0.25;
const MAX_IDLE_MS = 50;
const PROGRESS_TITLE = 'cachelint: indexing';

/** A top-level `http {` marks an nginx main config; a `vcl 4.x;` declaration a VCL one. */
export const NGINX_MAIN_RE = /^[ \t]*http\s*\{/m;
// `[ \t]*`, not `\s*`, before `vcl`: with `m`, `^\s*` rescans every following blank line at each line start
// (quadratic in a run of empty lines).
export const VCL_MAIN_RE = /^[ \t]*vcl\s+4\.[01]\s*;/m;

/** Names the editor associates with nginx (package.json `languages`): such files are nginx whatever their content. */
const NGINX_NAME_RE =
  /(^|\/)(nginx[^/]*\.conf|[^/]*\.nginx\.conf|[^/]*\.(nginx|nginxconf|vhost)|mime\.types|(fastcgi|scgi|uwsgi|proxy)_params|fastcgi\.conf)$|\/(sites-available|sites-enabled)\/|\/nginx\/(.+\/)?[^/]+\.conf$|\/conf\.d\/[^/]+\.conf$|\/nginx\/(snippets|conf\.d)\/[^/]+$|\/snippets\/[^/]+\.conf$/i;
/** A `.conf` file with another name is nginx only when its text looks like it (many tools use `.conf`). */
const NGINX_TEXT_RE =
  /^[ \t]*(?:(?:http|server|events|upstream|location|stream|map|geo|types)\b[^\n;{#]*\{|(?:proxy|fastcgi|uwsgi|scgi)_[a-z_]+\s[^\n]*;|(?:listen|server_name|include|add_header|expires|worker_processes|worker_connections|keepalive_timeout|sendfile|try_files|return)\s[^\n;{]*;)/m;

/** What the index needs of the server's progress reporting (a `WorkDoneProgressServerReporter`). */
export interface IndexProgress {
  begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void;
  report(percentage: number, message?: string): void;
  done(): void;
  readonly token: { readonly isCancellationRequested: boolean };
}

/** A progress that shows nothing (the client declared no `window.workDoneProgress`). */
export function silentProgress(): IndexProgress {
  return { begin() {}, report() {}, done() {}, token: { isCancellationRequested: false } };
}

/** What the index needs from the file system, asynchronously (see fileProvider.ts). */
export interface IndexFileSystem {
  list(dir: string): Promise<Array<{ name: string; kind: 'file' | 'directory' | 'other'; symlink: boolean }>>;
  head(path: string, maxBytes: number): Promise<{ text: string; size: number } | undefined>;
  kind(path: string): Promise<'file' | 'directory' | 'other' | undefined>;
}

export interface IndexHost {
  /** What analyses read: the disk with open documents overlaid. */
  provider: FileProvider;
  fs: IndexFileSystem;
  /** The settings of a workspace folder (absolute path). */
  settings(folder: string): Promise<ServerSettings>;
  /** The URI of an analyzer path. */
  uri(path: string): string;
  /** The findings the index holds for `path` changed (read them with `diagnosticsFor`). */
  diagnosticsChanged(path: string): void;
  /** The main config of some files changed (read it with `rootOf`). */
  rootsChanged(): void;
  /** A progress reporter for one indexing run. */
  createProgress(): Promise<IndexProgress>;
  /** A line for the log. */
  log(message: string): void;
  /** Something the user should be told (a limit was reached). */
  warn(message: string): void;
  /** Rule failures of an analysis. */
  internalErrors(errors: readonly string[]): void;
  /** The files an analysis of `entry` read (to tell the user about reads outside the workspace). */
  filesRead?(entry: string, paths: Iterable<string>): void;
  /** Resolves when what `diagnosticsChanged` sent so far is written (backpressure: the next chunk waits). */
  flushed?(): Promise<void>;
  /** The index has nothing left to do (a run ended, or the last queued analysis is done). */
  idle?(): void;
}

export type FileChangeKind = 'created' | 'changed' | 'deleted';

/** What the index keeps per file: no text, no tree. */
interface FileEntry {
  /** The workspace folder the walk found the file in; undefined for a file only reached through includes. */
  folder?: string;
  /** The file looks like a main config (it is analysed as an entry unless another main config includes it). */
  main: boolean;
  /** Main configs whose analysis read this file. */
  owners: Set<string>;
  /** Findings to show, as LSP diagnostics; undefined when not computed. */
  diagnostics?: Diagnostic[];
  /** The analysis the diagnostics come from: a main config, or the file itself analysed alone. */
  source?: string;
}

/** One full indexing run (start, folders or settings changed). */
interface Run {
  progress: IndexProgress;
  started: number;
  /** Files the walk found. */
  total: number;
  /** Found files whose findings are computed (or that were skipped). */
  settled: Set<string>;
  walking: boolean;
  ended: boolean;
  /** File changes that arrived while walking, applied after. */
  deferred: Array<{ path: string; kind: FileChangeKind }>;
  lastReport: string;
  /** Files larger than cachelint.maxFileSizeKB left out. */
  tooLarge: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Main configs in the order they are analysed and preferred as a file's context: `nginx.conf` first, shallow first, then by path. */
export function compareRoots(a: string, b: string): number {
  const ka = a.endsWith('/nginx.conf') ? 0 : 1;
  const kb = b.endsWith('/nginx.conf') ? 0 : 1;
  if (ka !== kb) return ka - kb;
  const da = a.split('/').length;
  const db = b.split('/').length;
  if (da !== db) return da - db;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether a file is one the index analyses (nginx or VCL) and whether it looks like a main config,
 * from its path and the head of its text.
 */
export function classifyFile(path: string, head: string): { config: boolean; main: boolean } {
  if (/\.vcl$/i.test(path)) return { config: true, main: VCL_MAIN_RE.test(head) };
  const named = NGINX_NAME_RE.test(path);
  if (!named && !(/\.conf$/i.test(path) && NGINX_TEXT_RE.test(head))) return { config: false, main: false };
  return { config: true, main: path.endsWith('/nginx.conf') || NGINX_MAIN_RE.test(head) };
}

/**
 * The workspace index. Memory: per file only its main configs, its converted findings and a few
 * flags; one analysis at a time is alive, and only while its findings are converted. Work: one main
 * config (or one file analysed alone) is the unit; units run for about CHUNK_BUDGET_MS, then the
 * event loop gets a turn, so requests about open documents are answered between chunks.
 */
export class WorkspaceIndex {
  private files = new Map<string, FileEntry>();
  /** Active main configs → the files their last analysis read (themselves included). */
  private roots = new Map<string, string[]>();
  private folders: string[] = [];
  private folderSettings = new Map<string, ServerSettings>();
  private excluded = new Map<string, (rel: string) => boolean>();
  private readonly rootQueue = new Set<string>();
  private readonly aloneQueue = new Set<string>();
  private run: Run | undefined;
  private draining: Promise<void> | undefined;
  /** During a full run: each file's main config before it, until the run has reached it again. */
  private previousOwner = new Map<string, string>();
  /** During a full run: files that had findings before it (cleared at its end unless found again). */
  private previousDiagnosed = new Set<string>();
  /** Folders whose file limit was reported in this run. */
  private limitReported = new Set<string>();
  /** Files opened during the walk, whose nearest main configs are analysed first. */
  private wanted = new Set<string>();
  private disposed = false;

  constructor(private readonly host: IndexHost) {}

  /** Whether a full run is in progress. */
  get indexing(): boolean {
    return this.run !== undefined && !this.run.ended;
  }

  /** Whether a full run is in progress or analyses are queued. */
  get busy(): boolean {
    return this.indexing || this.hasJobs();
  }

  /**
   * The main config whose analysis includes `path` (the first in `compareRoots` order), or undefined
   * when none does (yet) or `path` is a main config itself.
   */
  rootOf(path: string): string | undefined {
    const e = this.files.get(path);
    const own = e ? this.bestOwner(e) : undefined;
    if (own !== undefined) return own === path ? undefined : own;
    const before = this.indexing ? this.previousOwner.get(path) : undefined;
    return before === path ? undefined : before;
  }

  /** The findings to show for a file that is not open; undefined when the index has none. */
  diagnosticsFor(path: string): Diagnostic[] | undefined {
    const d = this.files.get(path)?.diagnostics;
    return d && d.length > 0 ? d : undefined;
  }

  /**
   * A file was opened whose main config the index does not know yet: the queued main configs nearest
   * to it (sharing the longest directory prefix) are analysed next, so it gets its context early.
   */
  prioritize(path: string): void {
    if (!this.indexing || this.rootOf(path) !== undefined) return;
    // Before the walk has queued the main configs, remember the file for when it does.
    if (this.run?.walking) this.wanted.add(path);
    else this.nearestFirst(path);
  }

  private nearestFirst(path: string): void {
    if (this.rootQueue.size < 2 || this.rootOf(path) !== undefined) return;
    const dirs = path.split('/').slice(0, -1);
    const shared = (root: string) => {
      const r = root.split('/');
      let i = 0;
      while (i < dirs.length && i < r.length - 1 && dirs[i] === r[i]) i++;
      return i;
    };
    const queued = [...this.rootQueue];
    const best = Math.max(...queued.map(shared));
    const folder = this.folderOf(path);
    if (folder === undefined || best <= folder.split('/').length) return;
    this.rootQueue.clear();
    for (const r of queued) if (shared(r) === best) this.rootQueue.add(r);
    for (const r of queued) this.rootQueue.add(r);
  }

  /**
   * The settings may have changed: when any folder's settings differ from those the index was built
   * with (severities, thresholds, limits), the workspace is indexed again.
   */
  async settingsChanged(): Promise<void> {
    if (this.disposed) return;
    const folders = this.folders;
    const fresh = await Promise.all(folders.map((f) => this.host.settings(f)));
    if (folders !== this.folders) return;
    const same = folders.every((f, i) => {
      const old = this.folderSettings.get(f);
      return old !== undefined && JSON.stringify(old) === JSON.stringify(fresh[i]);
    });
    if (!same) await this.reindexAll(folders);
  }

  /**
   * (Re)indexes the workspace folders from scratch; a run in progress is superseded. Resolves when
   * this run has ended (done, cancelled or superseded).
   */
  async reindexAll(folders: string[]): Promise<void> {
    if (this.disposed) return;
    const previous = this.run;
    const run: Run = {
      progress: silentProgress(),
      started: performance.now(),
      total: 0,
      settled: new Set(),
      walking: true,
      ended: false,
      deferred: [],
      lastReport: '',
      tooLarge: 0,
    };
    this.run = run;
    if (previous && !previous.ended) this.endRun(previous, 'superseded');
    this.resetState();
    this.folders = [...new Set(folders)];
    this.limitReported.clear();
    if (this.folders.length === 0) {
      this.endRun(run, 'done');
      return;
    }

    try {
      run.progress = await this.host.createProgress();
    } catch {
      run.progress = silentProgress();
    }
    if (this.run !== run) {
      run.progress.done();
      return;
    }
    run.progress.begin(PROGRESS_TITLE, 0, 'Looking for nginx and VCL files…', true);

    for (const folder of this.folders) {
      const s = await this.host.settings(folder);
      if (this.run !== run) return;
      this.folderSettings.set(folder, s);
      this.excluded.set(folder, excludeMatcher(s.index.exclude));
    }
    for (const folder of this.folders) {
      if (!this.indexes(folder)) continue;
      await this.walk(run, folder, folder);
      if (this.run !== run || run.ended) return;
    }
    run.walking = false;

    const mains: string[] = [];
    for (const [p, e] of this.files) {
      if (e.main) mains.push(p);
      else if (this.wantsFindings(e.folder)) this.aloneQueue.add(p);
      else run.settled.add(p);
    }
    for (const p of mains.sort(compareRoots)) this.rootQueue.add(p);
    for (const p of this.wanted) this.nearestFirst(p);
    this.wanted.clear();
    this.reportProgress(run, true);
    const deferred = run.deferred.splice(0);
    if (deferred.length > 0) await this.filesChanged(deferred);

    while (this.run === run && !run.ended && this.hasJobs()) await this.kick();
    if (this.run === run && !run.ended) this.endRun(run, 'done');
  }

  /**
   * Files changed on disk: the main configs that read them are analysed again, new files join the
   * index, deleted ones leave it. Paths are absolute analyzer paths; a deleted directory removes
   * everything under it, a created one is walked.
   */
  async filesChanged(changes: Array<{ path: string; kind: FileChangeKind }>): Promise<void> {
    if (this.disposed) return;
    const run = this.run;
    if (run && !run.ended && run.walking) {
      run.deferred.push(...changes);
      return;
    }
    for (const { path, kind } of changes) {
      const folder = this.folderOf(path);
      // Most events are about files the index has nothing to do with (builds, other languages).
      if (!this.files.has(path) && kind !== 'deleted' && (folder === undefined || !this.indexes(folder) || this.skipped(folder, path, false))) continue;
      if (kind === 'deleted') {
        const prefix = path.endsWith('/') ? path : `${path}/`;
        for (const p of [...this.files.keys()]) if (p === path || p.startsWith(prefix)) this.removeFile(p);
        continue;
      }
      const what = await this.host.fs.kind(path);
      if (what === 'directory') {
        if (folder !== undefined && this.indexes(folder) && !this.skipped(folder, path, true)) await this.walk(undefined, folder, path);
        continue;
      }
      if (what !== 'file') continue;
      await this.fileUpdated(path, folder, kind);
    }
    void this.kick();
  }

  /** An open document was closed: what the index holds for it may reflect its unsaved text, so analyse again. */
  documentClosed(path: string): void {
    const e = this.files.get(path);
    if (!e) return;
    this.requeue(path, e);
    void this.kick();
  }

  /** Stops all work; progress in flight ends. */
  dispose(): void {
    this.disposed = true;
    if (this.run && !this.run.ended) this.endRun(this.run, 'superseded');
    this.rootQueue.clear();
    this.aloneQueue.clear();
  }

  // ---- state ------------------------------------------------------------------------------------

  private resetState(): void {
    for (const [p, e] of this.files) {
      if (e.diagnostics && e.diagnostics.length > 0) this.previousDiagnosed.add(p);
      const owner = this.bestOwner(e);
      if (owner !== undefined) this.previousOwner.set(p, owner);
    }
    this.files = new Map();
    this.roots = new Map();
    this.rootQueue.clear();
    this.aloneQueue.clear();
    this.folderSettings.clear();
    this.excluded.clear();
  }

  private entry(path: string): FileEntry {
    let e = this.files.get(path);
    if (!e) {
      e = { main: false, owners: new Set() };
      this.files.set(path, e);
    }
    return e;
  }

  private bestOwner(e: FileEntry): string | undefined {
    let best: string | undefined;
    for (const o of e.owners) if (best === undefined || compareRoots(o, best) < 0) best = o;
    return best;
  }

  private folderOf(path: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folders) {
      if ((path === f || path.startsWith(f.endsWith('/') ? f : `${f}/`)) && (best === undefined || f.length > best.length)) best = f;
    }
    return best;
  }

  private settingsOf(folder: string | undefined): ServerSettings | undefined {
    return folder === undefined ? undefined : this.folderSettings.get(folder);
  }

  /** Whether the files of `folder` are indexed at all. */
  private indexes(folder: string | undefined): boolean {
    const s = this.settingsOf(folder);
    return s !== undefined && s.enable && s.index.enable;
  }

  /** Whether findings of files of `folder` are kept and shown. */
  private wantsFindings(folder: string | undefined): boolean {
    return this.indexes(folder) && this.settingsOf(folder)!.index.workspaceDiagnostics;
  }

  /** Whether a path of a folder is left out: skipped directory names, hidden names, `cachelint.index.exclude`. */
  private skipped(folder: string, path: string, isDir: boolean): boolean {
    const rel = path.slice(folder.length).replace(/^\/+/, '');
    if (rel === '') return false;
    for (const seg of rel.split('/')) if (seg.startsWith('.') || SKIPPED_DIRS.has(seg)) return true;
    const ex = this.excluded.get(folder);
    return ex !== undefined && (ex(rel) || (isDir && ex(`${rel}/`)));
  }

  private countInFolder(folder: string): number {
    let n = 0;
    for (const e of this.files.values()) if (e.folder === folder) n++;
    return n;
  }

  private setDiagnostics(path: string, e: FileEntry, diagnostics: Diagnostic[] | undefined, source: string): void {
    const before = e.diagnostics;
    e.diagnostics = diagnostics;
    e.source = source;
    if (!sameDiagnostics(before, diagnostics)) this.host.diagnosticsChanged(path);
  }

  private removeFile(path: string): void {
    const e = this.files.get(path);
    if (!e) return;
    const owners = [...e.owners].filter((o) => o !== path);
    if (this.roots.has(path)) this.dropRoot(path);
    e.folder = undefined;
    e.main = false;
    this.run?.settled.delete(path);
    // Its main configs now read a missing file (include-not-found) or a shorter glob.
    for (const o of owners) this.rootQueue.add(o);
    if (e.owners.size === 0) this.forget(path, e);
  }

  /** Drops a file from the index and its findings from view. */
  private forget(path: string, e: FileEntry): void {
    this.files.delete(path);
    if (e.diagnostics && e.diagnostics.length > 0) this.host.diagnosticsChanged(path);
  }

  /**
   * A main config stops being one: the files it read lose it as a context. Their new context is
   * found at once, or after the caller's own analysis when it collects them in `orphansOut`.
   */
  private dropRoot(root: string, orphansOut?: string[]): void {
    const reached = this.roots.get(root) ?? [];
    this.roots.delete(root);
    const orphans = orphansOut ?? [];
    for (const p of reached) {
      const e = this.files.get(p);
      if (!e) continue;
      e.owners.delete(root);
      if (e.source === root) orphans.push(p);
    }
    if (!orphansOut) this.resolveOrphans(orphans);
    this.host.rootsChanged();
  }

  /** Files whose findings came from an analysis that no longer reads them: find them a new one. */
  private resolveOrphans(paths: Iterable<string>): void {
    for (const p of paths) {
      const e = this.files.get(p);
      if (!e) continue;
      const owner = this.bestOwner(e);
      if (owner !== undefined) {
        if (e.source !== owner) this.rootQueue.add(owner);
      } else if (e.folder !== undefined) {
        if (e.main) this.rootQueue.add(p);
        else if (this.wantsFindings(e.folder)) this.aloneQueue.add(p);
        else this.setDiagnostics(p, e, undefined, p);
      } else {
        this.forget(p, e);
      }
    }
  }

  /** Queues what must be analysed again after `path` changed. */
  private requeue(path: string, e: FileEntry): void {
    for (const o of e.owners) this.rootQueue.add(o);
    if (e.main) this.rootQueue.add(path);
    else if (e.owners.size === 0 && e.folder !== undefined && this.wantsFindings(e.folder)) this.aloneQueue.add(path);
  }

  private async fileUpdated(path: string, folder: string | undefined, kind: FileChangeKind): Promise<void> {
    let e = this.files.get(path);
    const inWorkspace = folder !== undefined && !this.skipped(folder, path, false) && this.indexes(folder);
    if (!inWorkspace) {
      // Outside the folders (or excluded), but read by a main config: that one is analysed again.
      if (e) this.requeue(path, e);
      return;
    }
    const head = await this.host.fs.head(path, HEAD_BYTES);
    if (!head) return;
    const c = classifyFile(path, head.text);
    const s = this.settingsOf(folder)!;
    const fits = head.size <= s.maxFileSizeKB * 1024;
    if (kind === 'created') {
      // A new file may be matched by a glob include of a main config that reads its neighbours, or
      // of one in a directory above it (conf.d/*.conf next to nginx.conf, still empty).
      const dir = path.slice(0, path.lastIndexOf('/') + 1);
      for (const [root, reached] of this.roots) {
        const rootDir = root.slice(0, root.lastIndexOf('/') + 1);
        if ((c.config && dir.startsWith(rootDir)) || reached.some((p) => p.startsWith(dir) && !p.slice(dir.length).includes('/'))) this.rootQueue.add(root);
      }
    }
    if (c.config && fits && e?.folder === undefined) {
      if (this.countInFolder(folder) >= s.index.maxFiles) {
        this.reportLimit(undefined, folder, s.index.maxFiles);
      } else {
        e = this.entry(path);
        e.folder = folder;
      }
    } else if (e?.folder !== undefined && (!c.config || !fits)) {
      // No longer a config file of the index (renamed content, grown too large).
      e.folder = undefined;
      e.main = false;
      if (this.roots.has(path)) this.dropRoot(path);
      if (e.owners.size === 0) {
        this.forget(path, e);
        return;
      }
    }
    if (!e) return;
    if (e.folder !== undefined && e.main !== c.main) {
      e.main = c.main;
      if (!c.main && this.roots.has(path)) this.dropRoot(path);
    }
    this.requeue(path, e);
  }

  // ---- walk -------------------------------------------------------------------------------------

  /**
   * Finds the config files under `start` (inside `folder`), breadth first and by name, so that with a
   * limit the shallowest files are kept. Symlinked directories are not entered (no loops); symlinked
   * files are indexed. `run` is undefined for a directory created after the run.
   */
  private async walk(run: Run | undefined, folder: string, start: string): Promise<void> {
    const s = this.folderSettings.get(folder);
    if (!s) return;
    const max = s.index.maxFiles;
    let count = this.countInFolder(folder);
    let level = [start];
    let dirs = 0;
    let lastReport = performance.now();
    while (level.length > 0) {
      const next: string[] = [];
      for (const dir of level) {
        if (run && (this.run !== run || run.ended)) return;
        if (run?.progress.token.isCancellationRequested) {
          this.endRun(run, 'cancelled');
          return;
        }
        if (++dirs > MAX_DIRS_PER_FOLDER) {
          this.host.warn(`cachelint indexed ${count} files of ${folder} and stopped looking after ${MAX_DIRS_PER_FOLDER} folders. Exclude folders with cachelint.index.exclude to index the rest.`);
          return;
        }
        const entries = await this.host.fs.list(dir);
        const candidates: string[] = [];
        for (const d of entries) {
          const p = dir.endsWith('/') ? dir + d.name : `${dir}/${d.name}`;
          if (d.kind === 'directory') {
            if (!d.symlink && !this.skipped(folder, p, true)) next.push(p);
          } else if (d.kind === 'file' && !this.skipped(folder, p, false) && !this.files.get(p)?.folder) {
            candidates.push(p);
          }
        }
        const heads = await Promise.all(candidates.map((p) => this.host.fs.head(p, HEAD_BYTES)));
        if (run && (this.run !== run || run.ended)) return;
        for (let i = 0; i < candidates.length; i++) {
          const p = candidates[i];
          const head = heads[i];
          if (!head) continue;
          const c = classifyFile(p, head.text);
          if (!c.config) continue;
          if (head.size > s.maxFileSizeKB * 1024) {
            if (run) run.tooLarge++;
            continue;
          }
          if (count >= max) {
            this.reportLimit(run, folder, max);
            return;
          }
          const e = this.entry(p);
          e.folder = folder;
          e.main = c.main;
          count++;
          if (run) run.total++;
          else this.requeue(p, e);
        }
        if (run && performance.now() - lastReport > 100) {
          lastReport = performance.now();
          run.progress.report(0, `Looking for nginx and VCL files: ${run.total} found`);
        }
      }
      level = next;
    }
  }

  private reportLimit(run: Run | undefined, folder: string, max: number): void {
    if (this.limitReported.has(folder)) return;
    this.limitReported.add(folder);
    const msg = `cachelint indexed only the first ${max} nginx/VCL files of ${folder} (cachelint.index.maxFiles): findings of the others are not shown until they are opened. Raise the limit or exclude folders with cachelint.index.exclude.`;
    this.host.warn(msg);
    if (run && !run.ended) run.progress.report(0, `Limit of ${max} files reached`);
  }

  // ---- analysis ---------------------------------------------------------------------------------

  private hasJobs(): boolean {
    return this.rootQueue.size > 0 || this.aloneQueue.size > 0;
  }

  /** Runs queued analyses in chunks until none is left. */
  private kick(): Promise<void> {
    if (!this.draining) {
      this.draining = (async () => {
        try {
          await this.drainLoop();
        } finally {
          this.draining = undefined;
        }
        if (this.hasJobs() && !this.disposed) void this.kick();
        else if (!this.busy) this.host.idle?.();
      })();
    }
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    let spent = 0;
    while (this.hasJobs() && !this.disposed) {
      // Yield first: requests that arrived during the last chunk are answered (and their replies
      // written) before the next one.
      if (spent > 0) {
        await this.host.flushed?.();
        await pause(Math.min(MAX_IDLE_MS, spent * IDLE_RATIO));
      } else {
        await yieldToEventLoop();
      }
      if (!this.hasJobs() || this.disposed) break;
      const run = this.run && !this.run.ended && !this.run.walking ? this.run : undefined;
      if (run?.progress.token.isCancellationRequested) {
        this.endRun(run, 'cancelled');
        continue;
      }
      const start = performance.now();
      let ownersChanged = false;
      do {
        const job = this.nextJob();
        if (!job) break;
        try {
          if (job.root) ownersChanged = this.analyseRoot(job.path) || ownersChanged;
          else this.analyseAlone(job.path);
        } catch (err) {
          this.host.log(`cachelint: indexing ${job.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          this.run?.settled.add(job.path);
        }
      } while (performance.now() - start < CHUNK_BUDGET_MS);
      spent = performance.now() - start;
      if (run) this.reportProgress(run, false);
      if (ownersChanged) this.host.rootsChanged();
    }
  }

  private nextJob(): { root: boolean; path: string } | undefined {
    for (const p of this.rootQueue) {
      this.rootQueue.delete(p);
      return { root: true, path: p };
    }
    for (const p of this.aloneQueue) {
      this.aloneQueue.delete(p);
      return { root: false, path: p };
    }
    return undefined;
  }

  /** Analyses a main config with what it includes. Returns whether some file's main config changed. */
  private analyseRoot(root: string): boolean {
    const e = this.files.get(root);
    if (!e?.main) {
      if (this.roots.has(root)) this.dropRoot(root);
      return false;
    }
    // Another main config includes this one: it is a fragment of that one.
    if ([...e.owners].some((o) => o !== root && this.roots.has(o))) {
      if (this.roots.has(root)) this.dropRoot(root);
      return true;
    }
    const folder = e.folder;
    const s = this.settingsOf(folder);
    if (!s || folder === undefined) return false;
    if (this.host.provider.readFile(root) === undefined) {
      this.removeFile(root);
      return true;
    }
    const notices: IncludeNotice[] = [];
    let result: AnalysisResult | undefined = analyzeEntries([root], { provider: boundedProvider(this.host.provider, s, notices), settings: s.analyzer });
    this.host.internalErrors(result.internalErrors);
    this.host.filesRead?.(root, result.files.keys());
    const reached = [...result.files.keys()];
    if (!reached.includes(root)) reached.unshift(root);
    const reachedSet = new Set(reached);
    let changed = !this.roots.has(root);

    // Main configs this one includes are fragments of it from now on.
    const orphans: string[] = [];
    for (const p of reached) if (p !== root && this.roots.has(p)) this.dropRoot(p, orphans);

    for (const p of this.roots.get(root) ?? []) {
      if (reachedSet.has(p)) continue;
      const f = this.files.get(p);
      if (!f) continue;
      f.owners.delete(root);
      changed = true;
      if (f.source === root) orphans.push(p);
    }
    this.roots.set(root, reached);

    const keep = this.wantsFindings(folder);
    const ctx: ConvertContext = { lines: (p) => result!.files.get(p)?.lines, uri: (p) => this.host.uri(p) };
    for (const p of reached) {
      const f = this.entry(p);
      if (!f.owners.has(root)) {
        f.owners.add(root);
        changed = true;
      }
      if (f.folder !== undefined) this.run?.settled.add(p);
      if (this.bestOwner(f) !== root) continue;
      this.setDiagnostics(p, f, keep ? [...diagnosticsOf(result.findingsFor(p), ctx, s.maxProblemsPerFile), ...noticeDiagnostics(notices, p, ctx)] : undefined, root);
      this.aloneQueue.delete(p);
    }
    // The analysis (trees, model) is garbage from here on: only `reached` and the diagnostics stay.
    result = undefined;
    this.resolveOrphans(orphans);
    return changed;
  }

  /** Analyses a file no main config includes, on its own. */
  private analyseAlone(path: string): void {
    const e = this.files.get(path);
    if (!e || e.main || e.owners.size > 0 || e.folder === undefined) return;
    this.run?.settled.add(path);
    const s = this.settingsOf(e.folder);
    if (!s || !this.wantsFindings(e.folder)) return;
    if (this.host.provider.readFile(path) === undefined) {
      this.removeFile(path);
      return;
    }
    const notices: IncludeNotice[] = [];
    const result = analyzeEntries([path], { provider: boundedProvider(this.host.provider, s, notices), settings: s.analyzer });
    this.host.internalErrors(result.internalErrors);
    this.host.filesRead?.(path, result.files.keys());
    const ctx: ConvertContext = { lines: (p) => result.files.get(p)?.lines, uri: (p) => this.host.uri(p) };
    this.setDiagnostics(path, e, [...diagnosticsOf(result.findingsFor(path), ctx, s.maxProblemsPerFile), ...noticeDiagnostics(notices, path, ctx)], path);
  }

  // ---- progress ---------------------------------------------------------------------------------

  private reportProgress(run: Run, force: boolean): void {
    const done = Math.min(run.settled.size, run.total);
    const message = `${done}/${run.total} files`;
    if (!force && message === run.lastReport) return;
    run.lastReport = message;
    run.progress.report(run.total === 0 ? 100 : (done / run.total) * 100, message);
  }

  private endRun(run: Run, how: 'done' | 'cancelled' | 'superseded'): void {
    if (run.ended) return;
    run.ended = true;
    if (how === 'cancelled') {
      this.rootQueue.clear();
      this.aloneQueue.clear();
    }
    if (how !== 'superseded') {
      for (const p of this.previousDiagnosed) if (!this.diagnosticsFor(p)) this.host.diagnosticsChanged(p);
      this.previousDiagnosed.clear();
      this.previousOwner.clear();
      this.host.rootsChanged();
    }
    const ms = Math.round(performance.now() - run.started);
    const done = Math.min(run.settled.size, run.total);
    if (how === 'done' && this.folders.length > 0) {
      run.progress.report(100, `${done}/${run.total} files`);
      let diagnosed = 0;
      for (const e of this.files.values()) if (e.diagnostics && e.diagnostics.length > 0) diagnosed++;
      const large = run.tooLarge > 0 ? `; ${run.tooLarge} larger than cachelint.maxFileSizeKB left out` : '';
      this.host.log(`cachelint: indexed ${run.total} nginx/VCL files (${this.roots.size} main configs, ${diagnosed} files with findings) in ${ms} ms${large}`);
    } else if (how === 'cancelled') {
      this.host.log(`cachelint: indexing cancelled after ${done}/${run.total} files (${ms} ms); the rest is indexed when the workspace or the settings change`);
    }
    run.progress.done();
    if (!this.busy) this.host.idle?.();
  }
}

function sameDiagnostics(a: Diagnostic[] | undefined, b: Diagnostic[] | undefined): boolean {
  if ((a?.length ?? 0) === 0 && (b?.length ?? 0) === 0) return true;
  if (!a || !b || a.length !== b.length) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function excludeMatcher(globs: string[]): (rel: string) => boolean {
  if (globs.length === 0) return () => false;
  const matchers = globs.map((g) => {
    try {
      return picomatch(g.replace(/^\.?\/+/, ''), { dot: true });
    } catch {
      return () => false;
    }
  });
  return (rel) => matchers.some((m) => m(rel));
}
