import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { indentQuotedContinuations } from '../../../src/scanners/iac/cloudformation/quoted-continuations.js';
import { fixturePath } from '../../helpers/paths.js';

const text = readFileSync(fixturePath('iac', 'cfn-quoted', 'template.yaml'), 'utf8');

describe('CloudFormation: a quoted string continued at its key\'s indentation (PyYAML accepts it)', () => {
  it('reads the template, with a warning, and checks its resources', () => {
    const warnings: string[] = [];
    const result = analyseFile('stack.yaml', text, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /a quoted string continues on lines indented no deeper than its key/);
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId}@${f.location.startLine}`),
      ['iac/cfn-sg-open-to-internet@36'],
    );
  });

  it('indents only the continuation lines, so the string keeps its value', () => {
    const fixed = indentQuotedContinuations(text).split('\n');
    const original = text.split('\n');
    assert.equal(fixed.length, original.length);
    const changed = fixed.map((line, i) => (line === original[i] ? undefined : i + 1)).filter((n) => n !== undefined);
    // The closing lines of the two quoted policies, nothing else.
    assert.deepEqual(changed, [23, 27]);
    assert.equal(fixed[22], '           }\'');
  });
});

describe('CloudFormation: quotes inside a plain scalar open no string', () => {
  const plainText = readFileSync(fixturePath('iac', 'cfn-quoted-plain', 'template.yaml'), 'utf8');

  it('reads a template whose plain descriptions hold quotes after commas (set to "bursting," the ...)', () => {
    const warnings: string[] = [];
    const result = analyseFile('stack.yaml', plainText, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
    assert.deepEqual(warnings, ['5: a quoted string continues on lines indented no deeper than its key, which YAML 1.2 forbids; read as go-yaml, PyYAML and CloudFormation read it']);
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId}@${f.location.startLine}`),
      ['iac/cfn-sg-open-to-internet@23'],
    );
  });

  it('indents only the continuation of the quoted description', () => {
    const fixed = indentQuotedContinuations(plainText).split('\n');
    const original = plainText.split('\n');
    const changed = fixed.map((line, i) => (line === original[i] ? undefined : i + 1)).filter((n) => n !== undefined);
    assert.deepEqual(changed, [6]);
  });
});
