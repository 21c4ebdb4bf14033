import type { Detector } from './detector.js';
import { CompiledDetectors } from './engine/compiled.js';
import { DETECTORS } from './rules/index.js';

let compiled: CompiledDetectors | null = null;

/** The detector set, compiled once per thread. */
export function compiledDetectors(): CompiledDetectors {
  compiled ??= new CompiledDetectors(DETECTORS);
  return compiled;
}

const byId = new Map<string, Detector>(DETECTORS.map((detector) => [detector.id, detector]));

export function detectorById(id: string): Detector {
  const detector = byId.get(id);
  if (!detector) throw new Error(`unknown secret detector '${id}'`);
  return detector;
}
