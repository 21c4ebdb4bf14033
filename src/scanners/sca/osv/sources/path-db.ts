/** `--db PATH`: advisories from a directory (searched recursively) or a zip of OSV JSON files. */
import { AdvisoryIndex } from '../advisory-index.js';
import type { PackageQuery } from '../package-names.js';
import type { OsvRecord } from '../types.js';
import type { ZipLimits } from '../zip-reader.js';
import { recordsAtPath } from './read-records.js';
import { CappedWarnings, type AdvisorySource, type Warn } from './source.js';

export interface PathDatabaseOptions {
  warn?: Warn;
  limits?: Partial<ZipLimits>;
}

export class PathDatabaseSource implements AdvisorySource {
  readonly name = 'db-path';
  private index: AdvisoryIndex | null = null;

  constructor(
    readonly target: string,
    private readonly options: PathDatabaseOptions = {},
  ) {}

  describe(): string {
    return `advisories in ${this.target}`;
  }

  /** Reads and indexes the records once; throws AdvisorySourceError when the path is unusable. */
  load(): AdvisoryIndex {
    if (!this.index) {
      const warnings = new CappedWarnings(this.options.warn ?? (() => undefined), this.target);
      const index = new AdvisoryIndex();
      for (const record of recordsAtPath(this.target, this.name, { limits: this.options.limits, warn: warnings.add })) index.add(record);
      warnings.flush();
      this.index = index;
    }
    return this.index;
  }

  async query(packages: readonly PackageQuery[], signal?: AbortSignal): Promise<Map<string, OsvRecord[]>> {
    signal?.throwIfAborted();
    return this.load().matchAll(packages);
  }
}
