import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Binding, Frame, State } from '../../../src/scanners/sast/analysis/frame.js';
import { VarTable } from '../../../src/scanners/sast/analysis/var-table.js';
import { EMPTY, type Value } from '../../../src/scanners/sast/analysis/value.js';

const frame = new Frame('m.js', null, EMPTY, [], 0);
const bindings = Array.from({ length: 80 }, (_, i) => new Binding(`v${i}`, frame));
const value = (n: number) => ({ n }) as unknown as Value;

test('VarTable: clones are independent, and iteration order is that of one map with the same writes', () => {
  const a = VarTable.empty();
  const plain = new Map<Binding, Value>();
  for (let i = 0; i < 70; i++) {
    // Enough writes to fold the recent ones into a new base twice; rewrites keep their place.
    const b = bindings[(i * 7) % 50]!;
    const v = value(i);
    a.set(b, v);
    plain.set(b, v);
  }
  const b = a.clone();
  b.set(bindings[1]!, value(1000));
  b.set(bindings[75]!, value(75));
  assert.equal(a.get(bindings[75]!), undefined);
  assert.notEqual(a.get(bindings[1]!), value(1000));
  assert.deepEqual([...a.entries()].map(([k]) => k.name), [...plain.keys()].map((k) => k.name));
  plain.set(bindings[1]!, value(1000));
  plain.set(bindings[75]!, value(75));
  assert.deepEqual([...b.entries()].map(([k, v]) => [k.name, v]), [...plain].map(([k, v]) => [k.name, v]));
  // A superset of what changed (recent writes of either side); everything else is equal.
  const differing = new Set(b.differingKeys(a));
  assert.ok(differing.has(bindings[1]!) && differing.has(bindings[75]!));
  for (const binding of bindings) if (!differing.has(binding)) assert.equal(a.get(binding), b.get(binding));
});

test('State: a join only touches what differs, and sameAs agrees with comparing signatures', () => {
  const s = new State();
  for (let i = 0; i < 40; i++) s.set(bindings[i]!, EMPTY);
  const other = s.clone();
  assert.ok(other.sameAs(s));
  assert.equal(other.signature(), s.signature());
  other.set(bindings[3]!, s.get(bindings[3]!)!);
  assert.ok(other.sameAs(s));
});
