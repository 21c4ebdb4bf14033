import { ConfinedDisk } from '../../../workspace/confined-disk.js';
import type { WorkspaceFile } from '../../../workspace/files.js';
import { resolveWithinRoot } from '../../../workspace/relative-path.js';
import type { ModuleFiles } from './hcl/evaluate.js';

/**
 * The files a module directory's Terraform reads with file(), templatefile(), fileexists()
 * and fileset() (hcl/file-functions.ts), read before the directory is analysed, since
 * evaluation is synchronous. Which files: the paths its texts write after `${path.module}`
 * or `${path.root}` (`"${path.module}/rules.yaml"`, `"${path.module}/rules/${f}"`), and the
 * literal paths given to those functions (`file("policy.json")`); a path that may be a
 * directory is listed, and the files listed are read too. Everything is bounded (files,
 * characters, entries listed, depth), stays inside the scan root and never follows a
 * symbolic link: a file not read is unknown to the functions. A file the scan itself
 * reads (a YAML file) is read through the scan's text store, once.
 */

/** Files read for one directory, characters of one file and of all, and entries listed under one directory. */
const MAX_FILES = 64;
const MAX_FILE_CHARS = 1024 * 1024;
const MAX_CHARS = 4 * 1024 * 1024;
const MAX_LISTED = 2000;
const MAX_DEPTH = 8;
/** Names of the files read from a listed directory: text formats a configuration keeps beside its modules. */
const TEXT_FILE = /\.(?:ya?ml|json|tpl|tftpl|tmpl|txt|sh|ps1|cfg|conf|ini|toml|xml|csv|j2|pem|pub|md|html|cue|rego)$/i;

/** Whether a text may call a file function. */
export function mayReadFiles(text: string): boolean {
  return /\b(?:file|fileexists|fileset|templatefile)\s*\(/.test(text);
}

const AFTER_PATH = /\$\{\s*path\.(?:module|root)\s*\}([^"$\n]*)/g;
const LITERAL_ARGUMENT = /\b(?:file|fileexists|fileset|templatefile)\s*\(\s*"([^"$\n]*)"/g;

/** The paths from the scan root that a directory's texts may read: files, and paths that may be directories. */
export function fileCandidates(dir: string, texts: readonly string[]): { files: string[]; dirs: string[] } {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const add = (relative: string, directoryOnly: boolean) => {
    const resolved = within(dir, relative);
    if (resolved === undefined) return;
    dirs.add(resolved);
    if (!directoryOnly && resolved !== dir) files.add(resolved);
  };
  for (const text of texts) {
    for (const m of text.matchAll(AFTER_PATH)) {
      const rest = m[1]!;
      // `${path.module}/rules/${f}`: a directory; `${path.module}/rules.yaml`: a file, or a directory fileset lists.
      const next = text[m.index! + m[0].length];
      add(rest, rest.endsWith('/') || next === '$');
    }
    for (const m of text.matchAll(LITERAL_ARGUMENT)) if (!m[1]!.startsWith('/')) add(`/${m[1]!}`, false);
  }
  return { files: [...files].sort(), dirs: [...dirs].sort() };
}

/** `rest` (`/a/b`) from `dir`, normalised; undefined when it leaves the scan root or is not a plain relative path. */
function within(dir: string, rest: string): string | undefined {
  if (rest.includes('\\') || rest.includes('\0') || (rest !== '' && !rest.startsWith('/'))) return undefined;
  return resolveWithinRoot(dir, rest);
}

/** The files read for one directory, as the evaluation sees them. */
class ReadFiles {
  readonly texts = new Map<string, string>();
  readonly listings = new Map<string, string[]>();
  chars = 0;

  forModule(module: string): ModuleFiles {
    return { module, root: module, text: (p) => this.texts.get(p), list: (d) => this.listings.get(d) };
  }
}

/**
 * Reads, for each module directory the scan analyses, the files its Terraform may read.
 * `scanned` are the files of the scan, read through `read` (the scan's text store); others
 * are read from the disk under `root`. Without a root (a scan of staged files, whose
 * files come from the index), nothing is read.
 */
export class TerraformFiles {
  private readonly disk: ConfinedDisk | undefined;
  private readonly scanned: Map<string, WorkspaceFile>;

  constructor(
    private readonly root: string | undefined,
    scanned: readonly WorkspaceFile[],
    private readonly read: (file: WorkspaceFile) => Promise<string | null>,
    private readonly maxFileSize = MAX_FILE_CHARS,
  ) {
    this.disk = root === undefined ? undefined : new ConfinedDisk(root, maxFileSize);
    this.scanned = new Map(scanned.map((file) => [file.path, file]));
  }

  /** What a directory's texts may read, read; undefined when they call no file function or nothing could be read. */
  async forDirectory(dir: string, texts: readonly string[]): Promise<ModuleFiles | undefined> {
    if (this.root === undefined || !texts.some(mayReadFiles)) return undefined;
    const { files, dirs } = fileCandidates(dir, texts);
    const read = new ReadFiles();
    const wanted = [...files];
    for (const listed of dirs) {
      const entries = await this.list(listed);
      if (!entries) continue;
      read.listings.set(listed, entries);
      for (const entry of entries) if (TEXT_FILE.test(entry)) wanted.push(listed === '' ? entry : `${listed}/${entry}`);
    }
    for (const file of [...new Set(wanted)]) {
      if (read.texts.size >= MAX_FILES) break;
      const text = await this.text(file);
      if (text === undefined || read.chars + text.length > MAX_CHARS) continue;
      read.texts.set(file, text);
      read.chars += text.length;
    }
    return read.texts.size > 0 || read.listings.size > 0 ? read.forModule(dir) : undefined;
  }

  private async text(file: string): Promise<string | undefined> {
    const own = this.scanned.get(file);
    if (own) {
      const text = await this.read(own).catch(() => null);
      return text !== null && text.length <= this.maxFileSize ? text : undefined;
    }
    return this.disk?.readText(file);
  }

  /** Every regular file under a directory (paths from it), or undefined when it is no directory or holds more than the bounds allow. */
  private async list(dir: string): Promise<string[] | undefined> {
    if (!this.disk) return undefined;
    const { files, complete } = await this.disk.list(dir, { maxDepth: MAX_DEPTH, maxFiles: MAX_LISTED });
    return complete ? files.map((file) => (dir === '' ? file : file.slice(dir.length + 1))) : undefined;
  }
}
