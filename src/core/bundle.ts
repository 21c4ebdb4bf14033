/** Set to true by scripts/bundle.mjs (esbuild `define`); undeclared when running dist/src or TypeScript. */
declare const SECLOOP_BUNDLE: boolean | undefined;

/** True in dist/bundle, where every entry point and chunk sits in one folder. */
export const inBundle: boolean = typeof SECLOOP_BUNDLE !== 'undefined' && SECLOOP_BUNDLE === true;

/**
 * The script a worker thread runs: `unbundled` beside the calling module in dist/src,
 * or the bundle's entry `bundledName` (scripts/bundle.mjs) in the bundle's folder.
 */
export function workerScript(callerUrl: string, unbundled: string, bundledName: string): URL {
  return new URL(inBundle ? `./${bundledName}.js` : unbundled, callerUrl);
}
