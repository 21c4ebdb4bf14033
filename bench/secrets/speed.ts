import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { Bench } from '../types.js';
import { cli, linkCopy, measure, projectRoot, table, treeStats, type Measured } from '../util.js';

/**
 * Secrets scanning speed on a large tree, secloop next to secretlint (recommended preset)
 * in the same run: a hard-linked copy of this project's node_modules under another name
 * (both tools skip folders named node_modules). Both read every file of the tree: secloop
 * gets maxFileSize 64 MB here, since secretlint has no size limit.
 */
export const secretsSpeedBench: Bench = {
  name: 'secrets-speed',
  description: 'secrets scan of a 100+ MB tree: MB/s and peak memory, secloop vs secretlint (recommended preset)',
  async run(args) {
    const work = path.join(args.scratch, 'secrets-speed');
    const tree = path.join(args.scratch, 'tree');
    linkCopy(nodeModules(), path.join(tree, 'nm_copy'));
    const stats = treeStats(tree);
    const megabytes = stats.bytes / 1e6;

    mkdirSync(work, { recursive: true });
    const config = path.join(work, 'secloop-speed.yaml');
    writeFileSync(config, 'maxFileSize: 64MB\n');
    const secretlintrc = path.join(work, '.secretlintrc.json');
    writeFileSync(secretlintrc, `${JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] })}\n`);

    const secloopCommand = secloopInvocation(tree, config);
    const load = loadavg();
    const runs = args.quick ? 1 : 3;
    const secloopRuns = Array.from({ length: runs }, () => measure(process.execPath, secloopCommand.args, { cwd: work }));
    const secloop = secloopRuns.reduce((a, b) => (a.ms < b.ms ? a : b));
    // secretlint reports findings with exit status 1; only a crash (2 or more, or a signal) is a failure.
    // Its bin straight from node_modules: through npx, npm's own start-up would add about 0.3 s to secretlint's time.
    const secretlintBin = path.join(path.dirname(nodeModules()), 'node_modules', 'secretlint', 'bin', 'secretlint.js');
    const secretlintRuns = Array.from({ length: runs }, () =>
      measure(process.execPath, [secretlintBin, `${tree}/**/*`, '--secretlintrc', secretlintrc, '--format', 'json', '--no-color'], { cwd: work }),
    );
    const secretlint = secretlintRuns.reduce((a, b) => (a.ms < b.ms ? a : b));

    console.log('\n## Secrets: speed on a large tree\n');
    console.log(`tree: hard-linked copy of node_modules, ${stats.files} files, ${megabytes.toFixed(1)} MB; secloop via ${secloopCommand.via}`);
    // The machine may be shared: with both cores busy elsewhere, secloop's threads have less to gain.
    console.log(`load average before the runs: ${load.map((value) => value.toFixed(2)).join(', ')}\n`);
    const row = (name: string, m: Measured, note: string) => [
      name,
      `${(m.ms / 1000).toFixed(2)} s`,
      `${(megabytes / (m.ms / 1000)).toFixed(0)} MB/s`,
      m.peakMiB >= 0 ? `${m.peakMiB.toFixed(0)} MiB` : 'n/a',
      note,
    ];
    console.log(
      table(
        ['tool', 'wall time', 'throughput', 'peak RSS', 'notes'],
        [
          row('secloop scan --scanners secrets', secloop, `best of ${runs}; exit ${secloop.status}`),
          row('secretlint (preset-recommend)', secretlint, `best of ${runs}; exit ${secretlint.status}`),
        ],
      ),
    );
    console.log(
      `\nsecloop is ${(secretlint.ms / secloop.ms).toFixed(1)}x as fast as secretlint, with ${(secloop.peakMiB / Math.max(1, secretlint.peakMiB)).toFixed(2)}x its peak memory.`,
    );
    const seconds = (list: Measured[]) => list.map((m) => (m.ms / 1000).toFixed(2)).join(', ');
    console.log(`every run: secloop ${seconds(secloopRuns)} s; secretlint ${seconds(secretlintRuns)} s`);
    if (secloop.status !== 0) console.log(`secloop failed: ${secloop.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    if (secretlint.status === null || secretlint.status > 1) console.log(`secretlint failed: ${secretlint.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  },
};

/** The project's node_modules (looked up from the bench's own root, wherever the bench was built to). */
function nodeModules(): string {
  for (let dir = projectRoot; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules');
    if (path.dirname(dir) === dir) throw new Error(`no node_modules above ${projectRoot}`);
  }
}

/**
 * The built CLI once it has the secrets scanner registered; until then the driver that runs
 * the same pipeline (bench/secrets/driver.ts) without the CLI.
 */
function secloopInvocation(tree: string, config: string): { args: string[]; via: string } {
  const cliArgs = [cli, 'scan', tree, '--scanners', 'secrets', '--config', config, '--format', 'json', '--output', '/dev/null', '--fail-on', 'none', '--quiet'];
  if (existsSync(cli)) {
    const probe = measure(process.execPath, [cli, 'scan', path.join(projectRoot, 'package.json'), '--scanners', 'secrets', '--format', 'json', '--output', '/dev/null', '--fail-on', 'none', '--quiet']);
    if (probe.status === 0) return { args: cliArgs, via: 'the CLI (dist/bundle/main.js)' };
  }
  const driver = path.join(path.dirname(new URL(import.meta.url).pathname), 'driver.js');
  return { args: [driver, tree, '--config', config], via: 'bench/secrets/driver (the CLI has no secrets scanner yet)' };
}
