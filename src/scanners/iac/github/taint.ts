import type { Severity } from '../../../core/finding.js';
import { get, text } from '../yaml/tree.js';
import { attackerContext } from './contexts.js';
import { envScopes, expressions, inputDeclarations, parseUses, type Step, type Workflow } from './model.js';

/**
 * Where attacker-controlled text in an expression comes from. `text` names it for a
 * message. `severity` caps what a rule reports: an input whose callers are unknown is
 * only possibly attacker-controlled. `privileged` says whether the workflow the text
 * came from runs with a write token for outsiders' events (for an input filled by a
 * caller, that caller's workflow); when absent, the workflow being checked decides.
 */
export interface Source {
  text: string;
  severity?: Extract<Severity, 'medium' | 'low'>;
  privileged?: boolean;
  /** The attacker-controlled context at the start of a chain of inputs, when `text` names an input. */
  origin?: string;
}

/** The context an attacker writes, at the start of whatever chain carries it. */
export function originOf(source: Source): string {
  return source.origin ?? source.text.replace(/ \([\s\S]*$/, '');
}

/** What carries attacker-controlled text into a step besides the contexts themselves. */
export interface Taint {
  /** Env names whose values come from attacker-controlled contexts. */
  env: Map<string, Source>;
  /** `stepid.output` (lower case) of earlier steps of the job that wrote attacker-controlled text, with how. */
  outputs: Map<string, Source>;
}

function weight(source: Source): number {
  return source.severity === 'low' ? 1 : source.severity === 'medium' ? 2 : source.privileged ? 4 : 3;
}

/** The source that weighs most (uncapped before capped), the first of equals. */
export function worst(sources: Iterable<Source | undefined>): Source | undefined {
  let out: Source | undefined;
  for (const source of sources) if (source && (!out || weight(source) > weight(out))) out = source;
  return out;
}

/**
 * Env names whose values come from attacker-controlled contexts. An inner scope (step,
 * then job) overrides an outer one: `env: { X: safe }` on the step hides a tainted
 * workflow-level X.
 */
function taintedEnv(wf: Workflow, step: Step, outputs: Map<string, Source>): Map<string, Source> {
  const taint: Taint = { env: new Map(), outputs };
  for (const scope of envScopes(wf, step)) {
    for (const p of scope.pairs) {
      const value = text(p.value);
      const source = value ? worst(expressions(value).map((e) => untrustedSource(e.inner, taint, wf))) : undefined;
      if (source) taint.env.set(p.key, source);
      else taint.env.delete(p.key);
    }
  }
  return taint.env;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `$NAME` or `${NAME}` of a tainted env variable in a line of shell, if any, with its source. */
export function taintedVariable(line: string, env: Map<string, Source>): { name: string; source: Source } | undefined {
  const found = [...env].filter(([name]) => new RegExp(`\\$\\{?${escapeRegExp(name)}\\b`).test(line)).map(([name, source]) => ({ name, source }));
  const most = worst(found.map((f) => f.source));
  return found.find((f) => f.source === most);
}

/**
 * Outputs that earlier `run:` steps of the job (those with an `id`) write from
 * attacker-controlled text: `echo "title=$TITLE" >> "$GITHUB_OUTPUT"` with TITLE set from
 * an issue title. Passing the title through env: keeps that step safe, but
 * `${{ steps.<id>.outputs.title }}` in a later script brings the same text back in.
 */
function taintedOutputs(wf: Workflow, step: Step): Map<string, Source> {
  const outputs = new Map<string, Source>();
  for (const earlier of step.job.steps) {
    if (earlier.index >= step.index) break;
    const id = text(get(earlier.node, 'id'));
    const action = id && earlier.uses ? parseUses(earlier.uses).action.toLowerCase() : undefined;
    for (const [name, what] of Object.entries((action && ACTION_TEXT_OUTPUTS[action]) || {}))
      outputs.set(`${id}.${name}`, { text: `steps.${id}.outputs.${name} (${what}, from ${action})` });
    if (!id || !earlier.run || typeof earlier.run.value !== 'string' || !/GITHUB_OUTPUT|::set-output/.test(earlier.run.value)) continue;
    const taint: Taint = { env: taintedEnv(wf, earlier, outputs), outputs };
    for (const line of earlier.run.value.split('\n')) {
      const name = /\$\{?GITHUB_OUTPUT\b/.test(line)
        ? /(?:^|[\s"'])([A-Za-z_][\w-]*)=/.exec(line.split('>>')[0]!)?.[1]
        : /::set-output\s+name=([\w-]+)::/.exec(line)?.[1];
      if (!name) continue;
      const variable = taintedVariable(line, taint.env);
      const from = worst(expressions(line).map((e) => untrustedSource(e.inner, taint, wf))) ?? (variable ? { ...variable.source, text: `env.${variable.name}` } : undefined);
      if (from) outputs.set(`${id}.${name}`.toLowerCase(), { ...from, text: `steps.${id}.outputs.${name} (written by step ${id} from ${from.text.replace(/ \(.*$/, '')})` });
    }
  }
  return outputs;
}

/**
 * Outputs of popular actions that hand back text an outsider wrote: the pull request a
 * comment belongs to, the current or merged pull request, a found comment. Keys are lower
 * case, as GitHub compares action and output names.
 */
const ACTION_TEXT_OUTPUTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'xt0rted/pull-request-comment-branch': { head_ref: "the pull request's branch name", ref: "the pull request's branch name" },
  'peter-evans/find-comment': { 'comment-body': "a comment's text" },
  '8bitjonny/gh-get-current-pr': { pr_title: "the pull request's title", pr_body: "the pull request's body", pr: 'the whole pull request, title and body included' },
  'jwalton/gh-find-current-pr': { title: "the pull request's title", body: "the pull request's body" },
  'actions-ecosystem/action-get-merged-pull-request': { title: "the pull request's title", body: "the pull request's body" },
};

export function taintOf(wf: Workflow, step: Step): Taint {
  const outputs = taintedOutputs(wf, step);
  return { env: taintedEnv(wf, step, outputs), outputs };
}

/** A taint with nothing in it: where no env or step output exists (the `with:` of a job that calls a reusable workflow). */
export const NO_TAINT: Taint = { env: new Map(), outputs: new Map() };

/**
 * The attacker-controlled context an expression reads directly, through `env.X` or
 * through the output of an earlier step. In a composite action, `inputs.X` is whatever
 * the calling workflow passes, often a title or branch name; so is a string input of a
 * reusable workflow (workflow_call). When the scan holds the callers (callers.ts), the
 * input is attacker-controlled only if one of them passes such text; with none found it
 * stays a possibility, reported below the level of a known one. Inputs of
 * workflow_dispatch come from someone allowed to run the workflow, and boolean, number
 * or choice inputs cannot carry code.
 */
export function untrustedSource(expression: string, taint: Taint, wf: Workflow): Source | undefined {
  const direct = attackerContext(expression);
  if (direct) return { text: direct };
  const found: Source[] = [];
  const viaEnv = /\benv\.([A-Za-z_][A-Za-z0-9_]*)/.exec(expression);
  const env = viaEnv ? taint.env.get(viaEnv[1]!) : undefined;
  if (env) found.push({ ...env, text: env.severity ? `env.${viaEnv![1]} (set from ${env.text.replace(/ \(.*$/, '')})` : `env.${viaEnv![1]} (set from an attacker-controlled context)` });
  for (const output of expression.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/gi)) {
    const from = taint.outputs.get(`${output[1]}.${output[2]}`.toLowerCase());
    if (from) found.push(from);
  }
  for (const input of expression.matchAll(/(?<![\w.])inputs\.([\w-]+)/g)) found.push(...inputSource(wf, input[1]!));
  return worst(found);
}

/** The string of {@link untrustedSource}, for rules that need no more. */
export function untrusted(expression: string, taint: Taint, wf: Workflow): string | undefined {
  return untrustedSource(expression, taint, wf)?.text;
}

function inputSource(wf: Workflow, name: string): Source[] {
  let what: string;
  let unknown: string;
  if (wf.composite) {
    what = 'an action input';
    unknown = 'an action input the caller may fill with attacker-controlled text';
  } else if (inputDeclarations(wf, name).some((d) => d.source === 'workflow_call' && d.type === 'string')) {
    what = 'a string input of a reusable workflow';
    unknown = 'a string input of a reusable workflow, which the calling workflow may fill with attacker-controlled text';
  } else return [];
  const verdict = wf.callers?.verdict(wf, name);
  if (!verdict) return [{ text: `inputs.${name} (${unknown})`, severity: 'medium' }];
  if (verdict.kind === 'safe') return [];
  if (verdict.kind === 'tainted') return [{ text: `inputs.${name} (${what} that ${verdict.caller} fills with ${verdict.via})`, privileged: verdict.privileged, origin: verdict.origin }];
  return [{ text: `inputs.${name} (${what} ${verdict.why})`, severity: verdict.severity }];
}
