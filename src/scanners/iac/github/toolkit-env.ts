import type { ScriptWrite } from './script-writes.js';
import type { Step, Workflow } from './model.js';
import { actionRelease } from './action-release.js';

/**
 * Variables whose value a program runs or loads code from, or that tell it where to find
 * programs (LD_PRELOAD, NODE_OPTIONS, BASH_ENV, PATH, GIT_SSH_COMMAND...): attacker text in
 * one of them is code execution however it is written.
 */
const CODE_STEERING_VARIABLE =
  /^(?:LD_\w+|DYLD_\w+|NODE_\w+|BASH_ENV|ENV|PATH|HOME|SHELL|PROMPT_COMMAND|PYTHON\w*|PERL\w*|RUBY\w*|GEM_\w+|BUNDLE_\w+|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|\w*_OPTS|GIT_\w+|SSH_\w+|NPM_CONFIG_\w+|YARN_\w+|PNPM_\w+|GO\w+|CARGO_\w+|RUST\w+|CC|CXX|CPP|LD|AR|\w*FLAGS|EDITOR|VISUAL|PAGER|GIT|DOCKER_\w+|KUBECONFIG|CURL_\w+|WGETRC|PIP_\w+|UV_\w+|TMPDIR)$/i;

/**
 * Whether an environment variable of this name, set to an outsider's text and to nothing
 * else, holds it as data: no program reads it as code or as where to find code (not one of
 * CODE_STEERING_VARIABLE), and the workflow puts it into no expression (`${{ env.NAME }}`).
 */
export function holdsTextOnly(wf: Workflow, name: string): boolean {
  return /^\w+$/.test(name) && !CODE_STEERING_VARIABLE.test(name) && !new RegExp(`\\benv\\.${name}\\b`, 'i').test(wf.lines.join('\n'));
}

/**
 * core.exportVariable of a name written in the script, not one of CODE_STEERING_VARIABLE,
 * by github-script 6.4 or later: its toolkit writes the value between a random delimiter
 * (actions/toolkit 1.10), so the text sets that one variable and no other, as a step's
 * `env:` does, which is the documented way to hand untrusted text to a script. It stays a
 * finding where the workflow puts the variable into an expression (`${{ env.NAME }}`), and
 * for older or unknown releases of github-script, whose fixed delimiter the text could close.
 */
export function onlySetsItsOwnVariable(wf: Workflow, step: Step, write: ScriptWrite): boolean {
  if (write.kind !== 'env' || !write.call.startsWith('core.exportVariable') || write.name === undefined || !holdsTextOnly(wf, write.name)) return false;
  const release = actionRelease(wf, step);
  return typeof release === 'object' && (release.major > 6 || (release.major === 6 && release.minor >= 4));
}
