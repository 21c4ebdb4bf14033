import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyWithArguments, shellFunctions } from '../../../src/scanners/iac/shell-functions.js';

test('shellFunctions finds each definition\'s body and leaves the script\'s own commands', () => {
  const script = 'a() {\n  echo "}" \'}\' ${x}\n}\nfunction b\n{\n  npm publish\n}\nfunction c() { :; }\nrun_it\nd() {\n  unclosed\n';
  const { functions, rest } = shellFunctions(script);
  assert.deepEqual([...functions.keys()], ['a', 'b', 'c']);
  assert.equal(functions.get('b'), '\n  npm publish\n');
  assert.equal(rest.split('\n').length, script.split('\n').length);
  assert.deepEqual(rest.split('\n').map((l) => l.trim()).filter(Boolean), ['run_it', 'd() {', 'unclosed']);
});

test('bodyWithArguments puts plain arguments in place of the parameters, outside single quotes', () => {
  assert.equal(bodyWithArguments('cp "$1" "gs://$2/${1}" $3; awk \'{print $1}\'', ['dist/a.tgz', '$BUCKET']), 'cp dist/a.tgz "gs://$BUCKET/dist/a.tgz" $3; awk \'{print $1}\'');
  assert.equal(bodyWithArguments('upload "$@"', ['a', 'b c']), 'upload "$@"');
  assert.equal(bodyWithArguments('upload "$@"', ['a', 'b']), 'upload a b');
});
