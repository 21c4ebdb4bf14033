import type { ScannerId } from '../core/finding.js';
import type { Scanner } from './scanner.js';

interface Entry {
  id: ScannerId;
  load: () => Promise<Scanner>;
  /**
   * The scanner's own `wants`, from a module far lighter than the scanner, for a scanner
   * that finds nothing and warns of nothing in a scan none of whose files it wants.
   */
  lightWants?: () => Promise<(path: string) => boolean>;
}

/**
 * Every scanner secloop has, in the order they run, each loaded only when a scan uses
 * it (a pre-commit hook running one scanner does not pay for the others). Adding a
 * scanner is one entry here.
 */
const SCANNERS: readonly Entry[] = [
  { id: 'secrets', load: async () => (await import('./secrets/index.js')).secretsScanner },
  { id: 'sast', load: async () => (await import('./sast/index.js')).sastScanner },
  { id: 'sca', load: async () => (await import('./sca/index.js')).scaScanner },
  { id: 'iac', load: async () => (await import('./iac/index.js')).iacScanner, lightWants: async () => (await import('./iac/detect.js')).wantsPath },
  { id: 'posture', load: async () => (await import('./posture/index.js')).postureScanner },
];

/** Ids of the scanners this build has, in run order. */
export function availableScannerIds(): ScannerId[] {
  return SCANNERS.map((entry) => entry.id);
}

/**
 * The scanners with these ids (all when omitted), in run order. Given `paths`, every file
 * the scan will read (a scan of staged files lists them before any scanner loads), a
 * scanner with a light `wants` that wants none of them is not loaded, unless `keep` names
 * it: an idle stand-in with its id takes its place. (The pre-commit hook on a commit of
 * source files alone does not load the IaC rules: 0.25 -> 0.16 s of CPU on a small repository.)
 */
export async function loadScanners(ids?: readonly ScannerId[], files?: { paths: readonly string[]; keep: ReadonlySet<ScannerId> }): Promise<Scanner[]> {
  const wanted = SCANNERS.filter((entry) => !ids || ids.includes(entry.id));
  return Promise.all(
    wanted.map(async (entry) => {
      if (!files || !entry.lightWants || files.keep.has(entry.id)) return entry.load();
      const wants = await entry.lightWants();
      return files.paths.some(wants) ? entry.load() : idle(entry.id, wants);
    }),
  );
}

/** A scanner that wants none of the scan's files, in place of one that would find nothing in them. */
function idle(id: ScannerId, wants: (path: string) => boolean): Scanner {
  return {
    id,
    description: '',
    wants,
    async *scan() {},
    rules: () => [],
  };
}
