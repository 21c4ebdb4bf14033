import { readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { out } from '../supplychain/cli-support.js';
import { sha256File } from '../supplychain/intoto/artifacts.js';
import { loadPublicKeyFile } from '../supplychain/keys/key-files.js';
import { verifyProvenance } from '../supplychain/slsa/verify-provenance.js';

export function register(program: Command): void {
  program
    .command('verify-provenance')
    .description('check an artifact against signed SLSA provenance: signature, subject digest, and optionally source commit and builder (exit 0 pass, 1 fail, 2 usage)')
    .argument('<artifact>', 'the artifact file to check')
    .requiredOption('-p, --provenance <file>', 'the provenance (DSSE envelope, or .intoto.jsonl with one envelope per line)')
    .requiredOption('-k, --key <files...>', 'trusted public key(s) of the builder')
    .option('--source-commit <sha>', 'require this source commit (full hash) among the resolved dependencies')
    .option('--builder-id <id>', 'require this builder id')
    .action(async (artifact: string, flags: { provenance: string; key: string[]; sourceCommit?: string; builderId?: string }) => {
      if (flags.sourceCommit !== undefined && !/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(flags.sourceCommit)) {
        throw new UsageError('--source-commit must be a full commit hash (40 or 64 hex digits)');
      }
      const keys = flags.key.map((file) => loadPublicKeyFile(file));
      const provenanceText = readInput(flags.provenance, 'provenance');
      if (!isFile(artifact)) throw new UsageError(`artifact ${artifact} is not a readable file`);
      const result = verifyProvenance({ artifactDigest: await sha256File(artifact), provenanceText, keys, sourceCommit: flags.sourceCommit, builderId: flags.builderId });
      out(`${result.ok ? 'PASS' : 'FAIL'}: ${artifact}`);
      for (const check of result.checks) out(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.check}: ${check.detail}`);
      process.exitCode = result.ok ? 0 : 1;
    });
}

function readInput(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
