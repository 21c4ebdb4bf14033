/** What every benchmark module receives from bench/main.ts. */
export interface BenchArgs {
  /** Paths given on the command line, e.g. `--explodejs DIR` -> paths.explodejs. */
  paths: Record<string, string | undefined>;
  /** `--quick`: smaller inputs, for a smoke run. */
  quick: boolean;
  /** Scratch directory for generated inputs (created, not committed). */
  scratch: string;
}

export interface Bench {
  name: string;
  description: string;
  run(args: BenchArgs): Promise<void>;
}
