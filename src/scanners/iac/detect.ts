import { isBuildScriptFile } from './image-builds.js';
import type { Platform } from './rule.js';
import { isVariableValuesFile } from './terraform/directory.js';
import { isPlanJson } from './terraform/json-syntax.js';

/**
 * Which configuration a file holds: by name where names are conventional, by content
 * where they are not (a workflow outside .github/workflows, a manifest in any .yaml,
 * a compose file with an unusual name). `wantsPath` is what the walker asks, from the
 * path alone; `classify` looks at the text.
 */
const DOCKERFILE_NAME = /^(?:(?:docker|container)file(?:[._-][\w.-]+)?|[\w.-]+\.(?:docker|container)file)$/i;
/** Source, data and documentation extensions: `dockerfile.go` or `Dockerfile.rego` is code about Dockerfiles, not one. */
const NOT_A_DOCKERFILE =
  /\.(?:md|txt|rst|adoc|html?|xml|json|ya?ml|toml|ini|sh|bash|ps1|bat|cmd|py|js|mjs|cjs|jsx|ts|mts|cts|tsx|go|rb|rs|java|kt|scala|groovy|gradle|cs|fs|c|h|cc|cpp|hpp|php|pl|lua|rego|cue|jsonnet|libsonnet|nix|bzl|hcl|tf|snap|golden|lock|orig|rej|patch|diff|bak|swp|dockerignore|j2|tpl|tmpl)$/i;
const COMPOSE_NAME = /^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/i;
const GITLAB_NAME = /(?:^|\.)gitlab-ci\.ya?ml$/i;
const PRE_COMMIT_NAME = /^\.pre-commit-config\.ya?ml$/i;

export function basenameOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at >= 0 ? path.slice(at + 1) : path;
}

export function isDockerfileName(path: string): boolean {
  const name = basenameOf(path);
  return DOCKERFILE_NAME.test(name) && !NOT_A_DOCKERFILE.test(name);
}

export function wantsPath(path: string): boolean {
  const lower = path.toLowerCase();
  return (
    lower.endsWith('.yml') ||
    lower.endsWith('.yaml') ||
    lower.endsWith('.tf') ||
    // Values for the variables of the module in the same directory: read as context, never analysed alone.
    isVariableValuesFile(path) ||
    (lower.endsWith('.json') && !lower.endsWith('package-lock.json') && !lower.endsWith('tsconfig.json')) ||
    lower.endsWith('.conflist') ||
    // CloudFormation's own extension for templates (YAML or JSON).
    lower.endsWith('.template') ||
    isDockerfileName(path) ||
    // Read as context only: what a Dockerfile that copies one would ship (dockerfile/build-context.ts).
    isBuildConfigFile(path) ||
    // Read as context only: the images a Makefile or shell script builds (image-builds.ts).
    isBuildScriptFile(path) ||
    // Read as context only: the images Tilt builds and the manifests it deploys (kubernetes/built-images.ts).
    /(?:^|\/)Tiltfile$/.test(path) ||
    // kustomize's third file name, beside kustomization.yaml and kustomization.yml.
    /(?:^|\/)Kustomization$/.test(path)
  );
}

const BUILD_CONFIG_FILE = /^(?:\.npmrc|\.pypirc|\.yarnrc(?:\.yml)?|\.env(?:\.(?!(?:ya?ml|json)$)[\w-]+)?)$/i;

/** `.npmrc`, `.pypirc`, `.yarnrc`, `.env`: configuration that may or may not hold a credential. */
export function isBuildConfigFile(path: string): boolean {
  return BUILD_CONFIG_FILE.test(basenameOf(path));
}

/** Top-level keys of a YAML text, cheaply (no parse): `key:` at column 0, or `"key":` in JSON. */
/** A key of the top-level mapping: at the indentation of the document's first key (YAML lets a document start indented). */
function hasTopLevelKey(text: string, key: string): boolean {
  const indent = /^(?:[ \t]*(?:#.*)?\r?\n|---[^\n]*\n)*( *)\S/.exec(text)?.[1] ?? '';
  return new RegExp(`^${indent}(?:${key}|"${key}"|'${key}')\\s*:`, 'm').test(text);
}

function isCniConfig(text: string): boolean {
  return /"cniVersion"\s*:/.test(text) && /"(?:plugins|type)"\s*:/.test(text);
}

const MAX_SNIFF = 8 * 1024 * 1024;

/**
 * An AWS CloudFormation or SAM template: `AWSTemplateFormatVersion` or the SAM
 * transform at the top level, or top-level `Resources` with an `AWS::` resource type.
 */
export function isCloudFormation(text: string, json: boolean): boolean {
  if (json) {
    if (!/^\s*\{/.test(text)) return false;
    if (/"AWSTemplateFormatVersion"\s*:/.test(text)) return true;
    return /"Resources"\s*:/.test(text) && /"Type"\s*:\s*"(?:AWS|Alexa)::[A-Za-z0-9]+::/.test(text);
  }
  if (hasTopLevelKey(text, 'AWSTemplateFormatVersion')) return true;
  if (/^(?:Transform|"Transform"|'Transform')\s*:\s*(?:\[\s*)?["']?AWS::Serverless-/m.test(text)) return true;
  return hasTopLevelKey(text, 'Resources') && /^\s+(?:Type|"Type"|'Type')\s*:\s*["']?(?:AWS|Alexa)::[A-Za-z0-9]+::/m.test(text);
}

/** Keys of a GitLab pipeline's top level that are no job. */
const GITLAB_GLOBALS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'spec', 'image', 'services', 'cache', 'before_script', 'after_script', 'types']);
/** Keys only a GitLab job writes beside `script:` (a job that runs with a stage, a template, conditions). */
const GITLAB_JOB_KEYS = new Set(['stage', 'extends', 'rules', 'needs', 'only', 'except', 'before_script', 'after_script', 'artifacts', 'allow_failure', 'interruptible', 'dependencies', 'coverage', 'resource_group', 'id_tokens', 'inherit']);
/** Top-level keys of the other CI and deployment formats whose entries may hold a `script:` (GitHub, Bitbucket, Woodpecker, Codefresh, CircleCI, Kubernetes). */
const OTHER_FORMATS = ['jobs', 'pipelines', 'steps', 'workflows', 'apiVersion'];

/**
 * A file of GitLab CI jobs with no `stages:` (templates a pipeline includes, hidden
 * `.jobs` that others extend): a top-level mapping with an entry that writes `script:`
 * (a string or a list, as GitLab takes it) beside a key only a GitLab job has, or beside
 * `image:` with a one-line value. Read from the text, without a parse: a list at the top
 * (an Ansible playbook), `script:` deeper down (a workflow's steps, an Argo template) or
 * written as a mapping is none.
 */
export function holdsGitlabJobs(text: string, scriptAlone = false): boolean {
  if (!/^[ \t]+["']?script["']?[ \t]*:/m.test(text) || OTHER_FORMATS.some((key) => hasTopLevelKey(text, key))) return false;
  const indent = /^(?:[ \t]*(?:#.*)?\r?\n|---[^\n]*\n)*( *)\S/.exec(text)?.[1] ?? '';
  const topKey = new RegExp(`^${indent}(?![-#?&*!|>{[\\s])("[^"]*"|'[^']*'|.*?)[ \\t]*:(?:[ \\t]|$)`);
  let job: { keys: Set<string>; indent?: number; scriptOk: boolean; oneLineImage: boolean } | undefined;
  let pendingScript = false;
  const isJob = () => job !== undefined && job.keys.has('script') && job.scriptOk && (scriptAlone || [...job.keys].some((k) => GITLAB_JOB_KEYS.has(k)) || job.oneLineImage);
  for (const line of text.split('\n')) {
    if (/^\s*(?:#.*)?\r?$/.test(line) || /^(?:---|\.\.\.)(?:\s|$)/.test(line)) continue;
    const own = /^ */.exec(line)![0].length;
    if (own <= indent.length) {
      if (isJob()) return true;
      // The top level is a list, or a key of a document indented less than the first (another format): no jobs here.
      if (own < indent.length || line.startsWith(`${indent}-`)) return false;
      const key = topKey.exec(line)?.[1]?.replace(/^["']|["']$/g, '');
      job = key !== undefined && !GITLAB_GLOBALS.has(key) ? { keys: new Set(), scriptOk: true, oneLineImage: false } : undefined;
      pendingScript = false;
      continue;
    }
    if (!job) continue;
    job.indent ??= own;
    if (pendingScript) {
      // `script:` with its value on the next lines: a list, never a mapping (nor nothing).
      pendingScript = false;
      if (!/^\s*-(?:\s|$)/.test(line)) job.scriptOk = false;
    }
    if (own !== job.indent) continue;
    const entry = /^\s*["']?([\w-]+)["']?[ \t]*:(?:[ \t]+(.*?))?\s*$/.exec(line);
    if (!entry) continue;
    const [, key, value] = entry;
    job.keys.add(key!);
    if (key === 'script') {
      if (value === undefined || value === '' || value.startsWith('#')) pendingScript = true;
      else if (value.startsWith('{')) job.scriptOk = false;
    }
    if (key === 'image' && value && !value.startsWith('#') && !value.startsWith('{')) job.oneLineImage = true;
  }
  return isJob();
}

/**
 * Whether the top-level `services:` is a list (`services: [postgres:16]`, or `- ` entries
 * below it): GitLab's global default services. A compose file's services are a mapping of
 * service definitions.
 */
function servicesAreList(text: string): boolean {
  const indent = /^(?:[ \t]*(?:#.*)?\r?\n|---[^\n]*\n)*( *)\S/.exec(text)?.[1] ?? '';
  const at = new RegExp(`^${indent}(?:services|"services"|'services')[ \\t]*:[ \\t]*(.*)$`, 'm').exec(text);
  if (!at) return false;
  const value = at[1]!.replace(/\s+#.*$/, '').trim();
  if (value !== '' && !value.startsWith('#')) return value.startsWith('[') || /^!reference\s*\[/.test(value);
  const next = text.slice(at.index + at[0].length).split('\n').find((line) => !/^\s*(?:#.*)?\r?$/.test(line));
  return next !== undefined && /^\s*-(?:\s|$)/.test(next);
}

export function classify(path: string, text: string): Platform | undefined {
  const lower = path.toLowerCase();
  if (isDockerfileName(path)) return 'dockerfile';
  if (isVariableValuesFile(path)) return undefined;
  if (lower.endsWith('.tf') || lower.endsWith('.tf.json')) return 'terraform';
  if (text.length > MAX_SNIFF) return undefined;
  if (lower.endsWith('.template')) return isCloudFormation(text, /^\s*\{/.test(text)) ? 'cloudformation' : undefined;
  if (lower.endsWith('.json') || lower.endsWith('.conflist')) {
    if (lower.endsWith('.json') && isPlanJson(text)) return 'terraform';
    if (lower.endsWith('.json') && isCloudFormation(text, true)) return 'cloudformation';
    if (/"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text)) return 'kubernetes';
    // A node's CNI network configuration (/etc/cni/net.d): read by the Kubernetes cluster rules.
    return isCniConfig(text) ? 'kubernetes' : undefined;
  }
  if (!lower.endsWith('.yml') && !lower.endsWith('.yaml')) return undefined;
  const name = basenameOf(path);
  if (GITLAB_NAME.test(name)) return 'gitlab-ci';
  if (PRE_COMMIT_NAME.test(name)) return 'pre-commit';
  if (/(?:^|\/)\.github\/workflows\/[^/]+$/i.test(path)) return 'github-actions';
  // A composite action's steps run like a workflow's.
  // `using:` in a block, quoted, or in a flow mapping (`runs: {using: composite, steps: [...]}`).
  if (/^action\.ya?ml$/i.test(name) && hasTopLevelKey(text, 'runs') && /(?:^\s+|[{,]\s*)["']?using["']?\s*:\s*["']?composite/m.test(text)) return 'github-actions';
  if (COMPOSE_NAME.test(name)) return 'compose';
  // Before the manifest test: a template can hold a Kubernetes manifest, never at its top level.
  if (hasTopLevelKey(text, 'AWSTemplateFormatVersion')) return 'cloudformation';
  if (hasTopLevelKey(text, 'apiVersion') && hasTopLevelKey(text, 'kind'))
    return 'kubernetes';
  if ((hasTopLevelKey(text, 'on') || hasTopLevelKey(text, 'true')) && hasTopLevelKey(text, 'jobs') && /^\s+(?:runs-on|uses)\s*:/m.test(text))
    return 'github-actions';
  // GitLab's global default services are a list; compose's services a mapping.
  const gitlabServices = servicesAreList(text);
  if (hasTopLevelKey(text, 'services') && !gitlabServices && /^\s+(?:image|build)\s*:/m.test(text)) return 'compose';
  if (hasTopLevelKey(text, 'stages') && /^\s+script\s*:/m.test(text) && !hasTopLevelKey(text, 'jobs')) return 'gitlab-ci';
  // A pipeline whose jobs are all in the files it includes.
  if (hasTopLevelKey(text, 'stages') && hasTopLevelKey(text, 'include') && !OTHER_FORMATS.some((key) => hasTopLevelKey(text, key))) return 'gitlab-ci';
  // Beside GitLab's global settings (list-valued services and an image, default: or variables:), a job may write script: alone.
  if (holdsGitlabJobs(text, gitlabServices && ['image', 'default', 'variables'].some((key) => hasTopLevelKey(text, key)))) return 'gitlab-ci';
  if (isCloudFormation(text, false)) return 'cloudformation';
  return undefined;
}
