/**
 * Dockerfile rules about how an image is built rather than about an outright hole:
 * OS packages without versions, ADD where COPY is meant, pipelines that hide a failed
 * download, ownership handed to the runtime user, instructions that silently do nothing.
 */
import { detailNote } from '../rule.js';
import { basename, effectiveWords, programOf, type ShellCommand, type ShellWord } from '../shell.js';
import { effective, type DockerInstruction } from './parser.js';
import { expandArgs, finalStage, instructionsOf, keyValues } from './model.js';
import { at, copySources, dockerRule, runCommands, runPipelines, stageLabel, type DockerRule } from './helpers.js';

// ---- OS packages ----

type PackageTool = 'apt' | 'rpm' | 'zypper' | 'apk';

interface ToolSyntax {
  /** Subcommands that install packages. */
  install: RegExp;
  /** Options that take the next word as their value (before or after the subcommand). */
  valueOptions: RegExp;
  /** Whether a package argument names a version. */
  pinned: (word: string) => boolean;
}

/** name-version as yum, dnf and zypper accept it: the last dash-separated part starts with a digit (or is a variable). */
const NAME_DASH_VERSION = (word: string) => /-(?:\d|\$)[^-]*$/.test(word);

const TOOLS: Record<PackageTool, ToolSyntax> = {
  apt: { install: /^install$/, valueOptions: /^(?:-o|-t|-c|--target-release|--option|--config-file)$/, pinned: (w) => w.includes('=') },
  rpm: {
    install: /^(?:install|in)$/,
    valueOptions: /^(?:-c|--config|-x|--exclude|--setopt|--releasever|--installroot|--enablerepo|--disablerepo|--repo|--repoid|--forcearch|-d|--debuglevel|-e|--errorlevel)$/,
    pinned: (w) => /[=<>]/.test(w) || NAME_DASH_VERSION(w),
  },
  zypper: { install: /^(?:install|in)$/, valueOptions: /^(?:-t|--type|-r|--repo|--from|--root|-R|--reposd-path|-D|--cache-dir|-C)$/, pinned: (w) => /[=<>]/.test(w) || NAME_DASH_VERSION(w) },
  apk: { install: /^add$/, valueOptions: /^(?:-t|--virtual|-X|--repository|-p|--root|--arch|--cache-dir|--keys-dir|--repositories-file)$/, pinned: (w) => /[=~<>]/.test(w) },
};

const PROGRAMS: Record<string, PackageTool> = {
  'apt-get': 'apt',
  apt: 'apt',
  aptitude: 'apt',
  yum: 'rpm',
  dnf: 'rpm',
  microdnf: 'rpm',
  tdnf: 'rpm',
  zypper: 'zypper',
  apk: 'apk',
};

/** Arguments that are not package names from a repository: local files, URLs, groups, variables, substitutions. */
const NOT_A_REPOSITORY_PACKAGE = /^[./~]|^@|[$`]|\.(?:deb|rpm|apk)$|^(?:https?|ftp|file):/i;

export interface PackageInstall {
  tool: PackageTool;
  program: string;
  command: ShellCommand;
  /** Package arguments, options and their values removed. */
  packages: ShellWord[];
  /** The other arguments after the subcommand (options). */
  options: string[];
}

/** Reads `apt-get -y install a b=1`, `dnf -y install x`, `apk add --no-cache y` and the like. */
export function packageInstall(command: ShellCommand): PackageInstall | undefined {
  const words = effectiveWords(command);
  const program = words[0] ? basename(words[0].text) : '';
  // Own keys only: a program named `constructor` must not find Object's.
  const tool = Object.hasOwn(PROGRAMS, program) ? PROGRAMS[program] : undefined;
  if (!tool) return undefined;
  const syntax = TOOLS[tool];
  let k = 1;
  for (; k < words.length; k++) {
    const w = words[k]!.text;
    if (syntax.valueOptions.test(w)) k++;
    else if (!w.startsWith('-')) break;
  }
  if (k >= words.length || !syntax.install.test(words[k]!.text)) return undefined;
  const packages: ShellWord[] = [];
  const options: string[] = [];
  for (k++; k < words.length; k++) {
    const word = words[k]!;
    if (word.text.startsWith('-')) {
      options.push(word.text);
      if (syntax.valueOptions.test(word.text)) k++;
      continue;
    }
    packages.push(word);
  }
  // A simulation installs nothing (`apt-get install -s pkg` to ask whether a package exists for this architecture).
  if (words.some((w) => SIMULATE[tool].test(w.text))) return undefined;
  return { tool, program, command, packages, options };
}

/** Options that make the install a dry run. */
const SIMULATE: Record<PackageTool, RegExp> = {
  apt: /^(?:-s|--simulate|--just-print|--dry-run|--recon|--no-act)$/,
  rpm: /^--assumeno$/,
  zypper: /^(?:-D|--dry-run)$/,
  apk: /^(?:-s|--simulate)$/,
};

const osPackageUnpinned = dockerRule({
  id: 'iac/dockerfile-os-package-unpinned',
  title: 'OS package installed without a version',
  description:
    'apt-get, yum, dnf, zypper or apk installs a package by name only, so each build takes whatever version the mirror serves that day. Builds are not reproducible, a bad or malicious update lands in the image unnoticed, and two images built from the same Dockerfile can differ. The installs of one RUN are one finding, which names the line of each.',
  remediation: 'Pin the versions you depend on (apt-get install curl=8.5.0-2, dnf install httpd-2.4.62, apk add curl=8.9.1-r0) and update them deliberately, or build from a pinned, digest-referenced base image that already holds the packages.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [
      'FROM debian:12\n# expect\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n# detail\n    curl=7.88.1-10 git\n',
      'FROM rockylinux:9\n# expect\nRUN dnf -y install httpd && dnf clean all\n',
      'FROM opensuse/leap:15.6\n# expect\nRUN ["zypper", "install", "-y", "nginx"]\n',
      'FROM alpine:3.20\n# expect\nRUN apk add --no-cache --virtual .build gcc\n',
    ],
    negative: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 git=1:2.39.2-1.1\n',
      'FROM rockylinux:9\nRUN yum install -y httpd-2.4.57 java-17-openjdk-17.0.12.0.7 && yum clean all\n',
      'FROM debian:12\nRUN apt-get install -y ./local.deb $EXTRA_PACKAGES\n',
      'FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0 && apk add --virtual .deps make~4.4\n',
      'FROM debian:12\nRUN apt-get update && apt-get -y upgrade\n',
      'FROM debian:12\nRUN apt-get --simulate install nginx && apk add -s curl\n',
      // A parameter expansion with a space in it is one word: the package list of a build argument.
      'FROM alpine:3.20\nARG PACKAGES=alpine-baselayout,busybox\nRUN apk --root /out --no-cache add --initdb ${PACKAGES//,/ }\n',
    ],
  },
  *check(input) {
    const found: Array<{ instruction: DockerInstruction; line: number; program: string; names: string }> = [];
    for (const { command, script } of runCommands(input)) {
      const install = packageInstall(command);
      if (!install) continue;
      const syntax = TOOLS[install.tool];
      const unpinned = install.packages.filter((p) => !NOT_A_REPOSITORY_PACKAGE.test(p.text) && !syntax.pinned(p.text));
      if (unpinned.length === 0) continue;
      const names = unpinned.slice(0, 3).map((p) => p.text).join(', ') + (unpinned.length > 3 ? ', ...' : '');
      found.push({ instruction: script.instruction, line: script.line(unpinned[0]!.offset), program: install.program, names });
    }
    // One finding per RUN: its installs are one fix, and one line to report.
    for (const installs of byInstruction(found)) {
      const place = at(installs[0]!.instruction, installs[0]!.line);
      if (installs.length === 1) {
        yield { ...place, message: `${installs[0]!.program} installs ${installs[0]!.names} without a version${detailNote(place)}; pin the versions the image depends on.` };
        continue;
      }
      const oneProgram = installs.every((i) => i.program === installs[0]!.program);
      const parts = installs.map((i) => `${oneProgram ? '' : `${i.program} installs `}${i.names}${detailNote(at(i.instruction, i.line))}`);
      yield { ...place, message: `${oneProgram ? `${installs[0]!.program} installs ` : ''}${parts.join(', ')} without a version; pin the versions the image depends on.` };
    }
  },
});

const aptInstallRecommends = dockerRule({
  id: 'iac/dockerfile-apt-install-recommends',
  title: 'apt-get install pulls in recommended packages',
  description:
    'apt-get install without --no-install-recommends also installs every package the requested ones merely recommend: tools, daemons and libraries nobody asked for, each one more thing to patch and more code an attacker can use inside the container. The installs of one RUN are one finding, which names the line of each.',
  remediation: 'Add --no-install-recommends (or set APT::Install-Recommends "false" in /etc/apt/apt.conf.d/) and list the packages the image really needs.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-1104'],
  examples: {
    positive: ['FROM debian:12\n# expect\nRUN apt-get update && apt-get install -y curl\n', 'FROM debian:12\n# expect\nRUN for p in a; do apt-get install -y wget; done\n', 'FROM ubuntu:24.04\nRUN apt-get update\n# expect\nRUN apt-get -y install \\\n# detail\n    ca-certificates\n'],
    negative: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
      'FROM debian:12\nRUN echo \'APT::Install-Recommends "false";\' > /etc/apt/apt.conf.d/90norecommends\nRUN apt-get install -y curl\n',
      'FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n',
      // A simulation installs nothing: whether the package exists for this architecture.
      'FROM debian:12\nRUN if apt-get install -s "postgresql-$PG_MAJOR-jit" > /dev/null 2>&1; then apt-get install -y --no-install-recommends "postgresql-$PG_MAJOR-jit=$PG_VERSION"; fi\n',
    ],
  },
  *check(input) {
    // A configuration file written earlier in the Dockerfile turns recommends off for every later install.
    const configured = (line: number) =>
      input.file.instructions.some((i) => i.keyword === 'RUN' && i.line < line && /APT::Install-Recommends\s*"?(?:false|0)/i.test(i.args));
    const found: Array<{ instruction: DockerInstruction; line: number; program: string }> = [];
    for (const { command, script } of runCommands(input)) {
      const install = packageInstall(command);
      if (!install || install.tool !== 'apt' || install.program === 'aptitude' || install.packages.length === 0) continue;
      const words = effectiveWords(command).map((w) => w.text);
      if (words.some((w) => w === '--no-install-recommends' || /^APT::Install-Recommends=(?:false|0)$/i.test(w))) continue;
      if (configured(script.instruction.line)) continue;
      found.push({ instruction: script.instruction, line: script.line(install.packages[0]!.offset), program: install.program });
    }
    // One finding per RUN, naming the line of each install in it.
    for (const installs of byInstruction(found)) {
      const place = at(installs[0]!.instruction, installs[0]!.line);
      const lines = [...new Set(installs.filter((i) => i.line > i.instruction.line).map((i) => i.line))];
      const note = lines.length > 1 ? ` (lines ${lines.join(', ')})` : detailNote(place);
      yield { ...place, message: `${installs[0]!.program} install without --no-install-recommends${note} adds packages nobody asked for to the image.` };
    }
  },
});

/** Findings of one rule grouped by the RUN they are in, in the order of the file. */
function byInstruction<T extends { instruction: DockerInstruction }>(found: readonly T[]): T[][] {
  const groups = new Map<DockerInstruction, T[]>();
  for (const item of found) groups.set(item.instruction, [...(groups.get(item.instruction) ?? []), item]);
  return [...groups.values()];
}

// ---- COPY and ADD ----

/** What ADD unpacks by itself: local tar archives, plain or compressed. */
const TAR_ARCHIVE = /\.(?:tar|tgz|tbz2?|txz|tzst|tar\.(?:gz|bz2|xz|zst|lz|lzma|z))$/i;
const REMOTE = /^(?:https?|ftp|git):\/\/|^git@|\.git(?:#.*)?$/i;

const addInsteadOfCopy = dockerRule({
  id: 'iac/dockerfile-add-instead-of-copy',
  title: 'ADD used to copy local files',
  description:
    "ADD copies a local file that is not a tar archive, which is exactly what COPY does, but ADD also unpacks archives and fetches URLs. If the source later becomes an archive (or a variable points at one), ADD silently extracts it into the image, with whatever paths the archive holds; COPY says what is meant and does nothing more. Not reported: ADD --unpack, which says it is there to unpack, and a source that is a build argument without a default named for an address (ARG TARBALL_URL), a URL the build passes.",
  remediation: 'Use COPY for local files and directories; keep ADD for the one case it exists for, unpacking a local tar archive, and fetch remote files with curl plus a checksum check (or ADD --checksum).',
  severity: 'low',
  cwe: ['CWE-710'],
  examples: {
    positive: ['FROM eclipse-temurin:21-jre\nARG JAR_FILE=target/app.jar\n# expect\nADD ${JAR_FILE} /app.jar\n', 'FROM eclipse-temurin:21-jre\nARG JAR_FILE\n# expect\nADD ${JAR_FILE} app.jar\n', 'FROM alpine:3.20\n# expect\nADD ["config/", "/etc/app/"]\n'],
    negative: ['FROM alpine:3.20\nADD rootfs.tar.gz /\n', 'FROM alpine:3.20\nCOPY app.jar /app.jar\n', 'FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0da36ea9e00 https://example.org/tool /usr/local/bin/tool\n', 'FROM alpine:3.20\nADD https://example.org/repo.git#v1.2.0 /src\n', 'FROM alpine:3.20\nADD --chmod=755 "https://example.org/scripts/tool.v1" "/usr/local/bin/tool"\n', 'FROM debian:12-slim\nARG TARBALL_URL\nADD --unpack ${TARBALL_URL} /var/www/\nADD --unpack=true release.bin /opt/\nADD ${TARBALL_URL} /tmp/\n'],
  },
  *check(input) {
    // The build arguments that no ARG of the file gives a default and no ENV sets.
    const given = new Set(input.file.instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG').flatMap((i) => keyValues(i).filter(([, value]) => value !== undefined).map(([name]) => name)));
    const withoutDefault = new Set([...instructionsOf(input.file, 'ARG')].flatMap((i) => keyValues(i).map(([name]) => name)).filter((name) => !given.has(name)));
    for (const instruction of instructionsOf(input.file, 'ADD')) {
      const add = effective(instruction);
      if (add.heredocs.length > 0) continue;
      // ADD --unpack says it is there to unpack (a remote archive too, Dockerfile 1.17).
      const unpack = instruction.flags.get('unpack');
      if (unpack === true || (typeof unpack === 'string' && unpack.toLowerCase() !== 'false')) continue;
      const sources = copySources(add).map((s) => expandArgs(s, input.globalArgs));
      // A build argument without a default named for an address (ADD ${TARBALL_URL} /var/www/) is the URL the build passes; one named otherwise (ARG JAR_FILE, Spring Boot's documented ADD ${JAR_FILE} app.jar) a local file.
      const passed = (s: string) => [...s.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some((m) => withoutDefault.has(m[1]!) && /(?:^|_)UR[LI]S?(?:_|$)/i.test(m[1]!));
      if (sources.length === 0 || sources.some((s) => REMOTE.test(s) || TAR_ARCHIVE.test(s) || passed(s))) continue;
      yield { line: instruction.line, message: `ADD ${sources.join(' ')} only copies local files; use COPY, which cannot unpack archives or fetch URLs by surprise.`, resource: stageLabel(input, instruction) };
    }
  },
});

const ROOT_OWNER = /^(?:root|0)(?::(?:root|0))?$/i;

const copyChownRuntimeUser = dockerRule({
  id: 'iac/dockerfile-copy-chown',
  title: 'Copied files owned by a non-root user',
  description:
    "COPY --chown (or ADD --chown) in the final image gives the copied files to an unprivileged user, usually the one the container runs as. The application can then rewrite its own code and configuration, so a code execution bug can plant a persistent backdoor in the running container. Executables only need to be readable and executable by that user.",
  remediation: 'Leave application files owned by root (COPY without --chown, mode 755/644) and give the runtime user write access only to the directories it must write to (RUN mkdir /app/data && chown app /app/data).',
  severity: 'low',
  confidence: 'low',
  cwe: ['CWE-732'],
  examples: {
    positive: ['FROM python:3.12-slim\nRUN useradd -r app\n# expect\nCOPY --chown=app:app src/ /app/\nUSER app\n', 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20\n# expect\nCOPY --from=build --chown=1000 /out/app /usr/local/bin/app\n'],
    negative: ['FROM python:3.12-slim\nCOPY src/ /app/\nUSER 10001\n', 'FROM alpine:3.20\nCOPY --chown=root:root app /app\n', 'FROM node:20-alpine AS deps\nCOPY --chown=node:node package.json /app/\nFROM node:20-alpine\nCOPY --from=deps /app /app\n'],
  },
  *check(input) {
    const stage = finalStage(input.file);
    if (!stage) return;
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      const owner = instruction.flags.get('chown');
      if (typeof owner !== 'string' || owner === '' || ROOT_OWNER.test(expandArgs(owner, input.globalArgs))) continue;
      yield { line: instruction.line, message: `${instruction.keyword} --chown=${owner} lets that user rewrite the copied files; keep code owned by root and make only data directories writable.`, resource: stageLabel(input, instruction) };
    }
  },
});

// ---- Shell ----

/** Commands whose failure in front of a pipe does not matter: they only print. */
const HARMLESS_PRODUCERS = new Set(['echo', 'printf', 'yes', 'true']);

/**
 * Commands that only list what the image already holds (files, installed packages, the
 * libraries a binary needs, locales): docker-library's `find ... | xargs -r apt-mark manual`
 * and `apt-mark showmanual | xargs apt-mark auto`. Their failure fetches nothing and skips no
 * check; the step goes on from the image's own state.
 */
const LOCAL_LISTERS = new Set(['find', 'ls', 'apt-mark', 'dpkg-query', 'ldd', 'scanelf', 'readelf', 'locale', 'uname', 'nproc', 'id']);

/** Commands that only reshape the text they read. */
const TEXT_FILTERS = new Set(['awk', 'gawk', 'mawk', 'sed', 'sort', 'uniq', 'cut', 'tr', 'grep', 'egrep', 'fgrep', 'head', 'tail', 'wc']);

/** The program xargs runs (`xargs -rt -n1 apt-mark manual`: apt-mark); undefined when it names none. */
function xargsProgram(words: readonly string[]): string | undefined {
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    if (/^-[nIdLsaPEe]$|^--(?:max-args|replace|delimiter|max-lines|max-chars|arg-file|max-procs|eof)$/.test(w)) k++;
    else if (!w.startsWith('-')) return basename(w);
  }
  return undefined;
}

/**
 * A pipe that starts from a command listing the image's own state and whose other commands in
 * front only reshape that text or hand it to another lister (`find ... -exec ldd | awk | sort -u
 * | xargs -r dpkg-query --search | cut -d: -f1`).
 */
function listsLocalState(producers: readonly ShellCommand[]): boolean {
  return producers.every((command, k) => {
    const words = effectiveWords(command).map((w) => w.text);
    const program = programOf(command) ?? '';
    if (LOCAL_LISTERS.has(program)) return true;
    if (k === 0) return false;
    if (TEXT_FILTERS.has(program)) return true;
    const run = program === 'xargs' ? xargsProgram(words) : undefined;
    return run !== undefined && LOCAL_LISTERS.has(run);
  });
}

/** grep as the last command of a pipe: it fails when nothing matches, so an empty or failed input fails the step (`locale -a | grep en_US.utf8`). */
function grepFailsOnEmptyInput(words: readonly string[]): boolean {
  return /^[ef]?grep$/.test(basename(words[0] ?? '')) && !words.slice(1).some((w) => /^-[a-zA-Z]*[vcL]/.test(w) || /^--(?:invert-match|count|files-without-match)$/.test(w));
}
const OTHER_SHELLS = /^(?:pwsh|powershell|cmd)(?:\.exe)?$/i;

/**
 * A checksum or signature check reading its list from the pipe: with an empty or cut input
 * it fails by itself (`grep app.tgz SUMS | sha256sum -c -`), so pipefail adds nothing.
 */
function failsOnEmptyInput(command: ShellCommand): boolean {
  const words = effectiveWords(command).map((w) => w.text);
  const program = words[0] ? basename(words[0]) : '';
  if (program === 'gpgv' || grepFailsOnEmptyInput(words)) return true;
  if (program === 'gpg' || program === 'gpg2') return words.includes('--verify');
  if (/^(?:md5|sha\d*|b2)sum$|^shasum$/.test(program)) return words.slice(1).some((w) => w === '--check' || /^-[a-z]*c[a-z]*$/i.test(w));
  return false;
}

function shellSetsPipefail(shell: DockerInstruction | undefined): boolean {
  const words = shell?.exec ?? [];
  return words.some((w, k) => /^-[a-z]*o$/i.test(w) && words[k + 1] === 'pipefail') || words.includes('-opipefail');
}

function isOtherShell(shell: DockerInstruction | undefined): boolean {
  const program = shell?.exec?.[0];
  return program !== undefined && OTHER_SHELLS.test(basename(program.replace(/\\/g, '/')));
}

const pipeWithoutPipefail = dockerRule({
  id: 'iac/dockerfile-pipe-without-pipefail',
  title: 'Pipeline in RUN without pipefail',
  description:
    'A RUN step pipes one command into another without `set -o pipefail`, so only the last command decides whether the step succeeds. A failed download in `curl URL | tar -xz` or `wget -O- URL | gpg --import` is ignored and the build goes on with a missing or truncated file, or without the signing key it was meant to check. A pipe into a checksum or signature check (sha256sum -c, gpg --verify, gpgv) or into grep as the last command (without -v, -c or -L) is not reported: it fails by itself when its input is empty. Nor is a pipe whose commands in front only list what the image already holds (find, ls, apt-mark, dpkg-query, ldd, scanelf, locale: docker-library\'s `find ... | xargs -r apt-mark manual`): their failure fetches nothing and skips no check.',
  remediation: 'Set the shell once, before the RUN steps: SHELL ["/bin/bash", "-o", "pipefail", "-c"], or start the script with set -o pipefail (in a shell that supports it).',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-252'],
  examples: {
    positive: [
      'FROM debian:12\n# expect\nRUN curl -fsSL https://example.org/tool.tgz | tar -xz -C /opt\n',
      'FROM debian:12\n# expect\nRUN apt-get update && \\\n# detail\n    wget -qO- https://example.org/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg\n',
      'FROM debian:12\n# expect\nRUN curl -fsSL https://example.org/tool.tgz | sha256sum > /tmp/sum\n',
      // grep -v passes on empty input; a download in front of a listing still counts.
      'FROM debian:12\n# expect\nRUN curl -fsSL https://example.org/list.txt | grep -v \'^#\' > /etc/app/list\n',
      'FROM debian:12\n# expect\nRUN find /srv -name urls.txt | xargs -n 1 curl -fsSL | tar -xz -C /opt\n',
    ],
    negative: [
      'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://example.org/tool.tgz | tar -xz -C /opt\n',
      'FROM debian:12\nRUN set -eux -o pipefail; curl -fsSL https://example.org/tool.tgz | tar -xz -C /opt\n',
      'FROM debian:12\nRUN echo "app:x:10001:" | tee -a /etc/group\n',
      'FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04\nSHELL ["pwsh", "-Command"]\nRUN Get-ChildItem | Out-File list.txt\n',
      'FROM debian:12\nRUN curl -fsSLO https://example.org/SHA256SUMS && grep " tool.tgz$" SHA256SUMS | sha256sum -c -\n',
      'FROM debian:12\nRUN curl -fsSL https://example.org/tool.tgz.asc | gpg --batch --verify - tool.tgz\n',
      'FROM debian:12\nRUN set -eux; apt-get install -y locales; locale-gen; locale -a | grep \'en_US.utf8\'\n',
      'FROM debian:12\nRUN find /usr/local -type f -executable -exec ldd \'{}\' \';\' | awk \'/=>/ { print $(NF-1) }\' | sort -u | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual\n',
      'FROM debian:12\nRUN apt-mark showmanual | xargs apt-mark auto > /dev/null\n',
      'FROM debian:12\nRUN case "$(uname -m)" in \\\n    x86_64|aarch64) echo fast ;; \\\n    *) echo slow ;; \\\n  esac\n',
    ],
  },
  *check(input) {
    const reported = new Set<DockerInstruction>();
    for (const { pipeline, script } of runPipelines(input)) {
      const instruction = script.instruction;
      if (pipeline.length < 2 || reported.has(instruction)) continue;
      const run = effective(instruction);
      // The exec form runs no shell unless it calls one with -c (then the script is that argument).
      if (run.exec && !(run.exec.length > 2 && /(?:^|\/)(?:ba|z|k)?sh$/.test(run.exec[0]!))) continue;
      const shell = run.exec ? undefined : lastShellBefore(input.file.stages[instruction.stage]?.instructions ?? [], instruction);
      if (isOtherShell(shell) || shellSetsPipefail(shell)) continue;
      if (run.exec && run.exec.slice(1).some((w, k, all) => /^-[a-z]*o$/i.test(w) && all[k + 1] === 'pipefail')) continue;
      const before = script.text.slice(0, pipeline[0]!.offset);
      if (/\bset\s+(?:[-+]\w+\s+)*-[a-z]*o\s*pipefail\b/i.test(before)) continue;
      // A producer without a program is the redirection of a compound command (`done < list | sh`).
      const producers = pipeline.slice(0, -1).flatMap((c) => programOf(c) ?? []);
      if (producers.every((p) => HARMLESS_PRODUCERS.has(p) || OTHER_SHELLS.test(p))) continue;
      if (listsLocalState(pipeline.slice(0, -1))) continue;
      if (failsOnEmptyInput(pipeline[pipeline.length - 1]!)) continue;
      reported.add(instruction);
      const place = at(instruction, script.line(pipeline[0]!.offset));
      yield { ...place, message: `This RUN pipes ${producers[0]} into ${programOf(pipeline[pipeline.length - 1]!) ?? 'another command'} without pipefail${detailNote(place)}: a failure of ${producers[0]} does not fail the build.` };
    }
  },
});

function lastShellBefore(instructions: DockerInstruction[], target: DockerInstruction): DockerInstruction | undefined {
  let shell: DockerInstruction | undefined;
  for (const instruction of instructions) {
    if (instruction === target) break;
    if (instruction.keyword === 'SHELL') shell = instruction;
  }
  return shell;
}

// ---- Instructions that do nothing ----

const maintainerDeprecated = dockerRule({
  id: 'iac/dockerfile-maintainer-deprecated',
  title: 'MAINTAINER is deprecated',
  description:
    'MAINTAINER has been deprecated since Docker 1.13. It only sets the image author field, which tools that read OCI labels (scanners, registries, SBOM generators) ignore, so the image ends up with no owner anyone can find when a vulnerability needs a contact.',
  remediation: 'Replace it with a label: LABEL org.opencontainers.image.authors="team@example.org".',
  severity: 'info',
  cwe: ['CWE-477'],
  examples: {
    positive: ['FROM alpine:3.20\n# expect\nMAINTAINER Platform Team <platform@example.org>\n'],
    negative: ['FROM alpine:3.20\nLABEL org.opencontainers.image.authors="platform@example.org"\n'],
  },
  *check(input) {
    for (const instruction of instructionsOf(input.file, 'MAINTAINER'))
      yield { line: instruction.line, message: 'MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors instead.' };
  },
});

const overriddenStartCommand = dockerRule({
  id: 'iac/dockerfile-overridden-start-command',
  title: 'CMD or ENTRYPOINT that never takes effect',
  description:
    'The final stage has more than one CMD (or ENTRYPOINT); only the last one counts. A reader, or a reviewer checking what the container runs and as which user, sees a command that never runs.',
  remediation: 'Keep one CMD and one ENTRYPOINT in the final stage and delete the others.',
  severity: 'info',
  cwe: ['CWE-561'],
  examples: {
    positive: ['FROM alpine:3.20\n# expect\nCMD ["./server", "--debug"]\nCMD ["./server"]\n', 'FROM alpine:3.20\n# expect\nENTRYPOINT ["/entry.sh"]\nCMD ["run"]\nENTRYPOINT ["/docker-entrypoint.sh"]\n'],
    negative: ['FROM golang:1.22 AS build\nCMD ["a"]\nCMD ["b"]\nFROM alpine:3.20\nENTRYPOINT ["/entry.sh"]\nCMD ["run"]\n'],
  },
  *check(input) {
    const stage = finalStage(input.file);
    if (!stage) return;
    for (const keyword of ['CMD', 'ENTRYPOINT']) {
      const all = stage.instructions.filter((i) => i.keyword === keyword);
      for (const instruction of all.slice(0, -1))
        yield { line: instruction.line, message: `This ${keyword} is overridden by the ${keyword} on line ${all[all.length - 1]!.line} and never runs.`, resource: stageLabel(input, instruction) };
    }
  },
});

export const practiceRules: readonly DockerRule[] = [
  osPackageUnpinned,
  aptInstallRecommends,
  addInsteadOfCopy,
  copyChownRuntimeUser,
  pipeWithoutPipefail,
  maintainerDeprecated,
  overriddenStartCommand,
];
