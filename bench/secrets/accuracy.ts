import { rmSync } from 'node:fs';
import path from 'node:path';
import { runScan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/core/finding.js';
import { secretsScanner } from '../../src/scanners/secrets/index.js';
import type { Bench } from '../types.js';
import { table } from '../util.js';
import { generateCorpus, type PlantedSecret } from './corpus/generate.js';

export const CORPUS_SEED = 20240607;

export interface AccuracyResult {
  planted: number;
  decoys: number;
  files: number;
  truePositives: number;
  falsePositives: Finding[];
  missed: PlantedSecret[];
  recall: number;
  precision: number;
  ms: number;
}

/**
 * Scores the secrets scanner on the generated corpus: a finding is a true positive when it
 * is on a planted secret's line with an accepted rule (a paired finding also covers the
 * line of its pair); every other finding (a decoy, a duplicate, a wrong rule) is a false
 * positive.
 */
export async function measureAccuracy(dir: string, projects: number): Promise<AccuracyResult> {
  rmSync(dir, { recursive: true, force: true });
  const corpus = generateCorpus(dir, { seed: CORPUS_SEED, projects });
  const started = performance.now();
  const result = await runScan({ target: dir, scannerSet: [secretsScanner] });
  const ms = performance.now() - started;
  const byPlace = new Map(corpus.planted.map((planted) => [`${planted.path}:${planted.line}`, planted]));
  const found = new Set<PlantedSecret>();
  const falsePositives: Finding[] = [];
  const matches = (line: unknown, rule: string, path: string): PlantedSecret | undefined => {
    const planted = byPlace.get(`${path}:${String(line)}`);
    return planted && planted.accept.includes(rule) && !found.has(planted) ? planted : undefined;
  };
  for (const finding of result.findings) {
    const rule = finding.ruleId.replace(/^secrets\//, '');
    const planted = matches(finding.location.startLine, rule, finding.location.path);
    if (!planted) {
      falsePositives.push(finding);
      continue;
    }
    found.add(planted);
    // A paired credential (an AWS key id with its secret key) also finds the planted secret on its pair's line.
    const pair = finding.properties['pairLine'] !== undefined ? matches(finding.properties['pairLine'], rule, finding.location.path) : undefined;
    if (pair) found.add(pair);
  }
  const missed = corpus.planted.filter((planted) => !found.has(planted));
  return {
    planted: corpus.planted.length,
    decoys: corpus.decoys,
    files: corpus.files,
    truePositives: found.size,
    falsePositives,
    missed,
    recall: found.size / corpus.planted.length,
    precision: found.size / Math.max(1, found.size + falsePositives.length),
    ms,
  };
}

export const secretsAccuracyBench: Bench = {
  name: 'secrets-accuracy',
  description: 'secrets scanner recall and precision on a generated, labelled corpus (every credential type planted, more decoys than plants)',
  async run(args) {
    const dir = path.join(args.scratch, 'secrets-accuracy');
    const outcome = await measureAccuracy(dir, args.quick ? 20 : 80);
    console.log('\n## Secrets: accuracy on the labelled corpus\n');
    console.log(
      table(
        ['corpus (seed)', 'files', 'planted', 'decoys', 'true positives', 'false positives', 'recall', 'precision', 'scan time'],
        [[
          `${CORPUS_SEED}`,
          outcome.files,
          outcome.planted,
          outcome.decoys,
          outcome.truePositives,
          outcome.falsePositives.length,
          percent(outcome.recall),
          percent(outcome.precision),
          `${outcome.ms.toFixed(0)} ms`,
        ]],
      ),
    );
    const missedByType = countBy(outcome.missed.map((m) => m.type));
    const falseByRule = countBy(outcome.falsePositives.map((f) => f.ruleId));
    if (missedByType.length > 0) console.log(`\nmissed by type: ${missedByType.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (falseByRule.length > 0) console.log(`false positives by rule: ${falseByRule.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (args.quick) rmSync(dir, { recursive: true, force: true });
  },
};

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function countBy(keys: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
