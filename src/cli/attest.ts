import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { cliOutput, err, out, passwordFromEnv } from '../supplychain/cli-support.js';
import { runStep } from '../supplychain/intoto/run-step.js';
import { generateProvenance } from '../supplychain/slsa/generate.js';
import { describeWatch } from '../supplychain/buildwatch/describe.js';
import { loadSigningKeyFile } from '../supplychain/keys/key-files.js';

interface RunFlags {
  step: string;
  key: string;
  materials?: string[];
  products?: string[];
  passwordEnv?: string;
  recordStreams?: boolean;
  noCommand?: boolean;
  exclude?: string[];
  basePath?: string;
  lstripPaths?: string[];
  metadataDirectory?: string;
}

export function register(program: Command): void {
  const attest = program.command('attest').description('record signed evidence of build steps (in-toto links, SLSA provenance)');

  attest
    .command('run')
    .description('run one supply chain step and write a signed in-toto link NAME.<keyid8>.link (like in-toto-run)')
    .requiredOption('-n, --step <name>', 'step name, as in the layout')
    .requiredOption('-k, --key <file>', 'private key: securesystemslib JSON (in-toto-keygen, secloop keygen) or PEM')
    .option('-m, --materials <paths...>', 'files or directories to hash before the command')
    .option('-p, --products <paths...>', 'files or directories to hash after the command')
    .option('--password-env <var>', 'environment variable holding the password of an encrypted key')
    .option('-s, --record-streams', "record the command's stdout and stderr in the link")
    .option('-x, --no-command', 'record a step without running a command')
    .option('--exclude <patterns...>', 'gitignore-style patterns of paths not to record (default: *.link* .git *.pyc *~)')
    .option('--base-path <dir>', 'directory the material and product paths are relative to')
    .option('--lstrip-paths <prefixes...>', 'prefixes to strip from recorded paths')
    .option('-d, --metadata-directory <dir>', 'directory to write the link to (default: current directory)')
    .argument('[command...]', 'the command to run, after --')
    .action(async (command: string[], flags: RunFlags & { command?: boolean }) => {
      const noCommand = flags.command === false;
      if (noCommand && command.length > 0) throw new UsageError('--no-command and a command were both given');
      if (!noCommand && command.length === 0) throw new UsageError('give the command to run after -- (or --no-command)');
      const key = loadSigningKeyFile(flags.key, { password: passwordFromEnv(flags.passwordEnv) });
      const result = await runStep({
        name: flags.step,
        key,
        command,
        cwd: process.cwd(),
        ...(flags.materials ? { materials: flags.materials } : {}),
        ...(flags.products ? { products: flags.products } : {}),
        ...(flags.exclude ? { excludePatterns: flags.exclude } : {}),
        ...(flags.basePath ? { basePath: flags.basePath } : {}),
        ...(flags.lstripPaths ? { lstripPaths: flags.lstripPaths } : {}),
        ...(flags.metadataDirectory ? { metadataDirectory: flags.metadataDirectory } : {}),
        recordStreams: flags.recordStreams === true,
        warn: (message) => err(`secloop: warning: ${message}`),
        stdout: (chunk) => cliOutput().stdout(chunk),
        stderr: (chunk) => cliOutput().stderr(chunk),
      });
      const link = result.link.signed;
      out(`wrote ${result.linkPath} (${Object.keys(link.materials).length} materials, ${Object.keys(link.products).length} products, keyid ${key.keyid.slice(0, 8)})`);
      if (result.returnValue !== null && result.returnValue !== 0) {
        err(`secloop: the command exited with ${result.returnValue}; the link records it as return-value`);
        process.exitCode = 1;
      } else {
        process.exitCode = 0;
      }
    });

  attest
    .command('provenance')
    .description('run a build and write signed SLSA v1 provenance for its artifacts (in-toto Statement in a DSSE envelope)')
    .requiredOption('-k, --key <files...>', 'private key(s) to sign with')
    .requiredOption('-a, --artifact <paths...>', 'the files the build produces (hashed after the build)')
    .requiredOption('--builder-id <uri>', 'who runs the build (runDetails.builder.id), e.g. the CI workflow URI')
    .option('-o, --output <file>', 'where to write the envelope', 'provenance.intoto.jsonl')
    .option('--source-commit <sha>', 'the source commit (default: HEAD of the git repository here)')
    .option('--source-uri <uri>', 'the source repository URI (default: git+<origin URL>, credentials removed)')
    .option('--allow-dirty', 'attest even when tracked files differ from the commit (recorded as sourceTreeDirty)')
    .option('--watch', 'run the build under secloop buildwatch and record its result; a violation means no provenance (exit 3)')
    .option('--invocation-id <id>', 'an identifier of this build run (runDetails.metadata.invocationId)')
    .option('--password-env <var>', 'environment variable holding the password of encrypted keys')
    .argument('[command...]', 'the build command, after --')
    .action(
      async (
        command: string[],
        flags: {
          key: string[];
          artifact: string[];
          builderId: string;
          output: string;
          sourceCommit?: string;
          sourceUri?: string;
          allowDirty?: boolean;
          watch?: boolean;
          invocationId?: string;
          passwordEnv?: string;
        },
      ) => {
        const password = passwordFromEnv(flags.passwordEnv);
        const keys = flags.key.map((file) => loadSigningKeyFile(file, { password }));
        const result = await generateProvenance({
          keys,
          artifacts: flags.artifact,
          builderId: flags.builderId,
          command,
          cwd: process.cwd(),
          output: flags.output,
          sourceCommit: flags.sourceCommit,
          sourceUri: flags.sourceUri,
          allowDirty: flags.allowDirty === true,
          watch: flags.watch === true,
          invocationId: flags.invocationId,
          stdout: (chunk) => cliOutput().stdout(chunk),
          stderr: (chunk) => cliOutput().stderr(chunk),
        });
        if (!result.built) {
          if (result.watch && result.watch.violations.length > 0) {
            for (const line of describeWatch(result.watch)) out(line);
            err('secloop: the build watch found violations; no provenance written');
            process.exitCode = 3;
            return;
          }
          err(`secloop: the build exited with ${result.returnValue}; no provenance written`);
          process.exitCode = 1;
          return;
        }
        out(`wrote ${result.output} (${flags.artifact.length} subject(s), signed by ${keys.map((key) => key.keyid.slice(0, 8)).join(', ')})`);
        process.exitCode = 0;
      },
    );
}
