import { detailNote, inside, listEntry, type Hit } from '../rule.js';
import { isSecretName } from '../secret-names.js';
import { parseShell, type ShellCommand } from '../shell.js';
import { get, isYMap, isYScalar, isYSeq, pair, text, type YNode } from '../yaml/tree.js';
import { gitlabRule, lineOf, pipeline, pipelineScripts } from './pipeline.js';

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

/** Offsets of here-document bodies (`cat <<EOF ... EOF`): text written to a file or a command, not commands. */
function heredocBodies(script: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const opener = /<<(-?)\s*(['"]?)([A-Za-z_][\w.-]*)\2/g;
  for (const match of script.matchAll(opener)) {
    const start = script.indexOf('\n', match.index);
    if (start < 0) continue;
    const terminator = new RegExp(`^${match[1] ? '\\t*' : '\\s*'}${match[3]!.replace(/[.-]/g, '\\$&')}\\s*$`, 'm');
    const rest = script.slice(start + 1);
    const end = terminator.exec(rest);
    out.push([start + 1, end ? start + 1 + end.index : script.length]);
  }
  return out;
}

/** Where the output of the command at `index` of its pipeline goes: the log, or elsewhere. */
function printsToLog(script: string, pipelineCommands: ShellCommand[], index: number, next: number): boolean {
  if (index < pipelineCommands.length - 1) return false; // piped into another command
  // Redirections are dropped from the words; read the command's own source for them.
  // parseShell ends a command at the `&` of `>&2` and reads `2` as the next command.
  const start = pipelineCommands[index]!.offset;
  const end = />&\s*$/.test(script.slice(start, next)) ? next + 1 : next;
  const own = script
    .slice(start, end)
    .replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '""')
    .replace(/#.*$/gm, '');
  for (const match of own.matchAll(/(\d*)>>?\s*(&?[^\s;|&)]*)/g)) {
    const target = match[2]!;
    if (match[1] === '2' && target !== '&1') continue; // only stderr moves
    if (!/^(?:&[12]|\/dev\/(?:stdout|stderr|tty))$/.test(target)) return false;
  }
  return true;
}

const secretPrinted = gitlabRule({
  id: 'iac/gitlab-secret-printed',
  title: 'Secret variable printed to the job log',
  description:
    'A job script echoes or printfs a secret-named CI/CD variable to standard output. GitLab masks only variables marked masked, and only when the value can be masked (one line, long enough); other secrets, SSH keys among them, appear in clear in the job log, which every member of the project (everyone, for a public project) can read and which is kept with the job.',
  remediation: 'Do not print secrets: pass them to the tool on stdin or in a file (`echo "$TOKEN" | tool login --password-stdin`), mark the variable masked and protected, and print only whether it is set (`test -n "$TOKEN" && echo "token set"`).',
  severity: 'medium',
  cwe: ['CWE-532'],
  examples: {
    positive: [
      pipeline('deploy:\n  # expect\n  script:\n    # detail\n    - echo "Deploying with $DEPLOY_TOKEN"\n    - ./deploy.sh\n'),
      pipeline('debug:\n  # expect\n  script:\n    - |\n      ./configure\n      # detail\n      printf \'%s\\n\' "${SSH_PRIVATE_KEY}" >&2\n'),
    ],
    negative: [
      pipeline(
        'deploy:\n  script:\n    - echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.org\n    - echo "$SSH_PRIVATE_KEY" > ~/.ssh/id_ed25519\n    - echo "token=${API_TOKEN}" >> .npmrc\n    - echo "$CI_JOB_TOKEN is masked by GitLab"\n    - echo \'literal $DEPLOY_TOKEN\'\n    - echo "prefix ${DEPLOY_TOKEN:0:4}"\n    - echo "token set: $([ -n "$DEPLOY_TOKEN" ] && echo yes || echo no), length ${#DEPLOY_TOKEN}"\n',
      ),
      pipeline("setup:\n  script:\n    - |\n      cat > helper.sh <<'EOF'\n      echo \"password=${GIT_PASSWORD}\"\n      EOF\n"),
    ],
  },
  *check(p) {
    for (const { owner, scalar, text: script, keyLine } of pipelineScripts(p)) {
      const bodies = heredocBodies(script);
      const inBody = (offset: number) => bodies.some(([from, to]) => offset >= from && offset < to);
      const pipelines = parseShell(script);
      const starts = pipelines.flat().map((c) => c.offset);
      for (const commands of pipelines) {
        for (let index = 0; index < commands.length; index++) {
          const command = commands[index]!;
          const program = command.words[0]?.text;
          if ((program !== 'echo' && program !== 'printf') || inBody(command.offset)) continue;
          if (program === 'printf' && command.words[1]?.text === '-v') continue; // assigns a variable
          const next = starts.find((s) => s > command.offset) ?? script.length;
          if (!printsToLog(script, commands, index, next)) continue;
          const names = command.words
            .slice(1)
            .filter((w) => script[w.offset] !== "'") // '$X' is not expanded
            .flatMap((w) => [...withoutSubstitutions(w.text).matchAll(EXPANSION)].map((m) => m[1] ?? m[2]!))
            .filter((name) => isSecretName(name) && !PREDEFINED.test(name));
          for (const name of new Set(names)) {
            const at = inside(keyLine, lineOf(p, scalar, command.offset));
            yield { ...at, message: `${owner} prints $${name}${detailNote(at)} to the job log; a secret that is not masked appears there in clear.`, resource: owner };
          }
        }
      }
    }
  },
});

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
    'artifacts: paths lists a file that holds credentials (.env, .npmrc, .netrc, a private key, a keystore, a kubeconfig, Terraform state, ~/.docker or ~/.ssh). Artifacts can be downloaded by everyone who can see the job (everyone, for a public project, unless artifacts: access is restricted), and they outlive the job, so the credentials the job wrote out leave the protected CI/CD variables.',
  remediation: 'Keep credential files out of artifacts (write them outside the paths kept, or list them under artifacts: exclude); pass values between jobs as masked variables or fetch them again in the job that needs them; if the file must travel, set artifacts: access: none (or developer) and a short expire_in.',
  severity: 'medium',
  cwe: ['CWE-538'],
  examples: {
    positive: [
      pipeline('build:\n  script:\n    - ./write-env.sh > .env\n  artifacts:\n    paths:\n      - dist/\n      # expect\n      - .env\n'),
      pipeline('plan:\n  script:\n    - terraform apply -auto-approve\n  artifacts:\n    paths:\n      # expect\n      - infra/terraform.tfstate\n      # expect\n      - "**/*.key"\n'),
    ],
    negative: [
      pipeline('build:\n  script:\n    - make\n  artifacts:\n    paths:\n      - dist/\n      - .env.example\n      - package_vars.env\n      - certs/ca.pem\n'),
      pipeline('build:\n  script:\n    - ./write-env.sh > .env\n  artifacts:\n    access: none\n    paths:\n      - .env\n'),
      pipeline('build:\n  script:\n    - make\n  artifacts:\n    paths:\n      - out/\n      - .env\n    exclude:\n      - .env\n'),
    ],
  },
  *check(p) {
    const owners: Array<{ owner: string; node: YNode }> = [
      ...(isYMap(get(p.root, 'default')) ? [{ owner: 'default', node: get(p.root, 'default')! }] : []),
      ...p.jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode })),
    ];
    for (const { owner, node } of owners) {
      const artifacts = get(node, 'artifacts');
      if (!isYMap(artifacts)) continue;
      const access = text(get(artifacts, 'access'))?.toLowerCase();
      if (access === 'none') continue;
      const restricted = access === 'developer' || access === 'maintainer' || text(get(artifacts, 'public')) === 'false';
      const excluded = new Set(stringItems(get(artifacts, 'exclude')).map((s) => s.value));
      for (const entry of stringItems(pair(artifacts, 'paths')?.value)) {
        if (!credentialPath(entry.value) || excluded.has(entry.value)) continue;
        const hit: Hit = {
          ...listEntry(entry.line),
          message: `${owner} keeps ${entry.value} as an artifact${restricted ? ' (downloadable by developers)' : ''}; credentials in it can be downloaded with the job's artifacts.`,
          resource: owner,
        };
        yield restricted ? { ...hit, severity: 'low' } : hit;
      }
    }
  },
});

function stringItems(node: YNode | null | undefined): Array<{ value: string; line: number }> {
  const list = isYSeq(node) ? node.items : node ? [node] : [];
  return list.flatMap((item) => (isYScalar(item) && typeof item.value === 'string' ? [{ value: item.value, line: item.line }] : []));
}

export const exposureRules = [secretPrinted, credentialArtifact];
