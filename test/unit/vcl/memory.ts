// An in-memory FileProvider for the VCL tests.
import type { FileProvider } from '../../../server/src/analyzer/types';

/** An in-memory file system; glob supports `*` and `?` within one path segment. Records the reads. */
export function memory(files: Record<string, string>): FileProvider & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(p) {
      reads.push(p);
      return files[p];
    },
    glob(pattern) {
      const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
      return Object.keys(files).filter((f) => re.test(f)).sort();
    },
  };
}
