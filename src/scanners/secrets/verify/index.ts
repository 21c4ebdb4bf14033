import type { ScannerFinding } from '../../../core/finding.js';
import type { Detector } from '../detector.js';
import { baseUrlsFromEnvironment, verifyCredential, type Verified, type VerifyOptions } from './providers.js';

export type { Verified } from './providers.js';

export const VERIFY_TIMEOUT_MS = 3000;
const CONCURRENCY = 4;

/** A finding waiting for verification, with the raw values that never leave this process except to their provider. */
export interface PendingVerification {
  finding: ScannerFinding;
  detector: Detector;
  secret: string;
  pair?: string;
}

/**
 * --verify: asks each credential's provider whether it is live and records the answer
 * in `properties.verified` (true, false or 'unknown'). Each distinct credential is asked
 * once; detectors without a verifier get 'unknown'.
 */
export async function verifyFindings(pending: readonly PendingVerification[], options: Partial<VerifyOptions> = {}): Promise<void> {
  const resolved: VerifyOptions = {
    baseUrls: options.baseUrls ?? baseUrlsFromEnvironment(),
    timeoutMs: options.timeoutMs ?? VERIFY_TIMEOUT_MS,
    ...(options.now ? { now: options.now } : {}),
  };
  const answers = new Map<string, Promise<Verified>>();
  const queue = [...pending];
  const work = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const verifier = item.detector.verifier;
      if (!verifier) {
        item.finding.properties['verified'] = 'unknown';
        continue;
      }
      const key = `${verifier}\n${item.secret}\n${item.pair ?? ''}`;
      let answer = answers.get(key);
      if (!answer) {
        answer = verifyCredential(verifier, { secret: item.secret, ...(item.pair ? { pair: item.pair } : {}) }, resolved);
        answers.set(key, answer);
      }
      item.finding.properties['verified'] = await answer;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, work));
}
