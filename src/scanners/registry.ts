import type { ScannerId } from '../core/finding.js';
import type { Scanner } from './scanner.js';
import { secretsScanner } from './secrets/index.js';
import { scaScanner } from './sca/index.js';
import { sastScanner } from './sast/index.js';
import { iacScanner } from './iac/index.js';
import { postureScanner } from './posture/index.js';

/**
 * Every scanner secloop has, in the order they run. Adding a scanner is one import
 * and one entry here.
 */
const SCANNERS: readonly Scanner[] = [secretsScanner, sastScanner, scaScanner, iacScanner, postureScanner];

export function allScanners(): readonly Scanner[] {
  return SCANNERS;
}

export function scannerById(id: ScannerId): Scanner | undefined {
  return SCANNERS.find((scanner) => scanner.id === id);
}
