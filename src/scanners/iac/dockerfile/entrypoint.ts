import path from 'node:path';
import { basename, commandsOf, shellCScripts } from '../shell.js';
import { effective, type DockerInstruction, type DockerStage } from './parser.js';
import { expandArgs, finalStage, imageRepository, keyValues, scriptsOf, stageChain, type DockerfileInput } from './model.js';
import { argumentWords } from './helpers.js';

/**
 * Entrypoints that start as root and drop to another user before the real process runs
 * (docker-library's postgres, redis, mysql: `exec gosu postgres "$@"`): what the image
 * runs and how it gets there, read from the Dockerfile and, for a script copied from the
 * build context, from that script (read by the scan, bounded and inside the scan root;
 * never run).
 */

/** How a script drops privileges: the program and the user it switches to. */
export interface PrivilegeDrop {
  how: string;
  user: string;
  /** Where it was seen: `ENTRYPOINT`, `CMD`, or the script's path. */
  where: string;
  /**
   * The user a variable names as the Dockerfile's ENV sets it, when that is root
   * (`su-exec "${PUID}:${PGID}"` with ENV PUID=0 PGID=0): no drop unless the container is
   * started with other values.
   */
  rootByDefault?: string;
}

const ROOT = /^(?:root|0)(?::.*)?$/i;

/** Init programs that only start the command after them (`tini -- /entrypoint.sh`). */
const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'catatonit', 'docker-init']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/** The user an option names: `--reuid=999`, `--reuid 999`, `-u app`, `-uapp`. */
function optionValue(words: string[], from: number, names: readonly string[]): string | undefined {
  for (let i = from; i < words.length; i++) {
    const word = words[i]!;
    for (const name of names) {
      if (word === name) return words[i + 1];
      if (name.startsWith('--') && word.startsWith(name + '=')) return word.slice(name.length + 1);
      if (!name.startsWith('--') && word.startsWith(name) && word.length > name.length) return word.slice(name.length);
    }
  }
  return undefined;
}

/** The user of `sudo -u USER COMMAND`, from sudo's own options (before the command); `#UID` as the UID. */
function sudoUser(words: string[], from: number): string | undefined {
  for (let i = from; i < words.length; i++) {
    const word = words[i]!;
    let user: string | undefined;
    if (word === '-u' || word === '--user') user = words[i + 1];
    else if (word.startsWith('--user=')) user = word.slice('--user='.length);
    else if (/^-[^-]*u./.test(word) && !/^-[^-]*u$/.test(word)) user = word.slice(word.indexOf('u') + 1);
    else if (/^-[^-]*u$/.test(word)) user = words[i + 1];
    if (user !== undefined) return user.replace(/^\\?#/, '');
    if (word === '--') return undefined;
    if (/^-[gCDhprtTU]$/.test(word)) i++;
    else if (!word.startsWith('-')) return undefined;
  }
  return undefined;
}

/** The user of `su [options] USER -c COMMAND` (or `su -c COMMAND USER`): a su that runs a command, not a login shell. */
function suUser(words: string[], from: number): string | undefined {
  let user: string | undefined;
  let command = false;
  for (let i = from; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-c' || word === '--command') {
      command = true;
      i++;
    } else if (word.startsWith('--command=')) command = true;
    else if (word === '-s' || word === '--shell' || word === '-g' || word === '--group') i++;
    else if (word.startsWith('-')) continue;
    else if (user === undefined) user = word;
    else break;
  }
  return command ? user : undefined;
}

/**
 * The first privilege drop in a shell script: gosu, su-exec, s6-setuidgid, `setpriv
 * --reuid`, `chroot --userspec`, `runuser -u`, `s6-applyuidgid -u`, `chpst -u`, `sudo -u`,
 * `su USER -c`, to a user other than root. A user given by a variable ("$USER") counts: the script chooses one.
 */
export function privilegeDropIn(script: string, where: string): PrivilegeDrop | undefined {
  const commands = commandsOf(script);
  // The command the script ends with, past `set +e`, `exit` and the like.
  let last = commands.length - 1;
  while (last > 0 && /^(?:set|exit|wait|true|:)$/.test(commands[last]!.words[0]?.text ?? '')) last--;
  for (const [c, command] of commands.entries()) {
    const words = command.words.map((w) => w.text);
    // sudo and su run many a setup step as another user (`sudo -u www-data php artisan migrate`):
    // they drop root for the work only as the command the script ends with, or execs.
    const main = c === last || words.includes('exec');
    for (let i = 0; i < words.length; i++) {
      const program = basename(words[i]!);
      if ((program === 'sudo' || program === 'su') && !main) continue;
      let user: string | undefined;
      if (program === 'gosu' || program === 'su-exec' || program === 's6-setuidgid') user = words[i + 1];
      else if (program === 'setpriv') user = optionValue(words, i + 1, ['--reuid']);
      else if (program === 'chroot') user = optionValue(words, i + 1, ['--userspec']);
      else if (program === 'runuser') user = optionValue(words, i + 1, ['--user', '-u']);
      else if (program === 's6-applyuidgid' || program === 'chpst') user = optionValue(words, i + 1, ['-u']);
      else if (program === 'sudo') user = sudoUser(words, i + 1);
      else if (program === 'su') user = suUser(words, i + 1);
      else continue;
      if (user === undefined || user === '' || user.startsWith('-') || ROOT.test(user)) continue;
      return { how: program, user, where };
    }
  }
  return undefined;
}

/** The `#!` line of a script in Python, Node.js, Ruby or Perl: an entrypoint that is a program, not a shell script. */
const PROGRAM_SHEBANG = /^#!\s*\S*?(?:\/env\s+(?:-S\s+)?)?(?:\S*\/)?(?:python[\d.]*|node|nodejs|ruby|perl)(?:\s|$)/;
/** gosu or su-exec named as a string of the program, by name or path (`"/usr/sbin/gosu"`, `'su-exec'`). */
const DROP_TOOL_STRING = /["'](?:\/(?:usr\/)?(?:local\/)?s?bin\/)?(gosu|su-exec)["']/;
/** A call that replaces the process or starts another: Python's os.exec*, Node's spawn and execFile, Ruby's and Perl's exec. */
const EXEC_CALL = /\b(?:os\.exec[lv]p?e?|os\.posix_spawnp?|subprocess\.(?:run|call|Popen|check_call)|spawn(?:Sync)?|execFile(?:Sync)?|exec)\s*\(/;

/**
 * The privilege drop of an entrypoint written as a program (synapse's start.py ends with
 * `os.execve("/usr/sbin/gosu", ["gosu", ownership, ...], environ)`): a script with a Python,
 * Node.js, Ruby or Perl `#!` line that names gosu or su-exec as a string and calls the
 * language's exec or spawn family. The user is the program's to choose, as a variable is in
 * a shell script's `gosu "$USER"`.
 */
export function programDropIn(script: string, where: string): PrivilegeDrop | undefined {
  if (!PROGRAM_SHEBANG.test(script)) return undefined;
  const tool = DROP_TOOL_STRING.exec(script);
  if (!tool || !EXEC_CALL.test(script)) return undefined;
  return { how: tool[1]!, user: 'a user it chooses', where };
}

/** The last instruction of a keyword in the final stage, else in the earlier stages it is built FROM. */
function ownInstruction(chain: DockerStage[], keyword: string): DockerInstruction | undefined {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).pop();
    if (found) return found;
  }
  return undefined;
}

/** The final stage's chain (it, then the earlier stages it is built FROM) with its own ENTRYPOINT and CMD; undefined without a stage. */
function finalStart(input: DockerfileInput): { chain: DockerStage[]; entrypoint: DockerInstruction | undefined; cmd: DockerInstruction | undefined } | undefined {
  const stage = finalStage(input.file);
  if (!stage) return undefined;
  const chain = stageChain(input, stage);
  return { chain, entrypoint: ownInstruction(chain, 'ENTRYPOINT'), cmd: ownInstruction(chain, 'CMD') };
}

/** The words an ENTRYPOINT or CMD runs: its exec form, or `sh -c` with its shell form. */
function commandWords(instruction: DockerInstruction): { words: string[]; shell?: string } {
  if (instruction.exec) return { words: instruction.exec };
  return { words: ['/bin/sh', '-c', instruction.rest], shell: instruction.rest };
}

/** The script an entrypoint runs: the program, past init wrappers and a shell given a file (`bash /entrypoint.sh`). */
function scriptOf(words: string[]): string | undefined {
  let i = 0;
  while (i < words.length && (INITS.has(basename(words[i]!)) || words[i] === '--' || (i > 0 && /^-/.test(words[i]!)))) i++;
  const program = words[i];
  if (program === undefined) return undefined;
  if (SHELLS.has(basename(program))) {
    const next = words[i + 1];
    // The shell form (`CMD /usr/local/bin/start.sh`, `sh -c "exec /entrypoint.sh"`): the first command of the text.
    if (next === '-c' && words[i + 2] !== undefined) {
      const first = commandsOf(words[i + 2]!)[0]?.words.map((w) => w.text) ?? [];
      return first.length > 0 && !SHELLS.has(basename(first[0] === 'exec' ? (first[1] ?? '') : first[0]!)) ? scriptOf(first[0] === 'exec' ? first.slice(1) : first) : undefined;
    }
    if (next === undefined || next.startsWith('-')) return undefined;
    return next;
  }
  return program;
}

/** What the image runs on start: the own ENTRYPOINT, else the own CMD, of the final stage (with the earlier stages it builds FROM). */
export function startCommand(input: DockerfileInput): { instruction: DockerInstruction; words: string[]; shell?: string; cmd?: DockerInstruction } | undefined {
  const { entrypoint, cmd } = finalStart(input) ?? {};
  const instruction = entrypoint ?? cmd;
  if (!instruction) return undefined;
  return { instruction, ...commandWords(instruction), ...(entrypoint && cmd ? { cmd } : {}) };
}

/** The programs the final stage starts (past init wrappers and shells), from its own ENTRYPOINT and CMD: `docker-entrypoint.sh` and `postgres`. */
export function startPrograms(input: DockerfileInput): string[] {
  const start = finalStart(input);
  if (!start) return [];
  return [start.entrypoint, start.cmd].flatMap((instruction) => {
    const program = instruction ? scriptOf(commandWords(instruction).words) : undefined;
    return program === undefined ? [] : [basename(program)];
  });
}

/** Interactive interpreters and shells: started with no argument, they wait for someone to type. */
const INTERPRETERS = /^(?:python(?:\d+(?:\.\d+)*)?|pypy3?|node|irb|ruby|php|ghci|erl|iex|julia|R|jshell|lua\d*(?:\.\d+)?|perl|tclsh|guile|racket|ocaml|scala|groovysh|pwsh|powershell|sh|bash|ash|dash|zsh)$/;

/**
 * The interpreter or shell the final stage starts with no argument, from its own CMD (after a
 * pass-through ENTRYPOINT) or ENTRYPOINT: a language's or a distribution's base image
 * (docker-library's python: CMD ["python3"]), which runs no service of its own.
 */
export function bareInterpreter(input: DockerfileInput): string | undefined {
  const { entrypoint, cmd } = finalStart(input) ?? {};
  // Beside an ENTRYPOINT, CMD only gives its arguments: an interpreter there is started by a pass-through script (docker-entrypoint.sh, exec "$@") or an init only.
  if (entrypoint && cmd) {
    const words = (entrypoint.exec ?? commandsOf(entrypoint.rest)[0]?.words.map((w) => w.text) ?? []).filter((w, k) => !INITS.has(basename(w)) && !(k > 0 && w.startsWith('-')));
    if (words.length > 1 || (words.length === 1 && !/(?:^|[-_])entrypoint(?:\.sh)?$/.test(basename(words[0]!)))) return undefined;
  }
  const instruction = cmd ?? entrypoint;
  if (!instruction) return undefined;
  const words = instruction.exec ?? commandsOf(instruction.rest)[0]?.words.map((w) => w.text) ?? [];
  if (words.length !== 1) return undefined;
  const program = basename(words[0]!);
  return INTERPRETERS.test(program) ? program : undefined;
}

/** Whether the final stage sets an ENTRYPOINT or CMD of its own (or gets one from an earlier stage of the file). */
export function hasOwnStartCommand(input: DockerfileInput): boolean {
  return startCommand(input) !== undefined;
}

/** A COPY or ADD from the build context: its sources and destination (heredoc sources are `<<NAME`). */
interface ContextCopy {
  sources: string[];
  destination: string;
  instruction: DockerInstruction;
}

function contextCopies(input: DockerfileInput, chain: DockerStage[]): ContextCopy[] {
  const copies: ContextCopy[] = [];
  // Nearest stage last, so that a later COPY wins when read from the end.
  for (const stage of [...chain].reverse()) {
    let workdir = '/';
    for (const instruction of stage.instructions) {
      const own = effective(instruction);
      if (own !== instruction) continue; // ONBUILD runs in the images built on this one
      if (own.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, expandArgs(own.rest.trim(), input.globalArgs));
      if ((own.keyword !== 'COPY' && own.keyword !== 'ADD') || own.flags.has('from')) continue;
      const words = argumentWords(own).map((w) => expandArgs(w, input.globalArgs));
      if (words.length < 2) continue;
      const destination = words[words.length - 1]!;
      const absolute = path.posix.resolve(workdir, destination) + (destination.endsWith('/') ? '/' : '');
      copies.push({ sources: words.slice(0, -1), destination: absolute, instruction: own });
    }
  }
  return copies;
}

const globToRegExp = (glob: string) => new RegExp('^' + glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');

/**
 * Where in the build context a file of the image at `target` may come from, by the
 * COPY and ADD instructions (paths relative to the build context), with the text of a
 * heredoc COPY that writes it.
 */
function contextSources(copies: ContextCopy[], target: string): { paths: string[]; heredoc?: string } {
  const paths: string[] = [];
  const bare = !target.includes('/');
  for (const copy of copies) {
    const destination = copy.destination.replace(/\/$/, '') || '/';
    const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
    for (const source of copy.sources) {
      if (/^[a-z]+:\/\//i.test(source)) continue;
      const heredoc = /^<<-?["']?(\w+)/.exec(source)?.[1];
      if (heredoc !== undefined) {
        const name = intoFolder ? path.posix.join(destination, heredoc) : destination;
        const body = copy.instruction.heredocs.find((h) => h.delimiter === heredoc)?.body;
        if (body !== undefined && (name === target || (bare && path.posix.basename(name) === target))) return { paths, heredoc: body };
        continue;
      }
      const clean = source.replace(/\/+$/, '') || '.';
      const name = path.posix.basename(clean);
      // A file copied to a file, or into a folder under its own name (globs matched on the name).
      const fileTarget = intoFolder ? path.posix.join(destination, name) : destination;
      if (bare ? path.posix.basename(fileTarget) === target : fileTarget === target) paths.push(clean);
      else if (/[*?]/.test(name) && (bare || path.posix.dirname(target) === destination) && globToRegExp(name).test(path.posix.basename(target)))
        paths.push(path.posix.join(path.posix.dirname(clean), path.posix.basename(target)));
      // A folder copied: the file under it.
      if (!bare && (target.startsWith(destination === '/' ? '/' : destination + '/')) && !/[*?]/.test(clean)) {
        const inner = target.slice(destination === '/' ? 1 : destination.length + 1);
        paths.push(path.posix.join(clean, inner));
      }
    }
  }
  return { paths: [...new Set(paths)] };
}

/** Folders of the scan a build context may be: the Dockerfile's, the compose files' contexts for it, the root. */
function contextFolders(input: DockerfileInput): string[] {
  const own = input.path !== undefined ? path.posix.dirname(input.path) : '.';
  return [...new Set([own, ...(input.buildContexts ?? []), '.'])];
}

/** Paths from the scan root to read for the entrypoint: the script it runs, where it may come from in the build context. */
export function entrypointFiles(input: DockerfileInput): string[] {
  const start = startCommand(input);
  if (!start) return [];
  const script = scriptOf(start.words);
  const stage = finalStage(input.file);
  if (!script || !stage || script.startsWith('$')) return [];
  const sources = contextSources(contextCopies(input, stageChain(input, stage)), script);
  const out: string[] = [];
  for (const folder of contextFolders(input)) {
    for (const source of sources.paths) {
      const joined = path.posix.normalize(path.posix.join(folder, source));
      if (!joined.startsWith('../') && joined !== '..' && !path.posix.isAbsolute(joined)) out.push(joined);
    }
  }
  return [...new Set(out)];
}

/** s6-overlay's service folders under a folder copied into the image (v3 s6-rc.d, and v2 services.d). */
const S6_SERVICE_FOLDERS = ['etc/s6-overlay/s6-rc.d', 'etc/services.d'];
/** Base images that start s6-overlay's /init (linuxserver.io's, just-containers'). */
const S6_BASE = /(?:^|\/)(?:linuxserver\/baseimage-|just-containers\/|[^/]*s6-overlay)/i;

/**
 * Whether the image starts s6-overlay's /init: its own ENTRYPOINT is /init in an image that
 * shows s6-overlay (S6_ variables, s6-overlay installed or named), or it has no ENTRYPOINT
 * or CMD of its own and is built FROM an s6-overlay base image.
 */
function startsS6(input: DockerfileInput, chain: DockerStage[]): boolean {
  const start = startCommand(input);
  const mentions = chain.some((stage) => stage.instructions.some((i) => /\bS6_[A-Z_]+|s6-overlay/.test(i.args)));
  const base = chain[chain.length - 1];
  const image = base ? expandArgs(base.image, input.globalArgs) : '';
  if (!start) return S6_BASE.test(image);
  return start.instruction.keyword === 'ENTRYPOINT' && start.words.length === 1 && start.words[0] === '/init' && (mentions || S6_BASE.test(image));
}

/** Whether the final stage keeps the /init of the s6-overlay base image it is built FROM (no ENTRYPOINT or CMD of its own). */
export function s6ServiceImage(input: DockerfileInput): boolean {
  const stage = finalStage(input.file);
  return stage !== undefined && !startCommand(input) && startsS6(input, stageChain(input, stage));
}

/** The folders of the scan that hold the s6 services an s6-overlay image copies from its build context. */
export function s6ServiceFolders(input: DockerfileInput): string[] {
  const stage = finalStage(input.file);
  if (!stage) return [];
  const chain = stageChain(input, stage);
  if (!startsS6(input, chain)) return [];
  const out: string[] = [];
  for (const copy of contextCopies(input, chain)) {
    for (const source of copy.sources) {
      if (/^<<|^[a-z]+:\/\/|[*?]/i.test(source)) continue;
      const clean = source.replace(/\/+$/, '') || '.';
      for (const services of S6_SERVICE_FOLDERS) {
        const inImage = '/' + services;
        const destination = copy.destination.replace(/\/$/, '') || '/';
        // `COPY root/ /`: root/etc/services.d; `COPY services.d /etc/services.d`.
        const inner = destination === '/' ? inImage.slice(1) : inImage.startsWith(destination + '/') ? inImage.slice(destination.length + 1) : destination === inImage ? '' : undefined;
        if (inner === undefined) continue;
        for (const folder of contextFolders(input)) {
          const joined = path.posix.normalize(path.posix.join(folder, clean, inner));
          if (!joined.startsWith('../') && joined !== '..' && !path.posix.isAbsolute(joined)) out.push(joined);
        }
      }
    }
  }
  return [...new Set(out)];
}

/**
 * How the services of an s6-overlay image drop root: every `run` script of its long-running
 * services that the scan read (at least one) drops privileges (s6-setuidgid abc, as
 * linuxserver.io's images do); /init itself stays root to supervise them. The services
 * whose s6-rc `type` is oneshot are setup steps that end before the work starts (chown of
 * /config, as a docker-library entrypoint does before gosu): they do not count.
 */
function s6Drop(input: DockerfileInput): PrivilegeDrop | undefined {
  const runs = s6LongRuns(input, s6ServiceFolders(input));
  if (runs.length === 0) return undefined;
  const drops = runs.map(([file, text]) => privilegeDropIn(text, file));
  return drops.every((d) => d !== undefined) ? { ...drops[0]!, where: `the s6 services (${runs.length} run script${runs.length === 1 ? '' : 's'})` } : undefined;
}

/** The run scripts the scan read of the long-running s6 services in `folders` (oneshot setup services aside). */
function s6LongRuns(input: DockerfileInput, folders: readonly string[]): Array<[string, string]> {
  const files = input.contextFiles ?? new Map<string, string>();
  const oneshot = (run: string) => files.get(run.replace(/\/run$/, '/type'))?.trim() === 'oneshot';
  return [...files].filter(([file]) => file.endsWith('/run') && folders.some((f) => file.startsWith(f + '/')) && !oneshot(file));
}

/** linuxserver.io's base images whose own s6 services are nginx and PHP-FPM (baseimage-alpine-nginx). */
const S6_NGINX_BASE = /(?:^|\/)linuxserver\/baseimage-[\w.-]*nginx(?:[:@]|$)/i;

/**
 * The servers an s6-overlay image runs when they are all its base image's: built FROM
 * linuxserver.io's nginx base image, whose services are nginx and PHP-FPM (their master
 * processes root, their workers the abc user of its configuration), and adding no
 * long-running service of its own (only oneshot setup services, or no service folder).
 * Undefined when its service folders were copied but the scan read nothing of them.
 */
export function s6BaseServers(input: DockerfileInput): string | undefined {
  const stage = finalStage(input.file);
  if (!stage) return undefined;
  const chain = stageChain(input, stage);
  const base = chain[chain.length - 1];
  if (!base || !S6_NGINX_BASE.test(expandArgs(base.image, input.globalArgs).trim()) || !startsS6(input, chain)) return undefined;
  const folders = s6ServiceFolders(input);
  const read = [...(input.contextFiles?.keys() ?? [])].some((file) => folders.some((f) => file.startsWith(f + '/')));
  if (folders.length > 0 && !read) return undefined;
  return s6LongRuns(input, folders).length === 0 ? 'nginx and PHP-FPM' : undefined;
}

/** gosu or su-exec installed or copied into the image (apt-get install gosu, apk add su-exec, a download, COPY --from=tianon/gosu). */
function installsDropTool(input: DockerfileInput, chain: DockerStage[]): string | undefined {
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      const own = effective(instruction);
      if (own !== instruction) continue;
      const text = own.keyword === 'RUN' ? scriptsOf(own).map((s) => s.text).join('\n') : own.keyword === 'COPY' || own.keyword === 'ADD' ? own.args : '';
      const found = /\b(gosu|su-exec)\b/.exec(text);
      if (found) return found[1];
    }
  }
  return undefined;
}

/**
 * Docker Official Images whose docker-entrypoint.sh starts as root, sets up the data
 * folder and drops to the service's user with gosu when the command is the service (its
 * CMD, or options for it): the user, and the commands for which the script drops.
 */
const OFFICIAL_DROPPING: ReadonlyMap<string, { user: string; command: RegExp }> = new Map([
  ['postgres', { user: 'postgres', command: /^(?:postgres|-.*)$/ }],
  ['redis', { user: 'redis', command: /^(?:redis-server|-.*|.*\.conf)$/ }],
  ['mysql', { user: 'mysql', command: /^(?:mysqld|-.*)$/ }],
  ['mariadb', { user: 'mysql', command: /^(?:mariadbd|mysqld|-.*)$/ }],
  ['mongo', { user: 'mongodb', command: /^(?:mongod|-.*)$/ }],
  ['rabbitmq', { user: 'rabbitmq', command: /^rabbitmq/ }],
  ['cassandra', { user: 'cassandra', command: /^(?:cassandra|-.*)$/ }],
  ['zookeeper', { user: 'zookeeper', command: /^zkServer\.sh$/ }],
]);

/**
 * The user a Docker Official Image's docker-entrypoint.sh drops to (OFFICIAL_DROPPING), and
 * the commands it drops for; undefined for another image or a Windows variant (mongo's
 * windowsservercore has no such script).
 */
export function officialImageDrop(image: string): { user: string; command: RegExp } | undefined {
  const repository = imageRepository(image)?.replace(/^.*\/library\//, '');
  const official = repository === undefined ? undefined : OFFICIAL_DROPPING.get(repository);
  return official && !/windows|nanoserver/i.test(image) ? official : undefined;
}

/**
 * Whether a command given to an image of OFFICIAL_DROPPING reaches the drop of its
 * docker-entrypoint.sh: through the image's entrypoint (`viaEntrypoint`), the service itself
 * or options for it; and either way docker-entrypoint.sh run with them, directly or as the
 * last command of a POSIX shell's -c script (`bash -c "chown ... && exec
 * docker-entrypoint.sh postgres"`): the script's setup runs as root, and the entrypoint
 * drops root for the service (without exec, the shell waits for it as root and runs nothing more).
 */
export function reachesOfficialDrop(official: { command: RegExp }, words: readonly string[], viaEntrypoint = true): boolean {
  const first = words[0];
  if (first === undefined) return false;
  if (viaEntrypoint && official.command.test(basename(first))) return true;
  if (basename(first) === 'docker-entrypoint.sh') return reachesOfficialDrop(official, words.slice(1));
  const script = shellCScripts(words.map((text) => ({ text, offset: 0 })))[0];
  const last = script === undefined ? undefined : commandsOf(script.text).at(-1);
  if (!last) return false;
  const [entrypoint, ...service] = last.words.slice(last.words[0]?.text === 'exec' ? 1 : 0).map((w) => w.text);
  return entrypoint !== undefined && basename(entrypoint) === 'docker-entrypoint.sh' && reachesOfficialDrop(official, service);
}

/**
 * The drop of the entrypoint an image inherits from a Docker Official Image of
 * OFFICIAL_DROPPING (FROM postgres:16 with init scripts added, FROM rabbitmq:4 with plugins
 * enabled): the Dockerfile sets no ENTRYPOINT of its own (or names the base's
 * docker-entrypoint.sh again without copying one), and its CMD, if it sets one, is the
 * service the script drops root for, in exec form. A Windows variant (mongo's windowsservercore) has no
 * such script.
 */
function inheritedDrop(input: DockerfileInput, chain: DockerStage[]): PrivilegeDrop | undefined {
  const root = chain[chain.length - 1];
  if (!root) return undefined;
  const image = expandArgs(root.image, input.globalArgs);
  const repository = imageRepository(image)?.replace(/^.*\/library\//, '');
  const official = officialImageDrop(image);
  if (!official) return undefined;
  const entrypoint = ownInstruction(chain, 'ENTRYPOINT');
  if (entrypoint) {
    const script = scriptOf(commandWords(entrypoint).words);
    if (script === undefined || basename(script) !== 'docker-entrypoint.sh') return undefined;
    const copied = contextSources(contextCopies(input, chain), script);
    if (copied.paths.length > 0 || copied.heredoc !== undefined) return undefined;
  }
  // A shell-form CMD reaches the script as `/bin/sh -c ...`, which it runs as root unless the shell execs it again with the service.
  const cmd = ownInstruction(chain, 'CMD');
  if (cmd && !reachesOfficialDrop(official, cmd.exec ?? ['/bin/sh', '-c', cmd.rest])) return undefined;
  return { how: 'gosu', user: official.user, where: `the docker-entrypoint.sh of ${repository}` };
}

/**
 * How the image's entrypoint drops root, if it visibly does: a drop written in the
 * ENTRYPOINT or CMD itself, or in the script it runs (a heredoc COPY, or a file of the
 * build context the scan read: `input.contextFiles`). When the script comes from the
 * build context but the scan could not read it, gosu or su-exec installed by the
 * Dockerfile is taken for the drop (they are installed for nothing else); a script that
 * was read and drops nothing is no drop, whatever is installed.
 */
export function entrypointDrop(input: DockerfileInput): PrivilegeDrop | undefined {
  const drop = foundDrop(input);
  const stage = finalStage(input.file);
  if (!drop || !stage || !drop.user.includes('$')) return drop;
  const user = expandArgs(drop.user, envDefaults(input, stageChain(input, stage)));
  return !user.includes('$') && ROOT.test(user) ? { ...drop, rootByDefault: user } : drop;
}

/** The values the ENV instructions of a stage and of the stages it is built on give, the later winning. */
function envDefaults(input: DockerfileInput, chain: readonly DockerStage[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const stage of [...chain].reverse())
    for (const instruction of stage.instructions)
      if (instruction.keyword === 'ENV') for (const [name, value] of keyValues(instruction)) if (value !== undefined) env.set(name, expandArgs(value, new Map([...input.globalArgs, ...env])));
  return env;
}

function foundDrop(input: DockerfileInput): PrivilegeDrop | undefined {
  const s6 = s6Drop(input);
  if (s6) return s6;
  const stage = finalStage(input.file);
  if (!stage) return undefined;
  const chain = stageChain(input, stage);
  const inherited = inheritedDrop(input, chain);
  if (inherited) return inherited;
  const start = startCommand(input);
  if (!start) return undefined;
  const inline =
    privilegeDropIn(start.shell ?? start.words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' '), start.instruction.keyword) ??
    (start.cmd ? privilegeDropIn(start.cmd.exec ? start.cmd.exec.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ') : start.cmd.rest, 'CMD') : undefined);
  if (inline) return inline;
  const script = scriptOf(start.words);
  if (!script || script.startsWith('$')) return undefined;
  const sources = contextSources(contextCopies(input, chain), script);
  if (sources.heredoc !== undefined) return privilegeDropIn(sources.heredoc, script);
  const files = entrypointFiles(input);
  const read = files.filter((f) => input.contextFiles?.has(f));
  if (read.length > 0) {
    for (const file of read) {
      const text = input.contextFiles!.get(file)!;
      const drop = privilegeDropIn(text, file) ?? programDropIn(text, file);
      if (drop) return drop;
    }
    return undefined;
  }
  if (files.length === 0) return undefined;
  const tool = installsDropTool(input, chain);
  return tool ? { how: tool, user: 'a user it chooses', where: `${script} (not read; the Dockerfile installs ${tool})` } : undefined;
}

/**
 * Servers that keep only a master process as root (to bind ports and read their
 * configuration) and handle every request in worker processes that drop to an
 * unprivileged user of their configuration: Apache httpd, nginx, PHP-FPM.
 */
const WORKER_SERVERS: ReadonlyArray<{ program: RegExp; server: string }> = [
  { program: /^(?:apache2-foreground|httpd-foreground|apache2ctl|apachectl|apache2|httpd)$/, server: 'Apache httpd' },
  { program: /^nginx(?:-debug)?$/, server: 'nginx' },
  { program: /^php-fpm(?:\d+(?:\.\d+)?)?$/, server: 'PHP-FPM' },
];

/** The command Docker Official Images of these servers run when a Dockerfile built FROM them sets none. */
function inheritedServerCommand(image: string): string | undefined {
  const repository = imageRepository(image)?.replace(/^.*\/library\//, '');
  const tag = /:([^@/]+)(?:@|$)/.exec(image)?.[1] ?? '';
  if (repository === 'nginx') return 'nginx';
  if (repository === 'httpd') return 'httpd-foreground';
  if (repository === 'php' && /(?:^|-)apache(?:-|$)/.test(tag)) return 'apache2-foreground';
  if (repository === 'php' && /(?:^|-)fpm(?:-|$)/.test(tag)) return 'php-fpm';
  // Official PHP applications built on php's apache (their default) or fpm variants; the cli variants run a tool as www-data.
  if (repository !== undefined && PHP_APPLICATIONS.test(repository) && !/(?:^|-)cli(?:-|$)/.test(tag)) return /(?:^|-)fpm(?:-|$)/.test(tag) ? 'php-fpm' : 'apache2-foreground';
  return undefined;
}

/** Docker Official Images of PHP applications, built FROM php:*-apache or php:*-fpm and keeping its command. */
const PHP_APPLICATIONS = /^(?:wordpress|nextcloud|drupal|joomla|matomo|mediawiki|friendica|phpmyadmin|yourls)$/;

/**
 * The privilege-separating server an image runs as its command, if it does: its own CMD
 * (passed to whatever ENTRYPOINT script it has), an ENTRYPOINT that is the server itself,
 * or the command of the official nginx, httpd or php (apache, fpm) image it is built FROM
 * and sets none over.
 */
export function workerServer(input: DockerfileInput): { program: string; server: string } | undefined {
  const start = finalStart(input);
  if (!start) return undefined;
  const { chain, entrypoint, cmd } = start;
  let program: string | undefined;
  if (cmd) program = scriptOf(commandWords(cmd).words);
  else if (entrypoint) program = scriptOf(commandWords(entrypoint).words);
  else {
    const root = chain[chain.length - 1];
    program = root ? inheritedServerCommand(expandArgs(root.image, input.globalArgs)) : undefined;
  }
  if (program === undefined) return undefined;
  const name = basename(program);
  const found = WORKER_SERVERS.find((s) => s.program.test(name));
  return found ? { program: name, server: found.server } : undefined;
}
