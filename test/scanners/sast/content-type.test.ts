import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlainType } from '../../../src/scanners/sast/models/content-type.js';

describe('response content types', () => {
  it('text/plain, CSV and JSON (full types, parameters, short names) are not HTML', () => {
    for (const t of ['text/plain', 'Text/Plain; charset=utf-8', 'application/json', 'application/problem+json', 'text/csv', 'json', 'txt', '.txt', 'text']) {
      assert.equal(isPlainType(t), true, t);
    }
  });
  it('HTML, XML, SVG and unknown types are', () => {
    for (const t of ['text/html', 'html', 'application/xhtml+xml', 'image/svg+xml', 'text/xml', 'application/octet-stream', '', 'nosniff']) {
      assert.equal(isPlainType(t), false, t);
    }
  });
});
