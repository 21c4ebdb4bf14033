import type { Finding } from './finding.js';

/**
 * Whether a path is test code, by the layout conventions of the common ecosystems (the
 * way GitHub code scanning classifies alerts in test files). A finding there is still a
 * finding at its own severity; it carries the tag `test-code` so that people and CI gates
 * can tell it apart (`secloop scan --no-fail-on-test-code`).
 *
 * Paths are relative to the scan root with forward slashes. Directory names match a
 * whole path segment, in any case (`Tests/` in Swift packages); file names match as
 * written, because the case is the convention (`AppTest.java` but not `Contest.java`).
 */

export const TEST_CODE_TAG = 'test-code';

export type TestCodeConvention = (
  | { kind: 'directory'; names: readonly string[] }
  | { kind: 'file'; pattern: RegExp }
) & {
  /** Who uses the convention. */
  description: string;
  /** Paths that are test code by this convention, and nearby paths that are not test code at all. */
  examples: { positive: readonly string[]; negative: readonly string[] };
};

export const TEST_CODE_CONVENTIONS: readonly TestCodeConvention[] = [
  {
    kind: 'directory',
    names: ['test', 'tests'],
    description: 'npm packages, Maven and Gradle (src/test), Rails, pytest, PHPUnit, Swift packages (Tests)',
    examples: {
      positive: ['test/server.js', 'src/test/java/org/example/App.java', 'packages/core/tests/util.py', 'Tests/AppTests/Parser.swift'],
      negative: ['src/latest/x.js', 'contest/a.js', 'docs/testing.md', 'src/tests.js'],
    },
  },
  {
    kind: 'directory',
    names: ['__tests__'],
    description: 'Jest',
    examples: { positive: ['src/__tests__/api.js'], negative: ['src/tests__/api.js'] },
  },
  {
    kind: 'directory',
    names: ['spec', 'specs'],
    description: 'RSpec, Jasmine, Mocha',
    examples: { positive: ['spec/models/user.rb', 'specs/login.js'], negative: ['src/spectrum/a.js', 'docs/specification/api.md'] },
  },
  {
    kind: 'directory',
    names: ['testdata'],
    description: 'Go (ignored by the go tool, read by tests)',
    examples: { positive: ['pkg/parse/testdata/bad.json'], negative: ['pkg/parse/data/good.json'] },
  },
  {
    kind: 'directory',
    names: ['fixtures', '__fixtures__'],
    description: 'test fixtures in most ecosystems',
    examples: { positive: ['fixtures/users.json', 'src/__fixtures__/response.json'], negative: ['src/fixture.js'] },
  },
  {
    kind: 'directory',
    names: ['test_resources', 'test-resources', 'test_data', 'test-data'],
    description: 'resources and data that tests read, beside the code (authelia, many Python and Go projects)',
    examples: {
      positive: ['internal/configuration/test_resources/config.yml', 'pkg/test-data/key.pem', 'app/test_data/users.json'],
      negative: ['src/resources/config.yml', 'app/data/users.json', 'docs/test_data.md'],
    },
  },
  {
    kind: 'directory',
    names: ['e2e'],
    description: 'end-to-end tests (Playwright, Cypress, Protractor)',
    examples: { positive: ['e2e/login.ts'], negative: ['src/e2ee/crypto.ts'] },
  },
  {
    kind: 'directory',
    names: ['__snapshots__', '__snapshot__'],
    description: "snapshot tests' expected outputs (Jest and Vitest __snapshots__, a generator's __snapshot__ as maturin's generate-ci keeps)",
    examples: {
      positive: ['src/components/__snapshots__/Button.test.tsx.snap', 'src/ci/github/__snapshot__/github_default.yml'],
      negative: ['src/snapshot/restore.ts', 'backups/snapshots/db.yml'],
    },
  },
  {
    kind: 'directory',
    names: ['__mocks__'],
    description: 'Jest manual mocks',
    examples: { positive: ['src/__mocks__/fs.js'], negative: ['src/mockup/page.html'] },
  },
  {
    kind: 'directory',
    names: ['t'],
    description: 'Perl and OpenResty (prove, Test::More, Test::Nginx): t/*.t and what they read',
    examples: { positive: ['t/plugin/jwt-auth.t', 't/cli/docker-compose.yaml'], negative: ['tools/a.pl', 'src/tt/a.js'] },
  },
  {
    kind: 'file',
    pattern: /^.+\.t$/,
    description: 'Perl test scripts run by prove: name.t',
    examples: { positive: ['xt/author/pod.t'], negative: ['src/main.ts', 'lib/net.tf'] },
  },
  {
    kind: 'file',
    pattern: /^.+\.(?:test|spec)\.[^/]+$/,
    description: 'Jest, Vitest, Mocha, Jasmine, Angular, node --test: name.test.js, name.spec.ts',
    examples: {
      positive: ['src/app.test.ts', 'lib/parser.spec.js', 'src/Button.test.tsx'],
      negative: ['attestation.ts', 'src/latest.ts', 'src/app.testing.js', 'src/inspect.js'],
    },
  },
  {
    kind: 'file',
    pattern: /^.+_test\.go$/,
    description: 'Go',
    examples: { positive: ['pkg/server/handler_test.go'], negative: ['cmd/attest.go', 'pkg/server/handler_test.go.txt'] },
  },
  {
    kind: 'file',
    pattern: /^(?:test_.+|.+_test|conftest)\.py$/,
    description: 'pytest and unittest discovery: test_*.py, *_test.py, conftest.py',
    examples: {
      positive: ['app/test_models.py', 'app/models_test.py', 'conftest.py', 'pkg/conftest.py'],
      negative: ['app/contest.py', 'app/latest_test_run.py', 'app/testing.py'],
    },
  },
  {
    kind: 'file',
    pattern: /^.+Tests?\.(?:java|kt)$/,
    description: 'JUnit (Maven Surefire and Gradle defaults): *Test.java, *Tests.java, and the same in Kotlin',
    examples: {
      positive: ['core/src/it/java/org/example/ClientTest.java', 'app/src/integration/kotlin/RoutesTests.kt'],
      negative: ['src/main/java/org/example/Attest.java', 'src/main/java/org/example/Contest.java'],
    },
  },
  {
    kind: 'file',
    pattern: /^.+_spec\.rb$/,
    description: 'RSpec',
    examples: { positive: ['lib/user_spec.rb'], negative: ['lib/inspect.rb'] },
  },
];

const TEST_DIRECTORIES: ReadonlySet<string> = new Set(
  TEST_CODE_CONVENTIONS.flatMap((c) => (c.kind === 'directory' ? c.names : [])),
);
const TEST_FILE_PATTERNS: readonly RegExp[] = TEST_CODE_CONVENTIONS.flatMap((c) => (c.kind === 'file' ? [c.pattern] : []));

/** True when `path` (relative to the scan root, forward slashes) is test code by a convention above. */
export function isTestCode(path: string): boolean {
  const segments = path.split('/');
  const name = segments.pop() ?? '';
  return segments.some((dir) => TEST_DIRECTORIES.has(dir.toLowerCase())) || TEST_FILE_PATTERNS.some((pattern) => pattern.test(name));
}

/** A finding's properties with `test-code` added to `tags` (kept, not duplicated) when `path` is test code. */
export function tagTestCode(properties: Record<string, unknown>, path: string): Record<string, unknown> {
  if (!isTestCode(path)) return properties;
  const existing = Array.isArray(properties.tags) ? properties.tags.filter((t): t is string => typeof t === 'string') : [];
  return { ...properties, tags: existing.includes(TEST_CODE_TAG) ? existing : [...existing, TEST_CODE_TAG] };
}

/** Whether the pipeline tagged the finding as test code. */
export function isTestCodeFinding(finding: Pick<Finding, 'properties'>): boolean {
  const tags = finding.properties.tags;
  return Array.isArray(tags) && tags.includes(TEST_CODE_TAG);
}
