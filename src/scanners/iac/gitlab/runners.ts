import { parseImage } from '../image.js';
import { get, isYMap, items, pair, stringValue, type YMap, type YNode } from '../yaml/tree.js';
import { extendedSetting, extendedVariable, extendsOrder, inheritsDefault, resolvedSetting, sectionsTakenFrom, variableValue, type Pipeline } from './pipeline.js';

/**
 * What the runner of a job is, as the pipeline says it: the tags it asks for, and the
 * image it runs in. GitLab picks the runner by the tags; a Windows runner (its shell
 * executor, or its Docker executor, whose images are Windows images) runs the job's
 * script with PowerShell, the shell `gitlab-runner register` gives it.
 */

/**
 * The runner tags of a job (or of `default:`, or the top level): its own or those of the
 * first job it extends that writes some, `!reference` tags resolved, else those of
 * `default:` (in this file, else another file of the pipeline) unless the job does not
 * inherit them. A tag that is a variable (`$TAGS`, GitLab expands it) is read from the
 * variables of the job and the jobs it extends, then the top-level ones of the pipeline's
 * files; one that cannot be read is left out.
 */
export function runnerTags(p: Pipeline, node: YNode): string[] {
  if (!isYMap(node)) return [];
  const owner = extendedSetting(p, node, 'tags') ?? (inheritsDefault(p, node, 'tags') ? defaultOwner(p, node, 'tags') : undefined);
  const tags = owner ? resolvedSetting(p, owner, 'tags') : undefined;
  return items(tags?.value).flatMap((tag) => {
    const value = stringValue(tag);
    const expanded = value === undefined ? undefined : oneVariableExpanded(p, node, value);
    return expanded === undefined || expanded === '' ? [] : [expanded];
  });
}

/** The `default:` (or top-level) node of the pipeline that writes `key`, when `node` writes none: this file's first, then the other files'. */
function defaultOwner(p: Pipeline, node: YMap, key: string): YNode | undefined {
  if (node === p.root) return undefined;
  const defaults = get(p.root, 'default');
  if (node !== defaults && isYMap(defaults) && pair(defaults, key)) return defaults;
  for (const file of p.others()) {
    const other = get(file.root, 'default');
    if (isYMap(other) && pair(other, key)) return other;
  }
  return undefined;
}

/** A value that is one variable (`$NAME`, `${NAME}`), read once; any other value as written. */
function oneVariableExpanded(p: Pipeline, job: YMap, value: string): string | undefined {
  const name = /^\$(?:\{(\w+)\}|(\w+))$/.exec(value.trim());
  if (!name) return value;
  const key = name[1] ?? name[2]!;
  const variable = extendedVariable(p, job, key)?.pair ?? [p.root, ...p.others().map((f) => f.root)].map((root) => pair(get(root, 'variables'), key)).find(Boolean);
  const found = variableValue(variable?.value ?? null).value;
  return typeof found === 'string' ? found : undefined;
}

/** The image a job runs in: its own or through `extends`, else `default:`'s or the top-level one, as written (a variable expanded when it is the whole value). */
export function jobImage(p: Pipeline, node: YMap): string | undefined {
  const owner = extendedSetting(p, node, 'image') ?? (inheritsDefault(p, node, 'image') ? (defaultOwner(p, node, 'image') ?? (pair(p.root, 'image') ? p.root : undefined)) : undefined);
  const image = owner ? resolvedSetting(p, owner, 'image')?.value : undefined;
  const written = isYMap(image) ? stringValue(get(image, 'name')) : stringValue(image);
  return written === undefined ? undefined : oneVariableExpanded(p, node, written);
}

/** Whether a job runs on one of GitLab's hosted macOS runners (a `saas-macos-*` tag). */
export function onMacosRunner(p: Pipeline, node: YNode): boolean {
  return runnerTags(p, node).some((tag) => /^saas-macos-/i.test(tag));
}

/**
 * A tag that names a Windows runner: `windows`, GitLab's hosted `saas-windows-medium-amd64`,
 * `shared-windows`, `windows-1809`, or `win32`/`win64`/`win` as a word of it (GNOME's
 * `win32-ps`). A word such as `twin` or `winter` is none.
 */
const WINDOWS_TAG = /windows|(?:^|[-_.\s])win(?:32|64)?(?:[-_.\s]|$)/i;

/**
 * A Windows container image: Microsoft's Windows base images (mcr.microsoft.com/windows/servercore,
 * /nanoserver, /server) or an image whose tag names a Windows base (`-windowsservercore-`,
 * `-nanoserver-`, `ltsc2022`: golang:1.22-windowsservercore-ltsc2022, mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022).
 * mcr.microsoft.com/powershell alone is a Linux image, whose jobs run in the runner's POSIX shell.
 */
function windowsImage(raw: string): boolean {
  const ref = parseImage(raw);
  if (ref.templated) return false;
  if (/^mcr\.microsoft\.com\/windows(?:\/|$)/i.test(ref.name)) return true;
  return /(?:^|[-_.])(?:windowsservercore|nanoserver|servercore|ltsc20\d\d)(?:[-_.]|$)/i.test(ref.tag ?? '');
}

/** Whether a job's own settings say it runs on Windows: a Windows runner tag, or a Windows image. */
export function saysWindows(p: Pipeline, node: YMap): boolean {
  if (runnerTags(p, node).some((tag) => WINDOWS_TAG.test(tag))) return true;
  const image = jobImage(p, node);
  return image !== undefined && windowsImage(image);
}

/**
 * Whether a job runs on a Windows runner, where GitLab runs its scripts with PowerShell.
 * A hidden job (a template) runs in the jobs that take it: it is on Windows when its own
 * settings say so, or when every job of the file that extends it or takes its sections
 * with `!reference` tags (one at least) is.
 */
export function onWindows(p: Pipeline, job: { name: string; node: YMap }): boolean {
  if (saysWindows(p, job.node)) return true;
  return job.name.startsWith('.') && windowsTemplates(p).get(job.node) === true;
}

/** Whether each template that the (not hidden) jobs of the file take is taken by Windows jobs alone, worked out once per pipeline. */
function windowsTemplates(p: Pipeline): Map<YMap, boolean> {
  let known = templatesRead.get(p);
  if (known) return known;
  templatesRead.set(p, (known = new Map()));
  for (const job of p.jobs) {
    if (job.name.startsWith('.')) continue;
    const windows = saysWindows(p, job.node);
    for (const template of new Set([...extendsOrder(p, job.node), ...sectionsTakenFrom(p, job.node)])) {
      if (template !== job.node) known.set(template, (known.get(template) ?? true) && windows);
    }
  }
  return known;
}
const templatesRead = new WeakMap<Pipeline, Map<YMap, boolean>>();
