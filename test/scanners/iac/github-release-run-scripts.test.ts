import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { tempTree } from '../../helpers/tmp.js';
import { onMain, poisoning, WF } from './release-poisoning.js';

const SH = '#!/usr/bin/env bash\nset -euo pipefail\n';

test('a local script the step runs, that publishes, makes the step publish', async () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['./scripts/release.sh', { 'scripts/release.sh': `${SH}npm ci\nnpm publish --access public\n` }],
    ['bash scripts/publish.sh dist', { 'scripts/publish.sh': 'twine upload "$1"/*\n' }],
    ['sh -e ./x.sh', { 'x.sh': 'docker push example.org/app:edge\n' }],
    ['cd tools && ./release', { 'tools/release': `${SH}aws s3 cp ../dist/app.tgz s3://downloads/canary/\n` }],
    // A function of the script itself, called there.
    ['./ci/release.sh', { 'ci/release.sh': `${SH}publish_crate() {\n  cargo publish -p "$1"\n}\nfor c in core cli; do publish_crate "$c"; done\n` }],
    // A script the script runs from its own folder, and one it sources.
    ['./ci/release.sh', { 'ci/release.sh': `${SH}"$(dirname "$0")/upload.sh" v1\n`, 'ci/upload.sh': `${SH}gh release upload "$1" dist/*.tgz\n` }],
    ['./ci/release.sh', { 'ci/release.sh': `${SH}source ci/lib.sh\nship dist/app.tgz\n`, 'ci/lib.sh': 'ship() {\n  gsutil cp "$1" gs://downloads/\n}\n' }],
  ];
  for (const [run, files] of cases) assert.deepEqual(await poisoning({ ...files, [WF]: onMain(`      - run: ${run}\n`) }), [`${WF}:11`], run);
});

test('a local script the step runs publishes nothing when its publishing is a comment, a dry run, a report or no shell', async () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['./scripts/release.sh', { 'scripts/release.sh': `${SH}# then run: npm publish\n  # docker push is done by hand\nnpm pack\n` }],
    ['./scripts/release.sh', { 'scripts/release.sh': `${SH}npm publish --dry-run\n` }],
    // Hints it prints for a person to follow.
    ['./scripts/release.sh', { 'scripts/release.sh': `${SH}npm version patch\necho "Now run: npm publish && docker push example.org/app"\nprintf '%s\\n' "gh release upload v1 dist/app.tgz" >&2\nprint_warning "Would run: twine upload dist/*"\n` }],
    // A hint printed over continued lines.
    ['./scripts/release.sh', { 'scripts/release.sh': `${SH}npm version patch\nprintf '%s\\n' \\\n  "Now run: npm publish" >&2\n` }],
    ['bash ci/reports.sh', { 'ci/reports.sh': 'aws s3 cp test-results.xml s3://ci-data/\n' }],
    // A Python program is not read as shell.
    ['./scripts/release', { 'scripts/release': '#!/usr/bin/env python3\nimport os\nos.system("twine upload dist/*")\n' }],
    // A function the script defines is its own: the step's shell does not have it.
    ['./ci/lib.sh; ship dist/app.tgz', { 'ci/lib.sh': `${SH}ship() {\n  gsutil cp "$1" gs://downloads/\n}\n` }],
    // Defined, never called.
    ['./ci/lib.sh', { 'ci/lib.sh': `${SH}ship() {\n  gsutil cp "$1" gs://downloads/\n}\n` }],
    // A missing script, one that runs itself.
    ['./ci/none.sh', {}],
    ['./ci/loop.sh', { 'ci/loop.sh': `${SH}./ci/loop.sh\n` }],
  ];
  for (const [run, files] of cases) assert.deepEqual(await poisoning({ ...files, [WF]: onMain(`      - run: ${run}\n`) }), [], run);
});

test('a local script reads the arguments the step gives it', async () => {
  const publishing: Array<[string, Record<string, string>]> = [
    ['./scripts/release.sh', { 'scripts/release.sh': `${SH}npm publish "$@"\n` }],
    ['bash scripts/release.sh publish', { 'scripts/release.sh': `${SH}npm "$1" --access public\n` }],
    // A script the script runs, with what it is given.
    ['./ci/release.sh publish', { 'ci/release.sh': `${SH}./ci/npm.sh "$1"\n`, 'ci/npm.sh': `${SH}npm "$1"\n` }],
  ];
  for (const [run, files] of publishing) assert.deepEqual(await poisoning({ ...files, [WF]: onMain(`      - run: ${run}\n`) }), [`${WF}:11`], run);
  const rehearsing: Array<[string, Record<string, string>]> = [
    ['./scripts/release.sh --dry-run', { 'scripts/release.sh': `${SH}npm publish "$@"\n` }],
    ['bash scripts/release.sh --dry-run', { 'scripts/release.sh': `${SH}npx semantic-release $1\n` }],
    // Its functions read their own calls' arguments, not the script's.
    ['./scripts/release.sh --dry-run', { 'scripts/release.sh': `${SH}ship() {\n  npm publish "$@"\n}\nship --dry-run\n` }],
  ];
  for (const [run, files] of rehearsing) assert.deepEqual(await poisoning({ ...files, [WF]: onMain(`      - run: ${run}\n`) }), [], run);
  // A function called without the flag publishes, whatever the script is given.
  assert.deepEqual(await poisoning({ 'scripts/release.sh': `${SH}ship() {\n  npm publish "$@"\n}\nship --tag next\n`, [WF]: onMain('      - run: ./scripts/release.sh --dry-run\n') }), [`${WF}:11`]);
});

test('a script the step runs outside the scan root is not read', async () => {
  const outside = tempTree({ 'release.sh': 'npm publish\n' });
  try {
    const found = await poisoning({ [WF]: onMain('      - run: ./ci/release.sh\n') }, (dir) => symlinkSync(outside.dir, path.join(dir, 'ci')));
    assert.deepEqual(found, []);
  } finally {
    outside.cleanup();
  }
});
