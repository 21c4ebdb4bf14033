import path from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Bench } from './types.js';
import { cli, linkCopy, measure, projectRoot, table, treeStats } from './util.js';

/**
 * How long walking a large tree takes: 4 hard-linked copies of this project's
 * node_modules under other names (30,000+ files), walked by the CLI with no scanner
 * ("--scanners" left empty is not allowed, so the tree is walked by a scan whose
 * scanners want nothing: a config that turns every scanner off).
 */
export const walkBench: Bench = {
  name: 'walk',
  description: 'file walking on a 30,000+ file tree: wall time and peak memory',
  async run(args) {
    const tree = path.join(args.scratch, 'walk-tree');
    const copies = args.quick ? 1 : 4;
    for (let i = 1; i <= copies; i++) linkCopy(path.join(projectRoot, 'node_modules'), path.join(tree, `deps${i}`));
    const stats = treeStats(tree);
    const config = path.join(args.scratch, 'walk-only.yaml');
    // Enter nested node_modules too, so every file of the copies is walked.
    writeFileSync(config, 'skipDirs: [".git"]\nscanners: { secrets: false, sca: false, sast: false, iac: false, posture: false }\n');
    const runs = [1, 2, 3].map(() => measure(process.execPath, [cli, 'scan', tree, '--config', config, '--format', 'json', '--output', '/dev/null', '--quiet']));
    const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
    const node = measure(process.execPath, ['-e', '0']);
    console.log('\n## Walk: large tree\n');
    console.log(
      table(
        ['tree', 'files', 'MB', 'secloop scan, no scanners (best of 3)', 'peak RSS', 'node startup alone'],
        [[`${copies} copies of node_modules`, stats.files, (stats.bytes / 1e6).toFixed(0), `${best.ms.toFixed(0)} ms`, `${best.peakMiB.toFixed(0)} MiB`, `${node.ms.toFixed(0)} ms`]],
      ),
    );
    if (best.status !== 0) console.log(`(secloop exited ${best.status}: ${best.stderr.trim()})`);
  },
};
