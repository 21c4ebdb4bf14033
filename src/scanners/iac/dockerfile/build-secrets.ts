import { isSecretName } from '../secret-names.js';
import { effectiveWords, gitSubcommand, parseShell, programOf, shellCScripts, type ShellCommand, type ShellPipeline, type ShellWord } from '../shell.js';
import { effective, type DockerInstruction } from './parser.js';
import { finalStage, instructionsOf, keyValues, scriptsOf, stageChain, type Script } from './model.js';
import { at, dockerRule } from './helpers.js';

/**
 * What the secret mounts of a RUN give: the files they put in place (`target=`, `dst=`,
 * `destination=`, else /run/secrets/<id>) and the environment variables (`env=`, BuildKit's
 * Dockerfile 1.10 form; a mount with `env=` and no target gives no file).
 */
function secretMounts(instruction: DockerInstruction): { paths: string[]; variables: string[] } {
  const own = effective(instruction);
  const paths: string[] = [];
  const variables: string[] = [];
  for (const mount of own.args.slice(0, own.restOffset).matchAll(/--mount=(?:"([^"]*)"|'([^']*)'|(\S*))/g)) {
    const options = new Map<string, string>();
    for (const part of (mount[1] ?? mount[2] ?? mount[3] ?? '').split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) options.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
    }
    if (options.get('type') !== 'secret') continue;
    const target = options.get('target') ?? options.get('dst') ?? options.get('destination');
    const id = options.get('id');
    const env = options.get('env');
    if (env && /^[A-Za-z_][A-Za-z0-9_]*$/.test(env)) variables.push(env);
    if (target) paths.push(target);
    else if (id && !env) paths.push(`/run/secrets/${id}`);
  }
  return { paths, variables };
}

/** What the RUN knows of the secret so far. */
interface Taint {
  readonly paths: readonly string[];
  /** Variables set from the secret: an `env=` mount's, `TOKEN=$(cat /run/secrets/token)`. */
  readonly variables: Set<string>;
  /** Those of them in the environment of the commands that follow: an `env=` mount's, `export TOKEN=$(cat /run/secrets/token)`. */
  readonly environment: Set<string>;
  /** A secret file was sourced (`. /run/secrets/env`, `export $(cat /run/secrets/env | xargs)`): the variables it sets are not named in the Dockerfile. */
  sourced: boolean;
  /** Names the Dockerfile or the script set otherwise (ARG, ENV, assignments, loop variables), which a sourced file is not taken to set. */
  readonly known: ReadonlySet<string>;
}

/** A variable that holds the secret: one set from it, or after a sourced secret file, a secret-like name (`DB_PASSWORD`, `NPM_TOKEN`) nothing else in the Dockerfile sets. */
function taintedVariable(name: string, taint: Taint): boolean {
  return taint.variables.has(name) || (taint.sourced && !taint.known.has(name) && isSecretName(name));
}

/** A word as written (quotes removed) and as the shell expands it: `live` blanks what single quotes and backslashes keep from expansion. */
interface Reading {
  readonly text: string;
  readonly live: string;
}

/**
 * The word at `offset` of `source` with what the shell does not expand blanked: single-quoted
 * text (`'!f() { cat /run/secrets/gh; }; f'`, a credential helper that reads the secret when it
 * runs) and characters after a backslash (`\$(cat ...)`); quotes removed.
 */
function liveText(source: string, offset: number): string {
  let out = '';
  let depth = 0;
  let quote: '"' | undefined;
  for (let k = offset; k < source.length; k++) {
    const c = source[k]!;
    if (c === '\\') {
      out += '_';
      k++;
    } else if (c === "'" && quote === undefined) {
      const end = source.indexOf("'", k + 1);
      k = end < 0 ? source.length : end;
      out += '_';
    } else if (c === '"') {
      quote = quote ? undefined : '"';
    } else if ((c === '(' || c === '{') && source[k - 1] === '$') {
      depth++;
      out += c;
    } else if ((c === ')' || c === '}') && depth > 0) {
      depth--;
      out += c;
    } else if (quote === undefined && depth === 0 && /[\s;&|<>()]/.test(c)) {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

const readingOf = (source: string) => (word: ShellWord): Reading => ({ text: word.text, live: liveText(source, word.offset) });
const plain = (text: string): Reading => ({ text, live: text });

/**
 * A word that reads the secret: a secret file's path itself, a substitution that holds it
 * (`$(cat /run/secrets/db)`), or a variable that holds the secret.
 */
function readsSecret(readings: readonly Reading[], taint: Taint): boolean {
  return readings.some(
    ({ text, live }) =>
      taint.paths.some((p) => text === p || (live.includes(p) && /\$\(|`|</.test(live))) ||
      [...live.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some((m) => taintedVariable(m[1]!, taint)),
  );
}

/**
 * What a command reads: its words, its assignments, its input files (`< /run/secrets/gh`) and
 * its unquoted here-documents, whose variables the shell expands. A here-document of a RUN's
 * shell form (`RUN ... cat <<EOF > /app/app.ini`) has its body among the instruction's.
 */
function commandReadings(command: ShellCommand, source: string, script: Script): Reading[] {
  const own = effective(script.instruction).heredocs;
  return effectiveWords(command)
    .concat(command.assignments)
    .map(readingOf(source))
    .concat((command.redirects ?? []).filter((r) => r.op === '<').map((r) => plain(r.target.text)))
    .concat(
      (command.heredocs ?? [])
        .filter((doc) => !doc.quoted)
        .map((doc) => plain(doc.end > doc.start ? source.slice(doc.start, doc.end) : (own.find((d) => d.delimiter === doc.delimiter && !d.quoted)?.body ?? ''))),
    );
}

/** The variables a command sets from the secret: `TOKEN=$(cat /run/secrets/token)`, also after export, declare, local or readonly. */
function secretVariables(command: ShellCommand, source: string, taint: Taint): string[] {
  const words = effectiveWords(command);
  const declared = /^(?:export|declare|local|readonly|typeset)$/.test(programOf(command) ?? '') ? words.slice(1) : [];
  return command.assignments
    .concat(declared)
    .flatMap((w) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.text);
      const live = liveText(source, w.offset);
      return m && readsSecret([{ text: w.text.slice(m[0].length), live: live.slice(live.indexOf('=') + 1) }], taint) ? [m[1]!] : [];
    });
}

/**
 * Whether a command prints a variable of its environment that holds the secret, whose name
 * is no `$` expansion: `printenv TOKEN`, or printenv or env alone, which print them all.
 */
function printsEnvironment(command: ShellCommand, taint: Taint): boolean {
  if (taint.environment.size === 0) return false;
  const words = effectiveWords(command);
  if (words.length === 0 && command.words[0]?.text === 'env') {
    // `env -i` prints an empty environment; `env -u TOKEN` prints it without TOKEN.
    const options = command.words.slice(1).map((w) => w.text);
    if (options.some((o) => o === '-i' || o === '-' || o === '--ignore-environment')) return false;
    const unset = new Set(options.flatMap((o, k) => (o === '-u' || o === '--unset' ? [options[k + 1] ?? ''] : /^(?:-u|--unset=)(.+)$/.exec(o)?.slice(1) ?? [])));
    return [...taint.environment].some((name) => !unset.has(name));
  }
  if (programOf(command) !== 'printenv') return false;
  const names = words.slice(1).filter((w) => !w.text.startsWith('-'));
  return names.length === 0 || names.some((w) => taint.environment.has(w.text));
}

/** Whether a command loads a secret file's variables into the shell: `. FILE`, `source FILE`, `export $(cat FILE | xargs)`, `eval "$(cat FILE)"`. */
function sourcesSecret(command: ShellCommand, source: string, taint: Taint): boolean {
  const words = effectiveWords(command);
  const program = programOf(command);
  if (program === '.' || program === 'source') return words.slice(1, 2).some((w) => taint.paths.includes(w.text));
  if (program === 'export' || program === 'eval') {
    return words.slice(1).some((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text) && readsSecret([{ text: '', live: liveText(source, w.offset) }], taint));
  }
  return false;
}

/** The names a script sets: its assignments (also after export and the like), `for NAME in` and `read NAME`. */
function assignedNames(commands: readonly ShellCommand[], script: string): Set<string> {
  const names = new Set<string>();
  for (const command of commands) {
    const program = programOf(command);
    const declared = /^(?:export|declare|local|readonly|typeset)$/.test(program ?? '') ? effectiveWords(command).slice(1) : [];
    for (const w of command.assignments.concat(declared)) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=|$)/.exec(w.text);
      if (m) names.add(m[1]!);
    }
    if (program === 'read') for (const w of effectiveWords(command).slice(1)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text)) names.add(w.text);
  }
  for (const m of script.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) names.add(m[1]!);
  return names;
}

/** A pipeline and the text its offsets point into: the RUN's script, or the script of an `sh -c` in it. */
interface Located {
  readonly pipeline: ShellPipeline;
  readonly source: string;
  /** Offset of `source` in the RUN's script. */
  readonly base: number;
}

/** The pipelines of a script, a command alone that runs `sh -c 'SCRIPT'` (bash, ash...) read as the pipelines of SCRIPT. */
function pipelinesOf(source: string, base = 0, depth = 0): Located[] {
  const out: Located[] = [];
  for (const pipeline of parseShell(source)) {
    const inner = depth < 2 && pipeline.length === 1 ? shellCScripts(effectiveWords(pipeline[0]!))[0] : undefined;
    if (inner) out.push(...pipelinesOf(inner.text, base + inner.offset + (/^['"]/.test(source[inner.offset] ?? '') ? 1 : 0), depth + 1));
    else out.push({ pipeline, source, base });
  }
  return out;
}

/** A file the secret is kept in, and how it got there. */
interface Kept {
  file: string;
  /** How the tool keeps it, for the message; absent for a plain copy. */
  how?: string;
  /** The clone's folder, for a git clone: removing it, or its .git, removes the copy. */
  clone?: string;
}

/**
 * Programs that take a secret as a credential (`curl -u "ci:$TOKEN"`, `wget --header`, a
 * token in the environment of `npm run build` or `go mod download`) and print what they
 * fetch, build or report, not the secret: their output redirected to a file is no copy of it.
 */
const USES_CREDENTIAL =
  /^(?:curl|wget|git|gh|glab|npm|npx|pnpm|yarn|bun|go|make|cmake|mvn|gradle|gradlew|sbt|cargo|rustup|pip|pip3|pipx|uv|poetry|conda|mamba|micromamba|bundle|gem|composer|dotnet|nuget|apk|apt|apt-get|dnf|yum|microdnf|zypper|aws|gcloud|gsutil|az|helm|kubectl|docker|buildah|skopeo|oras|crane|ssh|scp|sftp|rsync|mysql|psql|sentry-cli)$/;

/** Programs that print what they read on their input, transformed: after a command that prints the secret in a pipeline, their output holds it. */
const PIPE_FILTER = /^(?:cat|sed|awk|gawk|mawk|tr|base64|base32|basenc|jq|yq|envsubst|cut|head|tail|sort|uniq|xxd|gzip|gunzip|zcat|iconv|dos2unix|fold|rev|openssl)$/;

/**
 * Whether what a command that reads the secret prints holds it: a command that prints its
 * words or input (echo, printf, cat, sed, envsubst, a script of the project...), not a program
 * that only uses the secret as a credential (USES_CREDENTIAL), nor a command given it only in
 * its environment (`TOKEN=$(cat /run/secrets/t) npm run build > build.log`) other than env and
 * printenv, which print their environment.
 */
function printsSecret(command: ShellCommand, source: string, script: Script, taint: Taint): boolean {
  const program = programOf(command);
  if (program !== undefined && USES_CREDENTIAL.test(program)) return false;
  if (program === 'env' || program === 'printenv') return true;
  return readsSecret(commandReadings({ ...command, assignments: [] }, source, script), taint);
}

/**
 * The folders of the system's trust store (Debian, Alpine and Ubuntu's update-ca-certificates,
 * Red Hat's update-ca-trust, SUSE, Arch): what is copied there is a CA certificate, which is
 * public, mounted as a secret only to keep a company's CA out of the build context.
 */
const TRUST_STORE = /^(?:\/usr\/local\/share\/ca-certificates|\/usr\/share\/ca-certificates|\/etc\/pki\/ca-trust\/source\/anchors|\/etc\/pki\/trust\/anchors|\/usr\/share\/pki\/trust\/anchors|\/etc\/ca-certificates\/trust-source\/anchors|\/etc\/ssl\/certs)\/[^/]+\.(?:crt|pem|cer)$/;

/** The files a command writes the secret into: an output redirection of a command that prints it, cp or install's destination, tee's files after a command that prints it. */
function secretCopies(command: ShellCommand, readerBefore: boolean, reads: boolean, taint: Taint): Kept[] {
  const words = effectiveWords(command);
  const program = programOf(command);
  const operands = words.slice(1).filter((w) => !w.text.startsWith('-')).map((w) => w.text);
  if ((program === 'cp' || program === 'install') && operands.length >= 2 && operands.slice(0, -1).some((o) => taint.paths.includes(o))) return [{ file: operands[operands.length - 1]! }];
  if (program === 'tee' && readerBefore) return operands.map((file) => ({ file }));
  // A filter after a command that prints the secret (`cat /run/secrets/key | base64 -d > /app/key.json`) prints it too, transformed.
  if (!reads && !(readerBefore && program !== undefined && PIPE_FILTER.test(program))) return [];
  return (command.redirects ?? [])
    .filter((r) => (r.op === '>' || r.op === '>>' || r.op === '>|') && (r.fd === undefined || r.fd === '1') && !r.target.text.startsWith('/dev/'))
    .map((r) => ({ file: r.target.text }));
}

/** A URL with credentials in it (`https://$TOKEN@host/repo`, `https://x-access-token:$(cat /run/secrets/gh)@host/`) that holds the secret. */
function credentialUrl(reading: Reading, taint: Taint): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(reading.live.replace(/\$\([^()]*\)|`[^`]*`/g, 'S')) && readsSecret([reading], taint);
}

/** The value of the first of `names` among a command's options (`--file F`, `--location=project`); undefined when none is given. */
function optionValue(words: readonly ShellWord[], names: readonly string[]): string | undefined {
  for (let k = 0; k < words.length; k++) {
    const text = words[k]!.text;
    for (const name of names) {
      if (text === name) return words[k + 1]?.text ?? '';
      if (text.startsWith(`${name}=`)) return text.slice(name.length + 1);
    }
  }
  return undefined;
}

/**
 * The files a tool writes the secret into when it is given it: git keeps a clone's URL, and
 * a remote's, in .git/config and `git config` writes its value to a configuration file; npm,
 * pnpm and yarn write `config set` to their rc files; composer, poetry, bundler, pip and the
 * AWS CLI keep their credentials in their own files; `docker login` and `gh auth login` store
 * the token they read, and so do dotnet nuget, cargo login, helm and gcloud's service account
 * login. Options that only live for the command (`git -c`, an environment
 * variable for one command) are not stored.
 */
function storedByTool(command: ShellCommand, source: string, reads: boolean, readerBefore: boolean, taint: Taint): Kept[] {
  const words = effectiveWords(command);
  const program = programOf(command);
  const texts = (ws: readonly ShellWord[]) => ws.map(readingOf(source));
  const git = gitSubcommand(command);
  if (git) {
    const args = git.args.filter((w) => !w.text.startsWith('-'));
    if (git.name === 'clone') {
      const url = args.findIndex((w) => credentialUrl(readingOf(source)(w), taint));
      if (url < 0) return [];
      const named = args[url + 1]?.text.replace(/(.)\/+$/, '$1');
      const folder = named ?? (/([^/:]+?)(?:\.git)?\/?$/.exec(args[url]!.text)?.[1] ?? '.');
      return [{ file: `${folder}/.git/config`, clone: folder, how: "git clone keeps the URL, token included, as the clone's remote" }];
    }
    if (git.name === 'remote' && /^(?:add|set-url)$/.test(args[0]?.text ?? '') && args.slice(1).some((w) => credentialUrl(readingOf(source)(w), taint)))
      return [{ file: '.git/config', how: 'git remote keeps the URL, token included' }];
    if (git.name === 'config' && !git.args.some((w) => /^--(?:unset|unset-all|remove-section|get|get-all|get-regexp|list|l)$|^-l$/.test(w.text)) && readsSecret(texts(args), taint)) {
      const file = optionValue(git.args, ['--file', '-f']) ?? (git.args.some((w) => w.text === '--global') ? '~/.gitconfig' : git.args.some((w) => w.text === '--system') ? '/etc/gitconfig' : '.git/config');
      return [{ file, how: 'git config writes it to its configuration file' }];
    }
    return [];
  }
  const sub = words.slice(1).filter((w) => !w.text.startsWith('-')).map((w) => w.text);
  if ((program === 'npm' || program === 'pnpm') && ((sub[0] === 'config' || sub[0] === 'c') && sub[1] === 'set' || sub[0] === 'set') && readsSecret(texts(words.slice(1)), taint)) {
    const location = optionValue(words, ['--location', '-L']) ?? (words.some((w) => w.text === '--global' || w.text === '-g') ? 'global' : 'user');
    const file = optionValue(words, ['--userconfig']) ?? (location === 'project' ? '.npmrc' : location === 'global' ? `${program}'s global npmrc` : '~/.npmrc');
    return [{ file, how: `${program} config set writes it to ${program === 'npm' ? 'npm' : 'pnpm'}'s configuration` }];
  }
  if (program === 'yarn' && sub[0] === 'config' && sub[1] === 'set' && readsSecret(texts(words.slice(1)), taint))
    return [{ file: words.some((w) => w.text === '-H' || w.text === '--home') ? '~/.yarnrc.yml' : '.yarnrc.yml (~/.yarnrc for yarn 1)', how: 'yarn config set writes it to its configuration' }];
  if (program === 'composer' && sub[0] === 'config' && readsSecret(texts(words.slice(1)), taint))
    return [{ file: words.some((w) => w.text === '-g' || w.text === '--global') ? '~/.composer/auth.json' : 'auth.json (or composer.json)', how: 'composer config writes it to its configuration' }];
  if (program === 'poetry' && sub[0] === 'config' && !words.some((w) => w.text === '--unset') && readsSecret(texts(words.slice(1)), taint))
    return [{ file: "Poetry's auth.toml", how: 'poetry config keeps credentials in a file where no keyring is running (as in a build)' }];
  if (program === 'bundle' && sub[0] === 'config' && sub[1] !== 'unset' && readsSecret(texts(words.slice(1)), taint))
    return [{ file: words.some((w) => w.text === '--local') ? '.bundle/config' : '~/.bundle/config', how: 'bundle config writes it to its configuration' }];
  if ((program === 'pip' || program === 'pip3') && sub[0] === 'config' && sub[1] === 'set' && readsSecret(texts(words.slice(1)), taint))
    return [{ file: 'pip.conf', how: 'pip config set writes it to its configuration' }];
  if (program === 'aws' && sub[0] === 'configure' && sub[1] === 'set' && readsSecret(texts(words.slice(1)), taint))
    return [{ file: '~/.aws/credentials', how: 'aws configure set writes it to its credentials file' }];
  if (program === 'docker' && sub[0] === 'login' && (reads || (readerBefore && words.some((w) => w.text === '--password-stdin'))))
    return [{ file: '~/.docker/config.json', how: 'docker login stores the credentials it is given' }];
  if (program === 'gh' && sub[0] === 'auth' && sub[1] === 'login' && (reads || readerBefore))
    return [{ file: '~/.config/gh/hosts.yml', how: 'gh auth login stores the token where no keyring is running (as in a build)' }];
  if (program === 'dotnet' && sub[0] === 'nuget' && /^(?:add|update)$/.test(sub[1] ?? '') && sub[2] === 'source' && readsSecret(texts(words.slice(1)), taint))
    return [{ file: optionValue(words, ['--configfile']) ?? '~/.nuget/NuGet/NuGet.Config', how: 'dotnet nuget keeps the password of a source in its NuGet.Config' }];
  if (program === 'cargo' && sub[0] === 'login' && (reads || readerBefore))
    return [{ file: '~/.cargo/credentials.toml', how: 'cargo login stores the token' }];
  if (program === 'helm' && ((sub[0] === 'repo' && sub[1] === 'add') || (sub[0] === 'registry' && sub[1] === 'login')) && (reads || (readerBefore && words.some((w) => w.text === '--password-stdin'))))
    return [{ file: sub[0] === 'repo' ? '~/.config/helm/repositories.yaml' : '~/.config/helm/registry/config.json', how: `helm ${sub[0]} ${sub[1]} stores the credentials` }];
  if (program === 'gcloud' && sub[0] === 'auth' && sub[1] === 'activate-service-account' && (reads || words.some((w) => taint.paths.some((p) => w.text === `--key-file=${p}`))))
    return [{ file: '~/.config/gcloud', how: "gcloud auth activate-service-account copies the key into gcloud's configuration" }];
  return [];
}

/** `~`, `$HOME`, `${HOME}` and /root (the build's default user) as one home folder; no leading `./`, no trailing `/`. */
const home = (path: string) =>
  path
    .replace(/^(?:~|\$\{?HOME\}?|\/root)(?=\/|$)/, '~')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '');

/** Whether `rm OPERAND` removes the kept file: the file, a folder that holds it (also named from another working folder), or for a clone its .git. */
function removes(operand: string, kept: Kept): boolean {
  const o = home(operand);
  const f = home(kept.file);
  if (o === '' || o === '~' || o === '.') return false;
  if (f === o || f.startsWith(`${o}/`)) return true;
  if (o.endsWith('*') && f.startsWith(o.slice(0, -1))) return true;
  if (kept.clone !== undefined && /(?:^|\/)\.git$/.test(o)) return true;
  // A relative file removed by a longer path (after cd, under a WORKDIR): /tmp/lib removes lib/.git/config.
  if (f.startsWith('/') || f.startsWith('~')) return false;
  const parts = f.split('/');
  return parts.some((_, k) => o.endsWith(`/${parts.slice(0, k + 1).join('/')}`));
}

/** Whether a later command undoes what a tool kept: rm of the file, or the tool's own unset, delete or logout. */
function undoes(command: ShellCommand, kept: Kept): boolean {
  const program = programOf(command);
  const words = effectiveWords(command);
  if (program === 'rm' || program === 'shred' || program === 'unlink') return words.slice(1).some((w) => !w.text.startsWith('-') && removes(w.text, kept));
  // `find /opt -name .git -prune -exec rm -rf {} +`, `find . -name .git | xargs rm -rf`: the clones' .git folders.
  if (program === 'find') return kept.clone !== undefined && words.some((w) => w.text === '.git');
  if (kept.how === undefined) return false;
  const git = gitSubcommand(command);
  if (git) {
    if (git.name === 'config') return git.args.some((w) => /^--(?:unset|unset-all|remove-section)$/.test(w.text));
    return git.name === 'remote' && /^(?:remove|rm|set-url)$/.test(git.args.find((w) => !w.text.startsWith('-'))?.text ?? '');
  }
  const sub = words.slice(1).filter((w) => !w.text.startsWith('-')).map((w) => w.text);
  if (program === 'npm' || program === 'pnpm') return (sub[0] === 'config' || sub[0] === 'c') && /^(?:delete|rm)$/.test(sub[1] ?? '');
  if (program === 'yarn') return sub[0] === 'config' && /^(?:unset|delete)$/.test(sub[1] ?? '');
  if (program === 'composer' || program === 'poetry') return sub[0] === 'config' && words.some((w) => w.text === '--unset');
  if (program === 'bundle') return sub[0] === 'config' && sub[1] === 'unset';
  if (program === 'docker') return sub[0] === 'logout';
  if (program === 'gh') return sub[0] === 'auth' && sub[1] === 'logout';
  if (program === 'dotnet') return sub[0] === 'nuget' && sub[1] === 'remove' && sub[2] === 'source';
  if (program === 'cargo') return sub[0] === 'logout';
  if (program === 'helm') return (sub[0] === 'repo' && /^(?:remove|rm)$/.test(sub[1] ?? '')) || (sub[0] === 'registry' && sub[1] === 'logout');
  if (program === 'gcloud') return sub[0] === 'auth' && sub[1] === 'revoke';
  return false;
}

export const buildSecretPersisted = dockerRule({
  id: 'iac/dockerfile-build-secret-persisted',
  title: 'Build secret written into the image',
  description:
    "A RUN mounts a BuildKit secret (--mount=type=secret, as a file or with env= as a variable) and then writes it into the image's file system, and does not remove what it wrote in the same RUN. It redirects a command that prints the secret (the file, a variable set from it, or after sourcing a secret file with `. /run/secrets/env`, a secret-like variable nothing else in the Dockerfile sets: echo, cat, printf, sed, a script of its own; printenv with the variable's name, or printenv or env alone, when the variable is in the environment, as an env= mount's or an exported one is; not a program that only uses it as a credential and prints what it fetches or builds, as curl -u, wget --header or npm run build with the token in its environment do), or a filter it pipes the secret to (base64 -d, sed, jq), into another file, copies the file out of the mount (cp, install), or passes it through tee; or it gives the secret to a tool that stores it: `git clone https://$TOKEN@host/repo` keeps the URL, token included, in the clone's .git/config; `git config url.\"https://$TOKEN@host/\".insteadOf` writes ~/.gitconfig or .git/config; `npm config set //host/:_authToken=...` writes ~/.npmrc; yarn, pnpm, composer, poetry, bundler, pip, the AWS CLI, `dotnet nuget add source --password`, `cargo login`, `helm repo add --password`, `helm registry login`, `gcloud auth activate-service-account --key-file`, `docker login` and `gh auth login` keep theirs in their own files. The secret mount exists only while the RUN runs; the copy is kept in the layer, so everyone who pulls the image (or reads the build cache) reads the secret, which defeats the secret mount. Options that live only for one command (`git -c http.extraheader=...`, a variable given to one command) and a secret mounted where the tool reads it (`--mount=type=secret,id=npmrc,target=/root/.npmrc`) are not stored. A CA certificate copied into the system's trust store (/usr/local/share/ca-certificates/*.crt, /etc/pki/ca-trust/source/anchors/) is not reported: a certificate is public. Only stages the shipped image is built from are judged.",
  remediation:
    "Use the secret where it is mounted (mount it at the path the tool reads, `--mount=type=secret,id=npmrc,target=/root/.npmrc`, or read it into a variable for one command), pass credentials to git for one command (`git -c http.extraheader=\"Authorization: ...\" clone`), or remove what was written in the same RUN (`rm -rf repo/.git`, `git config --global --unset ...`, `npm config delete ...`); if the application needs it at run time, give it at run time (a mounted secret, an environment variable from a secret store).",
  severity: 'high',
  cwe: ['CWE-312', 'CWE-538'],
  examples: {
    positive: [
      'FROM debian:12-slim\n# expect\nRUN --mount=type=secret,id=db_password \\\n    # detail\n    echo "password=$(cat /run/secrets/db_password)" > /etc/app/db.conf\nUSER app\n',
      'FROM node:20.11-alpine\n# expect\nRUN --mount=type=secret,id=npmrc,target=/tmp/npmrc cp /tmp/npmrc /root/.npmrc && npm ci\nUSER node\n',
      // Through a variable set from the secret.
      'FROM alpine:3.20\n# expect\nRUN --mount=type=secret,id=api_key \\\n    export API_KEY=$(cat /run/secrets/api_key) && \\\n    # detail\n    echo $API_KEY >> /app/key.txt\nUSER app\n',
      // A sourced secret file, then one of its variables written out.
      'FROM python:3.12-slim\n# expect\nRUN --mount=type=secret,id=env \\\n    set -a && . /run/secrets/env && set +a && \\\n    # detail\n    printf "DATABASE_PASSWORD=%s\\n" "$DB_PASSWORD" > /app/.env\nUSER app\n',
      'FROM python:3.12-slim\n# expect\nRUN --mount=type=secret,id=env \\\n    export $(grep -v "^#" /run/secrets/env | xargs) && \\\n    # detail\n    cat <<EOF > /app/settings.ini\n[db]\npassword = ${POSTGRES_PASSWORD}\nEOF\nUSER app\n',
      // A git clone keeps its URL, token included, in .git/config.
      'FROM alpine:3.20\n# expect\nRUN --mount=type=secret,id=gh \\\n    # detail\n    git clone https://x-access-token:$(cat /run/secrets/gh)@github.com/acme/tools.git /opt/tools && \\\n    make -C /opt/tools install\nUSER app\n',
      'FROM alpine:3.20\n# expect\nRUN --mount=type=secret,id=gh,env=GH_TOKEN git clone --depth 1 "https://${GH_TOKEN}@git.example.org/acme/lib.git"\nUSER app\n',
      // A tool configuration written with the token.
      'FROM golang:1.22\n# expect\nRUN --mount=type=secret,id=gh \\\n    # detail\n    git config --global url."https://x-access-token:$(cat /run/secrets/gh)@github.com/".insteadOf "https://github.com/" && \\\n    go mod download\nUSER app\n',
      'FROM node:20.11-alpine\n# expect\nRUN --mount=type=secret,id=npm sh -c \'npm config set //npm.example.org/:_authToken=$(cat /run/secrets/npm) && npm ci\'\nUSER node\n',
      'FROM debian:12-slim\n# expect\nRUN --mount=type=secret,id=token,env=TOKEN echo "machine git.example.org login ci password $TOKEN" > ~/.netrc && git clone https://git.example.org/acme/app.git\nUSER app\n',
      // A filter after a command that prints the secret, in the same pipeline.
      'FROM alpine:3.20\n# expect\nRUN --mount=type=secret,id=gcp cat /run/secrets/gcp | base64 -d > /app/service-account.json\nUSER app\n',
      // A program that prints what it reads from the secret file (tar -O, unzip -p) writes the secret too.
      'FROM alpine:3.20\n# expect\nRUN --mount=type=secret,id=bundle tar -xOf /run/secrets/bundle certs/key.pem > /etc/app/key.pem\nUSER app\n',
      // The variable of an env= mount, printed by name or with the whole environment.
      'FROM alpine:3.20\n# expect\nRUN --mount=type=secret,id=token,env=TOKEN printenv TOKEN > /app/token\nUSER app\n',
      'FROM alpine:3.20\n# expect\nRUN --mount=type=secret,id=token,env=TOKEN env > /app/.env\nUSER app\n',
      'FROM mcr.microsoft.com/dotnet/sdk:8.0\n# expect\nRUN --mount=type=secret,id=nuget dotnet nuget add source https://nuget.example.org/v3/index.json --name acme --username ci --password "$(cat /run/secrets/nuget)" --store-password-in-clear-text && dotnet restore\nUSER app\n',
    ],
    negative: [
      // Used in place, or copied and removed in the same RUN.
      'FROM node:20.11-alpine\nRUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci\nRUN --mount=type=secret,id=npm_token export NPM_TOKEN=$(cat /run/secrets/npm_token) && npm ci > /tmp/npm.log && echo done > /tmp/status\nRUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc && npm ci && rm -f /root/.npmrc\nRUN --mount=type=secret,id=key cat /run/secrets/key > /dev/null\nUSER node\n',
      // A builder stage whose files do not ship.
      'FROM golang:1.22 AS build\nRUN --mount=type=secret,id=netrc,target=/root/.netrc cp /root/.netrc /tmp/netrc-copy && go build -o /app ./cmd/app\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nUSER nonroot\n',
      // The clone's .git removed, the configuration undone, or the token given for one command only.
      'FROM alpine:3.20\nRUN --mount=type=secret,id=gh git clone https://x-access-token:$(cat /run/secrets/gh)@github.com/acme/tools.git /opt/tools && make -C /opt/tools install && rm -rf /opt/tools/.git\nRUN --mount=type=secret,id=gh cd /tmp && git clone https://$(cat /run/secrets/gh)@github.com/acme/lib.git && make -C lib install && rm -rf /tmp/lib\nRUN --mount=type=secret,id=gh git -c http.extraheader="Authorization: Bearer $(cat /run/secrets/gh)" clone https://github.com/acme/app.git /app\nUSER app\n',
      'FROM golang:1.22\nRUN --mount=type=secret,id=gh git config --global url."https://x-access-token:$(cat /run/secrets/gh)@github.com/".insteadOf "https://github.com/" && go mod download && git config --global --unset url."https://x-access-token:$(cat /run/secrets/gh)@github.com/".insteadOf\nRUN --mount=type=secret,id=gh git config --global url."https://$(cat /run/secrets/gh)@github.com/".insteadOf ssh://git@github.com/ && go mod download && rm -f /root/.gitconfig\nRUN --mount=type=secret,id=npm npm config set //npm.example.org/:_authToken=$(cat /run/secrets/npm) && npm ci && npm config delete //npm.example.org/:_authToken\nUSER app\n',
      'FROM alpine:3.20\nRUN --mount=type=secret,id=gh git clone --depth 1 https://$(cat /run/secrets/gh)@github.com/acme/site.git /srv/site && find /srv -name .git -prune -exec rm -rf {} +\nUSER app\n',
      'FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN --mount=type=secret,id=nuget dotnet nuget add source https://nuget.example.org/v3/index.json --name acme --username ci --password "$(cat /run/secrets/nuget)" --store-password-in-clear-text && dotnet restore && dotnet nuget remove source acme\nUSER app\n',
      // A credential helper that reads the mounted file when git runs: what is stored is the command, not the token.
      "FROM golang:1.22\nRUN --mount=type=secret,id=gh git config --global credential.helper '!f() { echo username=x; echo \"password=$(cat /run/secrets/gh)\"; }; f' && go mod download\nUSER app\n",
      // The secret mounted where the tool reads it; a sourced file whose variables are only used by a command.
      'FROM node:20.11-alpine\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nRUN --mount=type=secret,id=env . /run/secrets/env && npm run build > /tmp/build.log && echo "$NODE_VERSION" > /app/node-version\nUSER node\n',
      // A company's CA certificate, mounted as a secret, put in the trust store: a certificate is public.
      'FROM debian:12-slim\nRUN --mount=type=secret,id=corp_ca cp /run/secrets/corp_ca /usr/local/share/ca-certificates/corp-ca.crt && update-ca-certificates\nRUN --mount=type=secret,id=corp_ca,target=/tmp/ca.pem cat /tmp/ca.pem > /etc/pki/ca-trust/source/anchors/corp.pem\nUSER app\n',
      // What a pipeline writes after the secret is only its size, or what a tool that used it printed.
      'FROM alpine:3.20\nRUN --mount=type=secret,id=key cat /run/secrets/key | wc -c > /tmp/key-length\nRUN --mount=type=secret,id=key cat /run/secrets/key | docker login -u ci --password-stdin registry.example.org > /tmp/login.log && docker logout registry.example.org\nUSER app\n',
      // printenv of a variable that is not the secret, or of one not exported (printenv prints nothing for it).
      'FROM alpine:3.20\nRUN --mount=type=secret,id=token,env=TOKEN printenv HOME > /app/home\nRUN --mount=type=secret,id=key KEY=$(cat /run/secrets/key) && printenv KEY > /app/key\nRUN --mount=type=secret,id=token,env=TOKEN env --unset=TOKEN > /app/env\nRUN --mount=type=secret,id=token,env=TOKEN env -u TOKEN > /app/env2\nUSER app\n',
      // The secret used as a credential: what is written is what the program fetched or built.
      'FROM node:20.11-alpine\nRUN --mount=type=secret,id=token,env=TOKEN curl -fsSL -u "ci:$TOKEN" https://files.example.org/data.json > /app/data.json\nRUN --mount=type=secret,id=sentry SENTRY_AUTH_TOKEN=$(cat /run/secrets/sentry) npm run build > /tmp/build.log 2>&1\nRUN --mount=type=secret,id=token curl -fsS -H "Authorization: Bearer $(cat /run/secrets/token)" https://api.example.org/config | tee /app/config.json\nUSER node\n',
    ],
  },
  *check(input) {
    const shipped = finalStage(input.file);
    const stages = new Set(shipped ? stageChain(input, shipped).map((s) => s.index) : []);
    const declared = new Set([...input.file.instructions].filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV').flatMap((i) => keyValues(i).map(([name]) => name)));
    for (const instruction of instructionsOf(input.file, 'RUN')) {
      if (!stages.has(instruction.stage)) continue;
      const mounts = secretMounts(instruction);
      if (mounts.paths.length === 0 && mounts.variables.length === 0) continue;
      for (const script of scriptsOf(instruction)) {
        const located = pipelinesOf(script.text);
        const commands = located.flatMap((l) => l.pipeline);
        const taint: Taint = { paths: mounts.paths, variables: new Set(mounts.variables), environment: new Set(mounts.variables), sourced: false, known: new Set([...declared, ...assignedNames(commands, script.text)]) };
        const copies: Array<Kept & { offset: number; index: number }> = [];
        let index = 0;
        for (const { pipeline, source, base } of located) {
          let reader = false;
          for (const command of pipeline) {
            const environment = printsEnvironment(command, taint);
            const reads = environment || readsSecret(commandReadings(command, source, script), taint);
            const prints = environment || (reads && printsSecret(command, source, script, taint));
            for (const kept of [...secretCopies(command, reader, prints, taint), ...storedByTool(command, source, reads, reader, taint)]) copies.push({ ...kept, offset: base + command.offset, index });
            reader ||= prints;
            for (const name of secretVariables(command, source, taint)) {
              taint.variables.add(name);
              if (programOf(command) === 'export') taint.environment.add(name);
            }
            taint.sourced ||= sourcesSecret(command, source, taint);
            index++;
          }
        }
        // A copy removed later in the same RUN (the file, or a folder that holds it), or undone by its tool, is not kept; nor is a CA certificate put in the trust store, which is public.
        const kept = copies.find((copy) => !TRUST_STORE.test(copy.file) && !commands.slice(copy.index + 1).some((c) => undoes(c, copy)));
        if (!kept) continue;
        const how = kept.how ? ` (${kept.how})` : '';
        yield {
          ...at(instruction, script.line(kept.offset)),
          message: kept.how ? `RUN stores its build secret in ${kept.file}${how}, which stays in the image layer: everyone who pulls the image reads it.` : `RUN writes the content of its build secret into ${kept.file}, which stays in the image layer: everyone who pulls the image reads it.`,
          resource: kept.file,
        };
        break;
      }
    }
  },
});
