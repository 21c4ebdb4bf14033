/**
 * GitHub Actions workflows and composite actions, read as manifests: each action or
 * reusable workflow a `uses:` takes from another repository is a dependency of the
 * "GitHub Actions" ecosystem (purl `pkg:githubactions/owner/repo@version`), so that
 * advisories for actions (GHSA, through OSV) match it and an SBOM lists it.
 *
 * The version is read from the ref, without a leading `v`:
 *   - a release tag (`@v4.1.2`, `@4.1.2`): that version;
 *   - a major or minor tag (`@v4`, `@v4.1`): a tag that moves to the newest release of
 *     its line, flagged `moving-tag` (advisoryVersion: compared as the line's newest
 *     possible release);
 *   - a commit SHA with the version in a comment (`@<sha> # v4.1.2`, as Dependabot and
 *     pinning tools write it): that version; without one, the commit, which no advisory
 *     range can be compared with (source `git`, listed in an SBOM only);
 *   - a branch or anything else: kept as written, source `git`.
 * Local actions (`./path`) and `docker://` images are not dependencies of this kind.
 */
import { parseUses, readWorkflow } from '../../iac/github/model.js';
import { pair, text as scalarText } from '../../iac/yaml/tree.js';
import type { Package } from '../model.js';
import { basename, defineParser, dirname } from './parser.js';
import { purlFor } from './purl.js';

const RELEASE = /^v?(\d+\.\d+\.\d+(?:[-+][\w.+-]*)?)$/i;
const LINE = /^v?(\d+(?:\.\d+)?)$/i;
const SHA = /^[0-9a-f]{40}$/i;
/**
 * `# v4.1.2`, `# tag=v4.1.2`, `# pin@v4.1.2` after the ref. The version is the whole
 * word: a four-part date tag (`# 2026.08.14.1`) is not a release version, as it would not
 * be as a ref, rather than 2026.08.14 (another, non-SemVer version).
 */
const VERSION_COMMENT = /#\s*(?:tag\s*[=:]\s*|pin@)?v?(\d+\.\d+\.\d+(?:[-+][\w.+-]*)?)(?!\.?\w)/i;

export const githubActionsWorkflow = defineParser({
  id: 'github-actions',
  ecosystem: 'GitHub Actions',
  matches: (path) => {
    const name = basename(path).toLowerCase();
    return (/\.ya?ml$/.test(name) && dirname(path).endsWith('.github/workflows')) || name === 'action.yml' || name === 'action.yaml';
  },
  parse(text, ctx) {
    const workflow = readWorkflow(text, (line, message) => ctx.warn(message, line), { path: ctx.path });
    if (!workflow) return;
    const uses: Array<{ value: string; line: number }> = [];
    for (const job of workflow.jobs) {
      // A job that calls a reusable workflow: `jobs.<id>.uses`.
      const called = workflow.composite ? undefined : pair(job.node, 'uses');
      const calledText = called ? scalarText(called.value) : undefined;
      if (called && calledText !== undefined) uses.push({ value: calledText, line: called.keyLine });
      for (const step of job.steps) if (step.uses !== undefined && step.usesLine !== undefined) uses.push({ value: step.uses, line: step.usesLine });
    }
    for (const { value, line } of uses) {
      const pkg = packageOf(value, workflow.lines[line - 1] ?? '', ctx.path, line);
      if (pkg) ctx.packages.push(pkg);
    }
  },
});

function packageOf(uses: string, lineText: string, path: string, line: number): Package | undefined {
  const parsed = parseUses(uses.trim());
  if (parsed.local || parsed.docker || parsed.ref === undefined || /\$\{\{/.test(uses)) return undefined;
  const [owner, repo] = parsed.action.split('/');
  if (!owner || !repo) return undefined;
  const name = `${owner}/${repo}`;
  const ref = parsed.ref;
  const base = { name, ecosystem: 'GitHub Actions' as const, direct: true, dev: false, location: { path, startLine: line } };
  const release = RELEASE.exec(ref)?.[1];
  if (release) return { ...base, version: release, purl: purlFor('GitHub Actions', name, release), source: 'registry' };
  const moving = LINE.exec(ref)?.[1];
  if (moving) return { ...base, version: moving, purl: purlFor('GitHub Actions', name, moving), source: 'registry', flags: ['moving-tag'] };
  if (SHA.test(ref)) {
    const commented = VERSION_COMMENT.exec(lineText.slice(lineText.indexOf(ref) + ref.length))?.[1];
    if (commented) return { ...base, version: commented, purl: purlFor('GitHub Actions', name, commented), source: 'registry' };
  }
  return { ...base, version: ref, purl: purlFor('GitHub Actions', name, ref), source: 'git' };
}

/**
 * The version compared with advisories: a moving tag (`v4`, `v4.1`) points at the newest
 * release of its line, whose number is not known offline, so the line's highest possible
 * release stands for it. A range affects that one when no release of the line fixes it:
 * then the tag installs an affected release (a fix published in the line is what the tag
 * moves to, and it is not reported).
 */
export function actionAdvisoryVersion(pkg: Package): string {
  if (pkg.ecosystem !== 'GitHub Actions' || !pkg.flags?.includes('moving-tag')) return pkg.version;
  const [major, minor] = pkg.version.split('.');
  return `${major}.${minor ?? '999999999'}.999999999`;
}
