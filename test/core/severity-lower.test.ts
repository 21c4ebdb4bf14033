import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneSeverityLower } from '../../src/core/finding.js';

test('oneSeverityLower: one step down to low; low and info stay', () => {
  assert.deepEqual(['critical', 'high', 'medium', 'low', 'info'].map((s) => oneSeverityLower(s as never)), ['high', 'medium', 'low', 'low', 'info']);
});
