import type { ScannerId } from '../core/finding.js';
import type { Scanner } from './scanner.js';

/**
 * Every scanner secloop has, in the order they run, each loaded only when a scan uses
 * it (a pre-commit hook running one scanner does not pay for the others). Adding a
 * scanner is one entry here.
 */
const SCANNERS: ReadonlyArray<{ id: ScannerId; load: () => Promise<Scanner> }> = [
  { id: 'secrets', load: async () => (await import('./secrets/index.js')).secretsScanner },
  { id: 'sast', load: async () => (await import('./sast/index.js')).sastScanner },
  { id: 'sca', load: async () => (await import('./sca/index.js')).scaScanner },
  { id: 'iac', load: async () => (await import('./iac/index.js')).iacScanner },
  { id: 'posture', load: async () => (await import('./posture/index.js')).postureScanner },
];

/** Ids of the scanners this build has, in run order. */
export function availableScannerIds(): ScannerId[] {
  return SCANNERS.map((entry) => entry.id);
}

/** The scanners with these ids (all when omitted), in run order. */
export async function loadScanners(ids?: readonly ScannerId[]): Promise<Scanner[]> {
  const wanted = SCANNERS.filter((entry) => !ids || ids.includes(entry.id));
  return Promise.all(wanted.map((entry) => entry.load()));
}
