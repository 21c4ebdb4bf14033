import { get, isYMap, isYScalar, isYSeq, pair, type YMap, type YPair, type YScalar } from '../yaml/tree.js';

/**
 * The templates of freedesktop's ci-templates (`include: project: freedesktop/ci-templates`,
 * used across freedesktop.org and GNOME) that build a CI image: they run the command of
 * FDO_DISTRIBUTION_EXEC inside the image being built, from a copy of the repository
 * (`FDO_DISTRIBUTION_EXEC: bash .gitlab-ci/debian-install.sh`), in a job that can push to
 * the project's registry.
 */
const IMAGE_BUILD = /^\.fdo\.(?:container-build|container-ifnot-exists|qemu-build)@/;

export const SETUP_VARIABLE = 'FDO_DISTRIBUTION_EXEC';

/** The parts of the pipeline model the reading needs (pipeline.ts gives them; no import cycle). */
export interface SetupReader {
  root: YMap;
  jobs: ReadonlyArray<{ name: string; node: YMap }>;
  /** The job and the jobs it extends, in the order their settings count (extendsOrder). */
  order: (job: YMap) => YMap[];
  /** The variable a job gets from its own variables or those of the jobs it extends; null when a job of another file of the pipeline sets it (not read here). */
  variable: (job: YMap, name: string) => YPair | null | undefined;
  runs: (job: { name: string; node: YMap }) => boolean;
}

/** The command a job that builds its image with ci-templates runs in it: the scalar that writes it, and the key above it. */
export interface SetupCommand {
  job: { name: string; node: YMap };
  scalar: YScalar;
  keyLine: number;
}

/**
 * The FDO_DISTRIBUTION_EXEC command of each job of the file that runs and extends a
 * ci-templates image build (directly, or through a template of the file): from the job's
 * variables or those it extends, else the top level's. A value that is one variable
 * (`FDO_DISTRIBUTION_EXEC: $FEDORA_EXEC`), which GitLab expands when it creates the job,
 * is read where that variable is written. Jobs that only use the image
 * (`.fdo.distribution-image@...`) run nothing of it.
 */
export function setupCommands(reader: SetupReader): SetupCommand[] {
  const out: SetupCommand[] = [];
  const globals = get(reader.root, 'variables');
  const lookUp = (job: YMap, name: string) => {
    const own = reader.variable(job, name);
    return own === undefined ? (isYMap(globals) ? pair(globals, name) : undefined) : (own ?? undefined);
  };
  for (const job of reader.jobs) {
    if (job.name.startsWith('.') || !reader.runs(job) || !reader.order(job.node).some((node) => extendsNames(node).some((n) => IMAGE_BUILD.test(n)))) continue;
    let entry = lookUp(job.node, SETUP_VARIABLE);
    let scalar = entry ? valueScalar(entry) : undefined;
    const alias = typeof scalar?.value === 'string' ? /^\$(?:\{(\w+)\}|(\w+))$/.exec(scalar.value.trim()) : null;
    if (alias) {
      entry = lookUp(job.node, alias[1] ?? alias[2]!);
      scalar = entry ? valueScalar(entry) : undefined;
    }
    if (entry && scalar && typeof scalar.value === 'string' && scalar.value.trim() !== '') out.push({ job, scalar, keyLine: entry.keyLine });
  }
  return out;
}

/** A variable's value as written: `NAME: value`, or `NAME: { value: ... }`. */
function valueScalar(entry: YPair): YScalar | undefined {
  const value = isYMap(entry.value) ? get(entry.value, 'value') : entry.value;
  return isYScalar(value) ? value : undefined;
}

function extendsNames(node: YMap): string[] {
  const written = get(node, 'extends');
  return (isYSeq(written) ? written.items : written ? [written] : []).flatMap((p) => (isYScalar(p) && typeof p.value === 'string' ? [p.value] : []));
}
