import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unsoundContains } from '../../../src/scanners/iac/github/expression-rules.js';
import { canRequestIdToken, longLivedPublishToken, publishCommand } from '../../../src/scanners/iac/github/publish-rules.js';
import { readWorkflow } from '../../../src/scanners/iac/github/model.js';
import { workflow } from '../../../src/scanners/iac/github/rule-kit.js';

const words = (command: string) => command.split(/\s+/);

describe('publishCommand', () => {
  it('recognises publish commands behind runners and version suffixes', () => {
    assert.equal(publishCommand(words('python3.12 -m twine upload dist/*')), 'PyPI');
    assert.equal(publishCommand(words('pipx run twine==6.1.0 upload dist/*')), 'PyPI');
    assert.equal(publishCommand(words('uv run twine upload dist/*')), 'PyPI');
    assert.equal(publishCommand(words('uv publish')), 'PyPI');
    assert.equal(publishCommand(words('bunx npm@11 publish')), 'npm');
    assert.equal(publishCommand(words('yarn npm publish --access public')), 'npm');
    assert.equal(publishCommand(words('pnpm publish -r --no-git-checks')), 'npm');
    assert.equal(publishCommand(words('bundle exec gem push pkg/x.gem')), 'RubyGems');
    assert.equal(publishCommand(words('dotnet nuget push out/x.nupkg --source https://example.org/v3/index.json')), 'NuGet');
    assert.equal(publishCommand(words('dart pub publish --force')), 'the Dart package registry');
    assert.equal(publishCommand(words('twine upload -r testpypi dist/*')), 'PyPI');
  });

  it('leaves out dry runs, other registries and commands that only mention publishing', () => {
    for (const command of ['npm publish --dry-run', 'yarn npm publish -n', 'cargo publish -n', 'npm run publish', 'pnpm exec publish', 'twine check dist/*', 'twine upload -r internal dist/*', 'cargo publish --registry corp', 'gem push x.gem --host https://example.org', 'npm publish --registry=https://example.org/', 'echo publish'])
      assert.equal(publishCommand(words(command)), undefined, command);
  });
});

describe('canRequestIdToken', () => {
  const jobOf = (text: string) => {
    const wf = readWorkflow(text, () => {})!;
    return canRequestIdToken(wf, wf.jobs[0]!);
  };
  it('reads job permissions first, then the workflow ones', () => {
    assert.equal(jobOf(workflow('      - run: make\n', 'push', 'permissions:\n  id-token: write\n')), true);
    assert.equal(jobOf(workflow('      - run: make\n', 'push', 'permissions: write-all\n')), true);
    assert.equal(jobOf(workflow('      - run: make\n', 'push', '')), false);
    assert.equal(jobOf('on: push\npermissions:\n  id-token: write\njobs:\n  a:\n    permissions:\n      contents: read\n    runs-on: x\n    steps:\n      - run: make\n'), false);
  });
});

describe('iac/gha-publish-with-long-lived-token', () => {
  const hits = (text: string) => [...longLivedPublishToken.check(readWorkflow(text, () => {})!)];
  it('points at the command line inside a script, once per publish command', () => {
    const found = hits(workflow('      - run: |\n          npm ci\n          npm publish\n          cargo publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM }}\n'));
    assert.deepEqual(found.map((h) => [h.line, h.detailLine]), [[9, 11], [9, 12]]);
  });
  it('reports a release tool given an npm token by the job or the workflow, at its command, and not one given the GITHUB_TOKEN alone', () => {
    const job = 'name: r\non: push\npermissions:\n  contents: write\njobs:\n  release:\n    runs-on: ubuntu-latest\n    env:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n    steps:\n      - run: |\n          npm ci\n          yarn run semantic-release --branches main\n';
    assert.deepEqual(hits(job).map((h) => [h.line, h.detailLine, /publishes to npm/.test(h.message)]), [[11, 13, true]]);
    assert.deepEqual(hits(job.replace('secrets.NPM_TOKEN', 'secrets.GITHUB_TOKEN')), []);
    assert.deepEqual(hits(workflow('      - run: npx release-it --ci --npm.publish=false\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n')), []);
  });
  it('stays quiet in a composite action that passes no token', () => {
    assert.deepEqual(hits('name: a\ndescription: b\nruns:\n  using: composite\n  steps:\n    - run: npm publish\n      shell: bash\n'), []);
  });
});

describe('unsoundContains', () => {
  it('finds string haystacks, nested calls and quoted quotes', () => {
    assert.deepEqual(unsoundContains("contains('main develop', github.ref_name)").map((c) => c.context), ['github.ref_name']);
    assert.deepEqual(unsoundContains("contains(fromJSON('[true]'), contains('it''s, main', env.BRANCH))").map((c) => c.context), ['env.BRANCH']);
    assert.deepEqual(unsoundContains("contains(github.ref, 'main') || contains('a b', 'a')"), []);
    assert.deepEqual(unsoundContains("contains('a b'"), []);
  });
});
