import { Command } from 'commander';
import { choice, out, passwordFromEnv } from '../supplychain/cli-support.js';
import { writeKeyPair } from '../supplychain/keys/keygen.js';

export function register(program: Command): void {
  program
    .command('keygen')
    .description('generate a signing key pair for in-toto links, layouts and provenance (writes NAME and NAME.pub)')
    .argument('<name>', 'path of the private key file; the public key goes to NAME.pub')
    .option('-t, --type <type>', 'ed25519 or ecdsa (NIST P-256)', 'ed25519')
    .option('--format <format>', 'securesystemslib (JSON, readable by in-toto-run/-sign/-verify) or pem', 'securesystemslib')
    .option('--password-env <var>', 'encrypt the private key with the password in this environment variable')
    .option('--force', 'overwrite existing key files')
    .action((name: string, options: { type: string; format: string; passwordEnv?: string; force?: boolean }) => {
      const result = writeKeyPair(name, {
        family: choice('--type', options.type, ['ed25519', 'ecdsa'] as const),
        format: choice('--format', options.format, ['securesystemslib', 'pem'] as const),
        password: passwordFromEnv(options.passwordEnv),
        force: options.force === true,
      });
      out(`private key: ${result.privatePath} (keep it secret)`);
      out(`public key:  ${result.publicPath}`);
      out(`keyid:       ${result.keyid}`);
      process.exitCode = 0;
    });
}
