import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Binding, Frame, State, lastBindingId } from '../../../src/scanners/sast/analysis/frame.js';
import { EMPTY, type Value } from '../../../src/scanners/sast/analysis/value.js';
import { analyseProject } from '../../../src/scanners/sast/project/analyse.js';

const frame = new Frame('m.js', null, EMPTY, [], 0);
const value = (n: number) => ({ n }) as unknown as Value;

test('State.repeats: the same values by identity for older variables; newer ones (a pass\'s own scopes) do not count', () => {
  const older = [new Binding('a', frame), new Binding('b', frame)];
  const upTo = lastBindingId();
  const head = new State();
  head.set(older[0]!, value(1));
  const next = head.clone();
  next.set(new Binding('local', frame), value(2));
  assert.ok(next.repeats(head, upTo));
  assert.ok(!next.sameAs(head));
  next.set(older[1]!, value(3));
  assert.ok(!next.repeats(head, upTo));
  const equalButNotSame = head.clone();
  equalButNotSame.set(older[0]!, { ...value(1) });
  assert.ok(!equalButNotSame.repeats(head, upTo));
  const refined = head.clone();
  refined.paths.set(`#${older[0]!.id}.x`, value(4));
  assert.ok(!refined.repeats(head, upTo));
});

/** Taint findings of one file analysed as a project. */
function taintFindings(text: string): string[] {
  const result = analyseProject({
    sources: [{ path: 'app.js', text }], manifests: [], tsconfigs: [], templates: [], libraryInputs: false,
  });
  return result.findings.filter((f) => f.properties?.kind !== 'pattern').map((f) => `${f.ruleId}:${f.location.startLine}`);
}

test('loops whose passes repeat still carry values across iterations (three steps, nested loops, block-scoped locals)', () => {
  const rules = taintFindings([
    "const express = require('express');",
    "const { exec } = require('child_process');",
    'const app = express();',
    "app.get('/x', (req, res) => {",
    "  let a = 'ls'; let b = 'ls'; let c = 'ls';",
    '  for (const item of [1, 2, 3]) {',
    '    const local = item;',
    '    for (const other of [local]) {',
    '      const inner = other;',
    '      a = b; b = c; c = req.query.cmd;',
    '    }',
    '  }',
    '  exec(a);',
    '});',
  ].join('\n'));
  assert.deepEqual(rules, ['sast/command-injection:13']);
});
