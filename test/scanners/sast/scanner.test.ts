import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../../src/core/config.js';
import { runScan } from '../../../src/engine/scan.js';
import { crossPartStores, libraryInputsEnabled, parallelism, sastScanner } from '../../../src/scanners/sast/index.js';
import { independentParts, specifiers } from '../../../src/scanners/sast/project/partition.js';
import { analyseProject, buildResolver, readManifests } from '../../../src/scanners/sast/project/analyse.js';
import { readManifest } from '../../../src/scanners/sast/project/resolve.js';
import type { ScanOptions } from '../../../src/scanners/scanner.js';
import { fixturePath } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';
import { sarifErrors } from '../../helpers/schemas.js';
import { writeSarif } from '../../../src/report/sarif.js';

const options = (extra: Partial<ScanOptions> = {}): ScanOptions => ({ history: false, offline: true, verify: false, prodOnly: false, ...extra });

describe('sast scanner', () => {
  it('wants sources, manifests, tsconfigs and templates only', () => {
    for (const p of ['a.js', 'src/b.tsx', 'package.json', 'pkg/package.json', 'tsconfig.json', 'tsconfig.build.json', 'views/x.ejs', 'v/y.hbs', 'v/z.pug']) {
      assert.ok(sastScanner.wants(p), p);
    }
    for (const p of ['a.d.ts', 'README.md', 'package-lock.json', 'x.json', 'image.png']) assert.ok(!sastScanner.wants(p), p);
  });

  it('documents every rule it can fire, with a CWE', () => {
    const ids = new Set(sastScanner.rules().map((r) => r.id));
    for (const rule of sastScanner.rules()) {
      assert.match(rule.id, /^sast\/[a-z-]+$/);
      assert.ok(rule.cwe.length > 0 && rule.description.length > 20 && rule.remediation.length > 10, rule.id);
    }
    assert.ok(ids.has('sast/command-injection') && ids.has('sast/prototype-pollution') && ids.has('sast/redos'));
  });

  it('turns library inputs on for a package without a server framework, and obeys the option', () => {
    const config = defaultConfig();
    const lib = readManifest('', JSON.stringify({ name: 'lib', dependencies: { lodash: '^4' } }));
    const app = readManifest('', JSON.stringify({ name: 'app', dependencies: { express: '^4' } }));
    assert.equal(libraryInputsEnabled({ options: options(), config }, lib), true);
    assert.equal(libraryInputsEnabled({ options: options(), config }, app), false);
    assert.equal(libraryInputsEnabled({ options: options(), config }, undefined), false);
    const privateApp = readManifest('', JSON.stringify({ name: 'site', private: true }));
    const cliTool = readManifest('', JSON.stringify({ name: 'tool', bin: { tool: 'cli.js' } }));
    const cliAndLib = readManifest('', JSON.stringify({ name: 'both', bin: 'cli.js', main: 'index.js' }));
    assert.equal(libraryInputsEnabled({ options: options(), config }, privateApp), false);
    assert.equal(libraryInputsEnabled({ options: options(), config }, cliTool), false);
    assert.equal(libraryInputsEnabled({ options: options(), config }, cliAndLib), true);
    assert.equal(libraryInputsEnabled({ options: options({ libraryInputs: true }), config }, app), true);
    assert.equal(libraryInputsEnabled({ options: options(), config: { ...config, sast: { libraryInputs: false } } }, lib), false);
  });

  it('warns about files that do not parse and still reports the others', async () => {
    const result = await runScan({ target: fixturePath('sast', 'misc'), scanners: ['sast'], scannerSet: [sastScanner] });
    const warning = result.warnings.find((w) => w.path === 'src/broken.js');
    assert.ok(warning, 'broken.js is reported');
    assert.equal(warning.line, 3);
    assert.match(warning.message, /not analysed: syntax error/);
    assert.ok(result.findings.some((f) => f.ruleId === 'sast/xxe'));
  });

  it('gives the same findings, traces and order on every run', async () => {
    const target = fixturePath('sast', 'cross-module');
    const a = await runScan({ target, scanners: ['sast'], scannerSet: [sastScanner] });
    const b = await runScan({ target, scanners: ['sast'], scannerSet: [sastScanner] });
    const shape = (r: typeof a) => r.findings.map((f) => [f.ruleId, f.location, f.trace, f.message, f.fingerprint]);
    assert.deepEqual(shape(a), shape(b));
  });

  it('reports library-input findings at medium severity at most, request input at the rule severity', async () => {
    const tree = tempTree({
      'package.json': JSON.stringify({ name: 'tiny-lib', version: '1.0.0', main: 'index.js' }),
      'index.js': "const { exec } = require('child_process');\nexports.run = function run(cmd) { exec(cmd); };\n",
      'server/package.json': JSON.stringify({ name: 'tiny-server', dependencies: { express: '^4' } }),
      'server/app.js': "const { exec } = require('child_process');\nrequire('express')().get('/', (req, res) => exec(req.query.c));\n",
    });
    try {
      const result = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner] });
      const lib = result.findings.find((f) => f.location.path === 'index.js');
      const web = result.findings.find((f) => f.location.path === 'server/app.js');
      assert.equal(lib?.severity, 'medium');
      assert.equal(lib?.properties.sourceKind, 'library');
      assert.equal(web?.severity, 'critical');
      assert.equal(web?.properties.sourceKind, 'web');
    } finally {
      tree.cleanup();
    }
  });

  it('survives hostile input: deep nesting, huge literals, and odd property names', async () => {
    const deep = 'x = ' + '['.repeat(2000) + ']'.repeat(2000) + ';\n';
    const tree = tempTree({
      'deep.js': deep,
      'names.js': "const o = {}; o['__proto__'] = 1; o.constructor = 2; const t = { toString: 1, hasOwnProperty: 2 }; require('constructor'); require('__proto__').x();\n",
      'recursion.js': 'function f(a) { return f(a + 1) + g(a); } function g(b) { return f(b); } module.exports = f;\n',
    });
    try {
      const result = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner], options: { libraryInputs: true } });
      assert.deepEqual(result.warnings.filter((w) => w.message.startsWith('scanner failed')), []);
    } finally {
      tree.cleanup();
    }
  });

  it('splits a project only where packages do not import each other', () => {
    assert.deepEqual(specifiers("import a from './a';\nconst b = require(\"b\");\nexport * from '../c.js';\nawait import('./d');"), ['./a', 'b', '../c.js', './d']);
    const sources = [
      { path: 'a/index.js', text: "require('@x/b')" },
      { path: 'b/index.js', text: '' },
      { path: 'c/index.js', text: "require('./util')" },
      { path: 'c/util.js', text: '' },
    ];
    const manifests = readManifests([
      { path: 'a/package.json', text: '{"name":"@x/a"}' },
      { path: 'b/package.json', text: '{"name":"@x/b"}' },
      { path: 'c/package.json', text: '{"name":"@x/c"}' },
    ]);
    const parts = independentParts(sources, buildResolver(sources.map((s) => s.path), manifests, [])).map((p) => p.sort());
    assert.deepEqual(parts.sort(), [['a/index.js', 'b/index.js'], ['c/index.js', 'c/util.js']]);
  });

  it('finds the same in worker threads as in one thread', async () => {
    const files: Record<string, string> = {};
    for (const name of ['one', 'two', 'three']) {
      files[`${name}/package.json`] = JSON.stringify({ name, main: 'index.js' });
      files[`${name}/index.js`] = `const cp = require('child_process');\nexports.run = (x) => cp.exec('echo ' + x);\nexports.read = (p) => require('fs').readFileSync(__dirname + '/data/' + p);\n`;
    }
    const tree = tempTree(files);
    const saved = { ...parallelism };
    try {
      parallelism.minBytes = Infinity;
      const single = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner], options: { libraryInputs: true } });
      parallelism.minBytes = 0;
      parallelism.maxWorkers = 2;
      const parallel = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner], options: { libraryInputs: true } });
      assert.equal(single.findings.length, 6);
      assert.deepEqual(parallel.warnings.filter((w) => /worker/.test(w.message)), []);
      const shape = (r: typeof single) => r.findings.map((f) => [f.ruleId, f.location.path, f.location.startLine, f.message]);
      assert.deepEqual(shape(parallel), shape(single));
    } finally {
      Object.assign(parallelism, saved);
      tree.cleanup();
    }
  });

  it('finds the same whatever the number of worker threads (each part is one analysis)', async () => {
    const files: Record<string, string> = {};
    // Parts of different sizes, so that threads take them in a different order each time.
    for (const [i, name] of ['one', 'two', 'three', 'four', 'five'].entries()) {
      files[`${name}/package.json`] = JSON.stringify({ name, main: 'index.js' });
      const padding = Array.from({ length: i * 40 }, (_, k) => `exports.f${k} = (a) => a + ${k};`).join('\n');
      files[`${name}/index.js`] = `const cp = require('child_process');\nexports.run = (x) => cp.exec('echo ' + x);\n${padding}\n`;
    }
    const tree = tempTree(files);
    const saved = { ...parallelism };
    try {
      parallelism.minBytes = 0;
      const scan = async (workers: number) => {
        parallelism.maxWorkers = workers;
        const r = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner], options: { libraryInputs: true } });
        return { findings: r.findings.map((f) => [f.ruleId, f.location.path, f.location.startLine, f.message]), warnings: r.warnings.map((w) => w.message) };
      };
      const one = await scan(1);
      assert.equal(one.findings.length, 5);
      assert.deepEqual(await scan(3), one);
    } finally {
      Object.assign(parallelism, saved);
      tree.cleanup();
    }
  });

  it('follows stored data from the part that writes it to the part that reads it, whatever the number of threads', async () => {
    // Packages that do not import each other: one stores request input (a collection, a mongoose model), the others print it back.
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'site', private: true, workspaces: ['admin', 'public'] }),
      'admin/package.json': JSON.stringify({ name: 'admin', dependencies: { express: '^4', mongodb: '^6' } }),
      'admin/server.js': [
        "const express = require('express');",
        "const { MongoClient } = require('mongodb');",
        'const app = express();',
        "MongoClient.connect('mongodb://example.org/site', (err, db) => {",
        "  app.post('/notes', (req, res) => {",
        "    db.collection('notes').insertOne({ title: req.body.title, at: Date.now() });",
        '    res.sendStatus(201);',
        '  });',
        '});',
        'app.listen(3000);',
        "const mongoose = require('mongoose');",
        "const Page = mongoose.model('Page', new mongoose.Schema({ body: String }));",
        "app.put('/pages/:slug', async (req, res) => res.json(await Page.create({ slug: req.params.slug, body: req.body.body })));",
        '',
      ].join('\n'),
      'wiki/package.json': JSON.stringify({ name: 'wiki', dependencies: { express: '^4', mongoose: '^8' } }),
      'wiki/server.js': [
        "const app = require('express')();",
        "const Page = require('mongoose').model('Page');",
        "app.get('/wiki/:slug', async (req, res) => {",
        '  const page = await Page.findOne({ slug: req.params.slug });',
        "  res.send('<article>' + page.body + '</article>');",
        '});',
        'app.listen(3002);',
        '',
      ].join('\n'),
      'public/package.json': JSON.stringify({ name: 'public', dependencies: { express: '^4', mongodb: '^6' } }),
      'public/server.js': [
        "const express = require('express');",
        "const { MongoClient } = require('mongodb');",
        'const app = express();',
        "MongoClient.connect('mongodb://example.org/site', (err, db) => {",
        "  app.get('/notes/latest', (req, res) => {",
        "    db.collection('notes').findOne({}, (err, note) => {",
        "      res.send('<h1>' + note.title + '</h1>');",
        '    });',
        '  });',
        "  app.get('/notes/time', (req, res) => {",
        "    db.collection('notes').findOne({}, (err, note) => res.send('<p>' + note.at + '</p>'));",
        '  });',
        '});',
        "app.get('/echo', (req, res) => res.send(req.query.q));",
        'app.listen(3001);',
        '',
      ].join('\n'),
    };
    const tree = tempTree(files);
    const saved = { ...parallelism };
    try {
      const scan = async (minBytes: number, workers: number) => {
        parallelism.minBytes = minBytes;
        parallelism.maxWorkers = workers;
        const r = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner] });
        assert.deepEqual(r.warnings.filter((w) => /worker/.test(w.message)), []);
        return r.findings.map((f) => ({ rule: f.ruleId, at: `${f.location.path}:${f.location.startLine}`, stored: f.properties?.stored === true, trace: f.trace?.map((t) => `${t.path}:${t.startLine}`), message: f.message }));
      };
      const whole = await scan(Infinity, 1);
      const stored = whole.find((f) => f.stored);
      assert.ok(stored, 'one analysis finds the stored flow');
      assert.equal(stored.at, 'public/server.js:7');
      assert.equal(stored.trace?.[0], 'admin/server.js:6');
      // note.at is never written from the request; the reflected flow in the reading part is found once.
      assert.deepEqual(whole.map((f) => f.at), ['public/server.js:7', 'public/server.js:14', 'wiki/server.js:5']);
      assert.deepEqual(whole[2]?.trace?.slice(0, 1), ['admin/server.js:13']);
      assert.deepEqual(await scan(0, 1), whole);
      assert.deepEqual(await scan(0, 2), whole);
    } finally {
      Object.assign(parallelism, saved);
      tree.cleanup();
    }
  });

  it("seeds a part analysed again with its own stored writes first, then the other parts'", () => {
    const base = { manifests: [], tsconfigs: [], templates: [], libraryInputs: false };
    const head = ["const app = require('express')();", "require('mongodb').MongoClient.connect('mongodb://example.org/x', (err, client) => {", "  const notes = client.collection('notes');"];
    // The other part fills the stored field's room (four sources) on its own.
    const writer = { ...base, sources: [{ path: 'a/write.js', text: [
      ...head,
      ...['body.a', 'query.b', 'params.c', 'headers.d'].map((input, i) => `  app.post('/${i}', (req, res) => notes.insertOne({ title: req.${input} }));`),
      '});', '',
    ].join('\n') }] };
    const reader = { ...base, sources: [{ path: 'b/read.js', text: [
      ...head,
      "  app.get('/n', (req, res) => notes.findOne({}, (err, n) => res.send(n.title)));",
      "  app.post('/n', (req, res) => notes.insertOne({ title: req.cookies.note }));",
      '});', '',
    ].join('\n') }] };
    const parts = [writer, reader];
    const results = parts.map((p) => analyseProject(p));
    const messages = (r: { findings: Array<{ message: string }> }) => r.findings.map((f) => f.message);
    assert.deepEqual(messages(results[1]!), ['req.cookies (request input stored in a database and read back, b/read.js:5) is written into an HTML response in res.send().']);
    // The writer reads nothing; the reader is analysed again, and its own report keeps its source.
    const again = crossPartStores(parts, results, new Map(parts.flatMap((p) => p.sources).map((s) => [s.path, s])));
    assert.deepEqual(again.map((a) => [a.index, a.input.storedFiles?.map((f) => f.path)]), [[1, ['a/write.js']]]);
    assert.deepEqual(messages(analyseProject(again[0]!.input)), messages(results[1]!));
  });

  it('writes valid SARIF with the trace as a code flow', async () => {
    const result = await runScan({ target: fixturePath('sast', 'cross-module'), scanners: ['sast'], scannerSet: [sastScanner] });
    const log = JSON.parse(writeSarif(result)) as { runs: Array<{ results: Array<{ ruleId: string; codeFlows?: Array<{ threadFlows: Array<{ locations: unknown[] }> }> }> }> };
    assert.deepEqual(sarifErrors(log), []);
    const sql = log.runs[0]!.results.find((r) => r.ruleId === 'sast/sql-injection');
    assert.ok(sql?.codeFlows?.[0]?.threadFlows[0]?.locations.length && sql.codeFlows[0].threadFlows[0].locations.length >= 4);
  });
});
