import { detailNote } from '../rule.js';
import { basename, effectiveWords, parseShell, programOf, type ShellCommand, type ShellWord } from '../shell.js';
import { expandArgs, instructionsOf, keyValues, scriptsOf, type DockerfileInput } from './model.js';
import type { DockerInstruction } from './parser.js';
import { at, dockerRule } from './helpers.js';

/**
 * Artifacts a build runs or installs once downloaded: archives, packages, binaries and
 * scripts, by the name they are saved under (or that of the URL). Keys, signatures,
 * checksum lists and data (.asc, .sha256, .json) are not among them.
 */
const ARTIFACT = /\.(?:tar|tgz|txz|tbz2?|tzst|tar\.(?:gz|xz|bz2|zst|lz4)|zip|7z|deb|rpm|apk|jar|war|ear|whl|gem|nupkg|vsix|xpi|appimage|run|bin|exe|msi|sh|bash|py|pl|ps1|so)$/i;
/** A file saved straight into a directory of programs (`wget -O /usr/local/bin/gosu ...`). */
const PROGRAM_DIR = /(?:^|\/)s?bin\/[^/]+$/;
/** What reads a download from the pipe and unpacks or installs it (`curl -fsSL URL | tar -xz -C /opt`). */
const UNPACKERS = new Set(['tar', 'bsdtar', 'unzip', 'funzip', 'busybox', 'gunzip', 'gzip', 'xz', 'unxz', 'zstd', 'bunzip2', 'bzip2', 'cpio', 'dpkg', 'rpm']);
/**
 * A check of what was downloaded, anywhere in the RUN or a later RUN of the stage: a
 * checksum tool, a signature check (gpg --verify, gpgv, cosign, minisign, signify), or a
 * digest compared by openssl (nginx's `openssl sha512 -r FILE`).
 */
const VERIFIED =
  /\b(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum|gpgv2?|cosign|minisign|signify|slsa-verifier|dpkg-sig)\b|\bgpg2?\b[^\n;&|]*\s--verify\b|\bopenssl\s+(?:dgst|sha\d*|md5)\b|\brpm\s+(?:-K|--checksig)\b|\bgh\s+attestation\s+verify\b|\bGet-FileHash\b|\bcertutil\b[^\n]*-hashfile\b/;

/**
 * A URL of a file at one git commit, named by its full hash (raw.githubusercontent.com/o/r/<sha>/path,
 * github.com/o/r/raw/<sha>/path, gitlab.com/o/r/-/raw/<sha>/path, an /archive/<sha>.tar.gz):
 * the commit fixes the content, so a changed release or a compromised upstream account cannot
 * change what is fetched.
 */
const COMMIT_PINNED = /^https:\/\/(?:raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\/|(?:github\.com|gitlab\.com|codeberg\.org)\/[^?#]+?\/(?:-\/)?(?:raw|archive)\/[0-9a-f]{40}(?:\/|\.(?:tar\.gz|tgz|zip)$))/i;

/** The values ENV and ARG give before `instruction` in its stage (over the global ARG defaults), to read a URL with. */
function variablesAt(input: DockerfileInput, instruction: DockerInstruction): Map<string, string> {
  const values = new Map(input.globalArgs);
  for (const earlier of input.file.stages[instruction.stage]?.instructions ?? []) {
    if (earlier === instruction) break;
    if (earlier.keyword !== 'ENV' && earlier.keyword !== 'ARG') continue;
    for (const [name, value] of keyValues(earlier)) if (value !== undefined) values.set(name, expandArgs(value, values));
  }
  return values;
}

interface Download {
  command: ShellCommand;
  url: string;
  /** The file it is saved as, or '-' for standard output. */
  output: string;
}

function urlName(url: string): string {
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
function downloadOf(command: ShellCommand): Download | undefined {
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
function madeExecutable(commands: readonly ShellCommand[]): Set<string> {
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

export const unverifiedDownload = dockerRule({
  id: 'iac/dockerfile-download-unverified',
  title: 'Downloaded artifact used without a checksum or signature check',
  description:
    "A RUN step downloads an archive, package, binary or script with curl or wget (saved under a name such as .tar.gz, .deb, .jar, .sh, into a bin directory, made executable, or piped into tar or unzip) and no step of the stage checks it: no sha256sum/sha512sum/shasum, gpg --verify or gpgv, cosign, minisign or openssl digest anywhere in that RUN or a later one. HTTPS protects the transfer, not the file: whoever can change the release (a compromised upstream account or mirror, a redirected `latest` link) decides what goes into the image. A file fetched at a git commit named by its full hash (raw.githubusercontent.com/<owner>/<repo>/<40-hex sha>/..., github.com/.../raw/<sha>/..., an /archive/<sha>.tar.gz, the hash written or given by an ENV or ARG of the stage) is not reported: the commit fixes the content. The same risk as ADD <url> without --checksum (iac/dockerfile-add-url). A download piped into a shell is iac/dockerfile-curl-pipe-shell; keys, signatures and checksum lists themselves are not artifacts.",
  remediation: 'Pin the version and verify a pinned digest before using the file (echo "<sha256>  tool.tar.gz" | sha256sum -c -), or check the publisher\'s signature (gpg --verify, cosign verify-blob); or use ADD --checksum=sha256:<digest> <url>.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      'FROM debian:12-slim\n# expect\nRUN curl -fsSL -o /tmp/tool.tar.gz https://example.org/releases/tool-1.2.3-linux-amd64.tar.gz && tar -xzf /tmp/tool.tar.gz -C /opt\n',
      'FROM debian:12-slim\n# expect\nRUN curl -fsSL https://example.org/releases/tool-1.2.3.tar.gz | tar -xz -C /usr/local\n',
      'FROM alpine:3.20\n# expect\nRUN wget -q https://example.org/agent/install-agent.sh && sh install-agent.sh\n',
      'FROM debian:12-slim\n# expect\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl && \\\n# detail\n    curl -fsSLo /tmp/kubectl https://example.org/kubectl/v1.30.2/bin/linux/amd64/kubectl && \\\n    chmod +x /tmp/kubectl && mv /tmp/kubectl /usr/local/bin/\n',
      'FROM debian:12-slim\n# expect\nRUN curl -fsSLO https://example.org/dist/app_2.0.1_amd64.deb && dpkg -i app_2.0.1_amd64.deb\n',
      // A branch or a short hash moves; so does a variable the file does not give.
      'FROM alpine:3.20\n# expect\nRUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/example/tools/master/hack/dind" && chmod +x /usr/local/bin/dind\n',
      'FROM alpine:3.20\nARG COMMIT\n# expect\nRUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/example/tools/${COMMIT}/hack/dind"\n',
      'FROM alpine:3.20\n# expect\nRUN wget -O /usr/local/bin/dind https://raw.githubusercontent.com/example/tools/8d9e3502/hack/dind\n',
    ],
    negative: [
      // Checked with a pinned digest, or with the publisher's signature in a later step.
      'FROM debian:12-slim\nRUN curl -fsSLo /tmp/tool.tar.gz https://example.org/tool-1.2.3.tar.gz && echo "0000000000000000000000000000000000000000000000000000000000000000  /tmp/tool.tar.gz" | sha256sum -c - && tar -xzf /tmp/tool.tar.gz -C /opt\n',
      'FROM debian:12-slim\nRUN wget -O /usr/local/bin/gosu https://example.org/gosu-amd64 && wget -O /usr/local/bin/gosu.asc https://example.org/gosu-amd64.asc\nRUN gpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu && chmod +x /usr/local/bin/gosu\n',
      // Keys, data and API answers are no artifacts; a download piped into a shell is another rule.
      'FROM debian:12-slim\nRUN curl -fsSL https://example.org/repo.gpg | gpg --dearmor -o /usr/share/keyrings/repo.gpg && curl -fsSL https://example.org/api/releases/latest | jq -r .tag_name > /version\n',
      'FROM alpine:3.20\nRUN curl -fsSL https://example.org/i.sh | sh\n',
      'FROM alpine:3.20\nRUN curl -fsS http://localhost:8080/health\n',
      // Fetched at a git commit named by its full hash: the commit fixes the content.
      'FROM alpine:3.20\nENV DIND_COMMIT 8d9e3502aba39127e4d12196dae16d306f76993d\nRUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/example/tools/${DIND_COMMIT}/hack/dind" && chmod +x /usr/local/bin/dind\n',
      'FROM debian:12-slim\nRUN curl -fsSL https://github.com/example/tool/archive/0123456789abcdef0123456789abcdef01234567.tar.gz | tar -xz -C /opt\n',
    ],
  },
  *check(input) {
    const runs = [...instructionsOf(input.file, 'RUN')];
    // A check in this RUN or a later one of the same stage covers its downloads: the stages checked from each RUN on, walking back.
    const checkedFrom: boolean[] = [];
    const checkedStages = new Set<number>();
    for (let k = runs.length - 1; k >= 0; k--) {
      const run = runs[k]!;
      if (scriptsOf(run).some((s) => VERIFIED.test(s.text))) checkedStages.add(run.stage);
      checkedFrom[k] = checkedStages.has(run.stage);
    }
    for (let k = 0; k < runs.length; k++) {
      const instruction = runs[k]!;
      if (checkedFrom[k]) continue;
      let variables: Map<string, string> | undefined;
      for (const script of scriptsOf(instruction)) {
        if (!/\b(?:curl|wget)\b/.test(script.text)) continue;
        const pipelines = parseShell(script.text);
        let made: Set<string> | undefined;
        const executable = () => (made ??= madeExecutable(pipelines.flat()));
        for (const pipeline of pipelines) {
          for (let p = 0; p < pipeline.length; p++) {
            if (!pipeline[p]!.words.some((w) => /(?:^|\/)(?:curl|wget)$/.test(w.text))) continue;
            const download = downloadOf(pipeline[p]!);
            if (!download) continue;
            let artifact: string | undefined;
            if (download.output === '-') {
              const reader = pipeline[p + 1];
              if (reader !== undefined && UNPACKERS.has(programOf(reader) ?? '')) artifact = urlName(download.url) || download.url;
            } else if (ARTIFACT.test(download.output) || PROGRAM_DIR.test(download.output) || executable().has(download.output)) artifact = download.output;
            else if (ARTIFACT.test(urlName(download.url)) && !/^-/.test(download.output)) artifact = download.output;
            if (artifact === undefined) continue;
            if (COMMIT_PINNED.test(expandArgs(download.url, (variables ??= variablesAt(input, instruction))))) continue;
            const program = programOf(download.command)!;
            const place = at(instruction, script.line(download.command.offset));
            yield {
              ...place,
              message: `${program} downloads ${artifact}${detailNote(place)} and no step of this stage checks a checksum or signature of it; verify a pinned sha256 or the publisher's signature before using it.`,
            };
          }
        }
      }
    }
  },
});
