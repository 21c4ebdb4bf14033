import type { Confidence, Severity } from '../../core/finding.js';
import type { RuleDoc } from '../../core/rule.js';
import type { PassedParameters } from './cloudformation/nested-stacks.js';
import type { DotEnv } from './compose/dotenv.js';
import type { MadeParse, TfDirectoryScope } from './terraform/directory.js';
import type { InputCallers } from './github/model.js';
import type { ZizmorConfig } from './github/zizmor-config.js';
import type { KustomizeImages, KustomizeNamespace } from './kubernetes/kustomize.js';
import type { BuiltImages } from './kubernetes/built-images.js';
import type { KubeObject, KubeScope, ScanAggregator } from './kubernetes/model.js';
import type { ConfigFileTexts } from './dockerfile/build-context.js';
import type { DockerfileScope } from './dockerfile/tree.js';
import type { YamlLoadResult } from './yaml/tree.js';

export const PLATFORMS = ['dockerfile', 'kubernetes', 'compose', 'github-actions', 'gitlab-ci', 'pre-commit', 'terraform', 'cloudformation'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Examples that travel with a rule and are run by one generic test. Every positive
 * example must make the rule fire; every negative one must not. In a positive example,
 * a line holding only `# expect` (a comment in every format secloop reads) says the
 * next line must carry a finding; when such marks exist, the rule must fire on exactly
 * those lines. A line holding only `# detail` says the next line must be the
 * `detailLine` of one of the hits (convention 4 of `Hit`).
 */
export interface RuleExamples {
  positive: string[];
  negative: string[];
  /** What the scan would know beside the file, for a rule that needs it (a policy in a config): every example is parsed with it. */
  context?: ParseContext;
}

/**
 * Where a finding points. Every rule of every platform follows the same convention, so
 * that a user knows which line to change and an inline `secloop-ignore` goes in a
 * predictable place:
 *
 * 1. A setting with a bad value: the line of that setting's key (`privileged: true`,
 *    `cidr_blocks = [...]`, `enable_key_rotation = false`, `USER root`).
 * 2. A required setting or block that is missing: the header of the innermost block
 *    that exists on the way to it, which is where the setting has to be added (the
 *    resource or module header, the container's first line, `securityContext:`, the
 *    `FROM` of the final stage). A setting missing from the top level of a YAML
 *    document (a KubeletConfiguration) goes on the document's `kind:` line, which names it.
 * 3. A problem made by several settings together: the line of the setting whose value
 *    makes it dangerous, which is the one a fix usually changes (the source CIDR of an
 *    ingress rule that opens a sensitive port to the internet, `type: LoadBalancer` on a
 *    Service without an internal annotation).
 * 4. A problem inside a multi-line text value, i.e. one line of a script (a `run:`
 *    script, a `RUN` continued over several lines, a heredoc, a policy document): the
 *    line of the key or instruction that holds the value. The exact inner line goes to
 *    `detailLine` and is quoted in the message. A container's `command:` and `args:`
 *    are one command line: a flag of a control-plane component is reported on
 *    `command:` (on `args:` when there is no `command:`), the flag's entry as detail.
 * 5. A plain entry of a list (an entry of `ports:`, `volumes:`, `security_opt:`,
 *    `services:` or `include:`): the entry's own line, which is what a fix changes and
 *    where a `secloop-ignore` for that one entry belongs. A list entry that is itself a
 *    block (a container, a long-syntax port, a `{ ... }` object) is a block: 1 to 3
 *    apply inside it. (KICS reports some lists on their key, e.g. compose `ports:`, and
 *    others on the entry, e.g. `volumes:` and seccomp in `security_opt:`; secloop keeps
 *    the entry everywhere, since one list can hold good and bad entries.)
 *
 * With a `detailLine`, the finding's region runs from `line` to `detailLine`.
 */
export interface Hit {
  line: number;
  /** The precise line inside a multi-line value (convention 4 above); only when it differs from `line`. */
  detailLine?: number;
  column?: number;
  /** One sentence a developer can act on. */
  message: string;
  /** What is affected: `Deployment/web container app`, `aws_s3_bucket.logs`, `service db`. */
  resource?: string;
  /** The image the finding is about, as the file names it (`postgres`, `nginx:1.27`): shown as written even where a short secret of the file has the same text. */
  image?: string;
  /** When one rule covers cases of different weight (SSH vs. a database port). */
  severity?: Severity;
  /** A literal secret the finding is about: registered for redaction, never printed. */
  secret?: string;
}

export interface IacRule<Input> extends RuleDoc {
  platform: Platform;
  confidence?: Confidence;
  examples: RuleExamples;
  check(input: Input): Iterable<Hit>;
  /**
   * Rules that report the same problem more precisely: a finding of this rule on a line of the
   * file where one of theirs is is left out (analyse.ts, FileAnalysis.yielded), so a user sees
   * the problem once, under the stronger rule.
   */
  yieldsTo?: readonly string[];
  /**
   * The rule reports literal secrets written in YAML (Hit.secret): a hit whose value a comment
   * beside it tells the reader to replace (`# replace with your access key`, secret-names.ts
   * hasFillInComment) is left out, as a placeholder value (`your-key-here`) is.
   */
  placeholderComments?: boolean;
  /** How the rule judges the shell scripts of the repository that its platform's jobs run (ci-scripts.ts), when it judges shell text that needs nothing else of the job. */
  scripts?: ScriptJudgement;
}

/** A shell script of the repository that CI jobs run (`- ./ci/build.sh`, `run: bash scripts/release.sh`), as a rule judges it. */
export interface LocalScript {
  /** The script's path from the scan root. */
  path: string;
  text: string;
  /** Who runs it, for messages: `job "release" of .gitlab-ci.yml`, `job "release" of .gitlab-ci.yml and 2 other jobs`. */
  runBy: string;
  /** The predefined variables whose text every job of the rule's platform that runs it has fixed by the conditions it runs under (ScriptRunSite.fixed). */
  fixed?: ReadonlySet<string>;
}

/** A problem on a line of a local script. `key` tells two problems of one line apart (default: the message). */
export type ScriptHit = Pick<Hit, 'line' | 'message' | 'severity' | 'secret'> & { key?: string };

/**
 * A rule's judgement of a local script. Rules of several platforms that judge the same
 * thing (a download piped to a shell) share `problem`: a script that jobs of both run gets
 * one finding per line and problem. The examples are shell scripts; `# expect` marks the
 * lines that must carry a finding.
 */
export interface ScriptJudgement {
  problem: string;
  check(script: LocalScript): Iterable<ScriptHit>;
  examples: RuleExamples;
}

/** A local script a job runs, as a platform reads it from its file (ci-scripts.ts resolves and reads it). */
export interface ScriptRunSite {
  /** The script's path from the repository root of the CI file. */
  path: string;
  /** The folder the job's shell was in, from that root (a script called by the script runs from there too); undefined when not known. */
  cwd: string | undefined;
  how: 'program' | 'shell' | 'source' | 'make';
  /** For `make`: the targets, and the folder it runs in (local-scripts.ts MakeGoals). */
  make?: { targets: string[]; file: boolean; dir: string };
  /** The words the command gives the script after its name (its `$1`, `$@`), as the shell expands them. */
  args?: readonly string[];
  /** The variables the CI file gives the job whose value is a path (`SCRIPTS: ci`): the scripts it runs see them too. */
  env?: ReadonlyMap<string, string>;
  /** Who runs it: `job "release"`, `job build step "Publish"`. */
  who: string;
  /** GitLab: the predefined variables whose text the conditions the job runs under fix (`if: $CI_COMMIT_BRANCH == "main"`: gitlab/conditions.ts). */
  fixed?: ReadonlySet<string>;
  /** The line of the CI file that runs it. */
  line: number;
  /** The file of that line, from the scan root, when it is another file of the pipeline than the CI file read (a `!reference` tag took the line from there). */
  file?: string;
  /** For a step of a composite action: the steps and jobs of the scan that use the action. */
  usedBy?: string[];
  /** For a step of a composite action: the action's folder, from the same root as `path` (`$GITHUB_ACTION_PATH` in the scripts it runs). */
  actionDir?: string;
  /**
   * `path`, `cwd` and `actionDir` are from the scan root, not from a repository root: a
   * composite action outside `.github/` runs in the workspace of its callers, not known,
   * and only what lies from its own folder is.
   */
  rootUnknown?: boolean;
}

/** What a file's parse may know beyond its own text. */
export interface ParseContext {
  /** The file's path from the scan root (analyseFile always sets it). */
  path?: string;
  /** How the file's YAML is parsed by a reader ahead of the scan loop: through the scan's parses (yaml/parses.ts), which the loop then has. The YAML cache without it. */
  loadYaml?: (text: string) => YamlLoadResult;
  /** The file lies in a Helm chart's directory: `{{ }}` in it is for the chart's `tpl`, not a broken file. */
  inHelmChart?: boolean;
  /** A Dockerfile: the configuration files of the scan it may copy (dockerfile/build-context.ts), and what the rest of the scan says of it (dockerfile/tree.ts). */
  dockerfile?: { configFiles: ConfigFileTexts; scope?: DockerfileScope };
  /** A CloudFormation template that templates of the scan deploy as a nested stack: the parameters they pass (cloudformation/nested-stacks.ts). */
  cloudformation?: { passed: PassedParameters };
  /** The rest of a Terraform file's module directory: variables, locals and tfvars values of its other files. */
  terraform?: TfDirectoryScope;
  /** A Terraform file without a directory scope that the scan's pre-passes parsed already (a file alone in its directory that calls a local module): that parse. */
  terraformParse?: MadeParse;
  /**
   * What the kustomizations of the scan say about a Kubernetes manifest they list as a resource; the images the
   * repository builds itself with `docker build -t` (image-builds.ts: by builtImageKey, with where each is built).
   */
  kubernetes?: { kustomizeNamespace?: KustomizeNamespace; kustomizeImages?: KustomizeImages; builtImages?: BuiltImages; scriptBuiltImages?: ReadonlyMap<string, string>; scanBindings?: readonly KubeObject[]; scanAggregators?: readonly ScanAggregator[]; scope?: KubeScope };
  /**
   * A GitHub Actions file: its path, who calls it in the scan, and its YAML when the scan's pre-pass read it already.
   * `prefix`: in a scan of the `.github` folder itself (or a folder in it), what comes before the scan's paths in the
   * repository (`.github/`), so that the file's path from the repository root is `prefix + path` (callers.ts githubScanPrefix).
   */
  github?: { path: string; prefix?: string; callers?: InputCallers; loaded?: { text: string; result: YamlLoadResult }; zizmor?: ZizmorConfig };
  /**
   * A compose file: the `.env` file of its directory, whose values Compose fills its `${VAR}` with (compose/dotenv.ts),
   * and the files its `secrets:` read that git's index holds, by path from the scan root, with their size in bytes
   * (compose/secret-files.ts); the images the repository builds itself, by repository and tag (image-builds.ts builtImageKey),
   * with where each is built.
   */
  compose?: { dotenv?: DotEnv; committedFiles?: ReadonlyMap<string, number>; builtImages?: ReadonlyMap<string, string> };
  /**
   * A GitLab CI file: the other files of its pipeline (the `.gitlab-ci.yml` and its local includes), where its `!reference` tags may point;
   * for the file of a child pipeline, the trigger jobs that start it (`trigger: include:`), each with its file and the other files of its pipeline;
   * for a file that pipelines include, the first file of each (whose `workflow:` is the pipeline's).
   */
  gitlab?: {
    files: ReadonlyArray<{ path: string; text: string }>;
    triggers?: readonly GitlabTrigger[];
    roots?: ReadonlyArray<{ path: string; text: string }>;
    /** The scan's parse of a file of the pipeline (this one or one of `files`), by path and text: one parse for the file's analysis and the other files' look-ups. */
    load?: (path: string, text: string) => YamlLoadResult;
  };
}

/** A trigger job that starts a child pipeline: its file and the other files of its pipeline, and the trigger jobs that start that pipeline in turn when it is a child too. */
export interface GitlabTrigger {
  readonly path: string;
  readonly text: string;
  readonly job: string;
  readonly files: ReadonlyArray<{ path: string; text: string }>;
  readonly triggers?: readonly GitlabTrigger[];
}

/** A platform: how to read its files and which rules run on them. */
export interface PlatformRules<Input> {
  platform: Platform;
  /** Parse a file's text; problems go to `warn` (line, message). Returns undefined when nothing can be analysed. */
  parse(text: string, warn: (line: number, message: string) => void, context?: ParseContext): Input | undefined;
  rules: readonly IacRule<Input>[];
  /**
   * Suppressions the file's authors wrote in another tool's syntax that covers the same
   * checks (`# zizmor: ignore[audit]`, a CloudFormation resource's cfn_nag or checkov
   * metadata): a function giving the justification for a hit of `ruleId`, or undefined
   * when the file holds none. Such findings are reported as suppressed, never dropped.
   * They cover the hits of the rules of what the file carries (`carried`) as well.
   */
  foreignSuppressions?(text: string, input: Input, warn: (line: number, message: string) => void): ((ruleId: string, hit: Hit) => string | undefined) | undefined;
  /**
   * Severities the file's project set in another tool's configuration that covers the
   * same checks (zizmor.yml's `rules.<audit>.remap.severity`): a function giving the
   * severity of a hit of `ruleId` and the setting that gave it (`setBy`, kept in the
   * finding's properties), or undefined when nothing is regraded. secloop's own
   * configuration (`rules.<id>.severity`) still comes after.
   */
  foreignSeverities?(input: Input): ((ruleId: string, hit: Hit) => { severity: Severity; setBy: string } | undefined) | undefined;
  /** The local scripts the file's jobs run, for the rules' `scripts` judgements (ci-scripts.ts). */
  localScripts?(input: Input): ScriptRunSite[];
  /**
   * What the file deploys that another platform's rules judge, in this file: the objects
   * of Terraform's kubernetes provider resources, as the Kubernetes manifests they make.
   * `keep` drops the hits the conversion cannot stand behind (on a value unknown before apply).
   */
  carried?(input: Input): CarriedInput[];
}

/** Input of another platform's rules made from a file (PlatformRules.carried). */
export interface CarriedInput {
  platform: Platform;
  input: unknown;
  keep?(hit: Hit, ruleId: string): boolean;
  /** The kept hits of one rule as the carrying platform names them (Terraform: the instances of a resource with for_each or count that share a finding are one). */
  group?(hits: Iterable<Hit>): Iterable<Hit>;
}

/**
 * The place of a problem found inside a multi-line value or a block: the key (or
 * header) line, with the inner line as detail when it is a different line.
 */
export function inside(keyLine: number, innerLine: number): Pick<Hit, 'line' | 'detailLine'> {
  return innerLine > keyLine ? { line: keyLine, detailLine: innerLine } : { line: keyLine };
}

/** Convention 5: a plain list entry is reported on its own line. */
export function listEntry(entryLine: number): Pick<Hit, 'line' | 'detailLine'> {
  return { line: entryLine };
}

/** ` (line N)` for a message whose finding sits on a key but points at an inner line. */
export function detailNote(at: Pick<Hit, 'detailLine'>): string {
  return at.detailLine ? ` (line ${at.detailLine})` : '';
}

/** Builds a rule record with the conventions every IaC rule shares. */
export function rule<Input>(definition: Omit<IacRule<Input>, 'tags'> & { tags?: string[] }): IacRule<Input> {
  // The SARIF writer adds 'security' itself; tags must not repeat it.
  return { ...definition, tags: ['iac', definition.platform, ...(definition.tags ?? [])] };
}
