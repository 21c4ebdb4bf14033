import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cargoLock } from '../../../../src/scanners/sca/lockfiles/cargo-lock.js';
import { composerLock } from '../../../../src/scanners/sca/lockfiles/composer-lock.js';
import { advisoryVersion } from '../../../../src/scanners/sca/lockfiles/index.js';
import { assertGraphClosed, fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

describe('Cargo.lock', () => {
  const result = parseFixture('cargo', 'Cargo.lock');
  const text = fixtureText('cargo', 'Cargo.lock');

  it('reads packages, the root crate being the project', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      'cfg-if@1.0.0', 'getrandom@0.2.11', 'helper@0.1.0', 'proptest-lite@1.4.0', 'rand@0.7.3', 'rand@0.8.5', 'serde@1.0.193',
    ]);
    assert.equal(result.root?.name, 'rusty-app');
    assert.equal(pkg(result, 'rand', '0.8.5').location.startLine, lineOf(text, 'version = "0.8.5"') - 2);
    assertGraphClosed(result);
  });

  it('resolves "name version" dependencies when several versions are locked', () => {
    assert.deepEqual(pkg(result, 'helper').dependsOn, ['pkg:cargo/rand@0.7.3']);
    assert.deepEqual(pkg(result, 'cfg-if').dependencyPath, ['rusty-app', 'rand@0.8.5', 'getrandom@0.2.11', 'cfg-if@1.0.0']);
  });

  it('reads sources and checksums, and dev-dependencies from Cargo.toml', () => {
    assert.equal(pkg(result, 'helper').source, 'workspace');
    assert.equal(pkg(result, 'serde').source, 'git');
    assert.equal(pkg(result, 'serde').purl, 'pkg:cargo/serde@1.0.193?vcs_url=git%2Bhttps://example.org/serde-rs/serde%400123456789abcdef0123456789abcdef01234567');
    assert.match(pkg(result, 'rand', '0.8.5').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(pkg(result, 'proptest-lite').dev, true);
    assert.equal(pkg(result, 'rand', '0.8.5').dev, false, 'also a production dependency');
  });

  it('keeps every crate of a virtual workspace (Cargo.toml without [package]) as a package', () => {
    const lock = ['version = 4', '', '[[package]]', 'name = "alpha"', 'version = "0.1.0"', 'dependencies = ["zeta"]', '',
      '[[package]]', 'name = "zeta"', 'version = "0.2.0"', 'source = "registry+https://example.org/index"', ''].join('\n');
    const files: Record<string, string> = { 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n' };
    const parsed = cargoLock.parse(lock, 'Cargo.lock', { read: (path) => files[path], rootName: 'mono' });
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(names(parsed), ['alpha@0.1.0', 'zeta@0.2.0']);
    assert.equal(parsed.root?.name, 'mono', 'no crate is the project');
    assert.deepEqual(parsed.root?.dependsOn, ['pkg:cargo/alpha@0.1.0']);
    assert.equal(pkg(parsed, 'alpha').source, 'workspace');
    assert.equal(pkg(parsed, 'zeta').direct, true, 'a dependency of a workspace crate');
  });

  it('warns about a dependency the lockfile does not list', () => {
    const parsed = cargoLock.parse('version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["ghost"]\n', 'Cargo.lock');
    assert.match(parsed.warnings[0]?.message ?? '', /"ghost" .* not in the lockfile/);
  });
});

describe('composer.lock', () => {
  const result = parseFixture('composer', 'composer.lock');
  const text = fixtureText('composer', 'composer.lock');

  it('reads packages and packages-dev at the line of their name', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), ['acme/local-thing@dev-main', 'monolog/monolog@3.5.0', 'phpunit/phpunit-lite@10.5.1', 'psr/log@3.0.0']);
    assert.equal(pkg(result, 'psr/log').location.startLine, lineOf(text, '"name": "psr/log"'));
    assert.equal(pkg(result, 'phpunit/phpunit-lite').dev, true);
    assertGraphClosed(result);
  });

  it('builds the graph from require, leaving out platform packages', () => {
    assert.deepEqual(pkg(result, 'monolog/monolog').dependsOn, ['pkg:composer/psr/log@3.0.0']);
    assert.deepEqual(pkg(result, 'psr/log').dependencyPath, ['acme/php-shop', 'monolog/monolog@3.5.0', 'psr/log@3.0.0']);
    assert.equal(pkg(result, 'psr/log').dev, false);
  });

  it('takes direct dependencies from composer.json, case-insensitively', () => {
    assert.equal(pkg(result, 'monolog/monolog').direct, true);
    assert.equal(pkg(result, 'acme/local-thing').direct, true);
    assert.equal(pkg(result, 'psr/log').direct, false);
  });

  it('reads licences, sha1 dist checksums and path repositories', () => {
    assert.equal(pkg(result, 'monolog/monolog').license, 'MIT');
    assert.equal(pkg(result, 'psr/log').license, '(MIT OR Apache-2.0)');
    assert.match(pkg(result, 'monolog/monolog').hashes?.sha1 ?? '', /^[0-9a-f]{40}$/);
    assert.equal(pkg(result, 'psr/log').hashes, undefined, 'empty shasum');
    assert.equal(pkg(result, 'acme/local-thing').source, 'file');
    assert.equal(pkg(result, 'monolog/monolog').purl, 'pkg:composer/monolog/monolog@3.5.0');
  });

  it("keeps a tag's v in the version shown, and writes the purl and the advisory version without it, as Composer normalises it", () => {
    const parsed = composerLock.parse(
      '{"packages": [{"name": "acme/console", "version": "v5.4.2"}, {"name": "acme/edge", "version": "dev-main"}, {"name": "acme/plain", "version": "2.0.1"}]}',
      'composer.lock',
    );
    assert.deepEqual(names(parsed), ['acme/console@v5.4.2', 'acme/edge@dev-main', 'acme/plain@2.0.1']);
    assert.equal(pkg(parsed, 'acme/console').purl, 'pkg:composer/acme/console@5.4.2');
    assert.equal(pkg(parsed, 'acme/edge').purl, 'pkg:composer/acme/edge@dev-main');
    assert.deepEqual(parsed.packages.map(advisoryVersion), ['5.4.2', 'dev-main', '2.0.1']);
  });

  it('reports a malformed entry and keeps the others', () => {
    const parsed = composerLock.parse('{"packages": [{"name": "a/b", "version": "1.0.0"}, {"version": "2"}]}', 'composer.lock');
    assert.deepEqual(names(parsed), ['a/b@1.0.0']);
    assert.match(parsed.warnings[0]?.message ?? '', /packages\[1\] has no name/);
  });
});

describe('Gemfile.lock', () => {
  const result = parseFixture('gemfile', 'Gemfile.lock');
  const text = fixtureText('gemfile', 'Gemfile.lock');

  it('reads GEM, GIT and PATH specs; the PATH gemspec at "." is the project', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      'actionpack-lite@7.0.8', 'gitgem@0.4.0', 'nokogiri@1.15.4', 'nokogiri@1.15.4', 'racc@1.7.3', 'rack@2.2.8', 'rails-lite@7.0.8', 'rspec-lite@3.12.0',
    ]);
    assert.equal(result.root?.name, 'ruby-shop');
    assert.equal(pkg(result, 'rack').location.startLine, lineOf(text, '    rack (2.2.8)'));
    assertGraphClosed(result);
  });

  it('takes DEPENDENCIES as direct and spec dependencies as the graph', () => {
    assert.equal(pkg(result, 'rspec-lite').direct, true);
    assert.equal(pkg(result, 'gitgem').direct, true);
    assert.equal(pkg(result, 'rails-lite').direct, true, 'a dependency of the gemspec');
    assert.equal(pkg(result, 'rack').direct, false);
    assert.deepEqual(pkg(result, 'actionpack-lite').dependencyPath, ['ruby-shop', 'rails-lite@7.0.8', 'actionpack-lite@7.0.8']);
  });

  it('splits platform suffixes into a purl qualifier and reads CHECKSUMS', () => {
    const platforms = result.packages.filter((p) => p.name === 'nokogiri').map((p) => p.purl).sort();
    assert.deepEqual(platforms, ['pkg:gem/nokogiri@1.15.4?platform=arm64-darwin', 'pkg:gem/nokogiri@1.15.4?platform=x86_64-linux']);
    const linux = result.packages.find((p) => p.purl.endsWith('x86_64-linux'));
    assert.match(linux?.hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.match(pkg(result, 'rack').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(pkg(result, 'gitgem').source, 'git');
    assert.equal(pkg(result, 'gitgem').purl, 'pkg:gem/gitgem@0.4.0?vcs_url=git%2Bhttps://example.org/acme/gitgem.git%400123456789abcdef0123456789abcdef01234567');
  });
});

describe('NuGet packages.lock.json', () => {
  const result = parseFixture('nuget', 'packages.lock.json');

  it('reads each package once across target frameworks, with type, hash and graph', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), ['Microsoft.Extensions.Logging@8.0.0', 'Newtonsoft.Json@13.0.1', 'Serilog@2.12.0', 'System.Memory@4.5.5']);
    assert.equal(pkg(result, 'Serilog').direct, true);
    assert.equal(pkg(result, 'System.Memory').direct, false);
    assert.deepEqual(pkg(result, 'System.Memory').dependencyPath, ['project', 'Serilog@2.12.0', 'System.Memory@4.5.5']);
    assert.match(pkg(result, 'Serilog').hashes?.sha512 ?? '', /^[0-9a-f]{128}$/);
    assert.equal(pkg(result, 'Newtonsoft.Json').purl, 'pkg:nuget/Newtonsoft.Json@13.0.1');
    assert.deepEqual(pkg(result, 'Microsoft.Extensions.Logging').flags, ['central-transitive']);
    assertGraphClosed(result);
  });
});
