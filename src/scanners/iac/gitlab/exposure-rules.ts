import { detailNote, inside, listEntry, type Hit } from '../rule.js';
import { isSecretName } from '../secret-names.js';
import { environmentDumps, environmentFiles, inScript, isLiteralPassword, lineAtOffset, loggedPrints, passwordArgumentInScript, passwordArguments, passwordFix, powerShellReads } from '../script-checks.js';
import { parseScript, type ScriptDialect } from '../script-dialect.js';
import { basename, effectiveWords, isDownloader } from '../shell.js';
import { get, isYMap, isYScalar, isYSeq, pair, text, type YNode } from '../yaml/tree.js';
import { gitlabRule, lineOf, pipeline, resolvedSetting } from './pipeline.js';
import { pipelineScriptParts } from './shells.js';

/**
 * Rules about secrets leaving the job: printed into the job log, or kept as a job
 * artifact that people who cannot see the project's CI/CD variables can download.
 */

/** `$NAME`, `${NAME}`, `${NAME:-default}` in a word (not a substring such as `${NAME:0:4}`). */
const EXPANSION = /\$(?:\{([A-Za-z_]\w*)(?::?[-=+?][^}]*)?\}|([A-Za-z_]\w*))/g;

/**
 * Predefined variables GitLab always masks (CI_JOB_TOKEN, CI_REGISTRY_PASSWORD,
 * CI_DEPLOY_PASSWORD...): printing one shows [MASKED]. User variables may be unmasked,
 * or impossible to mask (several lines, too short), and then appear in clear.
 */
const PREDEFINED = /^CI_/;

/** Variables the shell sets itself whose names sound secret: `$PWD` and `$OLDPWD` are directories, not passwords. */
const SHELL_OWN = new Set(['PWD', 'OLDPWD']);

/** A word without its command substitutions: `$([ -n "$TOKEN" ] && echo set)` prints the command's output, not $TOKEN. */
function withoutSubstitutions(word: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === '$' && word[i + 1] === '(') {
      depth++;
      i++;
    } else if (depth > 0 && word[i] === '(') depth++;
    else if (depth > 0 && word[i] === ')') depth--;
    else if (depth === 0) out += word[i];
  }
  return out.replace(/`[^`]*`/g, '');
}

const secretPrinted = gitlabRule({
  id: 'iac/gitlab-secret-printed',
  title: 'Secret variable printed to the job log',
  description:
    'A job script echoes or printfs a secret-named CI/CD variable to standard output (on a Windows runner, whose shell is PowerShell, also Write-Host, Write-Output or a bare expression, with `$env:NAME` or `$NAME`: GitLab sets each variable as both). GitLab masks only variables marked masked, and only when the value can be masked (one line, long enough); other secrets, SSH keys among them, appear in clear in the job log, which every member of the project (everyone, for a public project) can read and which is kept with the job. The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines.',
  remediation: 'Do not print secrets: pass them to the tool on stdin or in a file (`echo "$TOKEN" | tool login --password-stdin`), mark the variable masked and protected, and print only whether it is set (`test -n "$TOKEN" && echo "token set"`).',
  severity: 'medium',
  cwe: ['CWE-532'],
  examples: {
    positive: [
      pipeline('deploy:\n  # expect\n  script:\n    # detail\n    - echo "Deploying with $DEPLOY_TOKEN"\n    - ./deploy.sh\n'),
      pipeline('debug:\n  # expect\n  script:\n    - |\n      ./configure\n      # detail\n      printf \'%s\\n\' "${SSH_PRIVATE_KEY}" >&2\n'),
      // A Windows runner's PowerShell: GitLab sets each variable in the script and its environment.
      pipeline('sign:\n  tags: [saas-windows-medium-amd64]\n  # expect\n  script:\n    # detail\n    - Write-Host "Signing with $env:SIGNING_KEY"\n'),
    ],
    negative: [
      pipeline(
        'deploy:\n  script:\n    - echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.org\n    - echo "$SSH_PRIVATE_KEY" > ~/.ssh/id_ed25519\n    - echo "token=${API_TOKEN}" >> .npmrc\n    - echo "$CI_JOB_TOKEN is masked by GitLab"\n    - echo \'literal $DEPLOY_TOKEN\'\n    - echo "prefix ${DEPLOY_TOKEN:0:4}"\n    - echo "token set: $([ -n "$DEPLOY_TOKEN" ] && echo yes || echo no), length ${#DEPLOY_TOKEN}"\n    - echo "building in $PWD"\n',
      ),
      pipeline("setup:\n  script:\n    - |\n      cat > helper.sh <<'EOF'\n      echo \"password=${GIT_PASSWORD}\"\n      EOF\n"),
    ],
  },
  *check(p) {
    for (const { owner, scalar, keyLine, part } of pipelineScriptParts(p)) {
      for (const { offset, variable } of printedSecrets(part.text, part.dialect)) {
        const at = inside(keyLine, lineOf(p, scalar, part.at(offset)));
        yield { ...at, message: `${owner} prints ${variable}${detailNote(at)} to the job log; a secret that is not masked appears there in clear.`, resource: owner };
      }
    }
  },
  scripts: {
    problem: 'secret-printed',
    examples: {
      positive: ['#!/bin/sh\nset -e\n# expect\necho "Deploying with $DEPLOY_TOKEN"\n./deploy.sh\n'],
      negative: [
        '#!/bin/sh\necho "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.org\necho "$CI_JOB_TOKEN is masked by GitLab"\n# echo "$DEPLOY_TOKEN"\n',
        // The shell's working directories (coq's bench.sh prints them).
        '#!/bin/sh\necho "pwd: $PWD"\ncd build && echo "back to ${OLDPWD}"\n',
      ],
    },
    *check(script) {
      for (const { offset, variable } of printedSecrets(script.text))
        yield { line: lineAtOffset(script.text, offset), message: `${variable} is printed to the job log${inScript(script)}; a secret that is not masked appears there in clear.` };
    },
  },
});

/**
 * The commands of a script that print a secret-named variable to the job log (loggedPrints),
 * one entry per variable, as the script names it (`$TOKEN`, PowerShell's `$env:TOKEN`).
 */
function* printedSecrets(script: string, dialect: ScriptDialect = 'posix'): Generator<{ offset: number; variable: string }> {
  for (const command of loggedPrints(script, dialect)) {
    const args = command.words.slice(1).filter((w) => script[w.offset] !== "'"); // '$X' is not expanded
    const names = dialect === 'powershell' ? args.flatMap((w) => powerShellReads(script, w.offset)) : args.flatMap((w) => [...withoutSubstitutions(w.text).matchAll(EXPANSION)].map((m) => `$${m[1] ?? m[2]!}`));
    const secret = names.filter((variable) => {
      const name = variable.replace(/^\$(?:env:)?/i, '');
      return isSecretName(name) && !PREDEFINED.test(name) && !SHELL_OWN.has(name);
    });
    for (const variable of new Set(secret)) yield { offset: command.offset, variable };
  }
}


const environmentPrinted = gitlabRule({
  id: 'iac/gitlab-environment-printed',
  title: 'Whole environment printed to the job log',
  description:
    'A job script prints every environment variable (`env`, `printenv`, `export -p`, `set`, `declare -x`, PowerShell `Get-ChildItem env:`), often to debug a job, alone or through `sort`, or NUL-separated and turned back into lines (`env -0 | sort -z | perl -pe \'s/\\0/\\n/g\'`, a perl or sed that changes only the separator). Every CI/CD variable of the project, group and instance is in the environment of the job: those that are masked show as [MASKED], but those that are not masked (or cannot be, such as multi-line keys) appear in clear in the job log, which every member of the project (everyone, for a public project) can read and which is kept with the job. The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines.',
  remediation: 'Print only the variables you need, by name and without secrets (`echo "$CI_COMMIT_REF_NAME"`, `env | grep ^CI_COMMIT_`), or none; mark secret variables masked and protected.',
  severity: 'medium',
  cwe: ['CWE-532'],
  examples: {
    positive: [
      pipeline('debug:\n  # expect\n  script:\n    # detail\n    - env\n    - ./build.sh\n'),
      pipeline('build:\n  # expect\n  before_script:\n    - |\n      echo "Environment:"\n      # detail\n      printenv | sort\n  # expect\n  script:\n    # detail\n    - export -p | tee env.txt\n'),
    ],
    negative: [
      pipeline(
        'build:\n  script:\n    - env | grep ^CI_COMMIT_\n    - printenv HOME\n    - env > build.env\n    - env NODE_ENV=production npm run build\n    - export PATH="$PATH:$HOME/bin"\n    - set -euo pipefail\n    - declare -x BUILD_ID=1\n    - echo "run env to see the variables"\n',
      ),
      pipeline("setup:\n  script:\n    - |\n      cat > debug.sh <<'EOF'\n      env\n      EOF\n"),
    ],
  },
  *check(p) {
    for (const { owner, scalar, keyLine, part } of pipelineScriptParts(p)) {
      for (const { offset, what } of environmentDumps(part.text, part.dialect)) {
        const at = inside(keyLine, lineOf(p, scalar, part.at(offset)));
        yield { ...at, message: `${owner} prints the whole environment (${what})${detailNote(at)} to the job log; every CI/CD variable that is not masked appears there in clear.`, resource: owner };
      }
    }
  },
  scripts: {
    problem: 'environment-printed',
    examples: {
      positive: [
        '#!/bin/bash\nset -euo pipefail\necho "Environment:"\n# expect\nprintenv | sort\nmake release\n',
        // NUL-separated, then a variable per line again: perl or sed changing only the separator prints them all.
        "#!/bin/bash\nid || :\n# expect\nenv -0 | sort -z | perl -pe 's/\\0/\\n/g' || :\n# expect\nprintenv -0 | sed 's/\\x0/\\n/g'\n",
      ],
      negative: [
        '#!/bin/sh\nenv | grep ^CI_COMMIT_\nenv > build.env\nenv NODE_ENV=production npm run build\nset -eu\n',
        // perl or sed that masks values, or prints nothing unless told.
        "#!/bin/bash\nenv -0 | perl -pe 's/\\0/\\n/g; s/=.*/=***/'\nenv | sed -n 's/^CI_COMMIT_SHA=//p'\nenv -0 | perl -ne 's/\\0/\\n/g'\n",
      ],
    },
    *check(script) {
      for (const { offset, what } of environmentDumps(script.text))
        yield { line: lineAtOffset(script.text, offset), message: `The whole environment (${what}) is printed to the job log${inScript(script)}; every CI/CD variable that is not masked appears there in clear.`, key: what };
    },
  },
});

const passwordArgument = gitlabRule({
  id: 'iac/gitlab-password-argument',
  title: 'Registry password passed on the command line',
  description:
    "A job logs in to a registry with the password as an argument (`docker login -p \"$PASS\"`, `--password=$PASS`; podman, buildah, skopeo, oras, helm registry and crane alike, and ko, cosign and regctl logins, `az acr login`, `helm repo add --password` and `twine upload -p`, whose fix is their stdin option or an environment variable such as TWINE_PASSWORD), also in the script a shell runs with -c (`bash -c \"...\"`, in a container the job starts: `docker run image sh -c '...'`). The expanded password is part of the command line: any process on the runner's machine can read it (`ps`, /proc/PID/cmdline; with the shell executor that includes other jobs), shell tracing (`set -x`) prints it, and a password written literally is in the repository. The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines.",
  remediation: 'Pass it on standard input: `echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"` (printf for a value that may start with a dash); keep it in a masked, protected CI/CD variable.',
  severity: 'low',
  cwe: ['CWE-214'],
  examples: {
    positive: [
      pipeline('build:\n  # expect\n  script:\n    # detail\n    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"\n    - docker build -t "$CI_REGISTRY_IMAGE" .\n'),
      pipeline('publish:\n  # expect\n  script:\n    - |\n      # detail\n      helm registry login registry.example.org --username ci --password=${HELM_PASSWORD}\n'),
      // The script a shell runs with -c, also in a container the job starts (goreleaser's release image): its command line holds the password.
      pipeline('release:\n  # expect\n  script:\n    - |\n      docker run --rm -v "$PWD:/src" -w /src goreleaser/goreleaser:v2.1.0 bash -c "\n        # detail\n        docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY\n        goreleaser release\n      "\n'),
    ],
    negative: [
      pipeline('build:\n  script:\n    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"\n    - docker run -p 8080:80 "$CI_REGISTRY_IMAGE"\n    - podman login --username ci --password-stdin registry.example.org < "$REGISTRY_PASSWORD_FILE"\n'),
      pipeline('release:\n  script:\n    - docker run --rm -p 8080:80 registry.example.org/app:1.2.0 sh -c \'printf "%s" "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.org && ./serve -p 80\'\n'),
    ],
  },
  *check(p) {
    for (const { owner, scalar, keyLine, part } of pipelineScriptParts(p)) {
      for (const found of passwordArguments(part.text, part.dialect)) {
        const at = inside(keyLine, lineOf(p, scalar, part.at(found.offset)));
        const literal = isLiteralPassword(found);
        const hit: Hit = {
          ...at,
          message: `${owner} gives ${found.tool} its password with ${found.option}${detailNote(at)}${literal ? ', written in the pipeline file' : ''}; it shows in the process list: ${passwordFix(found, 'gitlab')}.`,
          resource: owner,
        };
        yield literal ? { ...hit, severity: 'high', secret: found.value } : hit;
      }
    }
  },
  scripts: passwordArgumentInScript('gitlab', {
    positive: ['#!/bin/bash\nset -e\n# expect\npodman login -u "$REGISTRY_USER" -p "$REGISTRY_PASSWORD" registry.example.org\npodman push image\n'],
    negative: ['#!/bin/sh\necho "$REGISTRY_PASSWORD" | podman login -u "$REGISTRY_USER" --password-stdin registry.example.org\ndocker run -p 8080:80 image\n'],
  }),
});

/** `$CI_JOB_TOKEN`, `${CI_JOB_TOKEN}`; in PowerShell also `$env:CI_JOB_TOKEN`, `${env:CI_JOB_TOKEN}`. */
const JOB_TOKEN: Readonly<Record<ScriptDialect, RegExp>> = { posix: /\$\{?CI_JOB_TOKEN\b\}?/, powershell: /\$\{?(?:env:)?CI_JOB_TOKEN\b\}?/i };
/** URLs in a word: `https://host/path`, with the user part when there is one. */
const URL = /\b(?:https?|git\+https?):\/\/(?:([^\s/@?#"']*)@)?([^\s/:?#"']*)(?::\d+)?([^\s?#"']*)/gi;
/** Hosts that are never a GitLab instance: other forges. */
const OTHER_FORGE = /(?:^|\.)(?:github\.com|githubusercontent\.com|bitbucket\.org|dev\.azure\.com|visualstudio\.com|codeberg\.org|gitea\.com)$/i;
/**
 * Paths only a GitLab instance serves: the API, `/-/` pages (raw files, job artifacts,
 * packages), Git over HTTPS, the registry's API; under a relative URL root that says
 * GitLab (https://www.example.edu/gitlab/api/v4/...), any path.
 */
const GITLAB_PATH = /^\/(?:api\/v4\/|api\/graphql|v2\/|jwt\/auth)|^\/gitlab(?:\/|$)|\/-\/|\.git(?:\/|$)/i;

/**
 * The host of a URL the job token is sent to, when that host is written literally and is
 * not the GitLab instance: a name that says GitLab, or a path only GitLab serves, counts as
 * the instance; a host from a variable ($CI_SERVER_HOST, $CI_API_V4_URL...) is not known.
 */
function foreignHost(host: string, path: string): string | undefined {
  if (host === '' || /[${}%]/.test(host) || /gitlab/i.test(host)) return undefined;
  if (OTHER_FORGE.test(host)) return host;
  if (!/\.[a-z]{2,}$/i.test(host)) return undefined; // an IP address or a bare name: may be the instance
  return GITLAB_PATH.test(path) ? undefined : host;
}

const jobTokenSent = gitlabRule({
  id: 'iac/gitlab-job-token-sent-elsewhere',
  title: 'CI_JOB_TOKEN sent to a host that is not GitLab',
  description:
    "A job sends $CI_JOB_TOKEN to a host named in the pipeline that is not the GitLab instance: in a request header, form field or query of curl or wget (`-H \"JOB-TOKEN: $CI_JOB_TOKEN\" https://hooks.example.org`), or in the user part of a URL. The token acts as the job's user on GitLab while the job runs (read the project's repository, packages and registry, and those of every project that allows it): whoever runs the other host, or can read its logs, can use it. A host written in a variable ($CI_SERVER_HOST, $CI_API_V4_URL) is not reported, nor one whose name or path says GitLab, nor the host of a `gitlab-ci-token:$CI_JOB_TOKEN@` URL (the way GitLab takes the token over Git) unless it is another forge (GitHub, Bitbucket, Azure DevOps...). The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines.",
  remediation: 'Send the job token only to the GitLab instance (`$CI_API_V4_URL`, `$CI_SERVER_HOST`); for another service use a credential of its own, or an ID token (`id_tokens:`) whose audience is that service.',
  severity: 'medium',
  cwe: ['CWE-201'],
  confidence: 'medium',
  examples: {
    positive: [
      pipeline('notify:\n  # expect\n  script:\n    # detail\n    - \'curl -fsS -H "JOB-TOKEN: $CI_JOB_TOKEN" https://hooks.example.org/build-finished\'\n'),
      pipeline('mirror:\n  # expect\n  script:\n    - ./prepare.sh\n    # detail\n    - git push "https://gitlab-ci-token:${CI_JOB_TOKEN}@github.com/example/mirror.git" HEAD:main\n'),
    ],
    negative: [
      pipeline(
        'release:\n  script:\n    - \'curl --header "JOB-TOKEN: $CI_JOB_TOKEN" --upload-file app.tgz "${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/packages/generic/app/1.0/app.tgz"\'\n    - git clone "https://gitlab-ci-token:${CI_JOB_TOKEN}@${CI_SERVER_HOST}/group/lib.git"\n    - \'curl -H "JOB-TOKEN: $CI_JOB_TOKEN" https://gitlab.example.org/api/v4/projects/7/releases\'\n    - curl -F token=$CI_JOB_TOKEN -F ref=main https://code.example.org/api/v4/projects/9/trigger/pipeline\n    - curl -fsS https://hooks.example.org/build-finished\n',
      ),
    ],
  },
  *check(p) {
    for (const { owner, scalar, keyLine, part } of pipelineScriptParts(p)) {
      for (const { offset, host } of jobTokenSends(part.text, part.dialect)) {
        const at = inside(keyLine, lineOf(p, scalar, part.at(offset)));
        yield { ...at, message: `${owner} sends $CI_JOB_TOKEN to ${host}${detailNote(at)}, which is not the GitLab instance; whoever runs it can act as the job on GitLab.`, resource: owner };
      }
    }
  },
  scripts: {
    problem: 'job-token-sent-elsewhere',
    examples: {
      positive: ['#!/bin/sh\nset -e\n# expect\ncurl -fsS -H "JOB-TOKEN: $CI_JOB_TOKEN" https://hooks.example.org/build-finished\n'],
      negative: ['#!/bin/sh\ncurl --header "JOB-TOKEN: $CI_JOB_TOKEN" --upload-file app.tgz "${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/packages/generic/app/1.0/app.tgz"\n'],
    },
    *check(script) {
      for (const { offset, host } of jobTokenSends(script.text))
        yield { line: lineAtOffset(script.text, offset), message: `$CI_JOB_TOKEN is sent to ${host}${inScript(script)}, which is not the GitLab instance; whoever runs it can act as the job on GitLab.` };
    },
  },
});

/** Commands of a script that send $CI_JOB_TOKEN to a host written in them that is not the GitLab instance. */
function* jobTokenSends(script: string, dialect: ScriptDialect = 'posix'): Generator<{ offset: number; host: string }> {
  const token = JOB_TOKEN[dialect];
  for (const command of parseScript(script, dialect).flat()) {
    const words = effectiveWords(command);
    if (!words.some((w) => token.test(w.text))) continue;
    const sends = isDownloader(basename(words[0]?.text ?? '')) || /^(?:http|https|Invoke-RestMethod|irm)$/.test(basename(words[0]?.text ?? ''));
    let host: string | undefined;
    for (const word of words) {
      for (const url of word.text.matchAll(URL)) {
        // The token goes to the URL's host when it is in the URL's user part, or anywhere in a request a downloader makes.
        const user = url[1] ?? '';
        if (!sends && !token.test(user)) continue;
        // `gitlab-ci-token:$CI_JOB_TOKEN@host` is how GitLab takes the token over Git: the host is meant as the instance unless it is another forge.
        if (/^gitlab-ci-token:/.test(user) && !OTHER_FORGE.test(url[2]!)) continue;
        host ??= foreignHost(url[2]!, url[3] ?? '');
      }
    }
    if (host !== undefined) yield { offset: command.offset, host };
  }
}

/** File names that hold credentials: an artifact with one of them hands the credential to whoever can download it. */
const CREDENTIAL_FILE =
  /^(?:\.env(?:\.(?!example$|sample$|template$|dist$|defaults?$|tpl$)[\w-]+)?|\.npmrc|\.pypirc|\.netrc|_netrc|\.git-credentials|\.dockercfg|\.vault-token|\.pgpass|\.htpasswd|id_(?:rsa|dsa|ecdsa|ed25519)|kubeconfig|credentials\.json|[^/]*\.(?:key|p12|pfx|jks|keystore|ppk|tfstate))$/i;
/** Directories that hold credentials, kept whole. */
const CREDENTIAL_DIR = /^(?:\.ssh|\.kube|\.docker|\.aws|\.gnupg)$/i;

function credentialPath(entry: string): boolean {
  const parts = entry.replace(/\/+$/, '').split('/');
  const last = parts[parts.length - 1] ?? '';
  if (CREDENTIAL_FILE.test(last.replace(/^\*\*?\//, ''))) return true;
  return parts.some((part) => CREDENTIAL_DIR.test(part));
}

const credentialArtifact = gitlabRule({
  id: 'iac/gitlab-credential-artifact',
  title: 'Credential file kept as a job artifact',
  description:
    'artifacts: paths lists a file that holds credentials (.env, .npmrc, .netrc, a private key, a keystore, a kubeconfig, Terraform state, ~/.docker or ~/.ssh), or a file the job\'s script writes the whole environment into (`env | sort > env.txt`, `printenv > vars.txt`, `export -p | tee env.log`), which holds every CI/CD variable of the job, masked ones in clear. A dotenv report alone (`env > build.env` kept only under reports: dotenv) is not reported: GitLab refuses to store a dotenv report over 5 KB or over its variable limit (20 to 150 by plan), which a whole job environment, with its hundred-odd CI_ variables, exceeds, so the upload fails instead. Artifacts can be downloaded by everyone who can see the job (everyone, for a public project, unless artifacts: access is restricted), and they outlive the job, so the credentials the job wrote out leave the protected CI/CD variables.',
  remediation: 'Keep credential files out of artifacts (write them outside the paths kept, or list them under artifacts: exclude); pass values between jobs as masked variables or fetch them again in the job that needs them; if the file must travel, set artifacts: access: none (or developer) and a short expire_in.',
  severity: 'medium',
  cwe: ['CWE-538'],
  examples: {
    positive: [
      pipeline('build:\n  script:\n    - ./write-env.sh > .env\n  artifacts:\n    paths:\n      - dist/\n      # expect\n      - .env\n'),
      pipeline('plan:\n  script:\n    - terraform apply -auto-approve\n  artifacts:\n    paths:\n      # expect\n      - infra/terraform.tfstate\n      # expect\n      - "**/*.key"\n'),
      // The whole environment written into a file that the job keeps.
      pipeline('debug:\n  script:\n    - env | sort > env.txt\n    - printenv > $CI_PROJECT_DIR/logs/vars.txt\n  artifacts:\n    paths:\n      # expect\n      - env.txt\n      # expect\n      - logs/\n'),
      pipeline('build:\n  script:\n    - export -p | tee -a build-env.log\n    - make\n  artifacts:\n    # expect\n    untracked: true\n'),
    ],
    negative: [
      pipeline('build:\n  script:\n    - make\n  artifacts:\n    paths:\n      - dist/\n      - .env.example\n      - package_vars.env\n      - certs/ca.pem\n'),
      pipeline('build:\n  script:\n    - ./write-env.sh > .env\n  artifacts:\n    access: none\n    paths:\n      - .env\n'),
      pipeline('build:\n  script:\n    - make\n  artifacts:\n    paths:\n      - out/\n      - .env\n    exclude:\n      - .env\n'),
      // A filtered dump, a dump the job does not keep, and a dotenv report (GitLab refuses to store one the size of a whole environment).
      pipeline('build:\n  script:\n    - env | grep ^CI_COMMIT_ > commit.txt\n    - env | sort > /tmp/env.txt\n    - env > build.env\n    - make\n  artifacts:\n    paths:\n      - commit.txt\n      - dist/\n    reports:\n      dotenv: build.env\n'),
    ],
  },
  *check(p) {
    const owners: Array<{ owner: string; node: YNode }> = [
      ...(isYMap(get(p.root, 'default')) ? [{ owner: 'default', node: get(p.root, 'default')! }] : []),
      ...p.jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode })),
    ];
    // The files the scripts write the whole environment into, by owner (default: and top-level scripts run in every job).
    const dumps = new Map<string, Array<{ file: string; what: string }>>();
    for (const { owner, part } of pipelineScriptParts(p))
      for (const { file, what } of environmentFiles(part.text, part.dialect)) dumps.set(owner, [...(dumps.get(owner) ?? []), { file: projectPath(file), what }]);
    // A path a `!reference` tag takes from a template of the file is reported once, as the first owner's.
    const seen = new Set<string>();
    for (const { owner, node } of owners) {
      const written = [...(dumps.get(owner) ?? []), ...(owner === 'default' ? [] : [...(dumps.get('default') ?? []), ...(dumps.get('global') ?? [])])];
      const artifacts = resolvedSetting(p, node, 'artifacts')?.value;
      if (!isYMap(artifacts)) continue;
      const access = text(get(artifacts, 'access'))?.toLowerCase();
      if (access === 'none') continue;
      const restricted = access === 'developer' || access === 'maintainer' || text(get(artifacts, 'public')) === 'false';
      const excluded = new Set(stringItems(get(artifacts, 'exclude')).map((s) => s.value));
      for (const entry of stringItems(pair(artifacts, 'paths')?.value)) {
        if (!credentialPath(entry.value) || excluded.has(entry.value) || seen.has(`${entry.line}\0${entry.value}`)) continue;
        seen.add(`${entry.line}\0${entry.value}`);
        const hit: Hit = {
          ...listEntry(entry.line),
          message: `${owner} keeps ${entry.value} as an artifact${restricted ? ' (downloadable by developers)' : ''}; credentials in it can be downloaded with the job's artifacts.`,
          resource: owner,
        };
        yield restricted ? { ...hit, severity: 'low' } : hit;
      }
      // A file the job writes the whole environment into (`env | sort > env.txt`), kept by artifacts: paths (or untracked: true).
      // A dotenv report alone (`env > build.env` under reports: dotenv) is not kept: GitLab refuses a dotenv file over 5 KB or its variable limit.
      const paths = stringItems(pair(artifacts, 'paths')?.value);
      const untracked = pair(artifacts, 'untracked');
      for (const { file, what } of written) {
        if (excluded.has(file) || [...excluded].some((e) => keeps(e, file))) continue;
        const entry = paths.find((e) => keeps(e.value, file));
        const line = entry ? entry.line : untracked && text(untracked.value) === 'true' ? untracked.keyLine : undefined;
        if (line === undefined || seen.has(`${line}\0${file}`)) continue;
        seen.add(`${line}\0${file}`);
        const hit: Hit = {
          ...(entry ? listEntry(line) : { line }),
          message: `${owner} writes the whole environment (${what}) into ${file} and keeps it as an artifact${restricted ? ' (downloadable by developers)' : ''}: every CI/CD variable of the job, masked ones in clear, can be downloaded with the job's artifacts.`,
          resource: owner,
        };
        yield restricted ? { ...hit, severity: 'low' } : hit;
      }
    }
  },
});

/** A path of a script relative to the project directory, where artifacts: paths are read from. */
function projectPath(file: string): string {
  return file.replace(/^(?:\$\{?(?:env:)?CI_PROJECT_DIR\}?\/|\.\/)/i, '');
}

/** Whether an artifacts: paths (or exclude:) entry keeps a file: the file itself, a directory above it, or a glob that matches it. */
function keeps(entry: string, file: string): boolean {
  const pattern = projectPath(entry).replace(/\/+$/, '');
  if (pattern === '' || pattern === '.') return true;
  if (file === pattern || file.startsWith(`${pattern}/`)) return true;
  if (!/[*?]/.test(pattern)) return false;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?|\*|\?/g, (m) => (m === '**/' ? '(?:.*/)?' : m === '**' ? '.*' : m === '*' ? '[^/]*' : '[^/]'));
  return new RegExp(`^${source}(?:/.*)?$`).test(file);
}

function stringItems(node: YNode | null | undefined): Array<{ value: string; line: number }> {
  const list = isYSeq(node) ? node.items : node ? [node] : [];
  return list.flatMap((item) => (isYScalar(item) && typeof item.value === 'string' ? [{ value: item.value, line: item.line }] : []));
}

export const exposureRules = [secretPrinted, environmentPrinted, passwordArgument, jobTokenSent, credentialArtifact];
