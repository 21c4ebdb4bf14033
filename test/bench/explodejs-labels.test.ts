import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdsSink, reconcileLabels, sameItemLabels } from '../../bench/sast/explodejs.js';

const item = (key: string, dir: string) => ({ key, dir, vulns: [] });

test('explodejs labels: a file whose labelled lines hold none of its recorded sinks moves to detection.json lines, in order', () => {
  const it = item('pkg@1.0.0', 'vulcan-dataset/CWE-471/1');
  const file = `${it.dir}/src/index.js`;
  const lines = ['function helper() {', '  return 1;', '}', 'function merge(a, b) {', '  for (const k in b) a[k] = b[k];', '  target[key] = val;', '}'];
  const labels = [
    { item: it, cwe: 'CWE-1321', file, line: 1 },
    { item: it, cwe: 'CWE-1321', file, line: 2 },
  ];
  const detections = [
    { file: 'index.js', sink: 'a[k] = b[k];', sink_lineno: 5 },
    { file: 'index.js', sink: 'target[key] = val;', sink_lineno: 6 },
  ];
  assert.equal(reconcileLabels(labels, () => lines, () => detections), 2);
  assert.deepEqual(labels.map((l) => [l.line, (l as { indexLine?: number }).indexLine]), [[5, 1], [6, 2]]);
});

test('explodejs labels: lines that hold their sink, or lists of another length, stay as index.json gives them', () => {
  const it = item('pkg@1.0.0', 'secbench-dataset/CWE-78/pkg_1.0.0');
  const file = `${it.dir}/src/index.js`;
  const lines = ['exec("ls " + dir);', '', 'exec(cmd);'];
  const kept = [{ item: it, cwe: 'CWE-78', file, line: 1 }];
  assert.equal(reconcileLabels(kept, () => lines, () => [{ file: 'index.js', sink: 'exec("ls " + dir);', sink_lineno: 1 }]), 0);
  const other = [{ item: it, cwe: 'CWE-78', file, line: 2 }];
  const two = [
    { file: 'index.js', sink: 'exec(cmd);', sink_lineno: 3 },
    { file: 'index.js', sink: 'exec("ls " + dir);', sink_lineno: 1 },
  ];
  assert.equal(reconcileLabels(other, () => lines, () => two), 0);
  assert.equal(other[0]!.line, 2);
});

test('explodejs labels: short lines such as a closing brace never hold a sink', () => {
  assert.equal(holdsSink('}', 'target[key] = assign(target[key] || {}, val);'), false);
  assert.equal(holdsSink('    target[key] = val;  ', 'target[key] = val;'), true);
});

test('explodejs labels: labels of the other copy of the same package@version apply to identical files', () => {
  const a = item('tool@1.2.2', 'vulcan-dataset/CWE-78/659');
  const b = item('tool@1.2.2', 'secbench-dataset/CWE-78/tool_1.2.2');
  const labels = [
    { item: a, cwe: 'CWE-78', file: `${a.dir}/src/run.js`, line: 49 },
    { item: b, cwe: 'CWE-78', file: `${b.dir}/src/run.js`, line: 78 },
  ];
  const twins = sameItemLabels(labels, () => true);
  assert.deepEqual(twins.map((l) => `${l.file}:${l.line}`).sort(), [`${b.dir}/src/run.js:49`, `${a.dir}/src/run.js:78`]);
  assert.equal(sameItemLabels(labels, () => false).length, 0);
});
