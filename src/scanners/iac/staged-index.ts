import path from 'node:path';
import type { WorkspaceFile } from '../../workspace/files.js';
import type { Git } from '../../workspace/git.js';
import { resolveWithinRoot } from '../../workspace/relative-path.js';

const PATHSPECS_PER_CALL = 96;

/** The git index of a scan of staged files (the pre-commit hook), and where its warnings go. */
export interface StagedIndex {
  git: Git;
  /** A warning of the scan, about the file at `path` when one is named. */
  warn: (message: string, path?: string) => void;
}

/**
 * Files of the index that a scan of staged files does not hold, matching `pathspecs`
 * (git pathspecs) and `wanted`, up to `max` of them: what will be committed beside the
 * staged files, read as a scan of the tree would read it. A failure is one warning that
 * says what is not seen (`what`), and no files.
 */
export async function unstagedIndexFiles(
  files: readonly WorkspaceFile[],
  { git, warn }: StagedIndex,
  options: { pathspecs: readonly string[]; wanted?: (path: string) => boolean; max?: number; what: string },
): Promise<Array<{ path: string; text: string }>> {
  const held = new Set(files.map((file) => file.path));
  try {
    const prefix = await git.prefix();
    const listed: string[] = [];
    // A bounded number of pathspecs per call keeps the command line short.
    for (let i = 0; i < options.pathspecs.length; i += PATHSPECS_PER_CALL) {
      listed.push(...(await git.run(['ls-files', '-z', '--', ...options.pathspecs.slice(i, i + PATHSPECS_PER_CALL)])).split('\0'));
    }
    const paths = [...new Set(listed)].filter((p) => p !== '' && !held.has(p) && (options.wanted?.(p) ?? true)).slice(0, options.max ?? Infinity);
    const out: Array<{ path: string; text: string }> = [];
    for (const p of paths) out.push({ path: p, text: (await git.readStaged(prefix + p)).toString('utf8') });
    return out;
  } catch (error) {
    warn(`could not read the index beside the staged files (${options.what}): ${(error as Error).message.split('\n')[0]}`);
    return [];
  }
}

/** The mode and object of the index's entry at `path` (from the scan root): committed, or staged to be; undefined when there is none. */
export async function indexedObject(git: Git, path: string): Promise<{ mode: string; object: string } | undefined> {
  const listed = (await git.run(['ls-files', '-s', '-z', '--', `:(literal)${path}`])).split('\0').find((line) => line.endsWith(`\t${path}`));
  const [mode, object] = listed?.split(/[ \t]/) ?? [];
  return mode && object ? { mode, object } : undefined;
}

/** The size in bytes of a git object. */
export async function objectSize(git: Git, object: string): Promise<number> {
  return Number((await git.run(['cat-file', '-s', object])).trim());
}

/** One file of the index, read for a scan of staged files: its text, the target of a symbolic link, or why it is not read. */
export type IndexEntry = { kind: 'text'; text: string } | { kind: 'link'; target: string } | { kind: 'too-large'; bytes: number } | { kind: 'binary' } | { kind: 'absent' } | { kind: 'other' };

/**
 * The file of the index at `path` (from the scan root), whether staged or not: what will
 * be committed. A regular file larger than `maxBytes` is not read; a symbolic link gives
 * its target (never followed here); a submodule or anything else is `other`. Git's
 * failures are thrown for the caller to say.
 */
export async function indexEntry({ git }: StagedIndex, path: string, maxBytes: number): Promise<IndexEntry> {
  const listed = await indexedObject(git, path);
  if (listed === undefined) return { kind: 'absent' };
  const { mode, object } = listed;
  if (mode === '120000') return { kind: 'link', target: (await git.run(['cat-file', 'blob', object])).replace(/\n$/, '') };
  if (mode !== '100644' && mode !== '100755') return { kind: 'other' };
  const bytes = await objectSize(git, object);
  if (!(bytes <= maxBytes)) return { kind: 'too-large', bytes };
  const text = await git.run(['cat-file', 'blob', object]);
  // A NUL in the first 8,000 bytes is how git decides a blob is binary.
  return text.slice(0, 8000).includes('\0') ? { kind: 'binary' } : { kind: 'text', text };
}

/**
 * A text file of the index at `at` (from the scan root), as a reader of the scan root would
 * read it from the working tree: a symbolic link of the index is followed once, to a file
 * of the index inside the root, whose path is given with its text. What is there but not
 * read is said through `warn` (`why`, to finish a sentence naming the file): a link out of
 * the root or to another link, a file larger than `maxBytes`, a failure of git (`gitFailed`).
 * An absent file, a binary one or a submodule is undefined without a word.
 */
export async function readIndexText(
  staged: StagedIndex,
  at: string,
  maxBytes: number,
  warn: (why: string, gitFailed?: boolean) => void,
): Promise<{ path: string; text: string } | undefined> {
  try {
    let entry = await indexEntry(staged, at, maxBytes);
    let where = at;
    if (entry.kind === 'link') {
      // A link of the index is followed only to a file of the index inside the root.
      const target = entry.target.startsWith('/') ? undefined : resolveWithinRoot(path.posix.dirname(at).replace(/^\.$/, ''), entry.target);
      if (target === undefined) return warn('is a symbolic link that leads out of the scan root'), undefined;
      where = target;
      entry = await indexEntry(staged, target, maxBytes);
      if (entry.kind === 'link') return warn('is a symbolic link to another link'), undefined;
    }
    if (entry.kind === 'too-large') return warn(`is larger than ${maxBytes / 1024} KiB`), undefined;
    return entry.kind === 'text' ? { path: where, text: entry.text } : undefined;
  } catch (error) {
    return warn(`could not be read from the index (${(error as Error).message.split('\n')[0]})`, true), undefined;
  }
}

/**
 * The names in a folder of the index (from the scan root): its files and the folders that
 * hold files, in git's order, `max` at most. Git's failures are thrown for the caller to say.
 */
export async function indexFolderNames({ git }: StagedIndex, folder: string, max: number): Promise<string[]> {
  const under = folder.replace(/\/+$/, '');
  const listed = (await git.run(['ls-files', '-z', '--', `:(literal)${under}/`])).split('\0');
  const names = new Set<string>();
  for (const p of listed) {
    if (!p.startsWith(under + '/')) continue;
    names.add(p.slice(under.length + 1).split('/')[0]!);
    if (names.size >= max) break;
  }
  return [...names];
}
