#!/usr/bin/env node
// Bundles the compiled CLI (dist/src) into dist/bundle: one entry per program (the CLI
// and the two worker threads) plus shared chunks that each command loads on demand.
// Node resolves and reads a few dozen files instead of a few hundred, which is most
// of secloop's start-up time (`secloop sbom` on a 500-package project: 137 -> 96 ms).
// Native modules stay external. Packages that most runs never need (the YAML, XML and
// TOML parsers, picomatch) go to one CommonJS file each under dist/bundle/vendor/, which
// src/core/packages.ts requires on first use: code in a chunk is read and parsed whenever
// the chunk loads, used or not, and these four are a third of the bundle.
// The licences of every package compiled into the bundle are collected in
// dist/bundle/THIRD-PARTY-NOTICES.txt, since those packages are not installed beside it.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseSync } from 'oxc-parser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'bundle');

const VENDORED = ['yaml', 'picomatch', 'fast-xml-parser', 'smol-toml', 're2js', 'nanotar'];

rmSync(out, { recursive: true, force: true });
/** Every file of node_modules that went into the bundle (from esbuild's metafiles). */
const bundledInputs = new Set();
const collect = (result) => Object.keys(result.metafile.inputs).forEach((input) => bundledInputs.add(input));
/**
 * The yaml package reads two debugging switches of its own, process.env.LOG_TOKENS and
 * LOG_STREAM, for every token its parser and composer meet: each read of process.env is a
 * call into Node for the environment (a look-up, under a lock). Its `process` here is one
 * that read the two once, when the bundle loaded, and sends warnings on to Node's
 * (bitnami/charts: a quarter of each YAML parse, about 6% of the scan's CPU time).
 */
const yamlProcess = {
  name: 'yaml-process',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(node:)?process$/ }, (args) => (/[\\/]node_modules[\\/]yaml[\\/]/.test(args.importer) ? { path: 'yaml-process', namespace: 'yaml-process' } : undefined));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'yaml-process' }, () => ({
      loader: 'js',
      contents: [
        "const process = require('node:process');",
        'const env = Object.freeze({ LOG_TOKENS: process.env.LOG_TOKENS, LOG_STREAM: process.env.LOG_STREAM });',
        // Everything else is Node's own process, so a later yaml that uses more of it keeps working.
        "module.exports = Object.create(process, { env: { value: env, enumerable: true }, emitWarning: { value: (...args) => process.emitWarning(...args) } });",
      ].join('\n'),
    }));
  },
};

for (const name of VENDORED) {
  const result = await build({
    plugins: name === 'yaml' ? [yamlProcess] : [],
    metafile: true,
    absWorkingDir: root,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});\n`, resolveDir: root, loader: 'js' },
    outfile: path.join(out, 'vendor', `${name}.cjs`),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    legalComments: 'linked',
    logLevel: 'warning',
  });
  collect(result);
  writeFileSync(path.join(out, 'vendor', `${name}.mjs`), esmFacade(name));
}

/**
 * An ES module that requires the vendored CommonJS file and exports its names, for the
 * static imports of the bundle (`import { parseDocument } from 'yaml'`). Imported
 * directly, the CommonJS file would first be read through by Node's export scanner
 * (cjs-module-lexer), whatever hint it carries: 25 to 40 ms of every IaC scan for the
 * YAML parser and picomatch. `require` of the package (src/core/packages.ts) gets the
 * same instance.
 */
function esmFacade(name) {
  const names = Object.keys(createRequire(path.join(root, 'package.json'))(name)).filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
  return [
    "import { createRequire } from 'node:module';",
    `const pkg = createRequire(import.meta.url)('./${name}.cjs');`,
    'export default pkg;',
    ...names.map((key, i) => `const e${i} = pkg[${JSON.stringify(key)}];\nexport { e${i} as ${key} };`),
    '',
  ].join('\n');
}

/**
 * Imports and requires of a vendored package, from any file of the bundle, go to its file in
 * vendor/ (all chunks sit in one folder): requires to the CommonJS file, imports to its facade.
 */
const vendored = {
  name: 'vendored',
  setup(pluginBuild) {
    const filter = new RegExp(`^(${VENDORED.map((n) => n.replace(/[.-]/g, '\\$&')).join('|')})$`);
    pluginBuild.onResolve({ filter }, (args) => ({ path: `./vendor/${args.path}.${args.kind === 'require-call' ? 'cjs' : 'mjs'}`, external: true }));
  },
};

/**
 * Rules carry their own positive and negative examples (IaC checks, secret detectors, SAST
 * patterns...), which only the tests (from src) and scripts/docs.mjs (from dist/src) read;
 * in the bundle they were a third of the IaC rules' chunk, parsed, compiled and built on
 * every scan. Here each object property named `examples` gets the value undefined instead.
 * Code that reads `.examples` outside such a property would find nothing in the bundle,
 * so the build stops on it.
 */
const withoutExamples = {
  name: 'without-examples',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('examples')) return undefined;
      const { program, errors } = parseSync(args.path, source);
      if (errors.length > 0) throw new Error(`${args.path}: ${errors[0].message}`);
      const cuts = [];
      const reads = [];
      const visit = (node) => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'Property' && !node.computed && (node.key.name ?? node.key.value) === 'examples') {
          cuts.push(node.shorthand ? { start: node.start, end: node.end, text: 'examples: void 0' } : { start: node.value.start, end: node.value.end, text: 'void 0' });
          return;
        }
        if (node.type === 'MemberExpression' && !node.computed && node.property.name === 'examples') reads.push(node.start);
        for (const key of Object.keys(node)) if (key !== 'parent' && node[key] && typeof node[key] === 'object') visit(node[key]);
      };
      visit(program);
      if (reads.length > 0) {
        const line = source.slice(0, reads[0]).split('\n').length;
        throw new Error(`${args.path}:${line}: reads .examples, which the bundle leaves out of every rule`);
      }
      let contents = source;
      for (const cut of cuts.sort((a, b) => b.start - a.start)) contents = contents.slice(0, cut.start) + cut.text + contents.slice(cut.end);
      return { contents, loader: 'js' };
    });
  },
};

const main = await build({
  metafile: true,
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
  plugins: [vendored, withoutExamples],
  // Workers and the version look-up find their files by name inside the bundle.
  define: { SECLOOP_BUNDLE: 'true' },
  // Bundled CommonJS packages (commander, semver...) call require for Node built-ins.
  banner: { js: "import { createRequire as secloopCreateRequire } from 'node:module'; const require = secloopCreateRequire(import.meta.url);" },
  chunkNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});
collect(main);
// The package is ESM already; this keeps the folder self-describing if copied alone.
writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
writeFileSync(path.join(out, 'THIRD-PARTY-NOTICES.txt'), thirdPartyNotices([...bundledInputs]));

/** Name, version, licence and licence text of each npm package whose files are in the bundle. */
function thirdPartyNotices(inputs) {
  const packageDirs = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.split(path.sep).join('/'));
    if (match) packageDirs.add(match[1]);
  }
  const sections = [...packageDirs].sort().map((dir) => {
    const full = path.join(root, dir);
    const pkg = JSON.parse(readFileSync(path.join(full, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(full).find((file) => /^(licen[cs]e|copying)(\.|$)/i.test(file));
    const text = licenceFile && existsSync(path.join(full, licenceFile)) ? readFileSync(path.join(full, licenceFile), 'utf8').trim() : `(no licence file; package.json says ${pkg.license ?? 'nothing'})`;
    return `${pkg.name} ${pkg.version} (${pkg.license ?? 'unknown licence'})\n\n${text}\n`;
  });
  return `secloop's bundle includes code from these packages, under their own licences:\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}
