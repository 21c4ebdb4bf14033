import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on first use. A scan usually meets one or two lockfile formats,
 * and the YAML and XML parsers alone take tens of milliseconds to load, which would
 * dominate `secloop sbom` on a small project. Parsers are synchronous, so this uses
 * the packages' CommonJS builds.
 */
export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
