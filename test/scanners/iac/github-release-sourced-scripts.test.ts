import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { tempTree } from '../../helpers/tmp.js';
import { onMain, poisoning, WF } from './release-poisoning.js';

const UTIL = 'set -e\n\nfunction uploader {\n    gsutil cp "$1" "gs://$2/$1"\n}\n\nbuilder() {\n  make -C "$1" all # braces in a comment: }\n}\n';

test('a function of a sourced local script whose body publishes makes the step publish', async () => {
  for (const run of ['source ci/build_util.sh; uploader dist/app.tgz downloads', '. ./ci/build_util.sh\n          uploader "$BUNDLE" "$BUCKET"']) {
    assert.deepEqual(await poisoning({ 'ci/build_util.sh': UTIL, [WF]: onMain(`      - run: |\n          ${run}\n`) }), [`${WF}:11`], run);
  }
  // A script that sources another (from its own folder), whose function calls a publishing one.
  const files = {
    'ci/env.sh': 'here="$(dirname "${BASH_SOURCE[0]}")"\nsource "$here/lib/publish.sh"\nrelease_all() {\n  for f in dist/*; do push_one "$f"; done\n}\n',
    'ci/lib/publish.sh': 'push_one() {\n  aws s3 cp "$1" s3://downloads/canary/\n}\n',
    [WF]: onMain('      - run: source ci/env.sh && release_all\n'),
  };
  assert.deepEqual(await poisoning(files), [`${WF}:11`]);
  // A sourced script that publishes by itself, when sourced.
  assert.deepEqual(await poisoning({ 'ci/publish.sh': 'docker push example.org/app:edge\n', [WF]: onMain('      - run: . ci/publish.sh\n') }), [`${WF}:11`]);
});

test('a sourced script publishes nothing when the step calls none of its publishing functions, or what they copy is reports', async () => {
  const cases = [
    // Only the builder is called; uploader is defined but not run.
    'source ci/build_util.sh; builder src',
    // The copy is of test results, named by the call's argument.
    'source ci/build_util.sh; uploader test-results.xml ci-data',
    // A function of that name that the step does not source.
    'uploader dist/app.tgz downloads',
    // Another folder: the script is not where the step would find it.
    'cd sub && source ci/build_util.sh && uploader dist/app.tgz downloads',
  ];
  for (const run of cases) assert.deepEqual(await poisoning({ 'ci/build_util.sh': UTIL, [WF]: onMain(`      - run: ${run}\n`) }), [], run);
  // A missing script, and one that sources itself.
  assert.deepEqual(await poisoning({ [WF]: onMain('      - run: source ci/none.sh; uploader dist/app.tgz downloads\n') }), []);
  assert.deepEqual(await poisoning({ 'ci/loop.sh': 'source ci/loop.sh\nf() { g; }\ng() { f; }\n', [WF]: onMain('      - run: source ci/loop.sh; f\n') }), []);
});

test('a sourced script outside the scan root is not read', async () => {
  const outside = tempTree({ 'util.sh': 'uploader() {\n  gsutil cp "$1" gs://downloads/\n}\n' });
  try {
    const found = await poisoning({ [WF]: onMain('      - run: source ci/util.sh; uploader dist/app.tgz\n') }, (dir) => symlinkSync(outside.dir, path.join(dir, 'ci')));
    assert.deepEqual(found, []);
  } finally {
    outside.cleanup();
  }
});
