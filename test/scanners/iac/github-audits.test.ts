import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constantParts, evaluate, falsyTernaryValues, inputIsOn, isConstant, mayYield, parseExpression } from '../../../src/scanners/iac/github/expression.js';
import { inputDeclarations, obfuscatedUsesPath, parseUses, readWorkflow } from '../../../src/scanners/iac/github/model.js';
import { githubRules } from '../../../src/scanners/iac/github/rules.js';
import { workflow } from '../../../src/scanners/iac/github/rule-kit.js';
import { unpinnedInstall } from '../../../src/scanners/iac/github/supply-rules.js';
import { imitatedAction, oneSlipApart } from '../../../src/scanners/iac/github/uses-rules.js';

const tree = (source: string) => {
  const node = parseExpression(source);
  assert.ok(node, `parses: ${source}`);
  return node;
};

function hits(ruleId: string, text: string): Array<{ line: number; detailLine?: number; message: string }> {
  const rule = githubRules.find((r) => r.id === ruleId);
  assert.ok(rule, ruleId);
  const wf = readWorkflow(text, () => {});
  return wf ? [...rule.check(wf)] : [];
}

describe('expression reader', () => {
  it('reads contexts, calls, indexes and operators, and gives up on what is not an expression', () => {
    assert.equal(tree("github.event.pull_request.head.ref").kind, 'context');
    assert.equal(tree("steps.my-step.outputs['a-b'] == 'x' && !cancelled()").kind, 'binary');
    assert.equal(tree("fromJSON(steps.x.outputs.list)[0].name").kind, 'context');
    assert.equal(tree("github.event.commits.*.message").kind, 'context');
    for (const broken of ["'unterminated", 'a &&', 'f(a,', 'a ? b : c', '(a', ''])
      assert.equal(parseExpression(broken), undefined, broken);
  });

  it('tells constants from expressions that read a context', () => {
    for (const constant of ["''", "'a' == 'b'", "format('{0}{1}', 'cu', 'rl')", "toJSON('x')", "!startsWith('abc', 'a')"]) assert.ok(isConstant(tree(constant)), constant);
    for (const variable of ['github.sha', "format('{0}', github.sha)", "contains(fromJSON('[\"a\"]'), github.ref)", 'success()', "fromJSON('true')"])
      assert.ok(!isConstant(tree(variable)), variable);
    const parts = constantParts(tree("github.event[format('{0}', 'issue')].title == 'x'"));
    assert.deepEqual(parts.map((p) => p.kind), ['call']);
  });

  it('finds pseudo-ternaries whose middle value is falsy, also in longer chains', () => {
    assert.equal(falsyTernaryValues(tree("a && '' || 'b'")).length, 1);
    assert.equal(falsyTernaryValues(tree("a && 'x' || b && 0 || 'c'")).length, 1);
    assert.equal(falsyTernaryValues(tree("format('{0}', a && null || 'd')")).length, 1);
    assert.equal(falsyTernaryValues(tree("a && 'x' || ''")).length, 0);
    assert.equal(falsyTernaryValues(tree("a && ''")).length, 0);
    assert.equal(falsyTernaryValues(tree("(a || '') && b")).length, 0);
  });

  it('evaluates conditions for the facts of a tag push, and says unknown for the rest', () => {
    const tagPush = { 'github.event_name': 'push', 'github.ref': { prefix: 'refs/tags/' }, 'github.ref_type': 'tag' } as const;
    assert.equal(evaluate(tree("startsWith(github.ref, 'refs/tags/')"), tagPush), true);
    assert.equal(evaluate(tree("!startsWith(github.ref, 'refs/tags/')"), tagPush), false);
    assert.equal(evaluate(tree("github.ref == 'refs/heads/main'"), tagPush), false);
    assert.equal(evaluate(tree("github.ref == 'refs/tags/v1'"), tagPush), 'unknown');
    assert.equal(evaluate(tree("!(github.event_name == 'PUSH' && github.ref_type == 'tag')"), tagPush), false);
    assert.equal(evaluate(tree("github.ref_type != 'tag' || inputs.cache"), tagPush), 'unknown');
    assert.equal(evaluate(tree("github.ref_type != 'tag' && inputs.cache"), tagPush), false);
    // A list written in the file: membership is known when every item can be compared.
    assert.equal(evaluate(tree("contains(fromJSON('[\"pull_request\", \"merge_group\"]'), github.event_name)"), tagPush), false);
    assert.equal(evaluate(tree("contains(fromJSON('[\"Push\", \"schedule\"]'), github.event_name)"), tagPush), true);
    assert.equal(evaluate(tree("contains(fromJSON('[\"refs/tags/v1\"]'), github.ref)"), tagPush), 'unknown');
    assert.equal(evaluate(tree("contains(fromJSON('[\"refs/heads/main\"]'), github.ref)"), tagPush), false);
    assert.equal(evaluate(tree("contains(fromJSON('[\"push\"]'), inputs.event)"), tagPush), 'unknown');
    assert.equal(evaluate(tree("contains(fromJSON(inputs.list), github.event_name)"), tagPush), 'unknown');
    assert.equal(inputIsOn('false'), false);
    assert.equal(inputIsOn(' TRUE '), true);
    assert.equal(inputIsOn('unknown'), undefined);
  });
});

describe('uses: references', () => {
  it('normalises redundant path segments and knows the self-repository form', () => {
    assert.equal(parseUses('actions/cache/./restore@v4').action, 'actions/cache/restore');
    assert.equal(parseUses('actions/cache//x/../restore@v4').action, 'actions/cache/restore');
    assert.equal(parseUses('org/repo/../../other@v1').action, 'org/repo/../../other');
    assert.equal(parseUses('$/.github/workflows/x.yml').local, true);
    assert.deepEqual(obfuscatedUsesPath('actions/cache/./restore@v4'), ["a '.' segment"]);
    assert.deepEqual(obfuscatedUsesPath('actions/checkout/@v4'), ['an empty segment']);
    assert.deepEqual(obfuscatedUsesPath('./'), []);
    assert.deepEqual(obfuscatedUsesPath('./tools/../setup'), ["a '..' segment"]);
    assert.deepEqual(obfuscatedUsesPath('actions/checkout@v4'), []);
  });

  it('spots owners one typing slip away from a well-known action owner', () => {
    assert.ok(oneSlipApart('action', 'actions'));
    assert.ok(oneSlipApart('cations', 'actions'));
    assert.ok(oneSlipApart('acti0ns', 'actions'));
    assert.ok(oneSlipApart('actiions', 'actions'));
    assert.ok(!oneSlipApart('actions', 'actions'));
    assert.ok(!oneSlipApart('acitnos', 'actions'));
    assert.equal(imitatedAction('Dokcer/login-action'), 'docker/login-action');
    assert.equal(imitatedAction('docker/login-action'), undefined);
    assert.equal(imitatedAction('dokcer/some-other-action'), undefined);
    assert.equal(imitatedAction('example/checkout'), undefined);
  });
});

describe('inputs', () => {
  it('reads action inputs and the inputs of workflow_call and workflow_dispatch', () => {
    const action = readWorkflow('name: a\ndescription: d\ninputs:\n  Version:\n    default: v1.0.0\nruns:\n  using: composite\n  steps:\n    - run: "true"\n      shell: bash\n', () => {})!;
    assert.deepEqual(inputDeclarations(action, 'version'), [{ source: 'action', type: 'string', default: 'v1.0.0', required: false }]);
    const reusable = readWorkflow('on:\n  workflow_call:\n    inputs:\n      n:\n        type: number\n        required: true\n  workflow_dispatch:\n    inputs:\n      n:\n        type: choice\n        options: [1, 2]\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: "true"\n', () => {})!;
    assert.deepEqual(inputDeclarations(reusable, 'n').map((d) => `${d.source}:${d.type}:${d.required}`), ['workflow_call:number:true', 'workflow_dispatch:choice:false']);
    assert.deepEqual(inputDeclarations(readWorkflow(workflow('      - run: "true"\n'), () => {})!, 'n'), []);
  });
});

describe('unpinnedInstall', () => {
  const words = (command: string) => command.split(/\s+/);
  it('finds packages installed by name without an exact version', () => {
    assert.deepEqual(unpinnedInstall(words('npm i -g --registry https://example.org/ typescript@^5 eslint@9.1.0')), { tool: 'npm', packages: ['typescript@^5'] });
    assert.deepEqual(unpinnedInstall(words('pnpm add -D @scope/pkg')), { tool: 'pnpm', packages: ['@scope/pkg'] });
    assert.deepEqual(unpinnedInstall(words('yarn global add serve')), { tool: 'yarn', packages: ['serve'] });
    assert.deepEqual(unpinnedInstall(words('gem install --no-document bundler')), { tool: 'gem', packages: ['bundler'] });
    assert.deepEqual(unpinnedInstall(words('bundle add rubocop --group development')), { tool: 'bundle', packages: ['rubocop'] });
  });
  it('leaves out lock-file installs, exact versions, paths and URLs', () => {
    for (const command of ['npm install', 'npm ci', 'npm install --no-save', 'npm install ./pkg ../x.tgz git+https://example.org/x.git', 'gem install bundler -v 2.5.9', 'gem install rake:13.2.1', 'yarn install --frozen-lockfile', 'npm run install', 'bun add left-pad@1.3.0'])
      assert.equal(unpinnedInstall(words(command)), undefined, command);
  });
});

describe('template injection through step outputs and reusable workflow inputs', () => {
  it('follows an output written from a tainted env variable, and ignores outputs of steps that wrote safe values', () => {
    const text = workflow(
      '      - id: meta\n        env:\n          BRANCH: ${{ github.head_ref }}\n        run: |\n          echo "branch=${BRANCH}" >> $GITHUB_OUTPUT\n          echo "sha=${{ github.sha }}" >> $GITHUB_OUTPUT\n      - run: |\n          git push origin "${{ steps.meta.outputs.branch }}"\n          echo "${{ steps.meta.outputs.sha }}"\n          echo "${{ steps.other.outputs.branch }}"\n',
      'pull_request_target',
    );
    const found = hits('iac/gha-template-injection', text);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /steps\.meta\.outputs\.branch \(written by step meta from env\.BRANCH\)/);
  });

  it('flags string inputs of workflow_call only', () => {
    const base = (type: string) => `on:\n  workflow_call:\n    inputs:\n      x:\n        type: ${type}\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ inputs.x }}"\n`;
    assert.equal(hits('iac/gha-template-injection', base('string')).length, 1);
    assert.equal(hits('iac/gha-template-injection', base('boolean')).length, 0);
  });
});

describe('release cache toggles', () => {
  const release = (on: string, toggle: string) =>
    `name: r\non:\n${on}permissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n        with:\n          cache: ${toggle}\n      - run: go build ./...\n`;
  it('accepts a toggle that is off for every release event of the workflow', () => {
    assert.equal(hits('iac/gha-release-cache-poisoning', release('  release:\n  push:\n    tags: ["v*"]\n', "${{ !startsWith(github.ref, 'refs/tags/') }}")).length, 0);
    assert.equal(hits('iac/gha-release-cache-poisoning', release('  release:\n', "${{ github.ref_type != 'tag' }}")).length, 0);
  });
  it('keeps a toggle that is on for some release event or cannot be judged', () => {
    // On a release event the event name is `release`, so this guard does not turn the cache off.
    assert.equal(hits('iac/gha-release-cache-poisoning', release('  release:\n', "${{ !(github.event_name == 'push' && github.ref_type == 'tag') }}")).length, 1);
    assert.equal(hits('iac/gha-release-cache-poisoning', release('  push:\n    branches: [release/*]\n    tags: ["v*"]\n', "${{ !startsWith(github.ref, 'refs/tags/') }}")).length, 1);
    assert.equal(hits('iac/gha-release-cache-poisoning', release('  release:\n', '${{ inputs.cache }}')).length, 1);
  });
});

describe('mayYield', () => {
  it('follows what an expression can evaluate to', () => {
    const yields = (source: string) => mayYield(tree(source), 'secrets');
    assert.equal(yields('secrets.TOKEN'), true);
    assert.equal(yields("secrets.TOKEN || 'none'"), true);
    assert.equal(yields("format('Bearer {0}', secrets.TOKEN)"), true);
    assert.equal(yields("secrets.TOKEN && 'true' || 'echo \"fallback\"'"), false);
    assert.equal(yields("secrets.TOKEN != ''"), false);
    assert.equal(yields("contains(secrets.TOKEN, 'x')"), false);
    assert.equal(yields('!secrets.TOKEN'), false);
  });
});
