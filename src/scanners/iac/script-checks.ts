import { downloadRuns } from './downloads.js';
import { parsePowerShell, powerShellString } from './powershell.js';
import { parseScript, type ScriptDialect } from './script-dialect.js';
import type { LocalScript, ScriptJudgement } from './rule.js';
import { isLiteralSecretValue } from './secret-names.js';
import { basename, effectiveWords, joinContinuations, parseShell, pipeToShellSites, PLAIN_HTTP_PIPE_NOTE, programOf, shellCScripts, type ShellCommand, type ShellWord } from './shell.js';

/**
 * Patterns over shell scripts shared by the Dockerfile, GitHub Actions and GitLab CI
 * rules: switches that turn off TLS certificate or package signature checks, registry
 * logins given their password as an argument, and what a script prints to the job log
 * (the whole environment, echoed values).
 */
export interface ScriptPattern {
  pattern: RegExp;
  what: string;
}

export const TLS_DISABLED: readonly ScriptPattern[] = [
  { pattern: /\bcurl\b[^|;&\n]*?\s(?:-k|--insecure|-[a-zA-Z]*k[a-zA-Z]*)(?=\s|$)/, what: 'curl --insecure' },
  { pattern: /\bwget\b[^|;&\n]*?\s--no-check-certificate\b/, what: 'wget --no-check-certificate' },
  { pattern: /\b(?:pip3?|python3?\s+-m\s+pip|pipenv|poetry)\b[^|;&\n]*?\s--trusted-host\b/, what: 'pip --trusted-host' },
  { pattern: /\b(?:npm|yarn|pnpm)\b[^|;&\n]*?(?:strict-ssl\s*(?:=\s*)?false|--strict-ssl[= ]false)/, what: 'npm strict-ssl false' },
  { pattern: /\bgit\b[^|;&\n]*?http\.sslverify\s*(?:=\s*|\s+)false/i, what: 'git http.sslVerify false' },
  { pattern: /(?<![eE][nN][vV]:)\bGIT_SSL_NO_VERIFY=(?:1|true)\b/i, what: 'GIT_SSL_NO_VERIFY' },
  { pattern: /(?<![eE][nN][vV]:)\bNODE_TLS_REJECT_UNAUTHORIZED=["']?0\b/, what: 'NODE_TLS_REJECT_UNAUTHORIZED=0' },
  { pattern: /(?<![eE][nN][vV]:)\bPYTHONHTTPSVERIFY=["']?0\b/, what: 'PYTHONHTTPSVERIFY=0' },
  { pattern: /\bsslverify\s*=\s*(?:0|false|no)\b/i, what: 'sslverify=0 in a package manager config' },
  { pattern: /\bcomposer\b[^|;&\n]*?(?:secure-http\s+false|disable-tls\s+true)/, what: 'composer secure-http false' },
  { pattern: /\bgem\b[^|;&\n]*?-P\s+NoSecurity\b/, what: 'gem -P NoSecurity' },
];

/**
 * The same switches as PowerShell writes them: only PowerShell reads them (verificationOff).
 * In a POSIX shell `$env:GIT_SSL_NO_VERIFY` is `$env` followed by text, and a line that sets it runs a command named after its value.
 */
export const POWERSHELL_TLS_DISABLED: readonly ScriptPattern[] = [
  // The variables set in PowerShell (`$env:GIT_SSL_NO_VERIFY = "true"`).
  { pattern: /\$env:GIT_SSL_NO_VERIFY\s*=\s*["']?(?:1|true)\b/i, what: 'GIT_SSL_NO_VERIFY' },
  { pattern: /\$env:NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*["']?0\b/i, what: 'NODE_TLS_REJECT_UNAUTHORIZED=0' },
  { pattern: /\$env:PYTHONHTTPSVERIFY\s*=\s*["']?0\b/i, what: 'PYTHONHTTPSVERIFY=0' },
  // A web cmdlet told to skip the check, or every certificate accepted for the session.
  { pattern: /\b(?:Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b[^|;\n]*?\s-SkipCertificateCheck\b/i, what: 'Invoke-WebRequest -SkipCertificateCheck' },
  { pattern: /\bServerCertificateValidationCallback\s*=\s*\{\s*\$true\s*\}/i, what: 'a ServerCertificateValidationCallback that accepts every certificate' },
];

const POWERSHELL_PROGRAM = /^(?:pwsh|powershell)(?:\.exe)?$/i;

/**
 * Certificate or signature verification turned off in a script, as its shell reads it: the
 * POSIX patterns everywhere, PowerShell's (POWERSHELL_TLS_DISABLED) in a PowerShell script
 * or, in a POSIX one, only inside a command that runs PowerShell (`pwsh -Command "..."`,
 * `pwsh <<EOF`), whose text PowerShell reads. `around` is the text of the scripts of its job,
 * where a fingerprint check of a key fetched over http may be.
 */
export function verificationOff(script: string, dialect: ScriptDialect, around = script): Array<{ offset: number; what: string }> {
  const common = [...scriptMatches(script, [...TLS_DISABLED, ...SIGNATURE_DISABLED]), ...plainHttpKeys(script, around)].sort((a, b) => a.offset - b.offset);
  const own = scriptMatches(script, POWERSHELL_TLS_DISABLED);
  if (own.length === 0 || dialect === 'powershell') return [...common, ...own].sort((a, b) => a.offset - b.offset);
  const commands = parseShell(script).flat();
  const spans = commands.flatMap((command, k) => {
    if (!POWERSHELL_PROGRAM.test(basename(programOf(command) ?? ''))) return [];
    const end = commands[k + 1]?.offset ?? script.length;
    return [[command.offset, end] as const, ...(command.heredocs ?? []).map((doc) => [doc.start, doc.end] as const)];
  });
  const read = own.filter((hit) => spans.some(([from, to]) => hit.offset >= from && hit.offset < to));
  return [...common, ...read].sort((a, b) => a.offset - b.offset);
}

/**
 * An apt repository on the machine itself marked [trusted=yes] (`deb [trusted=yes]
 * file:///tmp/repo ./`): the usual way to install packages just built from source, which
 * carry no signature. No network lies between, so no mirror can swap them; what they hold
 * is as good as how they were made, which the download rules judge.
 */
export const LOCAL_TRUSTED_APT_SOURCE = /\[\s*(?:[^\]]*\s)?trusted=yes\b[^\]]*\]\s*(?:file|copy|cdrom):/;

export const SIGNATURE_DISABLED: readonly ScriptPattern[] = [
  { pattern: /--allow-unauthenticated\b/, what: 'apt --allow-unauthenticated' },
  { pattern: /--allow-insecure-repositories\b/, what: 'apt --allow-insecure-repositories' },
  { pattern: /AllowUnauthenticated\s*[= ]\s*["']?(?:true|1|yes)\b/i, what: 'APT::Get::AllowUnauthenticated' },
  // A source on the machine itself (file:, copy:, cdrom:) is LOCAL_TRUSTED_APT_SOURCE.
  { pattern: /\[\s*(?:[^\]]*\s)?trusted=yes\b[^\]]*\](?!\s*(?:file|copy|cdrom):)/, what: 'an apt source marked [trusted=yes]' },
  { pattern: /--nogpgcheck\b/, what: 'yum/dnf --nogpgcheck' },
  { pattern: /\bgpgcheck\s*=\s*0\b/, what: 'gpgcheck=0' },
  // `apk index --allow-untrusted` only reads unsigned packages to write an index (signed
  // next with abuild-sign, as nginx's Alpine images do); it installs nothing.
  { pattern: /\bapk\b(?![^|;&\n]*?\sindex\b)[^|;&\n]*?--allow-untrusted\b/, what: 'apk --allow-untrusted' },
  { pattern: /\brpm\b[^|;&\n]*?--no(?:signature|digest)\b/, what: 'rpm --nosignature' },
  { pattern: /\bzypper\b[^|;&\n]*?--no-gpg-checks\b/, what: 'zypper --no-gpg-checks' },
];

/** A plain http:// URL to another machine, and the places a trusted package signing key is kept (apt's keyrings, rpm's key folder). */
const HTTP = String.raw`\bhttp://(?!(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?:[:/"'\s]|$))`;
const KEYRING = String.raw`(?:/etc/apt/trusted\.gpg|/etc/apt/keyrings/|/usr/share/keyrings/|/etc/pki/rpm-gpg/)`;
const TRUSTED_HTTP_KEY = 'trusting a package signing key fetched over plain http:// (anyone on the network path can sign the packages installed later)';

/**
 * A package signing key fetched over plain http:// and installed as trusted
 * (`wget -qO - http://... | apt-key add -`, `| gpg --dearmor -o /usr/share/keyrings/x.gpg`,
 * `rpm --import http://...`): whoever can change the key on the way signs every package
 * installed after it, as if signature checks were off. A key fetched over https is the
 * normal install path; one fetched by fingerprint (`--recv-keys <fingerprint>`) is not fetched by URL.
 */
export const PLAIN_HTTP_KEY_TRUSTED: readonly ScriptPattern[] = [
  // Piped into apt-key, or through gpg --dearmor or tee into a keyring.
  { pattern: new RegExp(String.raw`\b(?:curl|wget)\b[^|;&\n]*?${HTTP}[^|;&\n]*\|[^;&\n]*?(?:\bapt-key\s+add\b|${KEYRING}|\brpm(?:keys)?\s+--import\b)`), what: TRUSTED_HTTP_KEY },
  // Saved straight into a keyring.
  { pattern: new RegExp(String.raw`\b(?:curl|wget)\b(?=[^|;&\n]*?${HTTP})(?=[^|;&\n]*?${KEYRING})`), what: TRUSTED_HTTP_KEY },
  { pattern: new RegExp(String.raw`\brpm(?:keys)?\b[^|;&\n]*?\s--import\s[^|;&\n]*?${HTTP}`), what: TRUSTED_HTTP_KEY },
  { pattern: new RegExp(String.raw`\bapt-key\b[^|;&\n]*?\s--fetch-keys\s+["']?${HTTP}`), what: TRUSTED_HTTP_KEY },
];

/** A script that checks a key's fingerprint or a signature itself: what it trusts is checked after the fetch. */
const CHECKS_FINGERPRINT = /\bgpg2?\b[^\n]*?\s--(?:with-)?fingerprint\b|\bgpg2?\b[^\n]*?\s--verify\b|\bgpgv\b/;

/**
 * The trusted keys of a script fetched over plain http (PLAIN_HTTP_KEY_TRUSTED, keyIdsOverPlainHkp),
 * unless it or the scripts `around` it (its job's) check a fingerprint. `keyId` names a key fetched by its id.
 */
export function plainHttpKeys(script: string, around = script): Array<{ offset: number; what: string; keyId?: string }> {
  if (CHECKS_FINGERPRINT.test(joinContinuations(around))) return [];
  const byUrl = scriptMatches(script, PLAIN_HTTP_KEY_TRUSTED).filter((hit, k, all) => all[k - 1]?.offset !== hit.offset);
  return [...byUrl, ...keyIdsOverPlainHkp(script)].sort((a, b) => a.offset - b.offset);
}

/** A keyserver reached in plain text: hkp:// (on any port) or http://, or a name with no scheme, which gpg reads as hkp. */
const PLAIN_KEYSERVER = /^(?:(?:hkp|http):\/\/)?[a-z0-9][a-z0-9.-]*(?::\d+)?\/?$/i;
/** gpg's options that take the next word as their value, among those given with a key fetch. */
const GPG_VALUE_OPTION = /^--(?:keyserver|keyserver-options|keyring|primary-keyring|homedir|trustdb-name|options)$/;

/**
 * Package signing keys fetched from a keyserver in plain text by their key id, not their full
 * fingerprint, and trusted: `apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys
 * 7EA0A9C3`, or gpg into an apt keyring (`gpg --no-default-keyring --keyring
 * /usr/share/keyrings/x.gpg --keyserver ... --recv-keys ...`). gpg keeps only the keys that
 * match what was asked for: a full 40-hex fingerprint pins the key whatever the transport; a
 * short (8-hex) or long (16-hex) id is matched by any key made to carry it, which whoever is on
 * the network path can hand over. Ids held in variables are not known here.
 */
function keyIdsOverPlainHkp(script: string): Array<{ offset: number; what: string; keyId: string }> {
  if (!/--rec(?:v|eive)/.test(script)) return [];
  const out: Array<{ offset: number; what: string; keyId: string }> = [];
  for (const command of parseShell(script).flat()) {
    const words = effectiveWords(command).map((w) => w.text);
    const program = basename(words[0] ?? '');
    const gpg = program === 'gpg' || program === 'gpg2';
    if (!(program === 'apt-key' && words.includes('adv')) && !gpg) continue;
    let keyserver: string | undefined;
    let keyring: string | undefined;
    let receives = false;
    const ids: string[] = [];
    for (let k = 1; k < words.length; k++) {
      const [, option = words[k]!, inline] = /^(--[\w-]+)=(.*)$/s.exec(words[k]!) ?? [];
      if (GPG_VALUE_OPTION.test(option)) {
        const value = inline ?? words[++k] ?? '';
        if (option === '--keyserver') keyserver = value;
        else if (option === '--keyring' || option === '--primary-keyring') keyring = value;
      } else if (/^--(?:recv(?:-keys?)?|receive-keys)$/.test(option)) receives = true;
      else if (receives && !option.startsWith('-')) ids.push(option);
    }
    if (!receives || keyserver === undefined || !PLAIN_KEYSERVER.test(keyserver)) continue;
    if (gpg && !new RegExp(`^${KEYRING}`).test(keyring ?? '')) continue;
    const id = ids.map((w) => w.replace(/\s+/g, '')).find((w) => /^(?:0x)?(?:[0-9a-f]{8}|[0-9a-f]{16})$/i.test(w));
    if (id === undefined) continue;
    out.push({ offset: command.offset, what: `trusting a package signing key fetched over plain HKP from ${keyserver} by its key id ${id}, not its full fingerprint (anyone on the network path can hand over a key of their own made to carry that id, and sign the packages installed later)`, keyId: id });
  }
  return out;
}

/** Every match of the patterns in a script, with its offset; a command continued over several lines is read as one line. */
export function scriptMatches(script: string, patterns: readonly ScriptPattern[]): Array<{ offset: number; what: string }> {
  const out: Array<{ offset: number; what: string }> = [];
  const text = joinContinuations(script);
  for (const { pattern, what } of patterns) {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (const match of text.matchAll(global)) out.push({ offset: match.index, what });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * Commands that take a registry password as an option and also have a safer way in
 * (standard input or an environment variable): the program, its subcommand, and whether
 * `-p` is the password's short option.
 */
interface LoginCommand {
  words: readonly string[];
  shortP: boolean;
}
const LOGIN_TOOLS: Record<string, readonly LoginCommand[]> = {
  docker: [{ words: ['login'], shortP: true }],
  podman: [{ words: ['login'], shortP: true }],
  nerdctl: [{ words: ['login'], shortP: true }],
  buildah: [{ words: ['login'], shortP: true }],
  skopeo: [{ words: ['login'], shortP: true }],
  oras: [{ words: ['login'], shortP: true }],
  ko: [{ words: ['login'], shortP: true }],
  cosign: [{ words: ['login'], shortP: true }],
  regctl: [{ words: ['registry', 'login'], shortP: true }],
  helm: [
    { words: ['registry', 'login'], shortP: true },
    { words: ['repo', 'add'], shortP: false },
  ],
  crane: [{ words: ['auth', 'login'], shortP: true }],
  az: [{ words: ['acr', 'login'], shortP: true }],
  twine: [{ words: ['upload'], shortP: true }],
};

export interface PasswordArgument {
  /** Offset of the password option in the script. */
  offset: number;
  /** `docker login`, `helm registry login`... */
  tool: string;
  /** The option as written: `-p`, `--password`. */
  option: string;
  /** The password word, quotes removed (`$REGISTRY_PASSWORD`, or a literal). */
  value: string;
}

/**
 * Registry logins that take the password as an argument (`docker login -p "$PASS"`,
 * `--password=$PASS`) instead of on stdin (`--password-stdin`): the expanded password
 * is in the command line, which every process of the machine can read (`ps`,
 * /proc/PID/cmdline) and which shell tracing prints.
 */
export function passwordArguments(script: string, dialect: ScriptDialect = 'posix', depth = 0): PasswordArgument[] {
  const out: PasswordArgument[] = [];
  for (const command of parseScript(script, dialect).flat()) {
    const words = effectiveWords(command);
    if (dialect === 'posix' && depth < 3) out.push(...innerPasswordArguments(script, words, depth));
    const program = words[0] ? basename(words[0].text) : undefined;
    // Global options may come before the subcommand (`docker --config dir login`).
    const startOf = (login: LoginCommand) => words.findIndex((w, k) => k > 0 && login.words.every((part, j) => words[k + j]?.text === part));
    const login = program === undefined ? undefined : LOGIN_TOOLS[program]?.find((l) => startOf(l) > 0 && startOf(l) <= 3);
    if (!login) continue;
    const subcommand = login.words;
    const args = words.slice(startOf(login) + subcommand.length);
    for (let k = 0; k < args.length; k++) {
      const word = args[k]!.text;
      if (word === '--') break;
      const inline = (login.shortP ? /^(?:--password=|-p(?=.))(.*)$/s : /^--password=(.*)$/s).exec(word);
      const separate = (login.shortP && word === '-p') || word === '--password';
      if (!inline && !separate) continue;
      const value = inline ? inline[1]! : args[k + 1]?.text;
      if (value === undefined || value === '') continue;
      out.push({ offset: args[k]!.offset, tool: `${program} ${subcommand.join(' ')}`, option: separate ? word : word.startsWith('--') ? '--password' : '-p', value });
      break;
    }
  }
  return out;
}

/**
 * The password arguments of the script a command hands to a shell with `-c`, itself or
 * after a wrapper (`bash -c "docker login -p $PASS"`, `docker run image bash -c "..."`, as
 * goreleaser's release container is often run): that shell's command line holds the
 * password as well. Offsets point into the inner script where its text is written as is
 * (quoted, with no escapes), and at the script's word otherwise.
 */
function innerPasswordArguments(script: string, words: readonly ShellWord[], depth: number): PasswordArgument[] {
  for (const word of shellCScripts(words, true)) {
    if (!/\b(?:login|upload|add)\b/.test(word.text)) continue;
    const asWritten = /^["']/.test(script[word.offset] ?? '') && script.startsWith(word.text, word.offset + 1);
    return passwordArguments(word.text, 'posix', depth + 1).map((found) => ({ ...found, offset: asWritten ? word.offset + 1 + found.offset : word.offset }));
  }
  return [];
}

/**
 * How to give a tool its password without the command line: its stdin option, twine's
 * environment variable, an Azure CLI session for az acr login, and on GitHub Actions
 * docker/login-action for docker login.
 */
export function passwordFix(found: PasswordArgument, platform: 'github' | 'gitlab'): string {
  if (found.tool === 'twine upload') return 'set TWINE_PASSWORD in the environment instead (or publish with trusted publishing)';
  if (found.tool === 'az acr login') return 'sign in with az login (a service principal or workload identity) first, after which az acr login needs no password';
  if (platform === 'github' && found.tool === 'docker login') return 'use docker/login-action, or pipe it to --password-stdin';
  return 'pipe it to --password-stdin';
}

/**
 * A registry password given as an argument in a local script that a job runs (the GitLab
 * CI and GitHub Actions rules judge it alike, with the fixes of their platform; a script
 * both platforms run gets one finding). A literal password is high and redacted.
 */
export function passwordArgumentInScript(platform: 'github' | 'gitlab', examples: ScriptJudgement['examples']): ScriptJudgement {
  return {
    problem: 'password-argument',
    examples,
    *check(script) {
      for (const found of passwordArguments(script.text)) {
        const literal = isLiteralPassword(found);
        const hit = {
          line: lineAtOffset(script.text, found.offset),
          message: `${found.tool} is given its password with ${found.option}${literal ? ', written in the script,' : ''}${inScript(script)}; it shows in the process list: ${passwordFix(found, platform)}.`,
          key: `${found.tool}\0${literal}`,
        };
        yield literal ? { ...hit, severity: 'high' as const, secret: found.value } : hit;
      }
    },
  };
}

/** A password argument written out in the script (not a variable, a command's output or a `${{ }}` expression) that looks like a secret. */
export function isLiteralPassword(found: PasswordArgument): boolean {
  return !/[$`]/.test(found.value) && isLiteralSecretValue(found.value);
}

/** Offsets of here-document bodies (`cat <<EOF ... EOF`): text written to a file or a command, not commands. */
function heredocBodies(script: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const opener = /<<(-?)\s*(['"]?)([A-Za-z_][\w.-]*)\2/g;
  for (const match of script.matchAll(opener)) {
    const start = script.indexOf('\n', match.index);
    if (start < 0) continue;
    const terminator = new RegExp(`^${match[1] ? '\\t*' : '\\s*'}${match[3]!.replace(/[.-]/g, '\\$&')}\\s*$`, 'm');
    const rest = script.slice(start + 1);
    const end = terminator.exec(rest);
    out.push([start + 1, end ? start + 1 + end.index : script.length]);
  }
  return out;
}

/** Where the output of the command at `index` of its pipeline goes: the log, or elsewhere. */
function printsToLog(script: string, pipelineCommands: readonly ShellCommand[], index: number, next: number): boolean {
  if (index < pipelineCommands.length - 1) return false; // piped into another command
  // Redirections are dropped from the words; read the command's own source for them.
  // parseShell ends a command at the `&` of `>&2` and reads `2` as the next command.
  const start = pipelineCommands[index]!.offset;
  const end = />&\s*$/.test(script.slice(start, next)) ? next + 1 : next;
  const own = script
    .slice(start, end)
    .replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '""')
    .replace(/#.*$/gm, '');
  for (const match of own.matchAll(/(\d*)>>?\s*(&?[^\s;|&)]*)/g)) {
    const target = match[2]!;
    if (match[1] === '2' && target !== '&1') continue; // only stderr moves
    if (!/^(?:&[12]|\/dev\/(?:stdout|stderr|tty))$/.test(target)) return false;
  }
  return true;
}

/** A word that makes a command read a password from standard input: what is piped into it does not reach the log. */
const STDIN_LOGIN = /^(?:--password-stdin|--with-token|--stdin|login)$/;

/**
 * Whether the text at `offset` of a script reaches the job log: an argument of echo,
 * printf or cat whose pipeline hands it on to the log (in PowerShell, of a command
 * loggedPrints yields: Write-Host, Write-Output at the end of a pipeline...). Not when the output goes to a
 * file (`> ~/.npmrc`) or into a login that reads it from standard input (`| docker login
 * --password-stdin`, `| gh auth login --with-token`), nor text of a here-document;
 * formatters in between (`| base64 -d`, `| tee`) still print what they are given.
 */
export function printedAt(script: string, offset: number, dialect: ScriptDialect = 'posix'): boolean {
  if (dialect === 'powershell') return [...powerShellPrints(script)].some((command) => command.offset <= offset && offset < powerShellCommandEnd(script, command));
  if (heredocBodies(script).some(([from, to]) => offset >= from && offset < to)) return false;
  const pipelines = parseShell(script);
  let found: { commands: readonly ShellCommand[]; index: number } | undefined;
  for (const commands of pipelines)
    commands.forEach((command, index) => {
      if (command.offset <= offset && (!found || command.offset >= found.commands[found.index]!.offset)) found = { commands, index };
    });
  if (!found) return false;
  const { commands, index } = found;
  if (!['echo', 'printf', 'cat'].includes(programOf(commands[index]!) ?? '')) return false;
  if (commands.slice(index + 1).some((command) => command.words.some((word) => STDIN_LOGIN.test(word.text)))) return false;
  const last = commands.length - 1;
  const next = pipelines.flat().find((command) => command.offset > commands[last]!.offset)?.offset ?? script.length;
  return printsToLog(script, commands, last, next);
}

/**
 * `echo` and `printf` commands of a script whose output goes to the job log: not piped,
 * redirected to a file, assigned (`printf -v`), nor inside a here-document's text. In
 * PowerShell, Write-Host and Write-Warning (whatever follows them in the pipeline, unless
 * their stream is redirected), and Write-Output, echo and bare expressions at the end of a
 * pipeline (or before formatters only), not assigned to a variable or redirected.
 */
export function* loggedPrints(script: string, dialect: ScriptDialect = 'posix'): Generator<ShellCommand> {
  if (dialect === 'powershell') {
    yield* powerShellPrints(script);
    return;
  }
  const bodies = heredocBodies(script);
  const inBody = (offset: number) => bodies.some(([from, to]) => offset >= from && offset < to);
  const pipelines = parseShell(script);
  const starts = pipelines.flat().map((c) => c.offset);
  for (const commands of pipelines) {
    for (let index = 0; index < commands.length; index++) {
      const command = commands[index]!;
      const program = command.words[0]?.text;
      if ((program !== 'echo' && program !== 'printf') || inBody(command.offset)) continue;
      if (program === 'printf' && command.words[1]?.text === '-v') continue; // assigns a variable
      const next = starts.find((s) => s > command.offset) ?? script.length;
      if (printsToLog(script, commands, index, next)) yield command;
    }
  }
}

/** Where a PowerShell command ends: the end of the line of its last word (after its line continuations) or a comment there, or the next command. */
function powerShellCommandEnd(script: string, command: ShellCommand): number {
  const next = parsePowerShell(script).flat().find((c) => c.offset > command.offset)?.offset ?? script.length;
  let quote: string | undefined;
  for (let i = command.words.at(-1)?.offset ?? command.offset; i < next; i++) {
    const c = script[i]!;
    if (quote) {
      if (c === '`' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '`') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '\n' || (c === '#' && /\s/.test(script[i - 1] ?? ' '))) return i;
  }
  return next;
}

/** PowerShell commands that write to the host, the job log, whatever follows them in a pipeline; with the streams whose redirection takes that away. */
const HOST_WRITERS: Readonly<Record<string, RegExp>> = { 'write-host': /^[6*]$/, 'write-warning': /^[3*]$/ };
/** PowerShell commands that write their arguments to the output, which the job log shows at the end of a pipeline (parsePowerShell reads a bare expression as Write-Output). */
const OUTPUT_WRITERS = new Set(['write-output', 'echo', 'write']);

function* powerShellPrints(script: string): Generator<ShellCommand> {
  const redirected = (command: ShellCommand, streams: RegExp) => (command.redirects ?? []).some((r) => streams.test(r.fd ?? '1'));
  for (const commands of parsePowerShell(script)) {
    for (let index = 0; index < commands.length; index++) {
      const command = commands[index]!;
      const program = command.words[0]?.text.toLowerCase() ?? '';
      const host = HOST_WRITERS[program];
      if (host) {
        if (!redirected(command, host)) yield command;
        continue;
      }
      if (!OUTPUT_WRITERS.has(program) || command.captured) continue;
      const rest = commands.slice(index + 1);
      if (!rest.every((c) => PASS_THROUGH.has(basename(effectiveWords(c)[0]?.text ?? '')))) continue;
      if ([command, ...rest].some((c) => redirected(c, /^[1*]$/))) continue;
      yield command;
    }
  }
}

/**
 * The variables a PowerShell argument of a printing command expands, as written (`$env:TOKEN`,
 * `"token: $TOKEN"`); not in a subexpression (`$($env:TOKEN.Length)`),
 * nor one of a bare argument whose member it reads (`$env:TOKEN.Length`), which prints something else.
 */
export function powerShellReads(script: string, offset: number): string[] {
  const read = powerShellString(script, offset);
  if (!read) return [];
  const bare = script[offset] !== '"';
  return [...read.text.matchAll(/\$\{([A-Za-z_]\w*)\}/g)]
    .filter((m) => !(bare && /^[.[]/.test(read.text.slice(m.index + m[0].length))))
    .map((m) => (/^\$\{?env:/i.test(script.slice(read.at(m.index), read.at(m.index) + 6)) ? `$env:${m[1]}` : `$${m[1]}`));
}

/** Programs put before a command that leave its output alone (`sudo env`, `command -p set`). `env` is not one here: alone it is the dump. */
const PREFIXES = new Set(['sudo', 'doas', 'command', 'builtin', 'exec', 'time', 'nohup', 'nice']);

/** The words of a command that prints the whole environment, said as written (`env`, `export -p`); undefined for any other command. */
function dumpOf(command: ShellCommand, dialect: ScriptDialect): string | undefined {
  let words = command.words.map((w) => w.text);
  for (let guard = 0; guard < 4 && words.length > 0 && PREFIXES.has(basename(words[0]!)); guard++) {
    const prefix = basename(words[0]!);
    words = words.slice(1);
    while (words[0]?.startsWith('-')) {
      if (prefix === 'command' && /^-[a-zA-Z]*[vV]/.test(words[0])) return undefined; // `command -v env` says where env is
      words = words.slice(1);
    }
  }
  const [first, ...args] = words;
  if (first === undefined) return undefined;
  const program = basename(first);
  const said = [program, ...args].join(' ');
  if (dialect === 'powershell') {
    // PowerShell's `set` is Set-Variable, and export, declare and typeset are none of its commands.
    if (/^(?:set|export|declare|typeset)$/.test(program)) return undefined;
    // `[Environment]::GetEnvironmentVariables()` as a statement writes the table out.
    if (/^\[(?:System\.)?Environment\]::GetEnvironmentVariables\(\)$/i.test(first) && args.length === 0) return first;
  }
  switch (program) {
    case 'env': {
      // `env` with only output and unset options, or assignments: no command to run, so it prints the environment.
      for (let k = 0; k < args.length; k++) {
        const arg = args[k]!;
        if (arg === '-u' || arg === '--unset') k++;
        else if (/^(?:-0|--null|-u.+|--unset=.*)$/.test(arg) || /^[A-Za-z_]\w*=/.test(arg)) continue;
        else return undefined; // a command to run, `-i`, `--help`...
      }
      return said;
    }
    case 'printenv':
      return args.every((a) => a === '-0' || a === '--null') ? said : undefined;
    case 'export':
      return args.every((a) => a === '-p') ? said : undefined;
    case 'declare':
    case 'typeset':
      return args.every((a) => /^-[px]+$/.test(a)) ? said : undefined;
    case 'set':
      return args.length === 0 ? said : undefined;
    case 'Get-ChildItem':
    case 'gci':
    case 'dir':
    case 'ls': {
      // PowerShell's environment drive.
      const paths = args.filter((a) => !/^-Path$/i.test(a));
      return paths.length === 1 && /^env:[\\/]?$/i.test(paths[0]!) ? said : undefined;
    }
    case 'cat':
    case 'strings':
      return args.some((a) => /^\/proc\/(?:self|\d+|\$\$|1)\/environ$/.test(a)) ? said : undefined;
    default:
      return undefined;
  }
}

/** Commands that pass what they read on to their output whole (reordered or re-encoded, which masking does not follow either). */
const PASS_THROUGH = new Set(['sort', 'uniq', 'tee', 'cat', 'column', 'nl', 'tr', 'base64', 'xxd', 'od', 'hexdump', 'fold', 'less', 'more',
  // PowerShell's formatters: `Get-ChildItem env: | Format-Table -AutoSize`.
  'Format-Table', 'Format-List', 'Format-Wide', 'ft', 'fl', 'fw', 'Sort-Object', 'Out-String', 'Out-Host', 'Write-Output', 'Tee-Object']);

/** How a record separator is written in a perl or sed substitution: NUL (`\0`, `\x00`, `\000`) or a newline. */
const SEPARATOR = String.raw`(?:\\0+|\\x0{1,2}|\\x\{0+\}|\\n)`;
/** A script that only turns one separator into another (`s/\0/\n/g`, `y/\0/\n/`): what `env -0` writes, a variable per line. */
const SEPARATOR_SWAP = new RegExp(String.raw`^\s*(?:s/${SEPARATOR}/${SEPARATOR}/g?|y/${SEPARATOR}/${SEPARATOR}/|tr/${SEPARATOR}/${SEPARATOR}/)\s*;?\s*$`);

/**
 * Whether a command of a pipeline passes what it reads on to its output whole: a formatter
 * (PASS_THROUGH), or perl or sed whose only work is to turn NUL separators into newlines
 * (glib's `env -0 | sort -z | perl -pe 's/\0/\n/g'`), which prints every variable as `env` does.
 */
function passesOn(command: ShellCommand): boolean {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '');
  if (PASS_THROUGH.has(program)) return true;
  if (program !== 'perl' && program !== 'sed') return false;
  // perl's print loop (-p, bundled as -pe, -lpe, -0pe), sed's default print: the line goes out, changed only by the script.
  let prints = program === 'sed';
  const scripts: string[] = [];
  for (let k = 1; k < words.length; k++) {
    const word = words[k]!;
    if (program === 'sed' && /^-[zEr]*n/.test(word)) return false; // -n prints nothing unless told
    if (/^-[a-zA-Z0-9]*e$/.test(word) || (program === 'sed' && word === '--expression')) {
      if (program === 'perl' && /p/.test(word)) prints = true;
      const script = words[++k];
      if (script === undefined) return false;
      scripts.push(script);
    } else if (program === 'perl' && /^-[lnp0-9]+$/.test(word)) prints ||= word.includes('p');
    else if (program === 'sed' && /^-[zEr]+$/.test(word)) continue;
    else if (program === 'sed' && scripts.length === 0 && !word.startsWith('-')) scripts.push(word);
    else return false; // a file to read, another option
  }
  return prints && scripts.length > 0 && scripts.every((script) => SEPARATOR_SWAP.test(script));
}

/** The pipelines of a script with a command that dumps the environment: the first such command's index, what it runs, and where each command of the script starts. */
function* dumpingPipelines(script: string, dialect: ScriptDialect): Generator<{ commands: readonly ShellCommand[]; index: number; what: string; starts: number[] }> {
  const pipelines = parseScript(script, dialect);
  const starts = pipelines.flat().map((c) => c.offset);
  for (const commands of pipelines) {
    const index = commands.findIndex((c) => dumpOf(c, dialect) !== undefined);
    if (index >= 0) yield { commands, index, what: dumpOf(commands[index]!, dialect)!, starts };
  }
}

/** Commands of a script that print the whole environment to standard output, alone or through a formatter. */
export function* environmentDumps(script: string, dialect: ScriptDialect = 'posix'): Generator<{ offset: number; what: string }> {
  for (const { commands, index, what, starts } of dumpingPipelines(script, dialect)) {
    const rest = commands.slice(index + 1);
    if (!rest.every(passesOn)) continue; // filtered (grep, cut, awk...)
    const last = commands.length - 1;
    const next = starts.find((s) => s > commands[last]!.offset) ?? script.length;
    if (!printsToLog(script, commands, last, next)) continue;
    // A redirection of the dump itself (`env > file | sort`) sends nothing down the pipe.
    const dumpNext = starts.find((s) => s > commands[index]!.offset) ?? script.length;
    if (index < last && !printsToLog(script, [commands[index]!], 0, dumpNext)) continue;
    yield { offset: commands[index]!.offset, what };
  }
}

/** The files a command's own source redirects its standard output into (`> env.txt`, `>> out/vars.txt`, `1> f`). */
function redirectedFiles(script: string, start: number, next: number): string[] {
  const end = />&\s*$/.test(script.slice(start, next)) ? next + 1 : next;
  const own = script
    .slice(start, end)
    .replace(/'([^']*)'|"((?:\\.|[^"\\])*)"/g, (_, a: string | undefined, b: string | undefined) => (a ?? b ?? '').replace(/[\s>|;&]/g, '_'))
    .replace(/#.*$/gm, '');
  const out: string[] = [];
  for (const match of own.matchAll(/(\d*)>>?\|?\s*([^\s;|&)<>]+)/g)) {
    if (match[1] === '2' || match[2]!.startsWith('&') || /^\/dev\//.test(match[2]!)) continue;
    out.push(match[2]!);
  }
  return out;
}

/** PowerShell cmdlets that write what they are given into a file, with the parameter that names it. */
const FILE_WRITERS = /^(?:Out-File|Set-Content|Add-Content|Tee-Object|sc|ac)$/i;
/** Their parameters that take a value other than the file. */
const FILE_WRITER_VALUES = /^-(?:Encoding|Width|Value|Variable|Stream|Filter|Include|Exclude|Delimiter)$/i;

/** The file a PowerShell file writer writes (`Out-File -FilePath logs/env.txt`, `Set-Content env.txt`); undefined for another command. */
function powerShellFileWrite(words: readonly ShellWord[]): string | undefined {
  if (!FILE_WRITERS.test(words[0]?.text ?? '')) return undefined;
  for (let k = 1; k < words.length; k++) {
    const word = words[k]!.text;
    if (/^-(?:FilePath|Path|LiteralPath|PSPath|LP)$/i.test(word)) return words[k + 1]?.text;
    if (FILE_WRITER_VALUES.test(word)) k++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}

/**
 * The files a script writes the whole environment into (`env > env.txt`, `printenv | sort
 * > vars.txt`, `export -p | tee env.txt`): a dump, alone or through a formatter, whose
 * output a redirection or `tee` keeps in a file. A filtered dump (`env | grep ^CI_`) is not one.
 */
export function* environmentFiles(script: string, dialect: ScriptDialect = 'posix'): Generator<{ offset: number; what: string; file: string }> {
  for (const { commands, index, what, starts } of dumpingPipelines(script, dialect)) {
    const offset = commands[index]!.offset;
    for (let k = index; k < commands.length; k++) {
      const command = commands[k]!;
      const words = effectiveWords(command);
      const program = basename(words[0]?.text ?? '');
      // PowerShell's file writers (`| Out-File env.txt`, `| Set-Content -Path env.txt`), and Tee-Object, which passes the text on too.
      const written = k > index && dialect === 'powershell' ? powerShellFileWrite(words) : undefined;
      if (written !== undefined) yield { offset, what, file: written };
      if (k > index && !passesOn(command)) break; // filtered (grep, cut, awk...)
      if (k > index && program === 'tee') for (const word of words.slice(1)) if (!word.text.startsWith('-')) yield { offset, what, file: word.text };
      const next = starts.find((s) => s > command.offset) ?? script.length;
      for (const file of redirectedFiles(script, command.offset, next)) yield { offset, what, file: dialect === 'powershell' ? file.replace(/\\/g, '/') : file };
    }
  }
}

/** The 1-based line of `offset` in a text. */
export function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** ` in ci/build.sh, run by job "release" of .gitlab-ci.yml`: where a problem of a local script is, and who runs it. */
export function inScript(script: LocalScript): string {
  return ` in ${script.path}, run by ${script.runBy}`;
}

/** A script with its comment lines blanked (offsets kept): the patterns above read text, and a comment that says `curl -k` runs nothing. */
function withoutCommentLines(text: string): string {
  return text.replace(/^([ \t]*)#.*$/gm, (line, indent: string) => indent + ' '.repeat(line.length - indent.length));
}

/** A download piped into a shell, in a local script (the GitLab CI and GitHub Actions rules judge it alike). */
export const PIPED_DOWNLOAD_IN_SCRIPT: ScriptJudgement = {
  problem: 'download-piped-to-shell',
  examples: {
    positive: ['#!/bin/sh\nset -eu\n# expect\ncurl -sSL https://example.org/install.sh | bash\n', '#!/usr/bin/env bash\nif ! command -v tool; then\n  # expect\n  sh -c "$(wget -qO- https://example.org/get-tool)"\nfi\n'],
    negative: ['#!/bin/sh\n# never: curl https://example.org/install.sh | sh\ncurl -fsSLo install.sh https://example.org/install.sh\nsha256sum -c install.sh.sha256\nbash install.sh\n'],
  },
  *check(script) {
    for (const { offset, plainHttp } of pipeToShellSites(script.text))
      yield { line: lineAtOffset(script.text, offset), message: `A downloaded script is piped into a shell${plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}${inScript(script)}.`, ...(plainHttp ? { severity: 'high' as const } : {}) };
  },
};

/** A download that the script then runs with no checksum or signature check, in a local script (the GitLab CI and GitHub Actions rules judge it alike). */
export const UNVERIFIED_RUN_IN_SCRIPT: ScriptJudgement = {
  problem: 'download-run-unverified',
  examples: {
    positive: [
      '#!/bin/sh\nset -eu\n# expect\ncurl -fsSLo trigger.rb https://example.org/raw/master/trigger.rb\nruby trigger.rb "$CI_COMMIT_SHA"\n',
      '#!/usr/bin/env bash\nset -euo pipefail\n# expect\nwget -q https://example.org/releases/tool-1.4.0-linux-amd64.tar.gz\ntar -xzf tool-1.4.0-linux-amd64.tar.gz\n./tool-1.4.0-linux-amd64/bin/tool check\n',
      // Over plain http (reported as high).
      '#!/bin/sh\n# expect\ncurl -fsSLo setup.sh http://example.org/setup.sh\nsh setup.sh\n',
    ],
    negative: [
      '#!/bin/sh\ncurl -fsSLo tool.tar.gz https://example.org/releases/tool-1.4.0.tar.gz\necho "0000000000000000000000000000000000000000000000000000000000000000  tool.tar.gz" | sha256sum -c -\ntar -xzf tool.tar.gz\n./tool/bin/tool check\n',
      // Data read by jq, and an archive only listed: nothing downloaded runs.
      '#!/bin/sh\ncurl -fsSL -o releases.json https://example.org/api/releases\njq -r ".[0].tag_name" releases.json\nwget -q https://example.org/dist/site.tar.gz && tar -tzf site.tar.gz\n',
    ],
  },
  *check(script) {
    for (const found of downloadRuns(script.text)) {
      const line = lineAtOffset(script.text, found.download);
      const runLine = lineAtOffset(script.text, found.run);
      yield { line, message: `${found.program} downloads ${found.file} and line ${runLine} ${found.action} (${found.how}) with no checksum or signature check${found.plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}${inScript(script)}; verify a pinned sha256 or the publisher's signature first.`, key: `${line}\0${found.file}`, ...(found.plainHttp ? { severity: 'high' as const } : {}) };
    }
  },
};

/** Certificate or signature verification turned off, in a local script. */
export const VERIFICATION_OFF_IN_SCRIPT: ScriptJudgement = {
  problem: 'verification-disabled',
  examples: {
    positive: [
      '#!/bin/bash\nset -euo pipefail\n# expect\ncurl -k -o tool https://example.org/tool\n# expect\napt-get install -y --allow-unauthenticated tool\n',
      // Signing keys fetched over plain http and trusted.
      '#!/bin/bash\nwget -qO - https://example.org/pubkey.gpg | sudo apt-key add -\n# expect\nwget -qO - http://example.org/pubkey.gpg | sudo apt-key add -\n# expect\ncurl -fsSL http://example.org/key.gpg | gpg --dearmor | sudo tee /etc/apt/keyrings/example.gpg > /dev/null\n# expect\ncurl -fsSL http://example.org/key.asc > /etc/apt/trusted.gpg.d/example.asc\n',
      // Commands continued over lines, on the line they start.
      '#!/bin/sh\nset -e\n# expect\ncurl -fsSL \\\n  http://example.org/key.asc | apt-key add -\n# expect\nwget -q -O tool \\\n  --no-check-certificate https://example.org/tool\n',
      // A signing key fetched from a keyserver in plain text by a short or long key id.
      '#!/bin/sh\n# expect\nsudo apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 7EA0A9C3\n# expect\napt-key adv --recv-keys --keyserver keyserver.example.org 0x0123456789ABCDEF\n',
    ],
    negative: [
      '#!/bin/sh\n# curl -k is not needed any more\ncurl -fsSL -o tool https://example.org/tool\n',
      '#!/bin/sh\ncurl -fsSL https://example.org/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg\nrpm --import https://example.org/RPM-GPG-KEY-example\n',
      // A key over http, continued over lines, with its fingerprint checked on a continued line.
      '#!/bin/sh\ncurl -fsSL http://example.org/key.asc -o /etc/apt/keyrings/example.asc\ngpg --show-keys \\\n  --with-fingerprint /etc/apt/keyrings/example.asc | grep -q 0123456789ABCDEF0123456789ABCDEF01234567\n',
      // By its full fingerprint, which gpg checks on receipt, or over hkps.
      '#!/bin/sh\napt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567\napt-key adv --keyserver hkps://keyserver.example.org --recv-keys 7EA0A9C3\n',
    ],
  },
  *check(script) {
    for (const hit of verificationOff(withoutCommentLines(script.text), 'posix')) {
      const line = lineAtOffset(script.text, hit.offset);
      yield { line, message: `${hit.what} turns off verification${inScript(script)}.`, key: `${line}\0${hit.what}` };
    }
  },
};
