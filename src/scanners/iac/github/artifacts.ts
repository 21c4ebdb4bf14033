import { PRIVILEGED_TRIGGERS, inputDeclarations, isAction, scriptOf, withValue, workflowRunFromMaintainers, type Step, type Workflow } from './model.js';

const GH_RUN_DOWNLOAD = /\bgh\s+run\s+download\b/;
const SCRIPT_ARTIFACTS = /\b(?:downloadArtifact|listWorkflowRunArtifacts)\b/;

/**
 * A github-script step that only lists another run's artifacts (listWorkflowRunArtifacts,
 * no downloadArtifact): it finds what a later step downloads, so it counts as a download,
 * but a message had better name the step that downloads.
 */
export function onlyListsArtifacts(step: Step): boolean {
  const script = scriptOf(step);
  return isAction(step, 'actions/github-script') && /\blistWorkflowRunArtifacts\b/.test(script) && !/\bdownloadArtifact\b/.test(script) && !GH_RUN_DOWNLOAD.test(script);
}

/** How many local composite actions deep a download is looked for (an action that uses another). */
const MAX_ACTION_DEPTH = 3;

/**
 * A step that fetches artifacts another run uploaded: in a workflow_run workflow, the
 * triggering (fork) run's output. A local composite action of the scan (`uses:
 * ./.github/actions/download`) does when one of its steps does (and does not only list them):
 * it runs in the caller's job, on the caller's event.
 */
export function downloadsOtherRunArtifacts(step: Step, wf: Workflow, depth = 0): boolean {
  if (isAction(step, 'actions/download-artifact')) return withValue(step, 'run-id') !== undefined || withValue(step, 'github-token') !== undefined;
  if (isAction(step, 'dawidd6/action-download-artifact')) return true;
  const action = depth < MAX_ACTION_DEPTH ? wf.callers?.localAction?.(wf, step) : undefined;
  if (action) return action.jobs.some((job) => job.steps.some((s) => downloadsOtherRunArtifacts(s, action, depth + 1) && !onlyListsArtifacts(s)));
  const script = scriptOf(step);
  return GH_RUN_DOWNLOAD.test(script) || (isAction(step, 'actions/github-script') && SCRIPT_ARTIFACTS.test(script));
}

/**
 * Where a download step puts the artifacts, as written: its `path:`; for `gh run download`,
 * its `-D` folder; for a local composite action that declares a `path` input, the `path:`
 * its caller passes. Undefined when not said (the workspace, or a place secloop does not follow).
 */
function downloadPath(step: Step, wf: Workflow): string | undefined {
  if (!step.uses) return /\s-D\s+(\S+)/.exec(scriptOf(step))?.[1];
  const action = wf.callers?.localAction?.(wf, step);
  if (action && !inputDeclarations(action, 'path').some((d) => d.source === 'action')) return undefined;
  return withValue(step, 'path')?.value;
}

/**
 * A download that picks the run by the pull request the event is about (`pr:`, `commit:`
 * or `run-id:` computed from its number, head sha or branch): that run built the fork's code.
 */
const PULL_REQUEST_RUN = /github\.event\.(?:pull_request\.(?:number|head\.(?:sha|ref))|issue\.number|number)\b|github\.head_ref\b/;

function downloadsPullRequestRun(step: Step): boolean {
  return (step.with?.pairs ?? []).some((p) => PULL_REQUEST_RUN.test(withValue(step, p.key)?.value ?? ''));
}

/**
 * The folders an earlier step of the job downloaded another run's artifacts into
 * (normalised, without `./` or a trailing slash; '' for the workspace itself), when the
 * workflow runs for workflow_run: the triggering run may be a fork's pull request, whose
 * code wrote those files (not when its upstream workflows start only on maintainers'
 * events). In another privileged workflow (pull_request_target, a comment)
 * a download counts when it picks the run of the event's pull request. Undefined when no
 * such download precedes `step`.
 */
export function artifactFolders(wf: Workflow, step: Step): string[] | undefined {
  const triggers = wf.triggers;
  // A workflow_run whose upstream runs only maintainers start downloads the repository's own build.
  const fromRun = triggers.has('workflow_run') && !workflowRunFromMaintainers(wf);
  if (!fromRun && ![...triggers.keys()].some((t) => PRIVILEGED_TRIGGERS.has(t))) return undefined;
  const downloads = step.job.steps.filter((s) => s.index < step.index && downloadsOtherRunArtifacts(s, wf) && (fromRun || downloadsPullRequestRun(s)));
  if (downloads.length === 0) return undefined;
  return downloads.map((s) => {
    const path = downloadPath(s, wf);
    return path === undefined || path.includes('${{') ? '' : path.replace(/^\.\//, '').replace(/\/+$/, '').replace(/^\.$/, '');
  });
}

/** Whether a file path a script reads lies in one of the folders (relative paths only; '' takes any). */
export function inFolders(file: string, folders: readonly string[]): boolean {
  const path = file.replace(/^["']|["']$/g, '').replace(/^\.\//, '');
  if (path.startsWith('/') || path.startsWith('$') || path.startsWith('~')) return folders.includes('') && /^\$\{?GITHUB_WORKSPACE\b/.test(path);
  return folders.some((folder) => folder === '' || path === folder || path.startsWith(`${folder}/`));
}

/** How a message names a file of the downloaded artifacts: the fork's code may have written it. */
export function downloadedFile(file: string): string {
  return `${file}, downloaded from an artifact of a pull request's run`;
}

/** How a message names the names of the files in a folder of the downloaded artifacts: the fork's code chose them. */
export function downloadedNames(folder: string): string {
  return `the names of the files in ${folder}, downloaded from an artifact of a pull request's run`;
}
