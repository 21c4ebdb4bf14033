import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { severityFromText } from '../../../src/scanners/sca/cvss.js';
import { comparatorFor } from '../../../src/scanners/sca/versions/index.js';
import { tokenizeMaven } from '../../../src/scanners/sca/versions/maven.js';

/** Words from lockfiles and advisories that are also names of Object's own properties. */
describe('names of Object properties in versions and advisories', () => {
  it('reads an advisory severity of "constructor" as no severity', () => {
    assert.equal(severityFromText('constructor'), undefined);
    assert.equal(severityFromText('__proto__'), undefined);
    assert.equal(severityFromText('High'), 'high');
  });

  it('keeps a Maven qualifier named like an Object property as that qualifier', () => {
    assert.deepEqual(tokenizeMaven('1-constructor').map((t) => t.value), ['1', 'constructor']);
    const maven = comparatorFor('Maven');
    assert.ok(maven.compare('1.0-constructor', '1.0-toString') < 0);
    assert.ok(maven.compare('1.0-toString', '1.0-constructor') > 0);
  });

  it('orders legacy Python versions with such words by their letters', () => {
    const pypi = comparatorFor('PyPI');
    assert.ok(pypi.compare('1.constructor', '1.constructos') < 0);
    assert.ok(pypi.compare('1.constructor', '1.e') < 0);
  });
});
