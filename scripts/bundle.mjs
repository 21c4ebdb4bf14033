#!/usr/bin/env node
// Bundles the compiled CLI (dist/src) into dist/bundle: one entry per program (the CLI
// and the two worker threads) plus shared chunks that each command loads on demand.
// Node resolves and reads a few dozen files instead of a few hundred, which is most
// of secloop's start-up time (`secloop sbom` on a 500-package project: 137 -> 96 ms).
// Native modules stay external; so do packages loaded lazily through createRequire.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'bundle');

rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/src/cli/main.js',
    'secrets-worker': 'dist/src/scanners/secrets/workers/worker.js',
    'sast-worker': 'dist/src/scanners/sast/worker.js',
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['oxc-parser', 'better-sqlite3'],
  // Workers and the version look-up find their files by name inside the bundle.
  define: { SECLOOP_BUNDLE: 'true' },
  // Bundled CommonJS packages (commander, semver...) call require for Node built-ins.
  banner: { js: "import { createRequire as secloopCreateRequire } from 'node:module'; const require = secloopCreateRequire(import.meta.url);" },
  chunkNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});
// The package is ESM already; this keeps the folder self-describing if copied alone.
writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
