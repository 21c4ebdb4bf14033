import { detailNote, inside, type Hit } from '../rule.js';
import { environmentDumps, inScript, isLiteralPassword, lineAtOffset, loggedPrints, passwordArgumentInScript, passwordArguments, passwordFix, powerShellReads } from '../script-checks.js';
import type { ScriptDialect, ScriptPart } from '../script-dialect.js';
import { isSecretName } from '../secret-names.js';
import { get, text } from '../yaml/tree.js';
import { envScopes, lineOfOffset, runParts, stepLabel, type Step, type Workflow } from './model.js';
import { workflow, workflowRule } from './rule-kit.js';

/**
 * Rules about what a run step hands to the job log or to the other processes of the
 * runner: the whole environment printed, a registry password on a command line. They
 * judge the shell text as the GitLab CI rules do (script-checks.ts), with what GitHub
 * masks in its logs.
 */

/** The run steps of a workflow or composite action, with the parts of their script each shell reads (runParts: PowerShell steps as PowerShell). */
function* runSteps(wf: Workflow): Generator<{ step: Step; part: ScriptPart }> {
  for (const job of wf.jobs) for (const step of job.steps) for (const part of runParts(wf, step)) yield { step, part };
}

/** `${{ toJSON(env) }}`: the env context, every variable the workflow's env: maps set, as one JSON text. */
const ENV_CONTEXT = /\$\{\{\s*toJSON\s*\(\s*env\s*\)\s*\}\}/i;
/** `$NAME`, `${NAME}`, `${NAME:-default}` in a word. */
const EXPANSION = /\$(?:\{([A-Za-z_]\w*)(?::?[-=+?][^}]*)?\}|([A-Za-z_]\w*))/g;
const ADD_MASK = /::add-mask::/;

/**
 * `echo` and `printf` commands of a run script that print the env context, written as
 * `${{ toJSON(env) }}` (GitHub puts the text in before the shell runs, quotes or not) or
 * through a variable the step's env sets to it.
 */
function* envContextPrints(script: string, dialect: ScriptDialect, holders: ReadonlySet<string>): Generator<{ offset: number; what: string }> {
  for (const command of loggedPrints(script, dialect)) {
    const args = command.words.slice(1);
    if (ENV_CONTEXT.test(args.map((w) => w.text).join(' '))) {
      yield { offset: command.offset, what: 'toJSON(env)' };
      continue;
    }
    const expanded = args.filter((w) => script[w.offset] !== "'");
    // PowerShell reads the step's environment as $env:NAME; GitHub sets no PowerShell variables.
    const names =
      dialect === 'powershell'
        ? expanded.flatMap((w) => powerShellReads(script, w.offset)).flatMap((v) => (/^\$env:/i.test(v) ? [v.slice(5)] : []))
        : expanded.flatMap((w) => [...w.text.matchAll(EXPANSION)].map((m) => m[1] ?? m[2]!));
    const held = names.find((name) => holders.has(name));
    if (held) yield { offset: command.offset, what: `$${held}, set to toJSON(env)` };
  }
}

/** Variables of a script assigned from a command's output (`TOKEN=$(curl ...)`). */
function commandOutputVariables(script: string): Set<string> {
  return new Set([...script.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)=["']?(?:\$\(|`)/g)].map((m) => m[1]!));
}

/**
 * The names a run script writes to $GITHUB_ENV or $GITHUB_OUTPUT from a command's output
 * (`echo "TOKEN=$(...)" >> "$GITHUB_ENV"`, or through a variable assigned so), when it
 * registers nothing with `::add-mask::`: values the runner has never seen, so never masks.
 */
function unmaskedWrites(script: string, file: 'GITHUB_ENV' | 'GITHUB_OUTPUT'): string[] {
  if (ADD_MASK.test(script)) return [];
  const made = commandOutputVariables(script);
  const write = new RegExp(`\\b([A-Za-z_][\\w-]*)=(.*?)["']?\\s*>>\\s*["']?\\$\\{?${file}\\b`);
  const out: string[] = [];
  for (const line of script.split('\n')) {
    const found = write.exec(line);
    if (!found) continue;
    const value = found[2]!;
    if (/\$\(|`/.test(value) || [...value.matchAll(EXPANSION)].some((m) => made.has(m[1] ?? m[2]!))) out.push(found[1]!);
  }
  return out;
}

/**
 * Why the environment of a step may hold a credential the runner does not mask, or
 * undefined. The runner masks the secrets the job uses (each line of them and their Base64,
 * JSON and URL encodings), the token of the job's connection (ACTIONS_ID_TOKEN_REQUEST_TOKEN)
 * and what a step registered with `::add-mask::`; not a field of a JSON secret, nor a
 * token a run step made and handed on without registering it.
 */
function unmaskedCredential(wf: Workflow, step: Step): string | undefined {
  const earlier = step.job.steps.slice(0, step.index);
  const runText = (s: Step | undefined) => (s?.run && typeof s.run.value === 'string' ? s.run.value : undefined);
  for (const scope of envScopes(wf, step)) {
    for (const p of scope.pairs) {
      const value = text(p.value) ?? '';
      if (/\bfromJSON\s*\(\s*secrets\s*[.[]/i.test(value)) return `${p.key} holds a field of a JSON secret (fromJSON(secrets...)), which GitHub does not mask`;
      const output = /^\s*\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}\s*$/.exec(value);
      if (!output || !isSecretName(p.key)) continue;
      const source = earlier.find((s) => text(get(s.node, 'id')) === output[1]);
      const script = runText(source);
      if (script !== undefined && unmaskedWrites(script, 'GITHUB_OUTPUT').includes(output[2]!))
        return `${p.key} holds an output that ${stepLabel(source!)} made from a command's output without ::add-mask::`;
    }
  }
  // A credential an earlier run step made and wrote to $GITHUB_ENV: `echo "TOKEN=$(...)" >> "$GITHUB_ENV"`.
  for (const source of earlier) {
    const script = runText(source);
    const name = script === undefined ? undefined : unmaskedWrites(script, 'GITHUB_ENV').find(isSecretName);
    if (name) return `${name} was written to $GITHUB_ENV from a command's output by ${stepLabel(source)}, without ::add-mask::`;
  }
  return undefined;
}

const LOCAL_SCRIPTS =
  'The shell scripts of the repository that a step runs (`run: ./scripts/release.sh`, `bash .github/scripts/publish.sh`, a composite action\'s `${{ github.action_path }}/build.sh`) are read and judged too, on their own lines.';

export const environmentPrinted = workflowRule({
  id: 'iac/gha-environment-printed',
  title: 'Whole environment printed to the job log',
  description:
    "A run step prints every environment variable (`env`, `printenv`, `export -p`, `set`, `declare -x`, `cat /proc/self/environ`, PowerShell `Get-ChildItem env:` or `[Environment]::GetEnvironmentVariables()`, alone or through `sort`), or the env context (`echo '${{ toJSON(env) }}'`, `Write-Host $env:ALL_ENV`); a PowerShell step (`shell: pwsh`, or no shell on a Windows runner) is read as PowerShell, whose `set` is Set-Variable, usually to debug the job. The runner masks in the log the secrets the job uses (each of their lines, and their Base64, JSON and URL encodings), the job's own tokens (ACTIONS_ID_TOKEN_REQUEST_TOKEN is one) and the values a step registered with `::add-mask::` (actions/runner: Worker.cs, HostContext.cs). Anything else in the environment appears in clear: a field of a JSON secret (`fromJSON(secrets.X).password`), a value built from secrets (a `user:token` pair encoded together), a token a run step made at run time and wrote to $GITHUB_ENV or an output without `::add-mask::`, configuration variables. GitHub's own guidance is that redaction is not guaranteed and such values must be masked by hand (docs: Security hardening for GitHub Actions, 'Using secrets'). Workflow logs can be read by everyone who can read the repository (everyone, for a public one) for the retention period, 90 days by default. Low; medium when the step's environment holds such a value as the workflow shows it (a fromJSON(secrets) field in env:, a secret-named variable set from a run step's output or written to $GITHUB_ENV by an earlier run step from a command's output, without `::add-mask::`). `toJSON(secrets)` is reported by iac/gha-all-secrets-exposed, a `${{ secrets.X }}` echoed by iac/gha-secret-in-run. " +
    LOCAL_SCRIPTS,
  remediation: 'Print only the variables you need, by name and without credentials (`echo "$GITHUB_REF_NAME"`, `env | grep ^GITHUB_`), or none; register every credential a step makes with `echo "::add-mask::$TOKEN"` before it reaches the environment; store each field of a structured secret as a secret of its own.',
  severity: 'low',
  cwe: ['CWE-532'],
  examples: {
    positive: [
      workflow('      # expect\n      - run: |\n          # detail\n          env\n          make\n'),
      workflow('      - name: Debug\n        env:\n          DB_PASSWORD: ${{ fromJSON(secrets.DATABASE).password }}\n        # expect\n        run: |\n          echo "Environment:"\n          # detail\n          printenv | sort\n'),
      workflow("      # expect\n      - run: echo '${{ toJSON(env) }}'\n      - env:\n          ALL_ENV: ${{ toJSON(env) }}\n        # expect\n        run: echo \"$ALL_ENV\"\n"),
      'name: debug\ndescription: composite action\nruns:\n  using: composite\n  steps:\n    # expect\n    - run: export -p | tee env.txt\n      shell: bash\n',
      // A Windows runner's default shell, PowerShell.
      'name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: windows-2022\n    steps:\n      # expect\n      - run: |\n          # detail\n          [Environment]::GetEnvironmentVariables()\n      - env:\n          ALL_ENV: ${{ toJSON(env) }}\n        # expect\n        run: Write-Host $env:ALL_ENV\n',
    ],
    negative: [
      workflow(
        '      - run: |\n          env | grep ^GITHUB_\n          printenv HOME\n          env > build.env\n          env NODE_ENV=production npm run build\n          export PATH="$PATH:$HOME/bin"\n          set -euo pipefail\n          declare -x BUILD_ID=1\n          echo "run env to see the variables"\n          command -v env\n',
      ),
      // The github context is not the environment; the env context written to a file is not printed.
      workflow('      - env:\n          GITHUB_CONTEXT: ${{ toJSON(github) }}\n        run: echo "$GITHUB_CONTEXT"\n      - run: echo \'${{ toJSON(env) }}\' > env.json\n'),
      workflow("      - run: |\n          cat > debug.sh <<'EOF'\n          env\n          EOF\n"),
      // PowerShell's set is Set-Variable; a filtered listing prints no credential.
      "name: ci\non: push\npermissions: {}\ndefaults:\n  run:\n    shell: pwsh\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          set\n          Get-ChildItem env: | Where-Object Name -like 'GITHUB_*'\n",
    ],
  },
  *check(wf) {
    for (const { step, part } of runSteps(wf)) {
      const holders = new Set(envScopes(wf, step).flatMap((scope) => scope.pairs.filter((p) => /^\s*\$\{\{\s*toJSON\s*\(\s*env\s*\)\s*\}\}\s*$/i.test(text(p.value) ?? '')).map((p) => p.key)));
      const found = [...environmentDumps(part.text, part.dialect), ...envContextPrints(part.text, part.dialect, holders)];
      if (found.length === 0) continue;
      const why = unmaskedCredential(wf, step);
      for (const { offset, what } of found) {
        const at = inside(step.runLine!, lineOfOffset(wf, step.run!, part.at(offset), step.runLine!));
        const printed = what.includes('toJSON(env)') ? `the env context (${what})` : `the whole environment (${what})`;
        yield {
          ...at,
          message: why
            ? `${stepLabel(step)} prints ${printed}${detailNote(at)} to the job log; ${why}, so it appears there in clear.`
            : `${stepLabel(step)} prints ${printed}${detailNote(at)} to the job log; GitHub masks the secrets it knows there, but any other credential (derived from a secret, or made at run time without ::add-mask::) appears in clear.`,
          resource: stepLabel(step),
          ...(why ? { severity: 'medium' as const } : {}),
        } satisfies Hit;
      }
    }
  },
  scripts: {
    problem: 'environment-printed',
    examples: {
      positive: ['#!/bin/bash\nset -euo pipefail\necho "Environment:"\n# expect\nprintenv | sort\nmake release\n'],
      negative: ['#!/bin/sh\nenv |\n  grep ^GITHUB_\nenv > build.env\nenv NODE_ENV=production npm run build\nset -eu\ncommand -v env\n'],
    },
    *check(script) {
      for (const { offset, what } of environmentDumps(script.text))
        yield {
          line: lineAtOffset(script.text, offset),
          message: `The whole environment (${what}) is printed to the job log${inScript(script)}; GitHub masks the secrets it knows there, but any other credential (derived from a secret, or made at run time without ::add-mask::) appears in clear.`,
          key: what,
        };
    },
  },
});

/** What to use instead of a password argument. */

export const passwordArgument = workflowRule({
  id: 'iac/gha-password-argument',
  title: 'Registry password passed on the command line',
  description:
    "A run step logs in to a registry with the password as an argument (`docker login -p \"$PASSWORD\"`, `--password=${{ secrets.X }}`; podman, nerdctl, buildah, skopeo, oras, helm registry and crane alike, and ko, cosign and regctl logins, `az acr login`, `helm repo add --password` and `twine upload -p`, whose fix is their stdin option or an environment variable such as TWINE_PASSWORD), also in the script a shell runs with -c (`bash -c \"...\"`, in a container the step starts: `docker run image sh -c '...'`). The expanded password is part of the command line, which every process on the runner can read (`ps`, /proc/PID/cmdline): on a GitHub-hosted runner the actions and tools of the same job, on a self-hosted runner whatever else runs on the machine; Docker itself warns that --password on the command line is insecure and takes it on stdin instead (docker login reference). Written as `${{ secrets.X }}`, it is also put into the script file the runner writes for the step (iac/gha-secret-in-run reports that too). A password written literally is in the repository: high. " +
    LOCAL_SCRIPTS,
  remediation:
    'Use docker/login-action (or the login action of the tool), or pass the password on standard input from an env: variable: `env: PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}` then `printf \'%s\' "$PASSWORD" | docker login -u "$USERNAME" --password-stdin registry.example.org`.',
  severity: 'low',
  cwe: ['CWE-214'],
  examples: {
    positive: [
      workflow('      # expect\n      - run: |\n          # detail\n          docker login -u "${{ github.actor }}" -p ${{ secrets.GITHUB_TOKEN }} ghcr.io\n          docker push ghcr.io/example/app\n'),
      workflow('      - env:\n          HELM_PASSWORD: ${{ secrets.HELM_PASSWORD }}\n        # expect\n        run: helm registry login registry.example.org --username ci --password="$HELM_PASSWORD"\n'),
      // PowerShell (a Windows runner's default shell), where a backtick continues the line.
      'name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: [self-hosted, Windows, X64]\n    steps:\n      - env:\n          REGISTRY_PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}\n        # expect\n        run: "docker login registry.example.org `\\n  -u ci -p $env:REGISTRY_PASSWORD"\n',
      // The script a shell runs with -c, here in a container: that shell's command line holds the password.
      workflow('      - env:\n          PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}\n        # expect\n        run: docker run --rm -e PASSWORD registry.example.org/tools:1.2.0 sh -c \'docker login -u ci -p "$PASSWORD" registry.example.org && make push\'\n'),
    ],
    negative: [
      workflow(
        '      - env:\n          PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}\n        run: |\n          printf \'%s\' "$PASSWORD" | docker login -u ci --password-stdin registry.example.org\n          docker run -p 8080:80 registry.example.org/app\n      - uses: docker/login-action@9780b0c442fbb1117ed29e0efdff1e18412f7567 # v3.3.0\n        with:\n          registry: ghcr.io\n          username: ${{ github.actor }}\n          password: ${{ secrets.GITHUB_TOKEN }}\n',
      ),
    ],
  },
  *check(wf) {
    for (const { step, part } of runSteps(wf)) {
      for (const found of passwordArguments(part.text, part.dialect)) {
        const at = inside(step.runLine!, lineOfOffset(wf, step.run!, part.at(found.offset), step.runLine!));
        const literal = isLiteralPassword(found);
        const where = literal ? ', written in the workflow' : found.value.includes('${{') ? ", written into the step's script file as an expression" : '';
        const hit: Hit = {
          ...at,
          message: `${stepLabel(step)} gives ${found.tool} its password with ${found.option}${detailNote(at)}${where}; it shows in the process list: ${passwordFix(found, 'github')}.`,
          resource: stepLabel(step),
        };
        yield literal ? { ...hit, severity: 'high', secret: found.value } : hit;
      }
    }
  },
  scripts: passwordArgumentInScript('github', {
    positive: ['#!/bin/bash\nset -e\n# expect\ndocker login -u "$REGISTRY_USER" -p "$REGISTRY_PASSWORD" registry.example.org\ndocker push registry.example.org/app\n'],
    negative: ['#!/bin/sh\nprintf \'%s\' "$REGISTRY_PASSWORD" | docker login -u "$REGISTRY_USER" --password-stdin registry.example.org\ndocker run -p 8080:80 image\n'],
  }),
});
