import { Command } from 'commander';
import { out, passwordFromEnv } from '../supplychain/cli-support.js';
import { signLayoutFile } from '../supplychain/intoto/sign-layout.js';
import { loadSigningKeyFile } from '../supplychain/keys/key-files.js';

export function register(program: Command): void {
  const layout = program.command('layout').description('write in-toto layouts (the supply chain policy consumers verify against)');

  layout
    .command('sign')
    .description('sign a layout from a YAML description, or re-sign an existing layout file (like in-toto-sign)')
    .argument('<input>', 'YAML layout description, or a layout metadata file')
    .requiredOption('-k, --key <files...>', "the layout owner's private key(s)")
    .option('-o, --output <file>', 'where to write the signed layout (required for YAML; default for a layout file: itself)')
    .option('-a, --append', 'keep the existing signatures of a layout file')
    .option('--password-env <var>', 'environment variable holding the password of encrypted keys')
    .action((input: string, flags: { key: string[]; output?: string; append?: boolean; passwordEnv?: string }) => {
      const password = passwordFromEnv(flags.passwordEnv);
      const keys = flags.key.map((file) => loadSigningKeyFile(file, { password }));
      const result = signLayoutFile(input, { keys, output: flags.output, append: flags.append === true });
      const signed = result.layout.signed;
      out(`wrote ${result.output}`);
      out(`  signed by ${keys.map((key) => key.keyid.slice(0, 8)).join(', ')}; expires ${signed.expires}`);
      out(`  steps: ${signed.steps.map((step) => `${step.name} (${step.threshold} of ${step.pubkeys.length})`).join(', ') || 'none'}`);
      if (signed.inspect.length > 0) out(`  inspections (run by verifiers): ${signed.inspect.map((inspection) => inspection.name).join(', ')}`);
      process.exitCode = 0;
    });
}
