import type { WatchResult } from './watch.js';

/** The watch result for a reader: one line for a pass, one per violation otherwise. */
export function describeWatch(result: WatchResult): string[] {
  const scope = `${result.trackedFiles} tracked files in ${result.sourceDirectories} source directories of commit ${result.commit.slice(0, 12)}`;
  if (result.violations.length === 0) {
    return [`PASS: ${scope} stayed equal to the commit during the build (${result.polls} polls, ${result.events} file events; build exit ${result.returnValue})`];
  }
  const lines = [
    result.returnValue === null
      ? `FAIL: the working tree is not the commit; the build was not run (${scope})`
      : `FAIL: ${result.violations.length} violation(s) while building ${scope} (build exit ${result.returnValue})`,
  ];
  for (const v of result.violations) {
    const restored = v.restored === true ? '; equal to the commit again at the end' : v.restored === false ? '; still differs at the end' : '';
    lines.push(`  ${v.time}  ${v.path}  ${v.kind}: ${v.detail}${restored}`);
  }
  return lines;
}
