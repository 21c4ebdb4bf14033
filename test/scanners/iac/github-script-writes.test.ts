import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

const SCRIPT = 'actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1';
const DOWNLOAD = 'actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8';

/** A workflow with one job whose steps are given, indented by 6. */
const job = (steps: string, on: string) => `name: ci\non: ${on}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

/** A github-script step with id `s`, its script indented as a literal block. */
const script = (lines: string[], extra = '') => `      - id: s\n        uses: ${SCRIPT}\n${extra}        with:\n          script: |\n${lines.map((l) => `            ${l}\n`).join('')}`;

/** A `run:` that expands the given outputs of step s, one a line. */
const echo = (names: string[]) => `      - run: |\n${names.map((n) => `          echo "${n}: \${{ steps.s.outputs.${n} }}"\n`).join('')}`;

function found(text: string, ruleId: string) {
  return analyseFile('.github/workflows/ci.yml', text, () => {}, 'github-actions').findings.filter((f) => f.ruleId === ruleId);
}

/** The outputs of step s that iac/gha-template-injection reports as expanded. */
function injectedOutputs(text: string): string[] {
  return found(text, 'iac/gha-template-injection')
    .flatMap((f) => [.../expands steps\.s\.outputs\.([\w-]+)/.exec(f.message)?.slice(1) ?? []])
    .sort();
}

test('github-script: outputs set from the payload (directly, destructured, in a template, as a whole object) carry the outsider\'s text; numbers, shas and booleans do not', () => {
  const text = job(
    script([
      'const { title, head, number } = context.payload.pull_request;',
      "core.setOutput('title', title);",
      "core.setOutput('ref', head.ref);",
      "core.setOutput('sha', head.sha);",
      "core.setOutput('number', number);",
      "core.setOutput('fix', title.startsWith('fix'));",
      "core.setOutput('msg', `PR: ${context.payload.pull_request.body.trim()}`);",
      "core.setOutput('whole', JSON.stringify(context.payload.pull_request));",
      "core.setOutput('checked', sanitize(title));",
      "core.setOutput('commit', context.payload.pull_request.head.repo.full_name + '@' + context.sha);",
    ]) + echo(['title', 'ref', 'sha', 'number', 'fix', 'msg', 'whole', 'checked', 'commit']),
    'pull_request_target',
  );
  assert.deepEqual(injectedOutputs(text), ['commit', 'msg', 'ref', 'title', 'whole']);
  const [title] = found(text, 'iac/gha-template-injection').filter((f) => /outputs\.title/.test(f.message));
  assert.equal(title!.severity, 'critical');
  assert.match(title!.message, /written by step s from context\.payload\.pull_request\.title/);
});

test('github-script: the return value is output `result`; a return inside a callback is not the script\'s', () => {
  const returns = (...lines: string[]) => job(script(['const { title } = context.payload.issue;', ...lines]) + echo(['result']), 'issues');
  assert.deepEqual(injectedOutputs(returns('if (title) {', '  return title;', '}')), ['result']);
  assert.deepEqual(injectedOutputs(returns('[1].map(() => { return title; });', "return 'ok';")), []);
  assert.deepEqual(injectedOutputs(returns('return title.length;')), []);
});

test('github-script: a pull request the API returns is the author\'s text; its base sha is not', () => {
  const text = job(
    script([
      'const { data: pr } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number });',
      "core.setOutput('branch', pr.head.ref);",
      "core.setOutput('base', pr.base.sha);",
      'fs.appendFileSync(process.env.GITHUB_OUTPUT, `label=${pr.title}\\n`);',
    ]) + echo(['branch', 'base', 'label']),
    'issue_comment',
  );
  assert.deepEqual(injectedOutputs(text), ['branch', 'label']);
  assert.match(found(text, 'iac/gha-template-injection')[0]!.message, /pull_request\.head\.ref from github\.rest\.pulls\.get/);
});

test('github-script: a tainted env variable or a ${{ }} written into the script taints what it sets', () => {
  const text = job(
    script(["core.setOutput('env', process.env.TITLE.trim());", "core.setOutput('hole', '${{ github.event.issue.title }}');", "core.setOutput('plain', process.env.HOME);"], '        env:\n          TITLE: ${{ github.event.issue.title }}\n') +
      echo(['env', 'hole', 'plain']),
    'issues',
  );
  assert.deepEqual(injectedOutputs(text), ['env', 'hole']);
});

test('github-script in workflow_run: files of the triggering run\'s artifacts are the fork\'s text unless turned into a number; other files are not', () => {
  const download = `      - uses: ${DOWNLOAD}\n        with:\n          name: pr\n          path: pr\n          run-id: \${{ github.event.workflow_run.id }}\n          github-token: \${{ github.token }}\n`;
  const steps = script([
    "const fs = require('fs');",
    "const dir = 'pr';",
    "const event = JSON.parse(fs.readFileSync(path.join(process.env.GITHUB_WORKSPACE, dir, 'event.json'), 'utf8'));",
    "core.setOutput('ref', event.head_ref);",
    "const raw = fs.readFileSync(`${process.env.GITHUB_WORKSPACE}/pr/title.txt`, 'utf8');",
    "for (const line of raw.split('\\n')) core.setOutput('first', line);",
    "core.setOutput('number', Number(fs.readFileSync('pr/number', 'utf8')));",
    "core.setOutput('version', fs.readFileSync('.nvmrc', 'utf8'));",
    "core.setOutput('host', fs.readFileSync('/etc/hostname', 'utf8'));",
    'return parseInt(fs.readFileSync(`pr/number`));',
  ]);
  const outputs = ['ref', 'first', 'number', 'version', 'host', 'result'];
  const text = job(download + steps + echo(outputs), 'workflow_run');
  assert.deepEqual(injectedOutputs(text), ['first', 'ref']);
  assert.ok(found(text, 'iac/gha-template-injection').some((f) => /from pr\/event\.json, downloaded from an artifact of a pull request's run/.test(f.message)));
  // Without the download, the same files are the base repository's own.
  assert.deepEqual(injectedOutputs(job(steps + echo(outputs), 'workflow_run')), []);
});

test('github-script: a script that does not parse sets nothing secloop can follow, and the scan warns on its script line', () => {
  const text = job(script(['const title = context.payload.issue.title', "core.setOutput('title', title"]) + echo(['title']), 'issues');
  assert.deepEqual(injectedOutputs(text), []);
  const warnings: Array<{ line?: number; message: string }> = [];
  analyseFile('.github/workflows/ci.yml', text, (w) => warnings.push(w), 'github-actions');
  const scriptLine = text.split('\n').findIndex((l) => l.includes('script: |')) + 1;
  assert.deepEqual(warnings.filter((w) => w.message.includes('github-script')).map((w) => w.line), [scriptLine]);
});

test('github-script: a script that parses gives no warning', () => {
  const warnings: string[] = [];
  analyseFile('.github/workflows/ci.yml', job(script(["core.setOutput('n', context.payload.issue.number);"]), 'issues'), (w) => warnings.push(w.message), 'github-actions');
  assert.deepEqual(warnings, []);
});

test('github-script: core.exportVariable and core.addPath of the outsider\'s text are GITHUB_ENV / GITHUB_PATH injection, on the script with the call as detail', () => {
  const text = job(
    script([
      "const { title } = context.payload.issue;",
      "core.exportVariable('NODE_OPTIONS', title);",
      "core.exportVariable('NUMBER', String(context.payload.issue.number));",
      // github-script 6.4+ sets TITLE alone (a random delimiter): the text is data, as in a step's env:.
      "core.exportVariable('TITLE', title);",
      'context.payload.issue.labels.forEach((l) => core.addPath(l.name));',
      'fs.appendFileSync(process.env.GITHUB_ENV, `BODY=${context.payload.issue.body}\\n`);',
    ]),
    'issues',
  );
  const hits = found(text, 'iac/gha-github-env-injection');
  assert.deepEqual(
    hits.map((f) => [f.location.startLine, f.location.endLine]),
    [
      [11, 13],
      [11, 17],
    ],
  );
  assert.match(hits[0]!.message, /GITHUB_ENV with core\.exportVariable\('NODE_OPTIONS', \.\.\.\)/);
  assert.match(hits[1]!.message, /appendFileSync\(process\.env\.GITHUB_ENV/);
});

test('github-script: a pull_request_target workflow that exports the title to GITHUB_ENV handles the outsider\'s text, so its trigger is high', () => {
  const [trigger] = found(job(script(["core.exportVariable('NODE_OPTIONS', context.payload.pull_request.title);"]), 'pull_request_target'), 'iac/gha-dangerous-trigger');
  assert.equal(trigger?.severity, 'high');
  assert.match(trigger!.message, /writes the event's text to GITHUB_ENV/);
  // github-script 6.4+ sets TITLE alone: the title is data, as in a step's env:.
  const [data] = found(job(script(["core.exportVariable('TITLE', context.payload.pull_request.title);"]), 'pull_request_target'), 'iac/gha-dangerous-trigger');
  assert.equal(data?.severity, 'low');
  // Before 6.4 the toolkit's fixed delimiter can be closed by the text.
  const [old] = found(job(script(["core.exportVariable('TITLE', context.payload.pull_request.title);"]).replace(SCRIPT, 'actions/github-script@v6.3.3'), 'pull_request_target'), 'iac/gha-dangerous-trigger');
  assert.equal(old?.severity, 'high');
  const [safe] = found(job(script(["core.exportVariable('NUMBER', String(context.payload.pull_request.number));"]), 'pull_request_target'), 'iac/gha-dangerous-trigger');
  assert.equal(safe?.severity, 'low');
});

test('pull_request_target: artifacts of the pull request\'s run (picked by its number) are the fork\'s text, in github-script and shell alike; those of the base branch\'s run are not', () => {
  const download = (with_: string, path: string) => `      - uses: dawidd6/action-download-artifact@ac66b43f0e6a346234dd65d4d0c8fbb31cb316e5 # v11\n        with:\n          workflow: build.yml\n${with_}          path: ${path}\n`;
  const steps =
    download('          pr: ${{ github.event.pull_request.number }}\n', 'meta') +
    download('          branch: main\n', 'base') +
    script(["const fs = require('fs');", "core.setOutput('title', fs.readFileSync('meta/title.txt', 'utf8'));", "core.setOutput('size', fs.readFileSync('base/size.txt', 'utf8'));"]) +
    '      - id: sh\n        run: |\n          echo "name=$(cat meta/name.txt)" >> "$GITHUB_OUTPUT"\n          echo "base=$(cat base/name.txt)" >> "$GITHUB_OUTPUT"\n' +
    '      - run: echo ${{ steps.s.outputs.title }} ${{ steps.s.outputs.size }} ${{ steps.sh.outputs.name }} ${{ steps.sh.outputs.base }}\n';
  const messages = found(job(steps, 'pull_request_target'), 'iac/gha-template-injection').map((f) => /expands (steps\.\w+\.outputs\.\w+)/.exec(f.message)?.[1]);
  assert.deepEqual(messages.sort(), ['steps.s.outputs.title', 'steps.sh.outputs.name']);
  // The same downloads in a pull_request workflow run without secrets: nothing privileged to inject into.
  assert.deepEqual(found(job(steps, 'pull_request'), 'iac/gha-template-injection'), []);
});
