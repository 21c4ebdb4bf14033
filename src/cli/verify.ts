import { Command } from 'commander';
import { cliOutput, err, out } from '../supplychain/cli-support.js';
import { VerificationFailure, verifySupplyChain } from '../supplychain/intoto/verify.js';
import { loadPublicKeyFile } from '../supplychain/keys/key-files.js';

export function register(program: Command): void {
  program
    .command('verify')
    .description(
      'verify a software supply chain against a signed in-toto layout (like in-toto-verify; exit 0 pass, 1 fail, 2 usage). ' +
        "Runs the layout's inspection commands, as in-toto-verify does, after its signature and the step rules passed.",
    )
    .requiredOption('-l, --layout <file>', 'the signed root layout')
    .requiredOption('-k, --layout-key <files...>', "public key(s) of the layout owner; the layout needs a valid signature by each")
    .option('--link-dir <dir>', 'directory holding the link files', '.')
    .option('-v, --verbose', 'show each verification stage')
    .action(async (flags: { layout: string; layoutKey: string[]; linkDir: string; verbose?: boolean }) => {
      const layoutKeys = flags.layoutKey.map((file) => loadPublicKeyFile(file));
      try {
        const summary = await verifySupplyChain({
          layoutPath: flags.layout,
          layoutKeys,
          linkDir: flags.linkDir,
          cwd: process.cwd(),
          // Inspection output goes to stderr: stdout carries the verdict only.
          commandOutput: { stdout: (chunk) => cliOutput().stderr(chunk), stderr: (chunk) => cliOutput().stderr(chunk) },
          log: (line) => {
            if (flags.verbose || line.startsWith('warning:') || line.startsWith('running inspection')) err(`secloop: ${line}`);
          },
        });
        out(`PASS: ${flags.layout} (expires ${summary.layoutExpires})`);
        for (const step of summary.steps) {
          out(`  step ${step.name}: ${step.validLinks.length} valid link(s), threshold ${step.threshold}`);
        }
        for (const inspection of summary.inspections) out(`  inspection ${inspection}: passed`);
        process.exitCode = 0;
      } catch (error) {
        if (!(error instanceof VerificationFailure)) throw error;
        out(`FAIL (${error.stage}): ${error.message}`);
        process.exitCode = 1;
      }
    });
}
