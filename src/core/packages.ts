import { createRequire } from 'node:module';

/**
 * Packages loaded on first use, synchronously: a scan usually needs few of them, and
 * loading them all would dominate start-up. In the bundle (scripts/bundle.mjs) esbuild
 * sees the literal `require` calls below and loads its own bundled copy, one file already
 * read, shared with any static import of the same package; in dist/src, which is plain
 * ESM without `require`, createRequire loads them from node_modules.
 */
const nodeRequire = typeof require === 'function' ? undefined : createRequire(import.meta.url);

function once<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

export const yamlPackage = once(() => (nodeRequire ? nodeRequire('yaml') : require('yaml')) as typeof import('yaml'));
export const picomatchPackage = once(() => (nodeRequire ? nodeRequire('picomatch') : require('picomatch')) as typeof import('picomatch'));
export const fastXmlPackage = once(() => (nodeRequire ? nodeRequire('fast-xml-parser') : require('fast-xml-parser')) as typeof import('fast-xml-parser'));
export const smolTomlPackage = once(() => (nodeRequire ? nodeRequire('smol-toml') : require('smol-toml')) as typeof import('smol-toml'));
export const re2jsPackage = once(() => (nodeRequire ? nodeRequire('re2js') : require('re2js')) as typeof import('re2js'));
export const nanotarPackage = once(() => (nodeRequire ? nodeRequire('nanotar') : require('nanotar')) as typeof import('nanotar'));
