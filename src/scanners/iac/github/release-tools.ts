import { basename } from '../shell.js';

/**
 * Release tools that publish by themselves (to npm, as a GitHub release): semantic-release and
 * release-it, run directly or through a package manager. Recognised here for every rule that asks
 * whether a command publishes; what each publishes, with its configuration, is the rule's question.
 */

export type ReleaseTool = 'semantic-release' | 'release-it';

const TOOLS: ReadonlySet<string> = new Set<ReleaseTool>(['semantic-release', 'release-it']);

/** A line that names a release tool at all (most do not): the cheap test before parsing. */
export const RELEASE_TOOL_NAME = /\b(?:semantic-release|release-it)\b/;

/** Package managers' options that take the next word as their value, before the command (`npx -p pkg`, `pnpm -C dir`). */
const RUNNER_VALUE_OPTION = /^(?:-p|--package|-C|--dir|--cwd|--filter|-F|--workspace|-w|--prefix|-c|--call)$/;

/**
 * Arguments with which a tool publishes nothing: semantic-release's --dry-run (-d); release-it's
 * --dry-run (-d), and those with which it only prints (--release-version, --changelog, --help, --version).
 */
const REHEARSES: Readonly<Record<ReleaseTool, RegExp>> = {
  'semantic-release': /^(?:-d|--dry-run(?:=true)?)$/,
  'release-it': /^(?:-d|--dry-run(?:=true)?|-h|--help|-v|--version|--release-version|--changelog)$/,
};

/**
 * The release tool a command runs and its arguments: `semantic-release`, `npx semantic-release@24`,
 * `pnpm exec release-it`, `yarn release-it`, `npm run semantic-release`; undefined for any other
 * command, an install of the tool (`npm install -D release-it`), or a run that only rehearses or prints.
 */
export function releaseToolRun(words: readonly string[]): { tool: ReleaseTool; args: readonly string[] } | undefined {
  const program = basename(words[0] ?? '');
  let k = 1;
  let tool = program;
  if (!TOOLS.has(program)) {
    const skip = () => {
      while (k < words.length && words[k]!.startsWith('-') && words[k] !== '--') k += !words[k]!.includes('=') && RUNNER_VALUE_OPTION.test(words[k]!) ? 2 : 1;
      if (words[k] === '--') k++;
    };
    skip();
    if (program === 'npm' || program === 'bun' || program === 'pnpm' || program === 'yarn') {
      const sub = words[k];
      if (sub === 'exec' || sub === 'x' || sub === 'dlx' || sub === 'run' || sub === 'run-script') {
        k++;
        skip();
      } else if (program === 'npm' || program === 'bun') return undefined;
    } else if (program !== 'npx' && program !== 'pnpx' && program !== 'bunx') return undefined;
    tool = (words[k] ?? '').replace(/(?<=.)@[^/]*$/, '');
    if (!TOOLS.has(tool)) return undefined;
    k++;
  }
  const args = words.slice(k);
  return args.some((w) => REHEARSES[tool as ReleaseTool].test(w)) ? undefined : { tool: tool as ReleaseTool, args };
}

/**
 * What release-it's command line says of one of its publications (`npm.publish`, `github.release`):
 * on (`--github.release`), off (`--no-npm.publish`, `--npm.publish=false`, `--no-npm` for the
 * whole plugin), or undefined when it leaves it to the configuration.
 */
export function releaseItOption(args: readonly string[], plugin: string, option: string): boolean | undefined {
  let said: boolean | undefined;
  for (const w of args) {
    if (w === `--no-${plugin}.${option}` || w === `--${plugin}.${option}=false` || w === `--no-${plugin}` || w === `--${plugin}=false`) said = false;
    else if (w === `--${plugin}.${option}` || w === `--${plugin}.${option}=true`) said = true;
  }
  return said;
}
