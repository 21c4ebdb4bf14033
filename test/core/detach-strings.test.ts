import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DetachedStrings } from '../../src/core/detach-strings.js';

describe('DetachedStrings: strings of findings that keep no text of the scan alive', () => {
  it('leaves values and shape as they were, frozen objects and class instances untouched', () => {
    const rule = Object.freeze({ summary: 'a summary of the fix, shared by findings' });
    const at = new URL('https://example.org/a-place-in-a-file');
    const finding = { ruleId: 'iac/a-rule-of-some-length', message: `container ${'web-application'} runs as root`, cwe: ['CWE-250'], fix: rule, properties: { at, resource: 'Deployment web-application', depth: 3, list: ['a long enough value', 7] } };
    const copy = structuredClone({ ...finding, fix: { ...rule }, properties: { ...finding.properties, at: undefined } });
    const detached = new DetachedStrings().detach(finding);
    assert.equal(detached, finding);
    assert.deepEqual({ ...finding, fix: { ...finding.fix }, properties: { ...finding.properties, at: undefined } }, copy);
    assert.equal(finding.fix, rule);
    assert.equal(finding.properties.at, at);
  });

  it('lets a text go once only the findings of parts of it are kept', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const used = () => (gc(), getHeapStatistics().used_heap_size);
    const size = 16 * 1024 * 1024;
    const make = () => {
      // A flat text (repeat alone makes a small rope), of which a finding keeps a part and a message built with one.
      const text = JSON.parse(JSON.stringify(`name: ${'x'.repeat(size)}`)) as string;
      return { message: `container ${text.slice(6, 40)} runs as root`, properties: { resource: text.slice(6, 50) } };
    };
    const before = used();
    const attached = make();
    const withAttached = used();
    const detached = new DetachedStrings().detach(make());
    const withDetached = used();
    assert.deepEqual(detached, attached);
    assert.ok(withAttached - before > size / 2, `attached: ${withAttached - before}`);
    assert.ok(withDetached - withAttached < size / 4, `detached: ${withDetached - withAttached}`);
  });
});
