// Builds the three bundles: the VS Code client, the language server and the CLI.
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

const bundles = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

async function main() {
  fs.rmSync('dist', { recursive: true, force: true });
  if (watch) {
    for (const b of bundles) {
      const ctx = await esbuild.context({ ...common, ...b });
      await ctx.watch();
    }
    return;
  }
  await Promise.all(bundles.map((b) => esbuild.build({ ...common, ...b })));
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
