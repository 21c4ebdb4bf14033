import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportTargets, ModuleResolver, readManifest, readTsconfig } from '../../../src/scanners/sast/project/resolve.js';

function resolver(): ModuleResolver {
  const r = new ModuleResolver([
    'src/a.ts', 'src/b.js', 'src/lib/index.ts', 'src/util/helpers.mjs', 'lib/main.js', 'lib/sub/feature.js',
    'packages/tools/dist/index.cjs', 'packages/tools/dist/extra.cjs', 'app/x.js',
  ]);
  r.addPackage(readManifest('', JSON.stringify({ name: 'me', main: 'lib/main.js', exports: { '.': './lib/main.js', './feature': './lib/sub/feature.js' } }))!);
  r.addPackage(readManifest('packages/tools', JSON.stringify({ name: '@scope/tools', exports: { '.': { require: './dist/index.cjs' }, './*': './dist/*.cjs' } }))!);
  r.addTsconfig(readTsconfig('', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"], "~util": ["src/util/helpers.mjs"] } } }')!);
  return r;
}

describe('sast module resolution', () => {
  it('resolves relative paths, extensions, TypeScript twins and index files', () => {
    const r = resolver();
    assert.equal(r.resolve('src/a.ts', './b'), 'src/b.js');
    assert.equal(r.resolve('src/b.js', './a.js'), 'src/a.ts');
    assert.equal(r.resolve('src/a.ts', './lib'), 'src/lib/index.ts');
    assert.equal(r.resolve('src/a.ts', '../lib/main'), 'lib/main.js');
    assert.equal(r.resolve('src/a.ts', '../../outside'), undefined);
  });

  it('resolves tsconfig paths and baseUrl', () => {
    const r = resolver();
    assert.equal(r.resolve('app/x.js', '@/lib'), 'src/lib/index.ts');
    assert.equal(r.resolve('app/x.js', '~util'), 'src/util/helpers.mjs');
    assert.equal(r.resolve('app/x.js', 'src/b'), 'src/b.js');
  });

  it("resolves the package's own name and workspace packages through exports", () => {
    const r = resolver();
    assert.equal(r.resolve('src/a.ts', 'me'), 'lib/main.js');
    assert.equal(r.resolve('src/a.ts', 'me/feature'), 'lib/sub/feature.js');
    assert.equal(r.resolve('src/a.ts', '@scope/tools'), 'packages/tools/dist/index.cjs');
    assert.equal(r.resolve('src/a.ts', '@scope/tools/extra'), 'packages/tools/dist/extra.cjs');
    assert.deepEqual(r.entryFiles(readManifest('', JSON.stringify({ name: 'me', main: 'lib/main.js' }))!), ['lib/main.js']);
  });

  it('leaves external packages and node builtins unresolved', () => {
    const r = resolver();
    assert.equal(r.resolve('src/a.ts', 'express'), undefined);
    assert.equal(r.resolve('src/a.ts', 'node:fs'), undefined);
  });

  it('reads export conditions in order', () => {
    assert.deepEqual(exportTargets({ import: './a.mjs', require: './a.cjs' }), ['./a.cjs', './a.mjs']);
    assert.deepEqual(exportTargets('./x.js', './sub'), []);
    assert.equal(readManifest('', '[1,2]'), undefined);
    assert.equal(readTsconfig('', '{ "compilerOptions": {} }'), undefined);
  });
});
