import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeCycloneDx } from '../../src/report/cyclonedx.js';
import { classifyLicense, integrityToHashes, sbomInputFromLockfiles, type SbomInput } from '../../src/report/sbom-model.js';
import type { Package } from '../../src/scanners/sca/model.js';
import { cycloneDxErrors } from '../helpers/schemas.js';
import { oddLicencePackage, parseFixture } from '../scanners/sca/lockfiles/helpers.js';


const schemaErrors = cycloneDxErrors;

/** A project with lockfiles of several ecosystems: npm, pnpm, Composer, RubyGems, Maven, Cargo, NuGet, Poetry. */
function multiEcosystemInput(timestamp?: string): SbomInput {
  const results = [
    parseFixture('npm-v3', 'package-lock.json'),
    parseFixture('pnpm-v9', 'pnpm-lock.yaml'),
    parseFixture('composer', 'composer.lock'),
    parseFixture('gemfile', 'Gemfile.lock'),
    parseFixture('maven', 'module/pom.xml'),
    parseFixture('cargo', 'Cargo.lock'),
    parseFixture('nuget', 'packages.lock.json'),
    parseFixture('poetry', 'poetry.lock'),
  ];
  return sbomInputFromLockfiles(results, {
    projectName: 'shop-app',
    projectVersion: '1.0.0',
    rootPurl: 'pkg:npm/shop-app@1.0.0',
    toolVersion: '0.1.0',
    ...(timestamp ? { timestamp } : {}),
  });
}

type Bom = {
  serialNumber: string;
  metadata: { timestamp?: string; component: { 'bom-ref': string } };
  components: Array<Record<string, unknown> & { 'bom-ref': string; purl: string }>;
  dependencies: Array<{ ref: string; dependsOn: string[] }>;
};

describe('writeCycloneDx', () => {
  const input = multiEcosystemInput();
  const text = writeCycloneDx(input);
  const bom = JSON.parse(text) as Bom;

  it('validates against the CycloneDX 1.6 schema (which does reject a broken document)', () => {
    assert.deepEqual(schemaErrors(bom), []);
    const broken = { ...bom, components: [{ ...bom.components[0], hashes: [{ alg: 'SHA-512', content: 'xyz' }] }] };
    assert.notDeepEqual(schemaErrors(broken), []);
  });

  it('writes one component per purl, with the purl as bom-ref, sorted', () => {
    const refs = bom.components.map((c) => c['bom-ref']);
    assert.equal(new Set(refs).size, refs.length);
    assert.deepEqual(refs, [...refs].sort());
    for (const c of bom.components) assert.equal(c['bom-ref'], c.purl);
    assert.equal(new Set(input.packages.map((p) => p.purl)).size, bom.components.length);
  });

  it('converts npm integrity (SRI base64) to hex with CycloneDX algorithm names', () => {
    const express = input.packages.find((p) => p.name === 'express') as Package;
    const expected = Buffer.from((express.integrity as string).slice('sha512-'.length), 'base64').toString('hex');
    const component = bom.components.find((c) => c.purl === 'pkg:npm/express@4.18.2');
    assert.deepEqual(component?.hashes, [{ alg: 'SHA-512', content: expected }]);
    const cargo = bom.components.find((c) => c.purl === 'pkg:cargo/rand@0.8.5');
    assert.equal((cargo?.hashes as Array<{ alg: string }>)[0]?.alg, 'SHA-256');
  });

  it('writes licences as SPDX ids or expressions', () => {
    const byPurl = (purl: string): Record<string, unknown> | undefined => bom.components.find((c) => c.purl === purl);
    assert.deepEqual(byPurl('pkg:npm/express@4.18.2')?.licenses, [{ license: { id: 'MIT' } }]);
    assert.deepEqual(byPurl('pkg:composer/psr/log@3.0.0')?.licenses, [{ expression: '(MIT OR Apache-2.0)' }]);
  });

  it('splits groups for scoped npm, Maven and Composer names, and scopes dev packages out', () => {
    const util = bom.components.find((c) => c.purl === 'pkg:npm/%40acme/util@2.1.3');
    assert.equal(util?.group, '@acme');
    assert.equal(util?.name, 'util');
    const junit = bom.components.find((c) => c.purl === 'pkg:maven/junit/junit@4.13.2');
    assert.equal(junit?.group, 'junit');
    assert.equal(junit?.scope, 'excluded');
    assert.equal(bom.components.find((c) => c.purl === 'pkg:npm/fsevents@2.3.3')?.scope, 'optional');
    assert.equal(bom.components.find((c) => c.purl === 'pkg:npm/express@4.18.2')?.scope, 'required');
  });

  it('writes the dependency graph with every reference resolvable', () => {
    const refs = new Set([bom.metadata.component['bom-ref'], ...bom.components.map((c) => c['bom-ref'])]);
    assert.equal(bom.dependencies.length, refs.size);
    for (const d of bom.dependencies) {
      assert.ok(refs.has(d.ref));
      for (const target of d.dependsOn) assert.ok(refs.has(target), `${d.ref} -> ${target}`);
    }
    const root = bom.dependencies.find((d) => d.ref === 'pkg:npm/shop-app@1.0.0');
    assert.ok(root?.dependsOn.includes('pkg:npm/express@4.18.2'));
    assert.ok(root?.dependsOn.includes('pkg:cargo/rand@0.8.5'));
    const express = bom.dependencies.find((d) => d.ref === 'pkg:npm/express@4.18.2');
    assert.deepEqual(express?.dependsOn, ['pkg:npm/debug@2.6.9', 'pkg:npm/qs@6.11.0']);
  });

  it('is deterministic: no timestamp, a serial number derived from the content, order-independent', () => {
    assert.equal(bom.metadata.timestamp, undefined);
    assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(writeCycloneDx(multiEcosystemInput()), text);
    assert.equal(writeCycloneDx({ ...input, packages: [...input.packages].reverse() }), text);
    const other = JSON.parse(writeCycloneDx({ ...input, packages: input.packages.slice(1) })) as Bom;
    assert.notEqual(other.serialNumber, bom.serialNumber);
  });

  it('records a timestamp only when given one', () => {
    const stamped = JSON.parse(writeCycloneDx(multiEcosystemInput('2024-05-01T12:00:00Z'))) as Bom;
    assert.equal(stamped.metadata.timestamp, '2024-05-01T12:00:00Z');
    assert.deepEqual(schemaErrors(stamped), []);
  });

  it('validates with a free-text licence, no root purl and an empty project', () => {
    const pkg = oddLicencePackage({ integrity: 'sha1-not base64! sha512-AAAA' });
    const odd = JSON.parse(writeCycloneDx({ projectName: 'p', packages: [pkg], toolVersion: '0' })) as Bom;
    assert.deepEqual(schemaErrors(odd), []);
    assert.deepEqual(odd.components[0]?.licenses, [{ license: { name: 'SEE LICENSE IN LICENSE.md' } }]);
    assert.equal(odd.components[0]?.hashes, undefined, 'malformed integrity is left out');
    assert.deepEqual(odd.dependencies[0], { ref: 'root:p', dependsOn: ['pkg:npm/odd@1.0.0'] });
    assert.deepEqual(schemaErrors(JSON.parse(writeCycloneDx({ projectName: 'empty', packages: [], toolVersion: '0' }))), []);
  });
});

describe('SBOM model helpers', () => {
  it('converts several SRI hashes and ignores unknown or malformed ones', () => {
    const sha1 = Buffer.alloc(20, 1).toString('base64');
    const sha512 = Buffer.alloc(64, 2).toString('base64');
    assert.deepEqual(integrityToHashes(`sha512-${sha512} sha1-${sha1} md5-abc sha256-short`), [
      { alg: 'sha512', hex: '02'.repeat(64) },
      { alg: 'sha1', hex: '01'.repeat(20) },
    ]);
  });

  it('classifies licences: SPDX id, expression, or a name', () => {
    assert.deepEqual(classifyLicense('mit'), { kind: 'id', id: 'MIT' });
    assert.deepEqual(classifyLicense('(Apache-2.0)'), { kind: 'id', id: 'Apache-2.0' });
    assert.deepEqual(classifyLicense('(mit OR apache-2.0)'), { kind: 'expression', expression: '(MIT OR Apache-2.0)' });
    assert.deepEqual(classifyLicense('GPL-2.0-only WITH Classpath-exception-2.0'), {
      kind: 'expression',
      expression: 'GPL-2.0-only WITH Classpath-exception-2.0',
    });
    assert.deepEqual(classifyLicense('MIT OR Made-Up-1.0'), { kind: 'name', name: 'MIT OR Made-Up-1.0' });
    assert.deepEqual(classifyLicense('MIT AND'), { kind: 'name', name: 'MIT AND' });
    assert.equal(classifyLicense('  '), undefined);
  });
});
