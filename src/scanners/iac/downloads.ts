import { basename, effectiveWords, parseShell, programOf, type ShellCommand, type ShellWord } from './shell.js';

/**
 * Downloads with curl or wget in shell scripts, and whether what they fetch is checked
 * (a checksum tool, a signature check, a URL pinned to a commit), shared by the
 * Dockerfile rule (dockerfile/downloads.ts) and the CI rules of GitHub Actions and
 * GitLab CI, which report a download only once the script runs it (downloadRuns).
 */

/**
 * Artifacts a build runs or installs once downloaded: archives, packages, binaries and
 * scripts, by the name they are saved under (or that of the URL). Keys, signatures,
 * checksum lists and data (.asc, .sha256, .json) are not among them.
 */
export const ARTIFACT = /\.(?:tar|tgz|txz|tbz2?|tzst|tar\.(?:gz|xz|bz2|zst|lz4)|zip|7z|deb|rpm|apk|jar|war|ear|whl|gem|nupkg|vsix|xpi|appimage|run|bin|exe|msi|sh|bash|py|pl|ps1|so)$/i;
/** A file saved straight into a directory of programs (`wget -O /usr/local/bin/gosu ...`). */
export const PROGRAM_DIR = /(?:^|\/)s?bin\/[^/]+$/;
/** What reads a download from the pipe and unpacks or installs it (`curl -fsSL URL | tar -xz -C /opt`). */
export const UNPACKERS = new Set(['tar', 'bsdtar', 'unzip', 'funzip', 'busybox', 'gunzip', 'gzip', 'xz', 'unxz', 'zstd', 'bunzip2', 'bzip2', 'cpio', 'dpkg', 'rpm']);
/**
 * A check of what was downloaded, anywhere in the RUN or a later RUN of the stage: a
 * checksum tool, a signature check (gpg --verify, gpgv, cosign, minisign, signify), or a
 * digest compared by openssl (nginx's `openssl sha512 -r FILE`).
 */
export const VERIFIED =
  /\b(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum|gpgv2?|cosign|minisign|signify|slsa-verifier|dpkg-sig)\b|\bgpg2?\b[^\n;&|]*\s--verify\b|\bopenssl\s+(?:dgst|sha\d*|md5)\b|\brpm\s+(?:-K|--checksig)\b|\bgh\s+attestation\s+verify\b|\bGet-FileHash\b|\bcertutil\b[^\n]*-hashfile\b/;

/**
 * A URL of a file at one git commit, named by its full hash (raw.githubusercontent.com/o/r/<sha>/path,
 * github.com/o/r/raw/<sha>/path, gitlab.com/o/r/-/raw/<sha>/path, an /archive/<sha>.tar.gz):
 * the commit fixes the content, so a changed release or a compromised upstream account cannot
 * change what is fetched.
 */
export const COMMIT_PINNED = /^https:\/\/(?:raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\/|(?:github\.com|gitlab\.com|codeberg\.org)\/[^?#]+?\/(?:-\/)?(?:raw|archive)\/[0-9a-f]{40}(?:\/|\.(?:tar\.gz|tgz|zip)$))/i;

export interface Download {
  command: ShellCommand;
  url: string;
  /** The file it is saved as, or '-' for standard output. */
  output: string;
}

export function urlName(url: string): string {
  return basename(url.replace(/[?#].*$/, '').replace(/\/+$/, ''));
}

/** Options that take the next word as their value (`curl -H 'Accept: x' URL`, `wget -t 3 URL`). */
const VALUE_OPTIONS = {
  curl: {
    short: new Set('AbcCdDeEFHKmoPQrtTuUwxXyYz'),
    long: new Set(['--output', '--header', '--data', '--data-binary', '--data-raw', '--data-urlencode', '--user', '--request', '--user-agent', '--referer', '--max-time', '--connect-timeout', '--retry', '--retry-delay', '--retry-max-time', '--write-out', '--upload-file', '--form', '--cookie', '--cookie-jar', '--config', '--cert', '--key', '--cacert', '--proxy', '--proxy-user', '--range', '--limit-rate', '--output-dir', '--resolve', '--interface', '--dns-servers', '--oauth2-bearer', '--url', '--continue-at', '--time-cond', '--max-filesize', '--speed-limit', '--speed-time', '--dump-header']),
  },
  wget: {
    short: new Set('OoaPtTUeiwQlARDXIB'),
    long: new Set(['--output-document', '--output-file', '--append-output', '--directory-prefix', '--tries', '--timeout', '--user-agent', '--header', '--user', '--password', '--http-user', '--http-password', '--post-data', '--post-file', '--wait', '--quota', '--level', '--input-file', '--execute']),
  },
} as const;

/** What curl or wget fetches and where it writes it; a URL held in a variable (`wget -O x.zip $URL`) has no name of its own. */
export function downloadOf(command: ShellCommand): Download | undefined {
  const words = effectiveWords(command).map((w: ShellWord) => w.text);
  const program = words[0] === undefined ? undefined : basename(words[0]);
  if (program !== 'curl' && program !== 'wget') return undefined;
  const options = VALUE_OPTIONS[program];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      if (eq > 0) values.set(word.slice(0, eq), word.slice(eq + 1));
      else if (options.long.has(word)) values.set(word, words[++i] ?? '');
      else flags.add(word);
    } else if (word.startsWith('-') && word.length > 1) {
      // wget's -nv, -nc, -nd, -nH, -np: one flag each.
      if (program === 'wget' && /^-n[a-zA-Z]$/.test(word)) continue;
      for (let c = 1; c < word.length; c++) {
        const letter = word[c]!;
        if (options.short.has(letter)) {
          values.set(`-${letter}`, c < word.length - 1 ? word.slice(c + 1) : (words[++i] ?? ''));
          break;
        }
        flags.add(`-${letter}`);
      }
    } else positional.push(word);
  }
  const literal = (w: string) => /^(?:https?|ftp):\/\//i.test(w);
  const candidates = [...(values.has('--url') ? [values.get('--url')!] : []), ...positional].filter((w) => literal(w) || w.startsWith('$'));
  const url = candidates.find(literal) ?? candidates[0];
  if (url === undefined) return undefined;
  const name = literal(url) ? urlName(url) : '';
  let output: string | undefined;
  if (program === 'curl') {
    output = values.get('-o') ?? values.get('--output');
    if (output === undefined) {
      const remoteName = flags.has('-O') || flags.has('--remote-name') || flags.has('--remote-name-all');
      const dir = values.get('--output-dir');
      output = remoteName ? (name === '' ? undefined : `${dir !== undefined ? `${dir.replace(/\/+$/, '')}/` : ''}${name}`) : '-';
    }
  } else {
    output = values.get('-O') ?? values.get('--output-document');
    if (output === undefined) {
      const dir = values.get('-P') ?? values.get('--directory-prefix');
      output = name === '' ? undefined : `${dir !== undefined ? `${dir.replace(/\/+$/, '')}/` : ''}${name}`;
    }
  }
  if (output === undefined) return undefined;
  return { command, url, output };
}

/** Files a RUN makes executable (`chmod +x /tmp/kubectl`, `chmod 755 tool`). */
export function madeExecutable(commands: readonly ShellCommand[]): Set<string> {
  const out = new Set<string>();
  for (const command of commands) {
    if (programOf(command) !== 'chmod') continue;
    const words = effectiveWords(command).slice(1).map((w) => w.text);
    const mode = words.find((w) => !w.startsWith('-'));
    if (mode === undefined || !/(?:^[ugoa]*\+[rwX]*x|^0?[0-7]?[157][0-7]{2}$)/.test(mode)) continue;
    for (const target of words.slice(words.indexOf(mode) + 1)) if (!target.startsWith('-')) out.add(target);
  }
  return out;
}


/** What a download becomes on disk: a file at a path, or the tree an archive unpacks into (a folder, or names led by the archive's). */
type Fetched = { kind: 'file'; path: string } | { kind: 'tree'; dir: string | undefined; stem: string; token: string };

/** A file a script downloads and then runs, unchecked. Offsets are in the script. */
export interface DownloadRun {
  download: number;
  run: number;
  program: string;
  /** The file as it is saved (or the archive, for what it unpacks). */
  file: string;
  /** The command that runs it, its first words. */
  how: string;
  /** `it`, or `them` when one command runs several downloads. */
  it: 'it' | 'them';
}

/** Interpreters that run the file they are given first (`ruby trigger.rb`, `bash -e install.sh`, `pwsh -File x.ps1`). */
const INTERPRETERS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'pwsh', 'powershell', 'source', '.']);
/** Package installers that run the maintainer scripts of a package file they are given, as root. */
const INSTALLERS: Readonly<Record<string, RegExp>> = {
  dpkg: /^(?:-i|--install|-[a-zA-Z]*i[a-zA-Z]*)$/,
  rpm: /^(?:-[a-zA-Z]*[iUF][a-zA-Z]*|--install|--upgrade|--freshen)$/,
  apt: /^(?:install|reinstall)$/,
  'apt-get': /^(?:install|reinstall)$/,
  yum: /^(?:install|localinstall)$/,
  dnf: /^install$/,
  zypper: /^(?:install|in)$/,
  gdebi: /./,
  installer: /^-pkg$/,
  msiexec: /^[/-]i$/i,
  java: /^-jar$/,
};
/** Commands that put a file somewhere else under a new name (`mv tool /usr/local/bin/`, `install -m 755 tool /usr/local/bin/tool`). */
const MOVERS = new Set(['mv', 'cp', 'install', 'ln']);
const ARCHIVE = /\.(?:tar|tgz|txz|tbz2?|tzst|tar\.(?:gz|xz|bz2|zst|lz4)|zip|7z)$/i;

/** A path as written, for comparing: no `./`, `${X}` as `$X`, no doubled or trailing slashes. */
function normalPath(word: string): string {
  return word.replace(/\$\{(\w+)\}/g, '$$$1').replace(/\/{2,}/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/(?:\.\/)+/g, '/').replace(/(.)\/$/, '$1');
}

const SHARED_DIR = /^(?:\/usr(?:\/local)?|\/opt|\/tmp|\/var\/tmp|~|\$HOME|\/root|\/home\/[^/]+|\$(?:RUNNER_TEMP|RUNNER_TOOL_CACHE|TMPDIR|CI_PROJECT_DIR|GITHUB_WORKSPACE|PWD))$/;

function globMatch(pattern: string, path: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`).test(path);
}

function stemOf(archive: string): string {
  return basename(archive).replace(/\.(?:tar(?:\.[a-z0-9]+)?|tgz|txz|tbz2?|tzst|zip|7z)$/i, '');
}

/** Whether a path names the download or what it unpacked; bare names only when they were put in a program folder. */
function names(fetched: Fetched, word: string, bare: boolean): boolean {
  const path = normalPath(word);
  if (fetched.kind === 'file') {
    if (path === fetched.path) return true;
    // `dnf install *.rpm` after downloading the packages: a pattern of the folder they are in.
    if (/[*?]/.test(path) && !/[*?]/.test(fetched.path) && globMatch(path, fetched.path)) return true;
    return bare && !path.includes('/') && PROGRAM_DIR.test(fetched.path) && basename(fetched.path) === path;
  }
  let rest = path;
  if (fetched.dir !== undefined) {
    if (!rest.startsWith(`${fetched.dir}/`)) return false;
    rest = rest.slice(fetched.dir.length + 1);
    // A folder of its own holds only what the archive had; a shared one (/usr/local, /opt, $HOME) the names led by the archive's.
    if (!SHARED_DIR.test(fetched.dir)) return true;
  } else if (!word.includes('/') && !bare) return false;
  const first = rest.split('/')[0]!;
  // `tool-1.2.3/bin/run` or `hugo` from hugo_0.1_linux.tar.gz; not `node_modules` from node-v20.tar.xz.
  return first === fetched.token || first.startsWith(fetched.stem) || new RegExp(`^${fetched.token.replace(/[.+]/g, '\\$&')}[-_.]v?\\d`).test(first);
}

function tree(archive: string, dir: string | undefined): Fetched | undefined {
  const stem = stemOf(archive);
  const token = /^[A-Za-z][A-Za-z0-9]*/.exec(stem)?.[0] ?? '';
  const folder = dir === undefined ? undefined : normalPath(dir);
  if (token.length < 3 && (folder === undefined || folder === '.')) return undefined;
  return { kind: 'tree', dir: folder === '.' ? undefined : folder, stem, token };
}

/** The archive a `tar -x`/`unzip` command unpacks and the folder it unpacks into (-C, -d). */
function unpacked(command: ShellCommand): { archive: string | undefined; dir: string | undefined } | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '');
  if (program === 'tar' || program === 'bsdtar') {
    const mode = words.slice(1).find((w) => !w.startsWith('--'));
    if (!words.slice(1).some((w) => /^-?[a-zA-Z]*x/.test(w) || w === '--extract' || w === '--get')) return undefined;
    let archive: string | undefined;
    let dir: string | undefined;
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (w === '-C' || w === '--directory') dir = words[++k];
      else if (w.startsWith('--directory=')) dir = w.slice(12);
      else if (w.startsWith('--file=')) archive = w.slice(7);
      else if ((/^-[a-zA-Z]*f$/.test(w) || (w === mode && /^[a-zA-Z]*f$/.test(w))) && k + 1 < words.length) archive = words[++k];
    }
    return { archive, dir };
  }
  if (program === 'unzip') {
    let dir: string | undefined;
    let archive: string | undefined;
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (w === '-d') dir = words[++k];
      else if (!w.startsWith('-') && archive === undefined) archive = w;
    }
    return { archive, dir };
  }
  if (program === '7z' && words[1] === 'x') return { archive: words.slice(2).find((w) => !w.startsWith('-')), dir: words.find((w) => w.startsWith('-o'))?.slice(2) || undefined };
  return undefined;
}

/** The file a command runs of those fetched: as the program, through an interpreter, or by installing it as a package. */
function runOf(command: ShellCommand, fetched: readonly Fetched[]): Fetched | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  if (words.length === 0) return undefined;
  const hit = (word: string | undefined, bare: boolean) => (word === undefined ? undefined : fetched.find((f) => names(f, word, bare)));
  const direct = hit(words[0], true);
  if (direct) return direct;
  const program = basename(words[0]!);
  if (INTERPRETERS.has(program)) {
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (/^-(?:c|m|e|E|-command|Command|r)$/i.test(w) && program !== 'source' && program !== '.') return undefined; // code given inline, or a module
      if (/^-(?:File|f)$/i.test(w) && (program === 'pwsh' || program === 'powershell')) return hit(words[k + 1], false);
      if (w.startsWith('-') && w !== '-') continue;
      return hit(w, false);
    }
    return undefined;
  }
  const installer = INSTALLERS[program];
  if (installer && words.slice(1).some((w) => installer.test(w))) return words.slice(1).map((w) => hit(w, false)).find((f) => f !== undefined);
  return undefined;
}

/** Where a mover puts its sources: the destination itself, or a file of that name in it. */
function moved(command: ShellCommand, fetched: readonly Fetched[]): Fetched[] {
  const words = effectiveWords(command).map((w) => w.text);
  if (!MOVERS.has(basename(words[0] ?? ''))) return [];
  const operands: string[] = [];
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    if (/^-[mgot]$|^--(?:mode|owner|group|target-directory|suffix)$/.test(w)) k++;
    else if (!w.startsWith('-')) operands.push(w);
  }
  if (operands.length < 2) return [];
  const target = normalPath(operands[operands.length - 1]!);
  const out: Fetched[] = [];
  for (const source of operands.slice(0, -1)) {
    if (!fetched.some((f) => names(f, source, true))) continue;
    out.push({ kind: 'file', path: target }, { kind: 'file', path: `${target}/${basename(normalPath(source))}` });
  }
  return out;
}

/** The first words of a command, for a message: `ruby trigger.rb`, `dnf -y install --nobest ...`. */
function shortCommand(command: ShellCommand): string {
  const words = effectiveWords(command).map((w) => w.text);
  return words.length > 4 ? `${words.slice(0, 4).join(' ')} ...` : words.join(' ');
}

/** A script with its comment lines blanked, offsets kept. */
function withoutComments(text: string): string {
  return text.replace(/^([ \t]*)#.*$/gm, (line, indent: string) => indent + ' '.repeat(line.length - indent.length));
}

/** Servers on the machine itself (a service container the job started is not one, but `localhost` is), and the CI server's own API. */
const OWN_SERVER = /^(?:https?:\/\/(?:localhost|127(?:\.\d+){3}|\[::1\])(?:[:/]|$)|\$\{?(?:CI_API_V4_URL|CI_SERVER_URL|CI_PROJECT_URL|CI_API_GRAPHQL_URL|GITHUB_SERVER_URL|GITHUB_API_URL)\b)/;

/**
 * The files a script downloads with curl or wget and then runs, with no check of them
 * anywhere in the script (VERIFIED): run as a program (`./tool`, `/usr/local/bin/tool`,
 * by its name once in a bin folder), through an interpreter (`ruby trigger.rb`, `bash
 * install.sh`, `source env.sh`), installed as a package (`dpkg -i x.deb`, `java -jar
 * x.jar`), or a program of the archive it was (`tar xf tool.tar.gz && ./tool/bin/run`,
 * `curl URL | tar xz && ./hugo`), also after a move (`mv tool /usr/local/bin/`). A file
 * that is only read (`jq . data.json`), unpacked, uploaded or listed is not run. A
 * URL at a full commit hash (COMMIT_PINNED), or on the machine itself, is not reported.
 */
export function downloadRuns(script: string): DownloadRun[] {
  if (!/\b(?:curl|wget)\b/.test(script) || VERIFIED.test(withoutComments(script))) return [];
  const commands = parseShell(script).flatMap((pipeline) => pipeline.map((command, index) => ({ command, next: pipeline[index + 1] })));
  const tracked: Array<{ download: Download; label: string; fetched: Fetched[]; done: boolean }> = [];
  const out: DownloadRun[] = [];
  for (const { command, next } of commands) {
    const words = command.words;
    if (words.some((w) => /(?:^|\/)(?:curl|wget)$/.test(w.text))) {
      const download = downloadOf(command);
      if (download && !COMMIT_PINNED.test(download.url) && !OWN_SERVER.test(download.url)) {
        if (download.output !== '-') tracked.push({ download, label: download.output, fetched: [{ kind: 'file', path: normalPath(download.output) }], done: false });
        else if (next !== undefined && UNPACKERS.has(programOf(next) ?? '')) {
          const name = urlName(download.url);
          const unpack = tree(name, unpacked(next)?.dir);
          if (unpack) tracked.push({ download, label: name || download.url, fetched: [unpack], done: false });
        }
        continue;
      }
    }
    const live = tracked.filter((t) => !t.done);
    if (live.length === 0) continue;
    const extract = unpacked(command);
    const ran: typeof live = [];
    for (const entry of live) {
      if (extract?.archive !== undefined && ARCHIVE.test(extract.archive) && entry.fetched.some((f) => names(f, extract.archive!, false))) {
        const unpack = tree(extract.archive, extract.dir);
        if (unpack) entry.fetched.push(unpack);
        continue;
      }
      entry.fetched.push(...moved(command, entry.fetched));
      if (runOf(command, entry.fetched)) ran.push(entry);
    }
    if (ran.length === 0) continue;
    // Several downloads one command runs (`dnf install *.rpm`): one finding, on the first.
    for (const entry of ran) entry.done = true;
    const first = ran[0]!;
    out.push({
      download: first.download.command.offset,
      run: command.offset,
      program: programOf(first.download.command)!,
      file: ran.length === 1 ? first.label : `${first.label} and ${ran.length - 1} other file${ran.length === 2 ? '' : 's'}`,
      how: shortCommand(command),
      it: ran.length === 1 ? 'it' : 'them',
    });
  }
  return out;
}

/** downloadRuns over the scripts of one job read as one (a GitLab job's script lines, a GitHub job's run steps), each offset in its own piece. */
export function downloadRunsIn<T extends { text: string }>(pieces: readonly T[]): Array<DownloadRun & { downloadIn: T; runIn: T }> {
  const starts: number[] = [];
  let text = '';
  for (const piece of pieces) {
    starts.push(text.length);
    text += `${piece.text}\n`;
  }
  const locate = (offset: number) => {
    let k = starts.length - 1;
    while (k > 0 && starts[k]! > offset) k--;
    return { piece: pieces[k]!, offset: offset - starts[k]! };
  };
  return downloadRuns(text).map((found) => {
    const download = locate(found.download);
    const run = locate(found.run);
    return { ...found, download: download.offset, run: run.offset, downloadIn: download.piece, runIn: run.piece };
  });
}
