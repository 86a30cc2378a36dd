// The Node implementation of the analyzer's FileProvider: byte-exact text reads, atomic writes, include masks.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import picomatch from 'picomatch/posix';
import { isNetworkPath } from '../analyzer/nginx/model';
import type { FileProvider, IncludeLimits, IncludeNotice } from '../analyzer/types';

/** How a file's bytes were decoded; writing with the same encoding reproduces them exactly. */
export type TextEncodingName = 'utf8' | 'latin1';

export interface TextFile {
  text: string;
  encoding: TextEncodingName;
}

/** Stop expanding an include mask after this many matching files. */
export const GLOB_MAX_MATCHES = 10_000;
/** Stop expanding an include mask after looking at this many directory entries. */
const GLOB_MAX_VISITED = 200_000;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes file bytes: UTF-8 when they are valid UTF-8, latin1 otherwise (one character per byte), so
 * that encoding the text back with the returned encoding gives the same bytes. A BOM stays in the text.
 */
export function decodeText(bytes: Uint8Array): TextFile {
  try {
    return { text: utf8Decoder.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}

/** Converts a path to the analyzer's form: absolute (against the current directory) and '/'-separated. */
export function toAnalyzerPath(p: string): string {
  const abs = nodePath.resolve(p);
  return process.platform === 'win32' ? abs.replace(/\\/g, '/') : abs;
}

/** Opening never waits for a writer (FIFO) or a device; where the flag does not exist it is 0. */
const OPEN_NONBLOCK = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Reads a regular file as text (see `decodeText`). Undefined when the path does not exist, is not a
 * regular file (after following symlinks), is larger than `maxBytes`, names a network location
 * (`//host/share`, `\\host\share`, a URL) or cannot be read. The file is opened without blocking and
 * checked on the open descriptor, so a named pipe or device put in its place is never read from.
 * Never throws.
 */
export function readTextFile(path: string, maxBytes = Infinity): TextFile | undefined {
  if (isNetworkPath(path)) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, OPEN_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < buf.length) {
      const n = fs.readSync(fd, buf, read, buf.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return decodeText(buf.subarray(0, read));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // nothing to do
      }
    }
  }
}

/**
 * Why `readTextFile(path, maxBytes)` gives nothing for a path that exists: not a regular file, larger
 * than `maxBytes`, a network location, a symlink loop, no permission. Undefined when nothing is there
 * or the file reads fine. Never blocks, never throws.
 */
export function unreadableReason(path: string, maxBytes = Infinity): string | undefined {
  if (isNetworkPath(path)) return 'it is a network location; only local files are read';
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'it is a symbolic link that loops back on itself';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return undefined;
  }
  if (st.isFIFO()) return 'it is a named pipe (FIFO), not a regular file';
  if (st.isSocket()) return 'it is a socket, not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file';
  if (st.isDirectory()) return 'it is a directory';
  if (!st.isFile()) return 'it is not a regular file';
  if (st.size > maxBytes) return `it is ${Math.ceil(st.size / 1024)} KB, more than the limit of ${Math.floor(maxBytes / 1024)} KB`;
  return undefined;
}

/** One entry of a directory listing. */
export interface DirEntry {
  name: string;
  /** What the entry is; for a symbolic link, what its target is ('other' when the link is broken). */
  kind: 'file' | 'directory' | 'other';
  /** Whether the entry is a symbolic link. */
  symlink: boolean;
}

/**
 * Lists a directory, sorted by name. Symbolic links are resolved only to tell a file from a
 * directory; callers decide whether to descend into a linked directory. Empty when the directory
 * cannot be read. Never throws.
 */
export async function listDirectory(dir: string): Promise<DirEntry[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: DirEntry[] = [];
  for (const e of entries) {
    if (!e.isSymbolicLink()) {
      out.push({ name: e.name, kind: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : 'other', symlink: false });
      continue;
    }
    let kind: DirEntry['kind'] = 'other';
    try {
      const st = await fsp.stat(nodePath.join(dir, e.name));
      kind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    } catch {
      // a broken link
    }
    out.push({ name: e.name, kind, symlink: true });
  }
  return out.sort((a, b) => compareStrings(a.name, b.name));
}

/** What is at `path` (symlinks followed): undefined when nothing is there or it cannot be read. */
export async function pathKind(path: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const st = await fsp.stat(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

/**
 * The first `maxBytes` bytes of a regular file as text (see `decodeText`; a character cut at the end
 * may make it decode as latin1) and the file's size in bytes. Undefined when the path is not a
 * readable regular file. Never throws.
 */
export async function readFileHead(path: string, maxBytes: number): Promise<{ text: string; size: number } | undefined> {
  let handle: fsp.FileHandle | undefined;
  if (isNetworkPath(path)) return undefined;
  try {
    // Non-blocking: opening a named pipe for reading would otherwise wait for a writer.
    handle = await fsp.open(path, OPEN_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.max(0, Math.min(maxBytes, st.size)));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return { text: decodeText(buf.subarray(0, bytesRead)).text, size: st.size };
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Replaces the content of `path` with `text` encoded as `encoding`: writes a temporary file in the same
 * directory, flushes it and renames it over the original (the target of a symlink, which stays a
 * symlink), keeping the original's permission bits. On any error the original is untouched, the
 * temporary file is removed and the error is thrown. Throws before writing anything when `encoding` is
 * latin1 and the text has a character latin1 cannot hold.
 */
export function writeTextFileAtomic(path: string, text: string, encoding: TextEncodingName): void {
  if (encoding === 'latin1' && /[^\u0000-\u00ff]/.test(text)) {
    throw new Error(`${path}: the new text has characters that the file's latin1 encoding cannot hold`);
  }
  const bytes = Buffer.from(text, encoding);
  let target = path;
  let mode: number | undefined;
  try {
    target = fs.realpathSync(path);
    mode = fs.statSync(target).mode & 0o7777;
  } catch {
    // A new file: written where asked, with default permissions.
  }
  const dir = nodePath.dirname(target);
  const tmp = nodePath.join(dir, `.${nodePath.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode ?? 0o666);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    // openSync's mode is reduced by the umask; the replacement keeps the original's exact bits.
    if (mode !== undefined) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw err;
  }
}

const MASK_OPTIONS: picomatch.PicomatchOptions = {
  dot: false,
  nobrace: true,
  noextglob: true,
  noglobstar: true,
  nonegate: true,
  posix: true,
};

const matcherCache = new Map<string, (name: string) => boolean>();

function segmentMatcher(segment: string): (name: string) => boolean {
  let m = matcherCache.get(segment);
  if (!m) {
    try {
      m = picomatch(segment, MASK_OPTIONS);
    } catch {
      m = (name: string) => name === segment;
    }
    if (matcherCache.size > 1000) matcherCache.clear();
    matcherCache.set(segment, m);
  }
  return m;
}

function isMagic(segment: string): boolean {
  return /[*?[]/.test(segment);
}

/** A literal segment of a mask: glob(3) backslash escapes removed. */
function unescapeSegment(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

/** Splits an absolute '/'-separated path or mask into its root ('/' or 'C:/') and non-empty segments. */
function splitRoot(p: string): { root: string; segments: string[] } {
  const drive = /^[A-Za-z]:\//.exec(p);
  const root = drive ? drive[0] : '/';
  return { root, segments: p.slice(root.length).split('/').filter((s) => s !== '') };
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/**
 * Expands an nginx `include` mask: `*`, `?` and `[...]` in any path segment (no `**`, no braces), with
 * glob(3) semantics — a leading `.` in a name must be matched literally. Relative masks are resolved
 * against the current directory. Walks only the directories the mask needs. Returns the sorted,
 * normalized absolute paths of regular files (symlinks followed), at most `limit` (and never more than
 * `GLOB_MAX_MATCHES` unless `limit` says so). Network locations match nothing. Never throws.
 */
export function globIncludeMask(pattern: string, limit = GLOB_MAX_MATCHES): string[] {
  if (isNetworkPath(pattern) || limit <= 0) return [];
  try {
    const { root, segments } = splitRoot(toAnalyzerPath(pattern).replace(/\/+$/, ''));
    if (segments.length === 0) return [];
    let dirs = [root];
    let visited = 0;
    const out: string[] = [];
    for (let i = 0; i < segments.length && dirs.length > 0; i++) {
      const last = i === segments.length - 1;
      const seg = segments[i];
      const next: string[] = [];
      // Returns false once the match limit is reached.
      const consider = (p: string): boolean => {
        if (!last) next.push(p);
        else if (isRegularFile(p)) out.push(nodePath.posix.normalize(p));
        return out.length < limit;
      };
      if (!isMagic(seg)) {
        const name = unescapeSegment(seg);
        for (const d of dirs) if (!consider(joinPath(d, name))) break;
      } else {
        const match = segmentMatcher(seg);
        outer: for (const d of dirs) {
          let names: string[];
          try {
            names = fs.readdirSync(d);
          } catch {
            continue;
          }
          names.sort(compareStrings);
          for (const name of names) {
            if (++visited > GLOB_MAX_VISITED) break outer;
            if (match(name) && !consider(joinPath(d, name))) break outer;
          }
        }
      }
      if (!last) dirs = next.filter(isDirectory);
    }
    return [...new Set(out)].sort(compareStrings);
  } catch {
    return [];
  }
}

/** Whether an absolute path matches an include mask segment by segment, as `globIncludeMask` would. */
export function matchesIncludeMask(pattern: string, path: string): boolean {
  try {
    const a = splitRoot(toAnalyzerPath(pattern).replace(/\/+$/, ''));
    const b = splitRoot(nodePath.posix.normalize(toAnalyzerPath(path)));
    if (a.root !== b.root || a.segments.length !== b.segments.length) return false;
    return a.segments.every((seg, i) =>
      isMagic(seg) ? segmentMatcher(seg)(b.segments[i]) : unescapeSegment(seg) === b.segments[i],
    );
  } catch {
    return false;
  }
}

function isRegularFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A FileProvider over the local file system (see `readTextFile`, `globIncludeMask` and `unreadableReason`). */
export function createNodeFileProvider(): FileProvider {
  return {
    readFile: (path, maxBytes) => readTextFile(path, maxBytes)?.text,
    glob: (pattern, limit) => globIncludeMask(pattern, limit),
    canonical: realPath,
    unreadable: unreadableReason,
  };
}

/**
 * `base` as one analysis sees it: files larger than `maxBytes` (when given) are not read, include
 * expansion stops at `limits`, and what the analysis leaves out at an include goes to `notice`. When
 * the size is why a file is not read, the reason names `sizeSetting`, the setting that can change it.
 */
export function limitedProvider(
  base: FileProvider,
  o: { maxBytes?: number; sizeSetting?: string; limits: Partial<IncludeLimits>; notice: (n: IncludeNotice) => void },
): FileProvider {
  const provider: FileProvider = {
    readFile: (path) => base.readFile(path, o.maxBytes),
    glob: (pattern, limit) => base.glob(pattern, limit),
    unreadable(path) {
      const why = base.unreadable?.(path, o.maxBytes);
      // Readable without the size limit: the limit is the reason.
      if (why !== undefined && o.maxBytes !== undefined && o.sizeSetting && base.unreadable?.(path) === undefined) return `${why} (${o.sizeSetting})`;
      return why;
    },
    limits: o.limits,
    notice: o.notice,
  };
  if (base.canonical) provider.canonical = (path) => base.canonical!(path);
  return provider;
}

/** The real path of a file through symlinks, or the path itself when it cannot be resolved. */
export function realPath(path: string): string {
  try {
    return toAnalyzerPath(fs.realpathSync(path));
  } catch {
    return path;
  }
}

/**
 * A FileProvider in which `overlays` (absolute path → text, e.g. open editor buffers) win over `base`.
 * The map is read on every call, so later changes to it are seen. `glob` adds overlay paths that match
 * the mask to the base's matches.
 */
export function createOverlayProvider(base: FileProvider, overlays: ReadonlyMap<string, string>): FileProvider {
  return {
    readFile(path, maxBytes) {
      const text = overlays.get(path);
      if (text === undefined) return base.readFile(path, maxBytes);
      // An open document's size is its UTF-8 size, as on disk.
      return maxBytes !== undefined && text.length > maxBytes / 3 && Buffer.byteLength(text, 'utf8') > maxBytes ? undefined : text;
    },
    canonical: (path) => (overlays.has(path) || !base.canonical ? path : base.canonical(path)),
    unreadable(path, maxBytes) {
      const text = overlays.get(path);
      if (text === undefined) return base.unreadable?.(path, maxBytes);
      const size = Buffer.byteLength(text, 'utf8');
      return maxBytes !== undefined && size > maxBytes ? `it is ${Math.ceil(size / 1024)} KB, more than the limit of ${Math.floor(maxBytes / 1024)} KB` : undefined;
    },
    glob(pattern, limit = GLOB_MAX_MATCHES) {
      const found = [...base.glob(pattern, limit)];
      if (overlays.size === 0) return found;
      const seen = new Set(found);
      for (const p of overlays.keys()) {
        if (!seen.has(p) && matchesIncludeMask(pattern, p)) {
          seen.add(p);
          found.push(p);
        }
      }
      return found.sort(compareStrings).slice(0, limit);
    },
  };
}
