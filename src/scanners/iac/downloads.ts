import { basename, effectiveWords, joinContinuations, parseShell, PLAIN_HTTP_URL, programOf, type ShellCommand, type ShellWord } from './shell.js';
import { parsePowerShell } from './powershell.js';
import type { ScriptDialect } from './script-dialect.js';

export type { ScriptDialect };

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
 * checksum tool, a signature check (gpg --verify, gpgv, cosign, minisign, signify), a
 * digest compared by openssl (nginx's `openssl sha512 -r FILE`), an attestation checked by
 * gh (`gh attestation verify`, `gh release verify-asset`), or PowerShell's Get-FileHash or
 * Get-AuthenticodeSignature.
 */
const VERIFIED =
  /\b(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum|gpgv2?|cosign|minisign|signify|slsa-verifier|dpkg-sig)\b|\bgpg2?\b[^\n;&|]*\s--verify\b|\bopenssl\s+(?:dgst|sha\d*|md5)\b|\brpm\s+(?:-K|--checksig)\b|\bgh\s+(?:attestation\s+verify|release\s+verify(?:-asset)?)\b|\bGet-FileHash\b|\bGet-AuthenticodeSignature\b|\bcertutil\b[^\n]*-hashfile\b/;

/** Tools that print a file's digest: a check only when the digest is compared. */
const CHECKSUM_TOOL = /^(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum)$/;
const CHECKSUM_IN_SUBSTITUTION = /(?:\$\(|`)\s*(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum)\b/;

/**
 * Whether a script checks what it downloads: VERIFIED, where a checksum tool counts
 * only when its digest is compared: `-c`/`--check`, its output piped on (`| grep -q`,
 * `| cut ...` into a comparison) or taken into a value (`[ "$(sha256sum f | cut -c1-64)" = ... ]`).
 * One that only prints or writes the digest (`sha256sum pkg.bin`, `sha256sum f > f.sha256`,
 * `sha256sum f | tee f.sha256`) checks nothing.
 */
export function verifies(script: string): boolean {
  const text = joinContinuations(script);
  if (!VERIFIED.test(text)) return false;
  if (VERIFIED.test(text.replace(/\b(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum)\b/g, ''))) return true;
  if (CHECKSUM_IN_SUBSTITUTION.test(script)) return true;
  for (const pipeline of parseShell(script)) {
    for (const [index, command] of pipeline.entries()) {
      const program = programOf(command);
      if (program === undefined || !CHECKSUM_TOOL.test(program)) continue;
      if (command.words.some((w) => w.text === '--check' || /^-[A-Za-z]*c[A-Za-z]*$/.test(w.text))) return true;
      const next = pipeline[index + 1];
      if (next !== undefined && programOf(next) !== 'tee') return true;
    }
  }
  return false;
}

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
  const program = words[0] === undefined ? undefined : basename(words[0]).replace(/\.exe$/i, '');
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


/**
 * What a download becomes on disk: a file at a path (or a pattern of names, `gh release
 * download -p 'tool_*_linux.tar.gz'`), or the tree an archive unpacks into: a folder of its
 * own (`-C /opt/tool`, `-d tool`), or names led by the archive's in a folder it shares.
 */
type Fetched = { kind: 'file'; path: string } | { kind: 'tree'; dir: string | undefined; own: boolean; stem: string; token: string; artifacts?: boolean };

/**
 * Packages and programs that a repository does not hold: what of a job-artifacts archive,
 * whose files keep the paths the other job gave them, a script is taken to run by its name
 * alone when the archive was unpacked where the repository's own files are.
 */
const PACKAGE = /\.(?:deb|rpm|apk|whl|msi|jar|appimage|snap|nupkg|gem|exe)$/i;

/** A file a script downloads and then runs, unchecked. Offsets are in the script. */
export interface DownloadRun {
  download: number;
  run: number;
  /** What downloads it: curl, wget, `gh release download`, Invoke-WebRequest. */
  program: string;
  /** The file as it is saved (or the archive, for what it unpacks). */
  file: string;
  /** The command that runs it, its first words. */
  how: string;
  /** `it`, or `them` when one command runs several downloads. */
  it: 'it' | 'them';
  /** What the command does with it, for a message: `runs it`, `runs them`, or, for a program only put on PATH (`source .venv/bin/activate`), `puts it on PATH`. */
  action: string;
  /** Fetched over plain http:// from another machine: anyone on the network path can replace what runs, as for a script piped into a shell. */
  plainHttp: boolean;
}


/** One script of a job (a GitHub step's `run:`, a GitLab script line), read with those before it. */
export interface ScriptPiece {
  readonly text: string;
  readonly dialect?: ScriptDialect;
  /**
   * The script runs in a shell of its own (each GitHub step does; GitLab's script lines share one):
   * it starts in `cwd`, with none of the folders the scripts before it put on PATH with `export`.
   */
  readonly fresh?: boolean;
  /** The folder it starts in, from the workspace root (''), when fresh; a word no path starts with (`?3`) when not known. */
  readonly cwd?: string;
}

/** Interpreters that run the file they are given first (`ruby trigger.rb`, `bash -e install.sh`, `pwsh -File x.ps1`). */
const INTERPRETERS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'pwsh', 'powershell', 'source', '.']);
/** Options of pwsh and powershell that take a value (`powershell -ExecutionPolicy Bypass -File x.ps1`). */
const POWERSHELL_VALUES = /^-(?:ExecutionPolicy|ep|ex|WindowStyle|w|ConfigurationName|config|WorkingDirectory|wd|wo|OutputFormat|of|o|InputFormat|if|inp|Version|v|PSConsoleFile|SettingsFile|CustomPipeName)$/i;
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
  msiexec: /^[/-](?:i|package)$/i,
  java: /^-jar$/,
  pip: /^install$/,
  pip3: /^install$/,
};
/** Commands that put a file somewhere else under a new name (`mv tool /usr/local/bin/`, `install -m 755 tool /usr/local/bin/tool`, `Move-Item`). */
const MOVERS = new Set(['mv', 'cp', 'install', 'ln', 'move-item', 'copy-item', 'move', 'copy', 'mi', 'cpi']);
const ARCHIVE = /\.(?:tar|tgz|txz|tbz2?|tzst|tar\.(?:gz|xz|bz2|zst|lz4)|zip|7z)$/i;
/** Programs that build what the folder they run in holds, running the code of its Makefile (`cd tool-1.2 && make install`, `make -C tool-1.2`). */
const BUILDERS = new Set(['make', 'gmake']);

/** A path as written, for comparing: no `./`, `${X}` as `$X`, no doubled or trailing slashes. */
function normalPath(word: string): string {
  return word.replace(/\$\{(\w+)\}/g, '$$$1').replace(/\/{2,}/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/(?:\.\/)+/g, '/').replace(/(.)\/$/, '$1');
}

/** The folder the script is in, as a path starts with it: `$PWD/bin`, `$(pwd)/bin`, `(Get-Location)/bin`. */
const HERE = /^(?:\$PWD|\$\(pwd\)|`pwd`|\$\(Get-Location\)|\(Get-Location\)|\$pwd\.Path)(?=\/|$)/i;
/** The workspace root the job starts in: `$GITHUB_WORKSPACE/bin`, `${{ github.workspace }}/bin`, `$CI_PROJECT_DIR/bin`. */
const ROOT = /^(?:\$GITHUB_WORKSPACE|\$env:GITHUB_WORKSPACE|\$\{\{\s*github\.workspace\s*\}\}|\$CI_PROJECT_DIR)(?=\/|$)/i;
/** A path from no folder of the script: absolute, or led by a variable or `~`. */
const ABSOLUTE = /^(?:\/|~|\$|[A-Za-z]:\/)/;

/** `rel` from the folder `base` ('' the workspace root), `..` taken away where it can be. */
function joinPath(base: string, rel: string): string {
  const parts = base === '' ? [] : base.split('/');
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..' && !parts[parts.length - 1]!.startsWith('?')) parts.pop();
    else parts.push(part);
  }
  const joined = parts.join('/');
  return base.startsWith('/') && !joined.startsWith('/') ? `/${joined}` : joined || '.';
}

/** A path word as the script's folder makes it: `configure` in `tool-1.2` is `tool-1.2/configure`; an absolute one as written. */
function resolvePath(cwd: string, word: string): string {
  const path = normalPath(word);
  const root = ROOT.exec(path);
  if (root) return joinPath('', path.slice(root[0].length));
  const here = HERE.exec(path);
  if (here) return joinPath(cwd, path.slice(here[0].length));
  if (ABSOLUTE.test(path) || cwd === '') return path;
  return joinPath(cwd, path);
}

const SHARED_DIR = /^(?:\/usr(?:\/local)?|\/opt|\/tmp|\/var\/tmp|~|\$HOME|\/root|\/home\/[^/]+|\$(?:RUNNER_TEMP|RUNNER_TOOL_CACHE|TMPDIR|CI_PROJECT_DIR|GITHUB_WORKSPACE|PWD|env:TEMP|env:TMP|env:RUNNER_TEMP))$/i;

function globMatch(pattern: string, path: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`).test(path);
}

function stemOf(archive: string): string {
  return basename(archive).replace(/\.(?:tar(?:\.[a-z0-9]+)?|tgz|txz|tbz2?|tzst|zip|7z)$/i, '');
}

/** Whether a name (`hugo_0.1_linux/bin`, `hugo`) is one the archive's contents are led by: its first word, or its name without the extension. */
function ledBy(fetched: Extract<Fetched, { kind: 'tree' }>, first: string): boolean {
  if (fetched.token === '') return false;
  return first === fetched.token || first.startsWith(fetched.stem) || new RegExp(`^${fetched.token.replace(/[.+]/g, '\\$&')}[-_.]v?\\d`).test(first);
}

/** Whether a path (already made from the script's folder) names the download or what it unpacked; bare names only when they were put in a program folder. */
function names(fetched: Fetched, path: string, bare: boolean): boolean {
  if (fetched.kind === 'file') {
    if (path === fetched.path) return true;
    // `dnf install *.rpm` after downloading the packages: a pattern of the folder they are in.
    if (/[*?]/.test(path) && !/[*?]/.test(fetched.path) && globMatch(path, fetched.path)) return true;
    // `tar xzf tool_1.2_linux.tar.gz` after `gh release download -p 'tool_*_linux.tar.gz'`.
    if (/[*?]/.test(fetched.path) && !/[*?]/.test(path) && globMatch(fetched.path, path)) return true;
    return bare && !path.includes('/') && PROGRAM_DIR.test(fetched.path) && basename(fetched.path) === path;
  }
  let rest = path;
  if (fetched.dir !== undefined) {
    if (!rest.startsWith(`${fetched.dir}/`)) return false;
    rest = rest.slice(fetched.dir.length + 1);
    // A folder of its own holds only what the archive had; a shared one (/usr/local, /opt, $HOME, where the script is) the names led by the archive's.
    if (fetched.own && !SHARED_DIR.test(fetched.dir)) return true;
  } else if (fetched.artifacts && ABSOLUTE.test(path)) return false;
  else if (!path.includes('/') && !bare && !fetched.artifacts) return false;
  // Job artifacts keep any paths: in a shared folder, only a package or program no repository holds is theirs (`dnf install ./*.rpm`).
  if (fetched.artifacts) return PACKAGE.test(rest);
  // `tool-1.2.3/bin/run` or `hugo` from hugo_0.1_linux.tar.gz; not `node_modules` from node-v20.tar.xz.
  return ledBy(fetched, rest.split('/')[0]!);
}

/** The tree an archive unpacks into: the folder given (`-C`, `-d`: `own`), or the script's own. */
function tree(archive: string, dir: string | undefined, own: boolean, artifacts = false): Fetched | undefined {
  const stem = artifacts ? '' : stemOf(archive);
  const token = /^[A-Za-z][A-Za-z0-9]*/.exec(stem)?.[0] ?? '';
  const folder = dir === undefined || dir === '.' || dir === '' ? undefined : dir;
  if (artifacts) return { kind: 'tree', dir: folder, own: own && folder !== undefined, stem, token, artifacts };
  if (token.length < 3 && (folder === undefined || !own)) return undefined;
  return { kind: 'tree', dir: folder, own: own && folder !== undefined, stem, token };
}

/**
 * What an unpacking command makes of an archive, from the script's folder: the members it
 * names, less the leading folders it strips (`tar -xz -C .venv/bin --strip-components=1
 * tool-1.2/tool` writes the one file .venv/bin/tool), or the archive's tree.
 */
function contentsOf(archive: string, extract: Unpacked | undefined, cwd: string, artifacts: boolean): Fetched[] {
  const dir = extract?.dir;
  if (extract !== undefined && extract.members.length > 0) {
    return extract.members
      .map((m) => m.split('/').filter((part) => part !== '' && part !== '.').slice(extract.strip).join('/'))
      .filter((m) => m !== '')
      .map((m) => ({ kind: 'file', path: resolvePath(cwd, `${dir ?? '.'}/${m}`) }));
  }
  const unpack = tree(archive, resolvePath(cwd, dir ?? '.'), dir !== undefined, artifacts);
  return unpack ? [unpack] : [];
}

/** The value of a PowerShell parameter (`-Path x`, `-Path:x`, by a prefix of its name of `min` letters or more), and the positional words. */
function psParameters(words: readonly string[], switches: ReadonlySet<string>): { named: Array<[string, string]>; positional: string[] } {
  const named: Array<[string, string]> = [];
  const positional: string[] = [];
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    const param = /^-([A-Za-z][\w]*)(?::(.*))?$/.exec(w);
    if (!param) {
      positional.push(w);
      continue;
    }
    const name = param[1]!.toLowerCase();
    if (param[2] !== undefined) named.push([name, param[2]]);
    else if (!switches.has(name)) named.push([name, words[++k] ?? '']);
  }
  return { named, positional };
}

/** The value of a named parameter given by `names` (full names, each with the shortest prefix PowerShell takes for it). */
function psValue(named: ReadonlyArray<[string, string]>, ...full: Array<[string, number]>): string | undefined {
  return named.find(([given]) => full.some(([name, min]) => given.length >= min && name.startsWith(given)))?.[1];
}

/** The archive a `tar -x`/`unzip`/`7z x`/`Expand-Archive` command unpacks and the folder it unpacks into (-C, -d, -DestinationPath). */
/** An unpacking command: its archive, the folder it unpacks into, and the members it names (tar), less `strip` leading folders. */
interface Unpacked {
  archive: string | undefined;
  dir: string | undefined;
  members: string[];
  strip: number;
}

/** Letters of tar's short options that take a value. */
const TAR_VALUE_LETTERS = new Set('fCTXbHIKNVg');
/** Long options of tar that take the next word as their value. */
const TAR_VALUES = new Set(['--directory', '-T', '--files-from', '-X', '--exclude-from', '--exclude', '--transform', '--xform', '-H', '--format', '--owner', '--group', '--mode', '-b', '--blocking-factor', '-I', '--use-compress-program', '--strip-components', '-K', '--starting-file', '-N', '--newer', '-V', '--label']);

/** The archive a `tar -x`/`unzip`/`7z x`/`Expand-Archive` command unpacks and the folder it unpacks into (-C, -d, -DestinationPath). */
function unpacked(command: ShellCommand): Unpacked | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '').replace(/\.exe$/i, '');
  if (program === 'tar' || program === 'bsdtar') {
    const mode = words.slice(1).find((w) => !w.startsWith('--'));
    if (!words.slice(1).some((w) => /^-?[a-zA-Z]*x/.test(w) || w === '--extract' || w === '--get')) return undefined;
    let archive: string | undefined;
    let dir: string | undefined;
    let strip = 0;
    const members: string[] = [];
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (w === '--directory') dir = words[++k];
      else if (w.startsWith('--directory=')) dir = w.slice(12);
      else if (w.startsWith('--file=')) archive = w.slice(7);
      else if (w === '--file') archive = words[++k];
      else if (w === '--strip-components' || w.startsWith('--strip-components=')) strip = Number(w.includes('=') ? w.slice(19) : words[++k]) || 0;
      else if (TAR_VALUES.has(w)) k++;
      else if (/^-[a-zA-Z]/.test(w) || (k === 1 && w === mode)) {
        // A cluster of letters (`-xzvC /opt`, `-xf-`, old-style `xzf x.tgz`): each letter that takes a value takes the rest of the cluster (after a dash) or the next word.
        const letters = w.replace(/^-/, '');
        for (let c = 0; c < letters.length; c++) {
          if (!TAR_VALUE_LETTERS.has(letters[c]!)) continue;
          const value = w.startsWith('-') && c < letters.length - 1 ? letters.slice(c + 1) : words[++k];
          if (letters[c] === 'f') archive = value;
          else if (letters[c] === 'C') dir = value;
          if (w.startsWith('-')) break;
        }
      } else if (!w.startsWith('-')) members.push(w);
    }
    return { archive, dir, members, strip };
  }
  if (program === 'unzip') {
    // Listed, tested or printed (-l, -v, -t, -Z, -p, -c), not unpacked.
    if (words.slice(1).some((w) => /^-[a-zA-Z]*[lvtZpc]/.test(w))) return undefined;
    let dir: string | undefined;
    let archive: string | undefined;
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (w === '-d') dir = words[++k];
      else if (!w.startsWith('-') && archive === undefined) archive = w;
    }
    return { archive, dir, members: [], strip: 0 };
  }
  if (program === '7z' && words[1] === 'x') return { archive: words.slice(2).find((w) => !w.startsWith('-')), dir: words.find((w) => w.startsWith('-o'))?.slice(2) || undefined, members: [], strip: 0 };
  if (program.toLowerCase() === 'expand-archive') {
    const { named, positional } = psParameters(words, new Set(['force', 'passthru', 'whatif', 'confirm']));
    return { archive: psValue(named, ['path', 1], ['literalpath', 1]) ?? positional[0], dir: psValue(named, ['destinationpath', 1]) ?? positional[1], members: [], strip: 0 };
  }
  return undefined;
}

/** A command of words of its own, at the offset of another (Start-Process's program and arguments). */
function commandOf(texts: readonly string[], offset: number): ShellCommand {
  return { words: texts.map((text) => ({ text, offset })), assignments: [], offset };
}

const START_PROCESS_SWITCHES = new Set(['wait', 'nonewwindow', 'passthru', 'usenewenvironment', 'loaduserprofile', 'whatif', 'confirm']);

/** The state a script's commands are read in: its folder, and the folders put on PATH (for the job with $GITHUB_PATH, for the shell with `export`). */
interface Place {
  cwd: string;
  jobPath: string[];
  shellPath: string[];
}

/** Whether a path (from the workspace root) is in the folder an archive was unpacked into, the script's own when it names none. */
function holds(fetched: Extract<Fetched, { kind: 'tree' }>, path: string): boolean {
  return fetched.dir === undefined ? !ABSOLUTE.test(path) : path.startsWith(`${fetched.dir}/`);
}

/** Whether a download is a program in one of the folders put on PATH: a file in a bin folder or made executable, or an archive unpacked into the folder itself. */
function programIn(fetched: Fetched, dirs: readonly string[], executable: ReadonlySet<string>): boolean {
  if (fetched.kind === 'tree') return fetched.dir !== undefined && fetched.own && !fetched.artifacts && dirs.includes(fetched.dir);
  const at = fetched.path.lastIndexOf('/');
  return at > 0 && dirs.includes(fetched.path.slice(0, at)) && (PROGRAM_DIR.test(fetched.path) || executable.has(fetched.path));
}

/** Whether a bare program name runs the download from a folder put on PATH: a file in it, or a program of the archive's name in its tree. */
function onPath(fetched: Fetched, name: string, place: Place): boolean {
  if (name.includes('/')) return false;
  // `tar -xzf hugo.tar.gz -C /usr/local/bin`: a program folder.
  if (fetched.kind === 'tree' && fetched.dir !== undefined && PROGRAM_DIR.test(`${fetched.dir}/${name}`) && ledBy(fetched, name)) return true;
  for (const dir of [...place.shellPath, ...place.jobPath]) {
    if (fetched.kind === 'file') {
      const at = fetched.path.lastIndexOf('/');
      const folder = at < 0 ? '' : fetched.path.slice(0, at);
      const file = fetched.path.slice(at + 1);
      if ((folder === dir || (folder === '' && dir === '.')) && (file === name || file.toLowerCase() === `${name.toLowerCase()}.exe`)) return true;
    } else if (names(fetched, `${dir}/${name}`, false) && (name === fetched.token || ledBy(fetched, name))) return true;
  }
  return false;
}

/** The file a command runs of those fetched: as the program, through an interpreter, by installing it as a package, or building the folder it is in. */
function runOf(command: ShellCommand, fetched: readonly Fetched[], place: Place): Fetched | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  if (words.length === 0) return undefined;
  const hit = (word: string | undefined) => (word === undefined ? undefined : fetched.find((f) => names(f, resolvePath(place.cwd, word), false)));
  const first = words[0]!;
  // A program by its path, from the script's folder; by its name, from a program folder or one put on PATH (not the script's own folder, where a file was saved or an archive unpacked).
  const direct = first.includes('/') ? fetched.find((f) => names(f, resolvePath(place.cwd, first), true)) : fetched.find((f) => (f.kind === 'file' && f.path !== normalPath(first) && names(f, normalPath(first), true)) || onPath(f, first, place));
  if (direct) return direct;
  const program = basename(first).replace(/\.exe$/i, '');
  const lower = program.toLowerCase();
  if (lower === 'pwsh' || lower === 'powershell') {
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (/^-(?:File|f)$/i.test(w)) return hit(words[k + 1]);
      if (/^-(?:c|Command|EncodedCommand|e|ec)$/i.test(w)) return undefined;
      if (POWERSHELL_VALUES.test(w)) k++;
      else if (!w.startsWith('-')) return hit(w);
    }
    return undefined;
  }
  // `python -m pip install x.whl`: pip's.
  if (/^python[\d.]*$/.test(program) && words[1] === '-m' && words[2] === 'pip') return runOf(commandOf(['pip', ...words.slice(3)], command.offset), fetched, place);
  if (INTERPRETERS.has(program)) {
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (/^-(?:c|m|e|E|-command|Command|r)$/i.test(w) && program !== 'source' && program !== '.') return undefined; // code given inline, or a module
      if (w.startsWith('-') && w !== '-') continue;
      return hit(w);
    }
    return undefined;
  }
  if (lower === 'start-process' || lower === 'saps' || lower === 'start') {
    // `Start-Process .\setup.exe -ArgumentList '/S' -Wait`, `Start-Process msiexec.exe -ArgumentList "/i x.msi /qn"`.
    const { named, positional } = psParameters(words, START_PROCESS_SWITCHES);
    const file = psValue(named, ['filepath', 1], ['path', 2], ['pspath', 2]) ?? positional[0];
    const args = psValue(named, ['argumentlist', 1], ['args', 2]) ?? positional[1];
    if (file === undefined) return undefined;
    // `-ArgumentList "/i $msi /qn"`, `-ArgumentList '/i', $msi`, `-ArgumentList @('/i', $msi)`: the words given.
    const given = args === undefined ? [] : args.replace(/^@?\(|\)$/g, '').split(/[\s,]+/).map((a) => a.replace(/^["']|["']$/g, '')).filter((a) => a !== '');
    const inner = [file, ...given];
    return hit(file) ?? (file.includes('/') ? undefined : runOf(commandOf(inner, command.offset), fetched, place));
  }
  if (BUILDERS.has(program)) {
    // The Makefile of a folder the archive brought (`tool-1.2/`), not of one it was only unpacked into (`-C build`, which cmake may fill).
    const at = words.findIndex((w) => w === '-C' || w === '--directory');
    const dir = at > 0 ? words[at + 1] : words.find((w) => w.startsWith('--directory='))?.slice(12);
    const makefile = resolvePath(place.cwd, `${dir === undefined ? '.' : dir}/Makefile`);
    return fetched.find((f) => {
      if (f.kind === 'file') return f.path === makefile;
      if (!names(f, makefile, false)) return false;
      const rest = f.dir === undefined ? makefile : makefile.slice(f.dir.length + 1);
      return rest.includes('/') && ledBy(f, rest.split('/')[0]!);
    });
  }
  const installer = INSTALLERS[program] ?? INSTALLERS[lower];
  // Not a list of requirements pip reads (`pip install -r requirements.txt`).
  if (installer && words.slice(1).some((w) => installer.test(w))) return words.slice(1).filter((_, k) => !/^(?:-r|-c|--requirement|--constraint)$/.test(words[k] ?? '')).map((w) => hit(w)).find((f) => f !== undefined);
  return undefined;
}

/** Where a mover puts its sources: the destination itself, or a file of that name in it. */
function moved(command: ShellCommand, fetched: readonly Fetched[], cwd: string): Fetched[] {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '').toLowerCase();
  if (!MOVERS.has(program)) return [];
  const operands: string[] = [];
  if (program.includes('-') || program === 'mi' || program === 'cpi') {
    // Move-Item [-Path] x [-Destination] y
    const { named, positional } = psParameters(words, new Set(['force', 'passthru', 'recurse', 'whatif', 'confirm', 'container']));
    const source = psValue(named, ['path', 1], ['literalpath', 1]) ?? positional.shift();
    const destination = psValue(named, ['destination', 1]) ?? positional.shift();
    if (source !== undefined && destination !== undefined) operands.push(source, destination);
  } else {
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (/^-[mgot]$|^--(?:mode|owner|group|target-directory|suffix)$/.test(w)) k++;
      else if (!w.startsWith('-')) operands.push(w);
    }
  }
  if (operands.length < 2) return [];
  const target = resolvePath(cwd, operands[operands.length - 1]!);
  const out: Fetched[] = [];
  for (const source of operands.slice(0, -1)) {
    const from = resolvePath(cwd, source);
    if (!fetched.some((f) => names(f, from, !source.includes('/')))) continue;
    out.push({ kind: 'file', path: target }, { kind: 'file', path: `${target}/${basename(from)}` });
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

/** Switches of Invoke-WebRequest, Invoke-RestMethod and Start-BitsTransfer: options that take no value. */
const WEB_SWITCHES = new Set(['usebasicparsing', 'passthru', 'skipcertificatecheck', 'usedefaultcredentials', 'disablekeepalive', 'resume', 'skipheadervalidation', 'skiphttperrorcheck', 'allowunencryptedauthentication', 'preserveauthorizationonredirect', 'noproxy', 'allowinsecureredirect', 'preservehttpmethodonredirect', 'followrellink', 'asynchronous', 'verbose', 'debug', 'whatif', 'confirm']);

/** What a PowerShell download command (Invoke-WebRequest, iwr, Invoke-RestMethod, irm, Start-BitsTransfer; Windows PowerShell's curl and wget) fetches and the file it writes. */
export function webDownloadOf(command: ShellCommand): Download | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '').toLowerCase();
  const { named, positional } = psParameters(words, WEB_SWITCHES);
  let url: string | undefined;
  let output: string | undefined;
  if (program === 'start-bitstransfer') {
    url = psValue(named, ['source', 1]) ?? positional[0];
    output = psValue(named, ['destination', 1]) ?? positional[1];
  } else if (['invoke-webrequest', 'iwr', 'invoke-restmethod', 'irm', 'curl', 'wget', 'webclient.downloadfile'].includes(program)) {
    url = psValue(named, ['uri', 1]) ?? positional[0];
    output = psValue(named, ['outfile', 1]);
  }
  if (url === undefined || output === undefined || output === '' || !(/^(?:https?|ftp):\/\//i.test(url) || url.startsWith('$'))) return undefined;
  return { command, url, output };
}

/** A repository named as written, not the workflow's own (`-R cli/cli`, `--repo https://github.com/o/r`). */
const OTHER_REPOSITORY = /^(?:https:\/\/[\w.-]+\/)?[\w.-]+\/[\w.-]+$/;

/**
 * What `gh release download` writes: the files matching its patterns (`-p 'tool_*_linux_amd64.tar.gz'`)
 * in its folder (`-D`), the one file of `-O`, or every asset into a folder of its own. Only a release
 * of a repository named as written (`-R owner/name`) is followed: one of the workflow's own
 * repository (no `-R`, `-R ${{ github.repository }}`) is what its own releases put there.
 */
function releaseDownloadOf(command: ShellCommand, cwd: string): { download: Download; label: string; fetched: Fetched[]; stdout: boolean } | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  if (basename(words[0] ?? '').replace(/\.exe$/i, '') !== 'gh' || words[1] !== 'release' || words[2] !== 'download') return undefined;
  const patterns: string[] = [];
  let dir: string | undefined;
  let output: string | undefined;
  let repo: string | undefined;
  let tag: string | undefined;
  for (let k = 3; k < words.length; k++) {
    const w = words[k]!;
    const [flag, inline] = w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
    const value = () => inline ?? words[++k] ?? '';
    if (flag === '-p' || flag === '--pattern') patterns.push(value());
    else if (flag === '-D' || flag === '--dir') dir = value();
    else if (flag === '-O' || flag === '--output') output = value();
    else if (flag === '-R' || flag === '--repo') repo = value();
    else if (flag === '-A' || flag === '--archive') return undefined; // the source code of the tag
    else if (!w.startsWith('-') && tag === undefined) tag = w;
  }
  if (repo === undefined || !OTHER_REPOSITORY.test(repo)) return undefined;
  const url = `${repo}${tag === undefined ? '' : `@${tag}`}`;
  const folder = dir === undefined ? '.' : dir;
  if (output === '-') {
    const name = patterns.length === 1 ? patterns[0]! : '';
    return { download: { command, url, output: '-' }, label: name || url, fetched: [], stdout: true };
  }
  if (output !== undefined) return { download: { command, url, output }, label: output, fetched: [{ kind: 'file', path: resolvePath(cwd, output) }], stdout: false };
  if (patterns.length > 0) {
    const paths = patterns.map((p) => `${folder === '.' ? '' : `${folder.replace(/\/+$/, '')}/`}${p}`);
    return { download: { command, url, output: paths[0]! }, label: paths.join(', '), fetched: paths.map((p) => ({ kind: 'file', path: resolvePath(cwd, p) })), stdout: false };
  }
  // Every asset, into a folder of its own.
  const resolved = resolvePath(cwd, folder);
  if (dir === undefined || SHARED_DIR.test(resolved) || ABSOLUTE.test(dir) && /^\/[^/]*$/.test(resolved)) return undefined;
  return { download: { command, url, output: dir }, label: `the assets in ${dir}`, fetched: [{ kind: 'tree', dir: resolved, own: true, stem: '', token: '' }], stdout: false };
}

/**
 * A project named by the pipeline's own variables (a merge request's target project is the
 * pipeline's; its source project, a fork's, is not): its job artifacts are what its own pipelines built.
 */
export const OWN_PROJECT = /\$\{?(?:CI_PROJECT_ID|CI_PROJECT_PATH|CI_PROJECT_URL|CI_MERGE_REQUEST_PROJECT_(?:ID|PATH|URL))\b|\$\{?CI_PROJECT_NAMESPACE\}?(?:\/|%2F)\$\{?CI_PROJECT_NAME\b/i;
const JOB_ARTIFACTS = /^(.*?)\/(?:-\/jobs|projects\/([^/]+)\/jobs)\/artifacts\/([^/?#]+)\/(download|raw\/)/;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The job artifacts a URL fetches from the latest pipeline of a branch or tag of a GitLab
 * project (`<project>/-/jobs/artifacts/<ref>/download?job=build`, the API's
 * `/projects/<id>/jobs/artifacts/<ref>/download`), as their archive or one file of them
 * (`.../raw/<path>`); `own` when the project is the pipeline's own, named by its variables.
 */
export function jobArtifactsOf(url: string): { label: string; archive: boolean; own: boolean } | undefined {
  const match = JOB_ARTIFACTS.exec(url);
  if (!match) return undefined;
  const project = match[2] ?? match[1]!;
  const job = /[?&]job=([^&#]+)/.exec(url)?.[1];
  const name = decoded(project.replace(/^(?:[a-z]+:\/\/[^/]+|\$\{?\w+\}?)\/?/i, '')) || project;
  const label = `the artifacts of ${job === undefined ? 'a job' : `job "${decoded(job)}"`} of ${/^\d+$/.test(name) ? `project ${name}` : name} at ${decoded(match[3]!)}`;
  return { label, archive: match[4] === 'download', own: OWN_PROJECT.test(project) };
}

/**
 * What `glab job artifact <ref> <job> -R group/project` (or `glab ci artifact`) unpacks: the
 * artifacts of another project's branch or tag, into `-p`'s folder or the script's. Those of the
 * pipeline's own project (no `-R`, `-R $CI_PROJECT_PATH`) are what its own pipelines built.
 */
function glabArtifactsOf(command: ShellCommand, cwd: string): { download: Download; label: string; fetched: Fetched[] } | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  if (basename(words[0] ?? '') !== 'glab' || (words[1] !== 'job' && words[1] !== 'ci') || words[2] !== 'artifact') return undefined;
  let repo: string | undefined;
  let dir: string | undefined;
  const positional: string[] = [];
  for (let k = 3; k < words.length; k++) {
    const w = words[k]!;
    const [flag, inline] = w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
    const value = () => inline ?? words[++k] ?? '';
    if (flag === '-R' || flag === '--repo') repo = value();
    else if (flag === '-p' || flag === '--path') dir = value();
    else if (!w.startsWith('-')) positional.push(w);
  }
  if (repo === undefined || OWN_PROJECT.test(repo)) return undefined;
  const [ref, job] = positional;
  const label = `the artifacts of ${job === undefined ? 'a job' : `job "${job}"`} of ${repo.replace(/^[a-z]+:\/\/[^/]+\//i, '')}${ref === undefined ? '' : ` at ${ref}`}`;
  const folder = resolvePath(cwd, dir ?? '.');
  return { download: { command, url: repo, output: dir ?? '.' }, label, fetched: [tree('', folder, dir !== undefined, true)!] };
}

/** Where a script writes GITHUB_PATH, GITHUB_ENV or its own PATH. */
const GITHUB_PATH_FILE = /^\$(?:env:)?GITHUB_PATH$/i;
const GITHUB_ENV_FILE = /^\$(?:env:)?GITHUB_ENV$/i;

/** What a command prints (`echo "$PWD/bin"`, `printf '%s\n' "$dir"`, a PowerShell value), as words. */
function printed(command: ShellCommand | undefined): string[] {
  if (command === undefined) return [];
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '').toLowerCase();
  if (program === 'echo' || program === 'write-output') return words.slice(1).filter((w) => !/^-[neE]+$/.test(w));
  if (program === 'printf') return words[1]?.includes('%') ? words.slice(2) : words.slice(1, 2);
  return [];
}

/**
 * The folders a command puts on PATH, for the job (a line of GITHUB_PATH; `PATH=` in GITHUB_ENV)
 * or the shell (`export PATH=...`, `$env:PATH = ...`), as written; undefined when it puts none.
 */
function pathWrites(command: ShellCommand, previous: ShellCommand | undefined, dialect: ScriptDialect): { scope: 'job' | 'shell'; dirs: string[] } | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '').toLowerCase();
  const entries = (value: string) => value.split(dialect === 'powershell' ? ';' : ':').filter((d) => d !== '' && !/^\$(?:env:)?\{?PATH\}?$/i.test(d));
  const files = (command.redirects ?? []).filter((r) => r.op === '>>' || r.op === '>').map((r) => r.target.text);
  // `tee -a "$GITHUB_PATH"`, `Out-File -FilePath $env:GITHUB_PATH -Append`, `Add-Content $env:GITHUB_PATH $dir`.
  let lines: string[] | undefined;
  let file: string | undefined;
  if (files.length > 0) {
    file = files.find((f) => GITHUB_PATH_FILE.test(f) || GITHUB_ENV_FILE.test(f));
    lines = printed(command);
  } else if (program === 'tee' || program === 'out-file' || program === 'add-content' || program === 'ac') {
    file = words.slice(1).find((w) => GITHUB_PATH_FILE.test(w) || GITHUB_ENV_FILE.test(w));
    if (program === 'add-content' || program === 'ac') {
      const { named, positional } = psParameters(words, new Set(['passthru', 'force', 'nonewline', 'whatif', 'confirm']));
      const value = psValue(named, ['value', 1]) ?? positional.filter((w) => w !== file)[0];
      lines = value === undefined ? printed(previous) : [value];
    } else lines = printed(previous);
  }
  if (file !== undefined && lines !== undefined) {
    if (GITHUB_PATH_FILE.test(file)) return { scope: 'job', dirs: lines };
    const path = lines.map((l) => /^PATH=(.*)$/i.exec(l)?.[1]).find((v) => v !== undefined);
    return path === undefined ? undefined : { scope: 'job', dirs: entries(path) };
  }
  // A virtualenv's activate script puts its bin folder on PATH.
  if ((program === 'source' || program === '.') && /(?:^|\/)bin\/activate$/.test(words[1] ?? '')) return { scope: 'shell', dirs: [words[1]!.replace(/\/activate$/, '')] };
  if (program === 'export' || program === 'declare' || program === 'typeset' || (words.length === 0 && command.assignments.length > 0)) {
    const all = [...command.assignments.map((w) => w.text), ...words.slice(1)];
    const path = all.map((w) => /^PATH=(.*)$/.exec(w)?.[1]).find((v) => v !== undefined);
    return path === undefined ? undefined : { scope: 'shell', dirs: entries(path) };
  }
  return undefined;
}

/** The folder a `cd`, `pushd`, `popd`, Set-Location or Push-Location/Pop-Location leads to; `undefined` for a command that is none of them. */
function changedDir(command: ShellCommand, cwd: string, stack: string[], marker: () => string): string | undefined {
  const words = effectiveWords(command).map((w) => w.text);
  const program = basename(words[0] ?? '').toLowerCase();
  if (program === 'popd' || program === 'pop-location' || program === 'popl') return stack.pop() ?? marker();
  if (!['cd', 'pushd', 'chdir', 'set-location', 'sl', 'push-location', 'pushl'].includes(program)) return undefined;
  if (program === 'pushd' || program === 'push-location' || program === 'pushl') stack.push(cwd);
  const target = words.slice(1).find((w) => !w.startsWith('-') || w === '-');
  if (target === undefined || target === '-' || target === '~') return marker();
  return resolvePath(cwd, target);
}

/** Job artifacts in the job's folder before its scripts run (GitLab's `needs: - project: group/tools`), with the piece that names them. */
export interface GivenArtifacts<T> {
  label: string;
  program: string;
  in: T;
}

/** Whether a script may download anything the reader follows: a cheap look before reading it. */
const DOWNLOADERS = /\b(?:curl|wget|gh(?:\.exe)?\s+release\s+download|glab\s+(?:job|ci)\s+artifact|Invoke-WebRequest|Invoke-RestMethod|iwr|irm|Start-BitsTransfer|DownloadFile)\b/i;

/**
 * The files a job's scripts download and then run, with no check of them anywhere in the
 * scripts (VERIFIED). A download is one of curl or wget, of `gh release download` (from a
 * repository named as written), or of PowerShell (Invoke-WebRequest -OutFile, Start-BitsTransfer,
 * WebClient.DownloadFile). It runs when it is the program (`./tool`, `& .\tool.exe`,
 * `Start-Process`, `/usr/local/bin/tool`, by its name once in a bin folder or a folder put on PATH
 * with $GITHUB_PATH or `export PATH`), given to an interpreter (`ruby trigger.rb`, `bash
 * install.sh`, `source env.sh`, `pwsh -File x.ps1`), installed as a package (`dpkg -i x.deb`,
 * `msiexec /i x.msi`, `java -jar x.jar`), or when a program of the archive it was runs (`tar xf
 * tool.tar.gz && ./tool/bin/run`, `curl URL | tar xz && ./hugo`, `cd tool-1.2 && ./configure &&
 * make install`), also after a move (`mv tool /usr/local/bin/`). Paths are read from the folder
 * the script is in (`cd`, `pushd`, a step's working-directory). A file that is only read (`jq .
 * data.json`), unpacked, uploaded or listed is not run. A URL at a full commit hash
 * (COMMIT_PINNED), or on the machine itself, is not reported. Offsets are in the piece named.
 */
export function downloadRunsIn<T extends ScriptPiece>(pieces: readonly T[], given: ReadonlyArray<GivenArtifacts<T>> = []): Array<DownloadRun & { downloadIn: T; runIn: T }> {
  if ((given.length === 0 && !pieces.some((p) => DOWNLOADERS.test(p.text))) || pieces.some((p) => verifies(withoutComments(p.text)))) return [];
  // `artifacts`: a job-artifacts archive, whose files keep the other job's paths; `pathed`: where a program of it was put on PATH.
  const tracked: Array<{ download: Download; program: string; in: T; label: string; fetched: Fetched[]; done: boolean; artifacts?: boolean; pathed?: { command: ShellCommand; in: T } }> = [];
  const out: Array<DownloadRun & { downloadIn: T; runIn: T }> = [];
  /** Files made executable (`chmod +x`), from the workspace root. */
  const executable = new Set<string>();
  for (const g of given) {
    const command = commandOf([], 0);
    tracked.push({ download: { command, url: g.label, output: '.' }, program: g.program, in: g.in, label: g.label, fetched: [tree('', undefined, false, true)!], done: false, artifacts: true });
  }
  const place: Place = { cwd: '', jobPath: [], shellPath: [] };
  let unknown = 0;
  const marker = () => `?${++unknown}`;
  for (const piece of pieces) {
    const dialect = piece.dialect ?? 'posix';
    if (piece.fresh) {
      place.cwd = piece.cwd ?? '';
      place.shellPath = [];
    }
    const pipelines = dialect === 'powershell' ? parsePowerShell(piece.text) : parseShell(piece.text);
    const stack: string[] = [];
    // GITHUB_PATH is read when the step ends: its folders are on PATH from the next step on.
    const forJob: string[] = [];
    // The folder each open subshell started in: `(cd tool && make)` leaves the script where it was.
    const subshells: Array<{ id: number; cwd: string }> = [];
    for (const pipeline of pipelines) {
      for (let index = 0; index < pipeline.length; index++) {
        const command = pipeline[index]!;
        const next = pipeline[index + 1];
        const ids = command.subshells ?? [];
        while (subshells.length > 0 && !ids.includes(subshells[subshells.length - 1]!.id)) place.cwd = subshells.pop()!.cwd;
        for (const id of ids) if (!subshells.some((s) => s.id === id)) subshells.push({ id, cwd: place.cwd });
        // A `cd` in a pipeline runs in a subshell of its own and leaves the script where it is.
        const dir = pipeline.length === 1 ? changedDir(command, place.cwd, stack, marker) : undefined;
        if (dir !== undefined) {
          place.cwd = dir;
          continue;
        }
        const path = pathWrites(command, pipeline[index - 1], dialect);
        if (path) {
          const dirs = path.dirs.map((d) => resolvePath(place.cwd, d));
          (path.scope === 'job' ? forJob : place.shellPath).push(...dirs);
          for (const entry of tracked) if (!entry.done && entry.pathed === undefined && entry.fetched.some((f) => programIn(f, dirs, executable))) entry.pathed = { command, in: piece };
          continue;
        }
        const artifacts = glabArtifactsOf(command, place.cwd);
        if (artifacts) {
          tracked.push({ download: artifacts.download, program: 'glab', in: piece, label: artifacts.label, fetched: artifacts.fetched, done: false, artifacts: true });
          continue;
        }
        const release = releaseDownloadOf(command, place.cwd);
        if (release) {
          if (!release.stdout) tracked.push({ download: release.download, program: 'gh release download', in: piece, label: release.label, fetched: release.fetched, done: false });
          else if (next !== undefined && UNPACKERS.has(programOf(next) ?? '')) {
            const unpack = contentsOf(release.label, unpacked(next), place.cwd, false);
            if (unpack.length > 0) tracked.push({ download: release.download, program: 'gh release download', in: piece, label: release.label, fetched: unpack, done: false });
          }
          continue;
        }
        const web = command.words.some((w) => /(?:^|[/\\])(?:curl|wget)(?:\.exe)?$/i.test(w.text));
        const download = dialect === 'powershell' ? (webDownloadOf(command) ?? (web ? downloadOf(command) : undefined)) : web ? downloadOf(command) : undefined;
        if (download || web) {
          const artifacts = download && jobArtifactsOf(download.url);
          if (download && !COMMIT_PINNED.test(download.url) && (artifacts ? !artifacts.own : !OWN_SERVER.test(download.url))) {
            const program = basename(programOf(download.command) ?? '').replace(/\.exe$/i, '');
            const fromArtifacts = artifacts ? { label: (name: string) => `${name} (${artifacts.label})`, archive: artifacts.archive } : undefined;
            if (download.output !== '-') tracked.push({ download, program, in: piece, label: fromArtifacts?.label(download.output) ?? download.output, fetched: [{ kind: 'file', path: resolvePath(place.cwd, download.output) }], done: false, artifacts: fromArtifacts?.archive });
            else if (next !== undefined && UNPACKERS.has(programOf(next) ?? '')) {
              const name = urlName(download.url);
              const unpack = contentsOf(name, unpacked(next), place.cwd, fromArtifacts?.archive ?? false);
              if (unpack.length > 0) tracked.push({ download, program, in: piece, label: fromArtifacts?.label(name) ?? (name || download.url), fetched: unpack, done: false });
            }
            continue;
          }
          if (download) continue;
        }
        const live = tracked.filter((t) => !t.done);
        if (live.length === 0) continue;
        const extract = unpacked(command);
        const archive = extract?.archive === undefined ? undefined : resolvePath(place.cwd, extract.archive);
        const chmodded = [...madeExecutable([command])].map((f) => resolvePath(place.cwd, f));
        for (const file of chmodded) executable.add(file);
        const ran: typeof live = [];
        for (const entry of live) {
          if (archive !== undefined && (ARCHIVE.test(archive) || entry.artifacts) && entry.fetched.some((f) => names(f, archive, false))) {
            entry.fetched.push(...contentsOf(archive, extract, place.cwd, entry.artifacts ?? false));
            continue;
          }
          // A file of unpacked job artifacts made executable is one of theirs to run (`chmod +x build/tool && ./build/tool`).
          for (const file of chmodded) if (entry.fetched.some((f) => f.kind === 'tree' && f.artifacts && holds(f, file))) entry.fetched.push({ kind: 'file', path: file });
          entry.fetched.push(...moved(command, entry.fetched, place.cwd));
          if (runOf(command, entry.fetched, place)) ran.push(entry);
        }
        if (ran.length === 0) continue;
        // Several downloads one command runs (`dnf install *.rpm`): one finding, on the first.
        for (const entry of ran) entry.done = true;
        const first = ran[0]!;
        out.push({
          download: first.download.command.offset,
          run: command.offset,
          program: first.program,
          file: ran.length === 1 ? first.label : `${first.label} and ${ran.length - 1} other file${ran.length === 2 ? '' : 's'}`,
          how: shortCommand(command),
          it: ran.length === 1 ? 'it' : 'them',
          action: ran.length === 1 ? 'runs it' : 'runs them',
          plainHttp: PLAIN_HTTP_URL.test(first.download.url),
          downloadIn: first.in,
          runIn: piece,
        });
      }
    }
    place.jobPath.push(...forJob);
  }
  // A program put on PATH and never run by name there: what runs it is a later tool that looks it up (meson finds ccache).
  for (const entry of tracked) {
    if (entry.done || entry.pathed === undefined) continue;
    out.push({ download: entry.download.command.offset, run: entry.pathed.command.offset, program: entry.program, file: entry.label, how: shortCommand(entry.pathed.command), it: 'it', action: 'puts it on PATH', plainHttp: PLAIN_HTTP_URL.test(entry.download.url), downloadIn: entry.in, runIn: entry.pathed.in });
  }
  return out;
}

/** downloadRunsIn over one script. */
export function downloadRuns(script: string, dialect: ScriptDialect = 'posix'): DownloadRun[] {
  return downloadRunsIn([{ text: script, dialect }]).map(({ downloadIn: _d, runIn: _r, ...found }) => found);
}
