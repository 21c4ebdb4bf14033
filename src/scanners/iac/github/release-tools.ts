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
 * Arguments with which a tool publishes nothing other than --dry-run ({@link dryRun}):
 * release-it's that only print (--release-version, --changelog, --help, --version).
 */
const PRINTS_ONLY: Readonly<Record<ReleaseTool, RegExp | undefined>> = {
  'semantic-release': undefined,
  'release-it': /^(?:-h|--help|-v|--version|--release-version|--changelog)$/,
};

/** What a word of the command holds where the workflow fixes it (`$DRY_RUN` of a step's `env:`), or undefined where it is not known. */
export type WordValue = (word: string) => string | undefined;

const NO_VALUES: WordValue = () => undefined;

/** A word that is one variable or one `${{ }}` expression: the shell or GitHub puts a value there. */
const VARIABLE_WORD = /^(?:\$[A-Za-z_]\w*|\$\{[A-Za-z_]\w*\}|\$\{\{[\s\S]*\}\})$/;

/**
 * Whether the arguments turn on --dry-run (-d), as both tools' parser (yargs) reads a boolean
 * option: alone, or followed by `true`, it is on; followed by `false` it is off and takes that
 * word; `--dry-run=X` is on only for X `true`. A variable or expression there counts with the
 * value the workflow gives it; one not known may hold false (a release run by hand with
 * dry_run unticked), and so, as for other values not known here, the tool may publish.
 */
function dryRun(args: readonly string[], valueOf: WordValue): boolean {
  let on = false;
  const value = (word: string) => (VARIABLE_WORD.test(word) ? valueOf(word) : word);
  for (let i = 0; i < args.length; i++) {
    const flag = /^(?:-d|--dry-run)(?:=([\s\S]*))?$/.exec(args[i]!);
    if (!flag) continue;
    if (flag[1] !== undefined) {
      on = value(flag[1]) === 'true';
      continue;
    }
    const next = args[i + 1];
    const given = next === undefined || !(next === 'true' || next === 'false' || VARIABLE_WORD.test(next)) ? 'true' : value(next);
    if (given === 'true' || given === 'false') {
      on = given === 'true';
      if (next === given || VARIABLE_WORD.test(next!)) i++;
    } else on = given !== undefined; // a value other than true or false is no value of the option
  }
  return on;
}

/**
 * The release tool a command runs and its arguments: `semantic-release`, `npx semantic-release@24`,
 * `pnpm exec release-it`, `yarn release-it`, `npm run semantic-release`; undefined for any other
 * command, an install of the tool (`npm install -D release-it`), or a run that only rehearses or prints.
 * `valueOf` reads the variables and expressions given to --dry-run.
 */
export function releaseToolRun(words: readonly string[], valueOf: WordValue = NO_VALUES): { tool: ReleaseTool; args: readonly string[] } | undefined {
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
  const prints = PRINTS_ONLY[tool as ReleaseTool];
  return dryRun(args, valueOf) || (prints !== undefined && args.some((w) => prints.test(w))) ? undefined : { tool: tool as ReleaseTool, args };
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
