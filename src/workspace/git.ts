import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { UsageError } from '../core/errors.js';

const execFileAsync = promisify(execFile);

/** Lines added or changed, per path relative to the repository's top level. */
export type ChangedLines = Map<string, LineSet>;

/** A set of 1-based line ranges; `all` marks a file that is new as a whole. */
export class LineSet {
  readonly ranges: Array<[number, number]> = [];
  all = false;

  add(start: number, count: number): void {
    if (count > 0) this.ranges.push([start, start + count - 1]);
  }

  has(line: number): boolean {
    return this.all || this.ranges.some(([from, to]) => line >= from && line <= to);
  }

  /** Whether any line from `start` to `end` (inclusive) was added or changed. */
  hasAny(start: number, end: number): boolean {
    return this.all || this.ranges.some(([from, to]) => from <= end && to >= start);
  }
}

/**
 * Git through the git executable with argument arrays, never a shell. Hooks and
 * configured helpers of the scanned repository are not run: every call passes
 * `-c core.fsmonitor=false` and uses plumbing commands that run no hooks.
 */
export class Git {
  private constructor(
    readonly topLevel: string,
    readonly cwd: string,
    private readonly dirPrefix: string,
  ) {}

  /** The repository containing `dir`, or null when there is none (or no git). */
  static async open(dir: string): Promise<Git | null> {
    try {
      // The prefix too, in the same call: most scans ask for it, and each git process costs a fork of this one.
      const { stdout } = await execFileAsync('git', [...SAFE_CONFIG, 'rev-parse', '--show-toplevel', '--show-prefix'], { cwd: dir });
      const [topLevel = '', prefix = ''] = stdout.split('\n');
      return new Git(topLevel.trim(), dir, prefix.trim());
    } catch {
      return null;
    }
  }

  async run(args: string[], options: { maxBuffer?: number } = {}): Promise<string> {
    const { stdout } = await execFileAsync('git', [...SAFE_CONFIG, ...args], {
      cwd: this.cwd,
      maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  }

  /** Path of `dir` inside the repository ("" at the top), forward slashes, trailing slash when not empty. */
  async prefix(): Promise<string> {
    return this.dirPrefix;
  }

  async resolveCommit(ref: string): Promise<string> {
    if (ref.startsWith('-')) throw new UsageError(`invalid git ref '${ref}'`);
    try {
      return (await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
    } catch {
      const shallow = (await this.run(['rev-parse', '--is-shallow-repository']).catch(() => '')).trim() === 'true';
      throw new UsageError(
        `git ref '${ref}' does not exist in this repository` +
          (shallow ? ' (this is a shallow clone: fetch more history, e.g. actions/checkout with fetch-depth: 0)' : ''),
      );
    }
  }

  /**
   * Lines added or changed since `ref` in the working tree (or in the index with
   * `staged`), plus untracked files as wholly new. Paths are relative to the top level.
   */
  async changedLines(ref: string | null, options: { staged?: boolean } = {}): Promise<ChangedLines> {
    const args = ['diff', '--no-color', '--no-ext-diff', '--no-renames', '--unified=0', '--diff-filter=AMCRT'];
    if (options.staged) args.push('--cached');
    if (ref) args.push(await this.resolveCommit(ref));
    args.push('--');
    const changed = parseUnifiedZeroDiff(await this.run(args));
    if (!options.staged) {
      const untracked = await this.run(['ls-files', '--others', '--exclude-standard', '--full-name', '-z']);
      for (const file of untracked.split('\0').filter(Boolean)) {
        const set = new LineSet();
        set.all = true;
        changed.set(file, set);
      }
    }
    return changed;
  }

  /**
   * Tracked files that an ignore pattern matches (`git add -f`, or a pattern added after the
   * file): git ignores only untracked files, so these are part of the repository. Relative
   * to the top level.
   */
  async trackedButIgnored(): Promise<string[]> {
    const out = await this.run(['ls-files', '--cached', '--ignored', '--exclude-standard', '--full-name', '-z']);
    return out.split('\0').filter(Boolean);
  }

  /**
   * trackedButIgnored below this directory, relative to it, for a walk of it (WalkOptions.tracked);
   * none when there are none or git cannot tell (the walk then follows the .gitignore files alone).
   */
  async trackedButIgnoredHere(): Promise<Set<string> | undefined> {
    const paths = await this.trackedButIgnored().catch(() => []);
    if (paths.length === 0) return undefined;
    const prefix = await this.prefix().catch(() => undefined);
    return prefix === undefined ? undefined : new Set(paths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)));
  }

  /** Paths staged for commit (added, copied, modified, renamed), relative to the top level. */
  async stagedPaths(): Promise<string[]> {
    const out = await this.run(['diff', '--cached', '--name-only', '--no-renames', '--diff-filter=ACMRT', '-z']);
    return out.split('\0').filter(Boolean);
  }

  /** Content of a path as staged in the index. */
  async readStaged(path: string): Promise<Buffer> {
    return readProcess('git', [...SAFE_CONFIG, 'cat-file', 'blob', `:${path}`], this.cwd);
  }

  /** Author time (epoch seconds) of the commit that last touched each line, from blame --porcelain. */
  async blameTimes(path: string): Promise<Map<number, number>> {
    const out = await this.run(['blame', '--porcelain', '--', path]);
    const times = new Map<number, number>();
    const commitTime = new Map<string, number>();
    let current: { sha: string; line: number } | null = null;
    for (const line of out.split('\n')) {
      const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(line);
      if (header) {
        current = { sha: header[1]!, line: Number(header[2]) };
        continue;
      }
      if (current && line.startsWith('author-time ')) commitTime.set(current.sha, Number(line.slice(12)));
      if (current && line.startsWith('\t')) {
        const time = commitTime.get(current.sha);
        if (time !== undefined) times.set(current.line, time);
        current = null;
      }
    }
    return times;
  }

  /** Every commit reachable from any ref, newest first: sha, author time, subject. */
  async history(): Promise<Array<{ sha: string; time: number }>> {
    const out = await this.run(['log', '--all', '--format=%H %at', '--no-color']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, time] = line.split(' ');
        return { sha: sha!, time: Number(time) };
      });
  }
}

/** Never let the scanned repository's config run programs (fsmonitor, pagers, diff drivers). */
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.pager=cat', '-c', 'diff.external=', '--no-pager'];

export function parseUnifiedZeroDiff(diff: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: LineSet | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      if (target === '/dev/null') {
        current = null;
        continue;
      }
      const file = unquoteGitPath(target).replace(/^b\//, '');
      current = changed.get(file) ?? new LineSet();
      changed.set(file, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) current.add(Number(hunk[1]), hunk[2] === undefined ? 1 : Number(hunk[2]));
  }
  return changed;
}

/** Git quotes paths with unusual bytes as C strings: "b/caf\303\251.txt". */
function unquoteGitPath(value: string): string {
  if (!value.startsWith('"')) return value;
  const bytes: number[] = [];
  const body = value.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function readProcess(command: string, args: string[], cwd: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim()}`)),
    );
  });
}
