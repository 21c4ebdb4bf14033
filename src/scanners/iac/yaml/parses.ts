import { HeldParses, MAX_HELD_PARSE_CHARS } from '../held-parses.js';
import { loadYamlCached, loadYamlGiven } from './cache.js';
import type { YamlLoadResult } from './tree.js';

/**
 * The parses of one scan's YAML files made ahead of the scan loop, by path. The pre-passes
 * read the files the loop analyses: the local includes and child pipelines of the GitLab
 * pipelines (gitlab/pipeline-files.ts), the builds of the compose files
 * (compose/built-dockerfiles.ts), the deployer pass (deployers.ts: Flux Kustomizations,
 * Argo CD Applications, Helm deployments, and the RBAC bindings of each directory) and the
 * kustomizations (kustomize.ts: their patch entries, twice, their builds, and the objects
 * of the bases their patches change). Each parsed the file again, as the loop did after
 * them: the YAML cache holds the last parse alone (fluxcd/flux2: 376 YAML parses in all for its 228 texts; 235 with this store, one per file but for texts no file holds).
 * Through this store each is parsed once: a parse made ahead (`load`) is held until the
 * loop reaches the file and gives it to the file's analysis (`handOver`), within a budget
 * of characters, past which a later reader parses again. Only parses of files the loop
 * analyses are held (`kept`), and only until the loop has reached them: a reader within the
 * loop (the judgement of a kustomize base, which reads the patches of the overlays that
 * deploy it: kubernetes/overlaid.ts) gets the parse held for a file the loop is yet to reach,
 * and holds none for one it has passed. A parse is given only for the text it was made from.
 *
 * Readers share the parse, as the readers of the YAML cache's last parse always have: none
 * changes the tree (patches are applied to copies: json-patch.ts, strategic-merge.ts).
 * The store belongs to one scan (index.ts) and goes with it: nothing one scan parsed is
 * held for another (the library API and the server run many in one process).
 */
export class YamlParses {
  private readonly held: HeldParses<YamlLoadResult>;
  /** Files the loop has reached: a parse of one is no longer held. */
  private readonly passed = new Set<string>();

  constructor(
    private readonly kept: (path: string) => boolean = () => true,
    budget = MAX_HELD_PARSE_CHARS,
  ) {
    this.held = new HeldParses(budget);
  }

  /** The file's parse for a reader ahead of it in the loop: the held one, or made now (through the YAML cache) and held when it fits. */
  load(path: string, text: string): YamlLoadResult {
    const held = this.held.get(path, text);
    if (held) return loadYamlGiven(text, held);
    this.held.release(path);
    const result = loadYamlCached(text);
    if (this.kept(path) && !this.passed.has(path)) this.held.hold(path, text, result);
    return result;
  }

  /**
   * The loop has reached the file: its held parse, if made from this text, is the YAML
   * cache's last parse from now on, which the file's first reader in the loop gets as if it
   * had parsed the text itself; the store lets it go. Without a text (a binary file, or one
   * the loop does not read), it is let go alone.
   */
  handOver(path: string, text: string | null): void {
    this.passed.add(path);
    if (text === null) return this.held.release(path);
    const held = this.held.take(path, text);
    if (held) loadYamlGiven(text, held);
  }

  /** The held parse of the file, if any, let go: the loop has reached the file, and does not read it. */
  release(path: string): void {
    this.passed.add(path);
    this.held.release(path);
  }

  /** Characters of the texts whose parses are held now, and at most so far (for tests and measurements). */
  get heldChars(): number {
    return this.held.heldChars;
  }

  get mostHeldChars(): number {
    return this.held.mostHeldChars;
  }
}
