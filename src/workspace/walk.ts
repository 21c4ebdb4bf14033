import { readdirSync, readFileSync, statSync, lstatSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkippedFile } from './files.js';

export interface WalkOptions {
  /** Extra gitignore-style patterns relative to the root (config `ignore`). */
  ignore: readonly string[];
  maxFileSize: number;
  /**
   * Stat every file for its size (maxFileSize) and readability; default true. A scan
   * turns it off: its readers check the size on the file they open (Workspace, the
   * secrets threads), which spares a stat per file, a third of a large walk.
   */
  measure?: boolean;
  /** Directory names never entered, wherever they are (config `skipDirs`). */
  skipDirs: readonly string[];
  /**
   * Files git tracks although a .gitignore matches them (Git.trackedButIgnored), relative to
   * the root: .gitignore does not leave them out, as git does not; .secloopignore and the
   * config's patterns still do.
   */
  tracked?: ReadonlySet<string>;
  /**
   * Files read although a .gitignore leaves them out (lockfiles: one describes what is
   * installed, whether git keeps it or not), in the folders the walk enters; .secloopignore
   * and the config's patterns still leave them out.
   */
  readIgnored?: (path: string) => boolean;
}

export interface WalkEntry {
  path: string;
  absPath: string;
  /** Bytes, when the walk measured them (WalkOptions.measure). */
  size?: number;
  /** Read from the git index (the pre-commit hook's staged files), not from absPath. */
  fromIndex?: boolean;
  /** Left out by a .gitignore and walked only for WalkOptions.readIgnored: for the scanners that read such files. */
  gitIgnored?: boolean;
}

export interface WalkResult {
  files: WalkEntry[];
  skipped: SkippedFile[];
  /** Files and directories left out by .gitignore, .secloopignore or config: not problems, only counted. */
  ignoredCount: number;
}

/** Names of ignore files honoured in every directory. */
const IGNORE_FILES = ['.gitignore', '.secloopignore'];

/** Extensions that are binary by definition: skipped without being read. */
const BINARY_EXTENSIONS = new Set(
  ('png jpg jpeg gif bmp ico webp tif tiff psd avif heic mp3 mp4 m4a wav ogg flac mov avi mkv webm ' +
    'zip gz tgz bz2 xz 7z rar zst jar war ear class dex so dylib dll exe bin o a lib obj pdb wasm ' +
    'woff woff2 ttf otf eot pdf doc docx xls xlsx ppt pptx sqlite db pyc node')
    .split(' ')
    .map((ext) => `.${ext}`),
);

/**
 * Walk `root` once: honours .gitignore and .secloopignore in every directory (deeper
 * files win, as in git), never follows symbolic links (so it cannot leave the root or
 * loop), and lists every file it does not hand to the scanners with the reason.
 */
export function walk(root: string, options: WalkOptions): WalkResult {
  const files: WalkEntry[] = [];
  const skipped: SkippedFile[] = [];
  let ignoredCount = 0;
  const skipDirs = new Set(options.skipDirs);

  const rootRules: IgnoreLayer[] = [];
  if (options.ignore.length > 0) rootRules.push({ base: '', matcher: ignore().add([...options.ignore]), git: false });
  // The folders of the tracked files a .gitignore matches: entered, for those files only.
  const tracked = options.tracked ?? new Set<string>();
  const trackedDirs = new Set<string>();
  for (const file of tracked) for (let at = file.lastIndexOf('/'); at > 0; at = file.lastIndexOf('/', at - 1)) trackedDirs.add(file.slice(0, at));
  const readIgnored = options.readIgnored ?? (() => false);
  /**
   * Left out: by every layer, or, for a tracked file (or a folder of one) or a file read
   * although ignored, by the layers that are not .gitignore's.
   */
  const leftOut = (active: readonly IgnoreLayer[], rel: string, isDir: boolean) =>
    isIgnored(active, rel, isDir) &&
    (!(isDir ? trackedDirs.has(rel) : tracked.has(rel) || readIgnored(rel)) || isIgnored(active.filter((layer) => !layer.git), rel, isDir));
  /** A file walked only because it is read although ignored (not tracked): kept apart for the scanners that want such files. */
  const onlyReadIgnored = (active: readonly IgnoreLayer[], rel: string) => !tracked.has(rel) && isIgnored(active, rel, false);

  const visit = (dirRel: string, dirAbs: string, layers: IgnoreLayer[]): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: dirRel || '.', reason: 'unreadable', detail: errorCode(error) });
      return;
    }
    const own = loadIgnoreFiles(dirAbs, dirRel, entries);
    const active = own.length > 0 ? [...layers, ...own] : layers;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (skipDirs.has(entry.name) || leftOut(active, rel, true)) {
          ignoredCount++;
          continue;
        }
        visit(rel, childPath(dirAbs, entry.name), active);
        continue;
      }
      if (leftOut(active, rel, false)) {
        ignoredCount++;
        continue;
      }
      const absPath = childPath(dirAbs, entry.name);
      if (entry.isSymbolicLink()) {
        skipped.push({ path: rel, reason: 'symlink', detail: 'symbolic links are not followed' });
        continue;
      }
      if (!entry.isFile()) {
        skipped.push({ path: rel, reason: 'special', detail: 'not a regular file' });
        continue;
      }
      if (BINARY_EXTENSIONS.has(extensionOf(entry.name))) {
        skipped.push({ path: rel, reason: 'binary' });
        continue;
      }
      const ignoredMark = options.readIgnored && onlyReadIgnored(active, rel) ? { gitIgnored: true } : {};
      if (options.measure === false) {
        files.push({ path: rel, absPath, ...ignoredMark });
        continue;
      }
      let size: number;
      try {
        const stat = statSync(absPath);
        size = stat.size;
        // Checked here, once, so an unreadable file is listed whichever scanners want it.
        // From the mode bits (an access() call per file was a tenth of a large walk); a
        // read that still fails, under an ACL say, is recorded as unreadable when it happens.
        if (!readableByMode(stat)) {
          skipped.push({ path: rel, reason: 'unreadable', detail: 'EACCES' });
          continue;
        }
      } catch (error) {
        skipped.push({ path: rel, reason: 'unreadable', detail: errorCode(error) });
        continue;
      }
      if (size > options.maxFileSize) {
        skipped.push({ path: rel, reason: 'too-large', detail: `${size} bytes > maxFileSize ${options.maxFileSize}` });
        continue;
      }
      files.push({ path: rel, absPath, size, ...ignoredMark });
    }
  };

  visit('', path.normalize(root), rootRules);
  return { files, skipped, ignoredCount };
}

/** path.extname(name).toLowerCase() without path's general parsing: ".bashrc" has none, "a.tar.gz" is ".gz". */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** The ids access(2) checks with: the real user and group, and the supplementary groups. */
const identity =
  typeof process.getuid === 'function' && typeof process.getgid === 'function'
    ? { uid: process.getuid(), groups: new Set([process.getgid(), ...(process.getgroups?.() ?? [])]) }
    : undefined;

/** What access(R_OK) would say, from the owner, group and other read bits (root reads everything; no POSIX ids: assume yes). */
function readableByMode(stat: Stats): boolean {
  if (!identity || identity.uid === 0) return true;
  if (stat.uid === identity.uid) return (stat.mode & 0o400) !== 0;
  if (identity.groups.has(stat.gid)) return (stat.mode & 0o040) !== 0;
  return (stat.mode & 0o004) !== 0;
}

/**
 * path.join for a normalised directory and a name from its listing, without
 * path.join's normalisation pass (a measurable share of a walk over many files).
 */
function childPath(dirAbs: string, name: string): string {
  return dirAbs.endsWith(path.sep) ? dirAbs + name : dirAbs + path.sep + name;
}

/** A single file given as the scan target. */
export function singleFile(absPath: string, options: Pick<WalkOptions, 'maxFileSize'>): WalkResult {
  const stat = lstatSync(absPath);
  const rel = path.basename(absPath);
  if (stat.size > options.maxFileSize)
    return { files: [], skipped: [{ path: rel, reason: 'too-large', detail: `${stat.size} bytes` }], ignoredCount: 0 };
  return { files: [{ path: rel, absPath, size: stat.size }], skipped: [], ignoredCount: 0 };
}

interface IgnoreLayer {
  /** Directory of the ignore file, relative to the root ("" for the root). */
  base: string;
  matcher: Ignore;
  /** A .gitignore's: it does not leave out what git tracks. */
  git: boolean;
}

/** Reads only the ignore files the directory listing shows: a failed open per directory and name was a quarter of a large walk. */
function loadIgnoreFiles(dirAbs: string, dirRel: string, entries: readonly Dirent[]): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  for (const name of IGNORE_FILES) {
    if (!entries.some((entry) => entry.name === name)) continue;
    let text: string;
    try {
      text = readFileSync(path.join(dirAbs, name), 'utf8');
    } catch {
      continue;
    }
    layers.push({ base: dirRel, matcher: ignore().add(text), git: name === '.gitignore' });
  }
  return layers;
}

function isIgnored(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    const local = layer.base ? rel.slice(layer.base.length + 1) : rel;
    const result = layer.matcher.test(isDir ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
