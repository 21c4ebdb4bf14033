import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { jsonObjectStream } from '../../../src/scanners/iac/yaml/json-stream.js';
import { loadYaml } from '../../../src/scanners/iac/yaml/tree.js';

/** A privileged pod, as JSON, written from its line `first`. */
const pod = (name: string) =>
  ['{', '  "apiVersion": "v1",', '  "kind": "Pod",', `  "metadata": { "name": "${name}" },`, '  "spec": {', '    "containers": [', `      { "name": "app", "image": "example.org/app:1.0", "securityContext": { "privileged": true } }`, '    ]', '  }', '}'].join('\n');

function analyse(path: string, text: string) {
  const warnings: string[] = [];
  const result = analyseFile(path, text, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
  return { platform: result.platform, warnings, privileged: result.findings.filter((f) => f.ruleId === 'iac/k8s-privileged-container').map((f) => `${f.location.startLine} ${f.properties.resource}`) };
}

describe('Kubernetes: a .json file of objects written one after another (kubectl reads them as a list)', () => {
  it('reads each object as a document, on its own lines', () => {
    const { platform, warnings, privileged } = analyse('list.json', `${pod('one')}\n${pod('two')}\n`);
    assert.equal(platform, 'kubernetes');
    assert.deepEqual(warnings, []);
    assert.deepEqual(privileged, ['7 Pod/one container app', '17 Pod/two container app']);
  });

  it('reads objects on the same line as the end of the one before, and blank lines between them', () => {
    const { warnings, privileged } = analyse('list.json', `\n${pod('one')} ${pod('two')}\n\n\n${pod('three')}`);
    assert.deepEqual(warnings, []);
    assert.deepEqual(privileged, ['8 Pod/one container app', '17 Pod/two container app', '29 Pod/three container app']);
  });

  it('an object of the stream that is not valid JSON is a warning at its own line; the others are read', () => {
    const broken = analyse('broken.json', `${pod('one')}\n${pod('two').replace('"kind": "Pod",', '"kind": "Pod"')}\n`);
    assert.deepEqual(broken.privileged, ['7 Pod/one container app']);
    assert.equal(broken.warnings.length, 1);
    assert.match(broken.warnings[0]!, /^1[34]: invalid YAML/);
  });

  it('an invalid JSON file stays a warning with its line; so does a stream with an object that is not a Kubernetes object', () => {
    const open = analyse('open.json', `${pod('one')}\n${pod('two').slice(0, -1)}`);
    assert.deepEqual(open.privileged, []);
    assert.deepEqual(open.warnings.map((w) => w.split(':')[0]), ['11']);
    const mixed = analyse('mixed.json', `${pod('one')}\n{ "name": "not a manifest", "kind": "note" }\n`);
    assert.deepEqual(mixed.privileged, []);
    assert.match(mixed.warnings.join('\n'), /^11: invalid YAML/);
  });

  it('keeps the node budget over every object of the stream', () => {
    const many = Array.from({ length: 40 }, (_, i) => pod(`p${i}`)).join('\n');
    const result = loadYaml(many, { maxChars: 1 << 20, maxNodes: 200 });
    assert.ok(result.documents.length < 40, `${result.documents.length} documents`);
    assert.match(result.problems[0]!.message, /expands to more than 200 nodes/);
  });
});

describe('jsonObjectStream', () => {
  it('splits top-level objects, brackets in strings not counting', () => {
    assert.deepEqual(jsonObjectStream('{"a": "}{"}\n{"b": [1, {"c": "\\"}"}]}'), [[0, 11], [12, 36]]);
  });

  it('is undefined for one object, a list, text between objects or an object left open', () => {
    for (const text of ['{"a": 1}', '[{"a": 1}, {"b": 2}]', '{"a": 1}\nx\n{"b": 2}', '{"a": 1}\n{"b": 2', '{"a": "1}\n{"b": 2}']) assert.equal(jsonObjectStream(text), undefined, text);
  });
});
