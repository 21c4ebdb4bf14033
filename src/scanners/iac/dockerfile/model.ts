import { effective, lineAt, parseDockerfile, type DockerInstruction, type DockerStage, type Dockerfile } from './parser.js';
import type { ConfigFileTexts } from './build-context.js';

/** A shell script inside an instruction, with a way back to its source lines. */
export interface Script {
  text: string;
  line(offset: number): number;
  instruction: DockerInstruction;
}

const SHELL_PROGRAMS = /^(?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|ash|dash|zsh)$/;

/** The shell scripts a RUN (or ONBUILD RUN) executes: shell form, `sh -c` exec form, heredoc bodies. */
export function scriptsOf(instruction: DockerInstruction): Script[] {
  const run = effective(instruction);
  if (run.keyword !== 'RUN') return [];
  const scripts: Script[] = [];
  if (run.exec) {
    const [program, ...rest] = run.exec;
    const c = rest.findIndex((w) => /^-\w*c$/.test(w));
    if (program && SHELL_PROGRAMS.test(program) && c >= 0 && rest[c + 1] !== undefined)
      scripts.push({ text: rest[c + 1]!, line: () => run.line, instruction });
    else scripts.push({ text: run.exec.map(quoteWord).join(' '), line: () => run.line, instruction });
  } else {
    const base = run.restOffset;
    scripts.push({ text: run.args.slice(base), line: (offset) => lineAt(run, base + offset), instruction });
  }
  for (const doc of run.heredocs) {
    // The offsets of the body's new lines, found once: the rules ask the line of every command.
    let newlines: number[] | undefined;
    const line = (offset: number) => {
      newlines ??= [...doc.body.matchAll(/\n/g)].map((m) => m.index);
      let low = 0;
      let high = newlines.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (newlines[middle]! < offset) low = middle + 1;
        else high = middle;
      }
      return doc.line + low;
    };
    scripts.push({ text: doc.body, line, instruction });
  }
  return scripts;
}

function quoteWord(word: string): string {
  return /[\s'"|;&$`\\]/.test(word) ? `'${word.replace(/'/g, `'\\''`)}'` : word;
}

export interface DockerfileInput {
  file: Dockerfile;
  /** Defaults of ARGs declared before the first FROM, used to resolve `FROM image:${TAG}`. */
  globalArgs: Map<string, string>;
  /** The Dockerfile's path and the configuration files of the scan it may copy, when the scanner knows them. */
  path?: string;
  configFiles?: ConfigFileTexts;
  /** Build context folders (from the scan root) that compose files give this Dockerfile, besides its own folder. */
  buildContexts?: readonly string[];
  /** Files of the build context the scan read for the entrypoint (dockerfile/tree.ts), by path from the scan root. */
  contextFiles?: ReadonlyMap<string, string>;
  /** Why the image is a base that another Dockerfile of the scan builds FROM (dockerfile/tree.ts), when it is one. */
  builtUpon?: string;
  /** The Dockerfiles of the scan this one builds FROM (dockerfile/tree.ts), with the user each ends with. */
  builtFrom?: ReadonlyArray<{ image: string; path: string; user?: { name: string; line: number } }>;
  /** The action.yml that runs this Dockerfile as a GitHub Docker container action (dockerfile/tree.ts), when one does. */
  githubAction?: string;
}

/** Characters of an expanded global ARG default, at most. */
const MAX_EXPANDED_ARG = 4096;

export function readDockerfile(text: string): DockerfileInput {
  const file = parseDockerfile(text);
  const globalArgs = new Map<string, string>();
  for (const instruction of file.instructions) {
    if (instruction.stage >= 0 || instruction.keyword !== 'ARG') continue;
    for (const [name, value] of argDeclarations(instruction)) {
      if (value === undefined) continue;
      // A default may name an ARG declared before it (ARG IMAGE=$REGISTRY/app), which Docker
      // expands; ARG A=$A$A repeated would double at every line, so a long one stays as written.
      const expanded = expandArgs(value, globalArgs);
      globalArgs.set(name, expanded.length <= MAX_EXPANDED_ARG ? expanded : value);
    }
  }
  return { file, globalArgs };
}

/** `ARG A=1 B` -> [[A, '1'], [B, undefined]]; `ENV A=1 B=2` and legacy `ENV A 1` alike. */
export function argDeclarations(instruction: DockerInstruction): Array<[string, string | undefined, number]> {
  return keyValues(instruction);
}

export function keyValues(instruction: DockerInstruction): Array<[string, string | undefined, number]> {
  const rest = instruction.rest;
  const base = instruction.restOffset;
  const out: Array<[string, string | undefined, number]> = [];
  const firstWord = rest.split(/\s/)[0] ?? '';
  const legacy = /^([A-Za-z_][A-Za-z0-9_.-]*)\s+(.*)$/s.exec(rest);
  if (instruction.keyword !== 'ARG' && legacy && !firstWord.includes('=')) {
    out.push([legacy[1]!, unquote(legacy[2]!.trim()), lineAt(instruction, base)]);
    return out;
  }
  const pattern = /([A-Za-z_][A-Za-z0-9_.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*))?/gy;
  let offset = 0;
  while (offset < rest.length) {
    while (offset < rest.length && /\s/.test(rest[offset]!)) offset++;
    pattern.lastIndex = offset;
    const match = pattern.exec(rest);
    if (!match || match[0].length === 0) break;
    out.push([match[1]!, match[2] === undefined ? undefined : unquote(match[2]), lineAt(instruction, base + offset)]);
    offset = pattern.lastIndex;
  }
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))))
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value.replace(/\\(.)/g, '$1');
}

/** Substitutes `$NAME`, `${NAME}` and `${NAME:-default}` from known ARG defaults; unknown ones stay. */
export function expandArgs(text: string, args: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, fallback, bare) => {
    const name = (braced ?? bare) as string;
    const value = args.get(name);
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback as string;
    return whole;
  });
}

/** Stage names that mark a target for local development or tests, not the image that ships. */
const DEV_STAGE = /^(?:dev|devel|develop|development|debug|xdebug|test|tests|testing|ci|e2e|local|devcontainer)$|^(?:dev|debug|test)[-_.]|[-_.](?:dev|devel|development|debug|test|tests|testing)$/;

export function isDevStage(stage: DockerStage): boolean {
  return stage.name !== undefined && DEV_STAGE.test(stage.name);
}

/**
 * The stage whose image ships: the last stage, unless that one is a development or test
 * target (`FROM base AS development` after `FROM base AS production`, built with
 * `--target`). Then it is the last other stage that is not a helper: not copied from
 * (`COPY --from=`, `RUN --mount=from=`) and not built FROM by a later non-development
 * stage. A stage the development target builds FROM is what it extends, the shipped image.
 */
export function finalStage(file: Dockerfile): DockerStage | undefined {
  const last = file.stages[file.stages.length - 1];
  if (!last || !isDevStage(last)) return last;
  const refersTo = (value: string, stage: DockerStage) => value.toLowerCase() === stage.name || value === String(stage.index);
  const helper = (stage: DockerStage) =>
    file.stages.some(
      (later) =>
        later.index > stage.index &&
        ((!isDevStage(later) && refersTo(later.image, stage)) ||
          later.instructions.some((i) => {
            const own = effective(i);
            const from = own.flags.get('from');
            if (own.keyword === 'COPY' && typeof from === 'string') return refersTo(from, stage);
            if (own.keyword !== 'RUN') return false;
            return [...own.args.slice(0, own.restOffset).matchAll(/(?:^|[\s,=])from=([^,\s"']*)/g)].some((m) => refersTo(m[1]!, stage));
          })),
    );
  const shipped = file.stages.filter((s) => s !== last && !isDevStage(s) && !helper(s));
  return shipped[shipped.length - 1] ?? last;
}

/** Whether a stage's FROM names an earlier stage rather than an image. */
export function isStageReference(file: Dockerfile, stage: DockerStage, image: string): boolean {
  const lower = image.toLowerCase();
  return file.stages.some((s) => s.index < stage.index && s.name === lower);
}

/**
 * A stage and the earlier stages it is built FROM, nearest first: what the stage inherits
 * (USER, HEALTHCHECK, CMD) comes from the first of them that sets it.
 */
export function stageChain(input: DockerfileInput, stage: DockerStage): DockerStage[] {
  const chain = [stage];
  for (let current = stage; ; ) {
    const image = expandArgs(current.image, input.globalArgs).toLowerCase();
    // Only earlier stages: the chain ends.
    const parent = input.file.stages.find((s) => s.index < current.index && s.name === image);
    if (!parent) return chain;
    chain.push(parent);
    current = parent;
  }
}

/**
 * The repository of an image reference, for matching the name a build gives an image
 * with the FROM of another Dockerfile: lower case, without tag, digest, `docker.io/` and
 * `library/`. Undefined while a variable is left in it.
 */
export function imageRepository(reference: string): string | undefined {
  let ref = reference.trim().toLowerCase().replace(/@.*$/, '');
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  ref = ref.replace(/^(?:index\.)?docker\.io\//, '').replace(/^library\//, '');
  return ref === '' || ref.includes('$') ? undefined : ref;
}

/**
 * The Dockerfile of the scan that builds `image` (a repository's own family of images: FROM
 * acme/base), among the ones a Dockerfile is built FROM (DockerfileInput.builtFrom, from
 * dockerfile/tree.ts): by repository, or by the literal last part of a name whose namespace
 * is a build argument.
 */
export function builtInSet<T extends { image: string }>(builtFrom: readonly T[] | undefined, image: string): T | undefined {
  if (!builtFrom?.length) return undefined;
  const repository = imageRepository(image);
  const name = repository === undefined ? imageNameAfterVariable(image) : undefined;
  return builtFrom.find((b) => b.image === repository || (name !== undefined && b.image === name));
}

/** The literal last part of an image reference whose registry or namespace is a variable (`${ns}/app-base:${tag}`). */
export function imageNameAfterVariable(reference: string): string | undefined {
  const ref = reference.trim().toLowerCase().replace(/@.*$/, '');
  const slash = ref.lastIndexOf('/');
  if (slash < 0 || !ref.slice(0, slash).includes('$')) return undefined;
  const name = ref.slice(slash + 1).replace(/:.*$/, '');
  return name === '' || name.includes('$') ? undefined : name;
}

/** The image a stage starts from, ARG defaults expanded; undefined for stage references. */
export function baseImage(input: DockerfileInput, stage: DockerStage): string | undefined {
  const image = expandArgs(stage.image, input.globalArgs);
  if (isStageReference(input.file, stage, image)) return undefined;
  return image;
}

/** Every instruction with ONBUILD triggers unwrapped. */
export function* instructionsOf(file: Dockerfile, keyword: string): Generator<DockerInstruction> {
  for (const instruction of file.instructions) if (effective(instruction).keyword === keyword) yield instruction;
}

/**
 * The user an instruction runs as: the last USER before it in its stage, else the one its
 * stage inherits from the earlier stages it is built FROM; undefined when none sets one
 * (the base image's user, root for almost every image).
 */
export function userAt(input: DockerfileInput, instruction: DockerInstruction): string | undefined {
  const stage = input.file.stages[instruction.stage];
  if (!stage) return undefined;
  let user: DockerInstruction | undefined;
  for (const i of stage.instructions) {
    if (i === instruction) break;
    if (i.keyword === 'USER') user = i;
  }
  user ??= stageChain(input, stage).slice(1).map(lastUser).find((u) => u !== undefined);
  return user ? expandArgs(user.rest, input.globalArgs).trim() : undefined;
}

/** Where a stage's last `USER` leaves the user (undefined when it never sets one). */
export function lastUser(stage: DockerStage): DockerInstruction | undefined {
  let user: DockerInstruction | undefined;
  for (const instruction of stage.instructions) if (instruction.keyword === 'USER') user = instruction;
  return user;
}

/** A file name that says template: the source a script fills in to write the Dockerfiles (Dockerfile-debian.template, Dockerfile.in). */
const TEMPLATE_NAME = /\.(?:template|in)$/i;

/**
 * The first line that makes the text a template (docker-library's jq templates, Go
 * templates): a line the parser cannot read that opens with `{{` or `{%`, or a FROM whose
 * image holds `{{`. `{{` inside an instruction is left alone (`docker inspect --format
 * '{{.Id}}'`), and so are `%%VAR%%` placeholders in a file that parses (balena's
 * `FROM balenalib/%%BALENA_MACHINE_NAME%%-node`); in one that does not (nginx's
 * `nginxPackages="%%PACKAGES%%` filled with continued lines), the first placeholder makes
 * it a template. So does a problem of a file named as a template (`.template`, `.in`).
 */
export function templateLine(input: DockerfileInput, text: string, path?: string): { line: number; named: boolean } | undefined {
  const lines = text.split('\n');
  const problem = input.file.problems.find((p) => /^\s*\{[{%]/.test(lines[p.line - 1] ?? ''));
  const from = input.file.stages.find((s) => s.image.includes('{{'))?.from;
  const placeholder = input.file.problems.length > 0 ? lines.findIndex((line) => /%%[A-Z][A-Z0-9_]*%%/.test(line)) : -1;
  const found = [problem?.line, from?.line, placeholder >= 0 ? placeholder + 1 : undefined].filter((n) => n !== undefined);
  if (found.length > 0) return { line: Math.min(...found), named: false };
  // Named as one (Dockerfile-alpine.template, Dockerfile.in) and not readable as written (docker-node's `"${NODE_KEYS[@]}"` line that update.sh fills with continued lines).
  const first = input.file.problems[0];
  return first !== undefined && path !== undefined && TEMPLATE_NAME.test(path) ? { line: first.line, named: true } : undefined;
}
