/** The one interface every advisory source implements (OSV API, local database, --db PATH). */
import type { PackageQuery } from '../package-names.js';
import type { OsvRecord } from '../types.js';

export type { PackageQuery } from '../package-names.js';
export { packageKey } from '../package-names.js';

export interface AdvisorySource {
  /** "osv-api", "local-db" or "db-path". */
  readonly name: string;
  /** One line for reports: where the advisories come from. */
  describe(): string;
  /**
   * The advisories affecting each package version, keyed by `packageKey(pkg)`: one entry
   * per distinct key, records sorted by id, an empty list when none. Throws an
   * AdvisorySourceError (one line, no stack needed) when the source cannot be used, and
   * the signal's reason when aborted.
   */
  query(packages: readonly PackageQuery[], signal?: AbortSignal): Promise<Map<string, OsvRecord[]>>;
}

/** A source that cannot answer: unreachable, missing or unreadable. Its message is one line for the user. */
export class AdvisorySourceError extends Error {
  override readonly name = 'AdvisorySourceError';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}

export type Warn = (message: string) => void;

/**
 * Passes on the first `limit` warnings and counts the rest, so that an export with
 * thousands of bad entries gives a readable report; call `flush()` at the end.
 */
export class CappedWarnings {
  private count = 0;
  constructor(
    private readonly warn: Warn,
    private readonly what: string,
    private readonly limit = 10,
  ) {}

  readonly add = (message: string): void => {
    this.count++;
    if (this.count <= this.limit) this.warn(`${this.what}: ${message}`);
  };

  get total(): number {
    return this.count;
  }

  flush(): void {
    if (this.count > this.limit) this.warn(`${this.what}: ${this.count - this.limit} more problems not shown`);
  }
}
