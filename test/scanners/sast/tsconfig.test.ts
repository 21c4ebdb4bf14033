import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { sastScanner } from '../../../src/scanners/sast/index.js';
import { createRootReader } from '../../../src/workspace/root-reader.js';
import { collectExtendedConfigs, readTsconfigChain } from '../../../src/scanners/sast/project/tsconfig.js';
import { tempTree } from '../../helpers/tmp.js';

/** A lookup over in-memory files that records every path asked for. */
function files(entries: Record<string, unknown>): { lookup: (p: string) => string | undefined; asked: string[] } {
  const asked: string[] = [];
  const lookup = (p: string) => {
    asked.push(p);
    const v = entries[p];
    return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
  };
  return { lookup, asked };
}

describe('sast tsconfig extends', () => {
  it('follows relative chains: baseUrl relative to the file that sets it, the extending file wins', () => {
    const { lookup } = files({
      'tsconfig.base.json': { compilerOptions: { baseUrl: './src', paths: { '@old/*': ['old/*'] } } },
      'apps/web/tsconfig.json': { extends: '../../tsconfig.base', compilerOptions: { paths: { '@/*': ['lib/*'] } } },
    });
    const config = readTsconfigChain('apps/web/tsconfig.json', lookup);
    assert.deepEqual(config, { dir: 'apps/web', baseUrl: 'src', hasBaseUrl: true, paths: [{ pattern: '@/*', targets: ['lib/*'] }] });
  });

  it('resolves paths without a baseUrl against the config that declares them', () => {
    const { lookup } = files({
      'config/paths.json': { compilerOptions: { paths: { '#db': ['../server/db.ts'] } } },
      'server/tsconfig.json': { extends: '../config/paths.json' },
    });
    assert.deepEqual(readTsconfigChain('server/tsconfig.json', lookup), {
      dir: 'server', baseUrl: 'config', hasBaseUrl: false, paths: [{ pattern: '#db', targets: ['../server/db.ts'] }],
    });
  });

  it('finds package configs in node_modules of the folder or any parent, then in workspace packages', () => {
    const { lookup } = files({
      'node_modules/@acme/tsconfig/tsconfig.json': { compilerOptions: { baseUrl: '.' } },
      'node_modules/@acme/tsconfig/strict.json': { extends: './tsconfig.json', compilerOptions: { paths: { '~/*': ['*'] } } },
      'packages/shared/base.json': { compilerOptions: { baseUrl: 'src' } },
      'a/b/tsconfig.json': { extends: '@acme/tsconfig' },
      'a/c/tsconfig.json': { extends: '@acme/tsconfig/strict' },
      'a/d/tsconfig.json': { extends: 'shared-config/base.json' },
    });
    assert.equal(readTsconfigChain('a/b/tsconfig.json', lookup)?.baseUrl, 'node_modules/@acme/tsconfig');
    assert.deepEqual(readTsconfigChain('a/c/tsconfig.json', lookup)?.paths, [{ pattern: '~/*', targets: ['*'] }]);
    assert.equal(readTsconfigChain('a/d/tsconfig.json', lookup, new Map([['shared-config', 'packages/shared']]))?.baseUrl, 'packages/shared/src');
  });

  it('applies an array of extends in order', () => {
    const { lookup } = files({
      'one.json': { compilerOptions: { baseUrl: 'one' } },
      'two.json': { compilerOptions: { baseUrl: 'two' } },
      'tsconfig.json': { extends: ['./one.json', './two.json'] },
    });
    assert.equal(readTsconfigChain('tsconfig.json', lookup)?.baseUrl, 'two');
  });

  it('stops at cycles and long chains, and never looks outside the root', () => {
    const cycle = files({
      'a.json': { extends: './b.json', compilerOptions: { baseUrl: 'from-a' } },
      'b.json': { extends: './a.json' },
      'tsconfig.json': { extends: './a.json' },
    });
    assert.equal(readTsconfigChain('tsconfig.json', cycle.lookup)?.baseUrl, 'from-a');

    const chain: Record<string, unknown> = { 'c30.json': { compilerOptions: { baseUrl: 'deep' } } };
    for (let i = 0; i < 30; i++) chain[`c${i}.json`] ??= { extends: `./c${i + 1}.json` };
    assert.equal(readTsconfigChain('c0.json', files(chain).lookup), undefined, 'a chain past the bound is cut');

    const outside = files({ 'app/tsconfig.json': { extends: '../../shared/tsconfig.json', compilerOptions: { baseUrl: '../..' } } });
    const config = readTsconfigChain('app/tsconfig.json', outside.lookup);
    assert.equal(config, undefined, 'a baseUrl above the root is dropped');
    assert.ok(outside.asked.every((p) => !p.startsWith('..') && !p.startsWith('/')), outside.asked.join(', '));
  });

  it('reads extended configs the walk skipped, under the root only', () => {
    const tree = tempTree({
      'node_modules/@acme/tsconfig/tsconfig.json': '{ "compilerOptions": { "baseUrl": "." } }',
      'app/tsconfig.json': '{ "extends": "@acme/tsconfig" }',
    });
    const outside = tempTree({ 'secret.json': '{ "compilerOptions": { "baseUrl": "." } }' });
    try {
      symlinkSync(path.join(outside.dir, 'secret.json'), path.join(tree.dir, 'linked.json'));
      assert.equal(createRootReader(tree.dir, 256 * 1024)('linked.json'), undefined, 'a link out of the root is not followed');
      assert.equal(createRootReader(tree.dir, 256 * 1024)('../x.json'), undefined);
      const extra = collectExtendedConfigs(
        [{ path: 'app/tsconfig.json', text: '{ "extends": "@acme/tsconfig" }' }, { path: 'other/tsconfig.json', text: '{ "extends": "../linked.json" }' }],
        createRootReader(tree.dir, 256 * 1024),
        new Map(),
      );
      assert.deepEqual(extra.map((e) => e.path), ['node_modules/@acme/tsconfig/tsconfig.json']);
    } finally {
      tree.cleanup();
      outside.cleanup();
    }
  });

  it('resolves aliases that come from an extended config in node_modules during a scan', async () => {
    const tree = tempTree({
      'package.json': '{ "name": "app", "private": true, "dependencies": { "express": "^4.19.0" } }',
      'node_modules/@acme/tsconfig/tsconfig.json': '{ "compilerOptions": { "paths": { "@run": ["../../../src/run.ts"] } } }',
      'tsconfig.json': '{ "extends": "@acme/tsconfig" }',
      'src/run.ts': "import { exec } from 'child_process';\nexport function run(cmd: string) {\n  exec(cmd);\n}\n",
      'src/server.ts': "import express from 'express';\nimport { run } from '@run';\nconst app = express();\napp.get('/', (req, res) => { run(String(req.query.cmd)); res.end(); });\n",
    });
    try {
      const result = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner] });
      assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['sast/command-injection src/run.ts:3']);
    } finally {
      tree.cleanup();
    }
  });
});
