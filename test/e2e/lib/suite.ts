// Compiles the extension-host suite (test/e2e/suite/*.ts) to CommonJS next to the cache, where the
// editor loads it; `mocha` and `vscode` stay external (resolved from node_modules / the host).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { CACHE } from './harness';
import { ROOT } from './workspace';

export const SUITE_OUT = path.join(CACHE, 'suite');

/** Builds the suite and returns the path of its entry (index.js, which exports run()). */
export async function buildSuite(): Promise<string> {
  const dir = path.join(ROOT, 'test', 'e2e', 'suite');
  fs.rmSync(SUITE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f)),
    outdir: SUITE_OUT,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return path.join(SUITE_OUT, 'index.js');
}
