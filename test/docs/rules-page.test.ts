import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rulesPage } from '../../src/docs/rules-page.js';
import { allRuleGroups } from '../../src/docs/rule-groups.js';
import { projectRoot } from '../helpers/paths.js';

test('docs/rules.md is current (run `npm run docs` after changing a rule)', async () => {
  const expected = rulesPage(await allRuleGroups());
  const committed = readFileSync(path.join(projectRoot, 'docs', 'rules.md'), 'utf8');
  assert.ok(committed === expected, 'docs/rules.md is stale: run npm run docs');
});

test('every rule has a section with its fix', async () => {
  const page = rulesPage(await allRuleGroups());
  for (const scanner of await allRuleGroups()) {
    for (const rule of scanner.rules()) {
      assert.ok(page.includes(`### ${rule.id}\n`), rule.id);
      assert.ok(rule.remediation.length > 10 && rule.description.length > 20, `${rule.id} lacks its description or fix`);
    }
  }
});
