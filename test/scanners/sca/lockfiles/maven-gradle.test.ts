import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradleLockfile } from '../../../../src/scanners/sca/lockfiles/gradle-lockfile.js';
import { pomXml } from '../../../../src/scanners/sca/lockfiles/pom-xml.js';
import { fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

describe('pom.xml', () => {
  const result = parseFixture('maven', 'module/pom.xml');
  const text = fixtureText('maven', 'module/pom.xml');

  it('reads declared dependencies at the line of their <dependency>, skipping comments', () => {
    assert.deepEqual(names(result), [
      'com.fasterxml.jackson.core:jackson-databind@2.15.3',
      'io.example:metrics-lite@0.9.1',
      'junit:junit@4.13.2',
      'org.apache.logging.log4j:log4j-core@2.17.1',
      'org.example.shop:shop-common@2.4.0',
      'org.example:entity-&lol2;@1.0',
      'org.springframework:spring-web@5.3.30',
    ]);
    const jackson = pkg(result, 'com.fasterxml.jackson.core:jackson-databind');
    assert.equal(jackson.location.startLine, lineOf(text, '<artifactId>jackson-databind') - 2);
    assert.equal(jackson.location.path, 'module/pom.xml');
  });

  it('interpolates properties from the parent pom and project.* from the parent version', () => {
    assert.equal(pkg(result, 'com.fasterxml.jackson.core:jackson-databind').version, '2.15.3');
    assert.equal(pkg(result, 'org.example.shop:shop-common').version, '2.4.0');
    assert.equal(result.root?.name, 'org.example.shop:shop-service');
    assert.equal(result.root?.version, '2.4.0');
  });

  it("takes a missing version from the parent's dependencyManagement", () => {
    assert.equal(pkg(result, 'org.apache.logging.log4j:log4j-core').version, '2.17.1');
  });

  it('marks test scope dev, keeps other scopes, optional and profiles as flags, and types in the purl', () => {
    assert.equal(pkg(result, 'junit:junit').dev, true);
    assert.equal(pkg(result, 'org.springframework:spring-web').dev, false);
    assert.deepEqual(pkg(result, 'org.springframework:spring-web').flags, ['scope:provided']);
    assert.deepEqual(pkg(result, 'io.example:metrics-lite').flags, ['optional', 'profile:metrics']);
    assert.equal(pkg(result, 'org.example.shop:shop-common').purl, 'pkg:maven/org.example.shop/shop-common@2.4.0?classifier=tests&type=test-jar');
    assert.ok(result.packages.every((p) => p.direct));
  });

  it('warns about undefined properties and version ranges, with their lines', () => {
    assert.deepEqual(
      result.warnings.map((w) => w.line),
      [lineOf(text, '<artifactId>undefined-prop') - 2, lineOf(text, '<artifactId>ranged') - 2],
    );
    assert.match(result.warnings[0]?.message ?? '', /\$\{missing\.version\}/);
    assert.match(result.warnings[1]?.message ?? '', /version range/);
  });

  it('never expands entities', () => {
    assert.ok(result.packages.some((p) => p.name === 'org.example:entity-&lol2;'));
    assert.ok(!JSON.stringify(result).includes('lollol'));
  });

  it('without the parent pom, says which properties it could not resolve', () => {
    const alone = parseFixture('maven', 'module/pom.xml', { companions: false });
    assert.ok(alone.warnings.some((w) => /jackson-databind:\$\{jackson\.version\}/.test(w.message)));
    assert.ok(alone.warnings.some((w) => /log4j-core has no version \(it is probably managed by the parent org\.example\.shop:shop-parent:2\.4\.0, which is not in the project\)/.test(w.message)));
    assert.equal(alone.packages.find((p) => p.name === 'org.example.shop:shop-common')?.version, '2.4.0', 'parent version still known');
  });

  it('explains a version managed by an imported BOM', () => {
    const bom = parseFixture('maven', 'bom/pom.xml');
    assert.deepEqual(bom.packages, []);
    assert.match(bom.warnings[0]?.message ?? '', /imported BOM/);
  });

  it('reports malformed XML with its line and keeps what it read', () => {
    const parsed = pomXml.parse(
      '<project>\n<dependencies>\n<dependency><groupId>a</groupId><artifactId>b</artifactId><version>1</version></dependency>\n<dependency>',
      'pom.xml',
    );
    assert.deepEqual(names(parsed), ['a:b@1']);
    assert.match(parsed.warnings[0]?.message ?? '', /malformed XML/);
  });
});

describe('gradle.lockfile', () => {
  const result = parseFixture('gradle', 'gradle.lockfile');
  const text = fixtureText('gradle', 'gradle.lockfile');

  it('reads coordinates with their configurations; test-only ones are dev', () => {
    assert.deepEqual(names(result), [
      'com.google.guava:failureaccess@1.0.1', 'com.google.guava:guava@31.1-jre', 'junit:junit@4.13.2', 'org.example:natives@1.0',
      'org.hamcrest:hamcrest-core@1.3',
    ]);
    assert.equal(pkg(result, 'junit:junit').dev, true);
    assert.equal(pkg(result, 'com.google.guava:guava').dev, false);
    assert.equal(pkg(result, 'com.google.guava:guava').location.startLine, lineOf(text, 'guava:31.1-jre'));
    assert.equal(pkg(result, 'org.example:natives').purl, 'pkg:maven/org.example/natives@1.0?classifier=linux-x86_64');
  });

  it('warns about a line that is not a coordinate and skips the "empty" line', () => {
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0]?.line, lineOf(text, 'not-a-coordinate'));
  });

  it('reads the older per-configuration lockfiles', () => {
    const path = 'gradle/dependency-locks/testRuntimeClasspath.lockfile';
    assert.ok(gradleLockfile.matches(path));
    const legacy = parseFixture('gradle-legacy', path);
    assert.deepEqual(names(legacy), ['junit:junit@4.12', 'org.hamcrest:hamcrest-core@1.3']);
    assert.ok(legacy.packages.every((p) => p.dev));
  });
});
