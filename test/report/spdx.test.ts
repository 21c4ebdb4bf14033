import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sbomInputFromLockfiles, SPDX_EXCEPTION_IDS, SPDX_LICENSE_IDS, type SbomInput } from '../../src/report/sbom-model.js';
import { FIXED_CREATED, spdxCreated, writeSpdx } from '../../src/report/spdx.js';
import { sharedDataPath } from '../helpers/paths.js';
import { spdxErrors } from '../helpers/schemas.js';
import { oddLicencePackage, parseFixture } from '../scanners/sca/lockfiles/helpers.js';


const schemaErrors = spdxErrors;

function input(extra: Partial<SbomInput> = {}): SbomInput {
  const results = [
    parseFixture('npm-v3', 'package-lock.json'),
    parseFixture('gemfile', 'Gemfile.lock'),
    parseFixture('composer', 'composer.lock'),
    parseFixture('uv', 'uv.lock'),
  ];
  return { ...sbomInputFromLockfiles(results, { projectName: 'shop-app', projectVersion: '1.0.0', toolVersion: '0.1.0' }), ...extra };
}

type Spdx = {
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: Array<Record<string, unknown> & { SPDXID: string; name: string; externalRefs?: Array<{ referenceLocator: string }> }>;
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
  hasExtractedLicensingInfos?: Array<{ licenseId: string; extractedText: string }>;
};

describe('writeSpdx', () => {
  const text = writeSpdx(input(), { sourceDateEpoch: '' });
  const doc = JSON.parse(text) as Spdx;

  it('validates against the SPDX 2.3 schema (which does reject a broken document)', () => {
    assert.deepEqual(schemaErrors(doc), []);
    assert.notDeepEqual(schemaErrors({ ...doc, packages: [{ name: 'no-id' }] }), []);
  });

  it('describes the root package, which depends on the direct dependencies', () => {
    const ids = new Set(doc.packages.map((p) => p.SPDXID));
    assert.equal(ids.size, doc.packages.length, 'SPDXIDs are unique, also for one gem on two platforms');
    assert.deepEqual(doc.relationships[0], { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-RootPackage' });
    for (const r of doc.relationships) {
      assert.ok(ids.has(r.relatedSpdxElement) && (ids.has(r.spdxElementId) || r.spdxElementId === 'SPDXRef-DOCUMENT'));
    }
    const idOf = (purl: string): string | undefined => doc.packages.find((p) => p.externalRefs?.[0]?.referenceLocator === purl)?.SPDXID;
    const express = idOf('pkg:npm/express@4.18.2');
    assert.ok(doc.relationships.some((r) => r.spdxElementId === 'SPDXRef-RootPackage' && r.relatedSpdxElement === express && r.relationshipType === 'DEPENDS_ON'));
    const qs = idOf('pkg:npm/qs@6.11.0');
    assert.ok(doc.relationships.some((r) => r.spdxElementId === express && r.relatedSpdxElement === qs));
  });

  it('writes checksums in hex, purls, and declared licences', () => {
    const express = doc.packages.find((p) => p.name === 'express');
    assert.equal((express?.checksums as Array<{ algorithm: string; checksumValue: string }>)[0]?.algorithm, 'SHA512');
    assert.match((express?.checksums as Array<{ checksumValue: string }>)[0]?.checksumValue ?? '', /^[0-9a-f]{128}$/);
    assert.equal(express?.licenseDeclared, 'MIT');
    assert.equal(doc.packages.find((p) => p.name === 'psr/log')?.licenseDeclared, '(MIT OR Apache-2.0)');
    assert.equal(doc.packages.find((p) => p.name === 'debug')?.licenseDeclared, 'NOASSERTION');
  });

  it('declares a free-text licence as a LicenseRef with its text', () => {
    const pkg = oddLicencePackage();
    const odd = JSON.parse(writeSpdx({ projectName: 'p', packages: [pkg], toolVersion: '0' }, { sourceDateEpoch: '' })) as Spdx;
    assert.deepEqual(schemaErrors(odd), []);
    const declared = odd.packages[1]?.licenseDeclared as string;
    assert.match(declared, /^LicenseRef-SEE-LICENSE-IN-LICENSE.md$/);
    assert.deepEqual(odd.hasExtractedLicensingInfos?.map((l) => [l.licenseId, l.extractedText]), [[declared, 'SEE LICENSE IN LICENSE.md']]);
  });

  it('is deterministic: created from the timestamp, else SOURCE_DATE_EPOCH, else the epoch; namespace from the content', () => {
    assert.equal(doc.creationInfo.created, FIXED_CREATED);
    assert.deepEqual(doc.creationInfo.creators, ['Tool: secloop-0.1.0']);
    assert.equal(writeSpdx(input(), { sourceDateEpoch: '' }), text);
    assert.equal(writeSpdx({ ...input(), packages: [...input().packages].reverse() }, { sourceDateEpoch: '' }), text);
    assert.match(doc.documentNamespace, /^https:\/\/spdx\.org\/spdxdocs\/shop-app-1\.0\.0-[0-9a-f-]{36}$/);
    const fromEpoch = JSON.parse(writeSpdx(input(), { sourceDateEpoch: '1700000000' })) as Spdx;
    assert.equal(fromEpoch.creationInfo.created, '2023-11-14T22:13:20Z');
    assert.notEqual(fromEpoch.documentNamespace, doc.documentNamespace);
    const stamped = JSON.parse(writeSpdx(input({ timestamp: '2024-05-01T12:00:00Z' }), { sourceDateEpoch: '1700000000' })) as Spdx;
    assert.equal(stamped.creationInfo.created, '2024-05-01T12:00:00Z');
    assert.equal(spdxCreated(undefined, 'not-a-number'), FIXED_CREATED);
  });
});

describe('SPDX licence list', () => {
  it('holds only identifiers the SPDX licence list (as CycloneDX ships it) knows', () => {
    const known = new Set((JSON.parse(readFileSync(sharedDataPath('schemas', 'spdx.schema.json'), 'utf8')) as { enum: string[] }).enum);
    for (const id of [...SPDX_LICENSE_IDS, ...SPDX_EXCEPTION_IDS]) assert.ok(known.has(id), id);
  });
});
