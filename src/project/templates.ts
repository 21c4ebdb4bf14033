/** Files `secloop init` writes. Kept as data; each is a complete, commented file. */

export const CONFIG_TEMPLATE = `# secloop configuration. Every key is optional; see \`secloop explain <rule>\` for rules.
version: 1

# Which scanners run (default: every scanner that applies to the files found).
# scanners:
#   secrets: true
#   sca: true
#   sast: true
#   iac: true
#   posture: true

# Exit with status 1 when a finding is at or above this severity: critical, high, medium, low, none.
failOn: high

# Paths to leave out, in .gitignore syntax (.gitignore and .secloopignore are honoured as well).
ignore:
  - "**/test/fixtures/**"

# Files larger than this are skipped (and listed in the report): bytes, or 512KB, 5MB ...
# maxFileSize: 5MB

# Directory names never entered (default: .git and node_modules).
# skipDirs: [.git, node_modules]

# Per-rule settings: 'off', or a severity override.
# rules:
#   secrets/generic-secret-assignment: off
#   sast/open-redirect: { severity: low }

# sca:
#   prodOnly: true          # leave out development dependencies
# sast:
#   libraryInputs: false    # treat exported function parameters as attacker input
# ops:
#   allowedPorts: [8080]    # ports a running host may listen on besides the declared ones
# iac:
#   helmValues:             # values files applied over a Helm chart's values.yaml, as helm template -f
#     deploy/chart: [deploy/values-prod.yaml]
#   githubRepository: example-org/app   # this repository on GitHub, when git's origin remote does not say
`;

export const GITHUB_WORKFLOW_TEMPLATE = `# secloop: scans every push and pull request, uploads SARIF to GitHub code scanning,
# and fails the job on findings at or above the configured severity (failOn in secloop.yaml).
# Actions are pinned to full commit SHAs; Dependabot (github-actions) keeps the pins current.
name: secloop

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  scan:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
        with:
          node-version: 20
      - name: Scan
        run: |
          npx --yes secloop scan . --format sarif --output secloop.sarif --report html=secloop.html \\
            \${{ github.event_name == 'pull_request' && format('--since origin/{0}', github.base_ref) || '' }}
      - name: Upload SARIF to code scanning
        if: always()
        uses: github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7 # v4.31.9
        with:
          sarif_file: secloop.sarif
          category: secloop
`;

export const GITLAB_CI_TEMPLATE = `# secloop job for GitLab CI. Include it from .gitlab-ci.yml:
#   include:
#     - local: .gitlab/secloop.gitlab-ci.yml
secloop:
  stage: test
  image: node:20
  variables:
    GIT_DEPTH: "0"
  script:
    - >
      npx --yes secloop scan . --format sarif --output gl-secloop.sarif --report html=secloop.html
      \${CI_MERGE_REQUEST_TARGET_BRANCH_NAME:+--since origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME}
  artifacts:
    when: always
    paths:
      - gl-secloop.sarif
      - secloop.html
`;

/** The pre-commit hook: scans only what is staged. `__CLI__` is replaced with the installed CLI's path. */
export const PRE_COMMIT_HOOK_TEMPLATE = `#!/bin/sh
# secloop pre-commit hook (installed by \`secloop hook install\`): scans only what is staged.
# Skip once with: git commit --no-verify
if command -v secloop >/dev/null 2>&1; then
  exec secloop scan . --staged --quiet
fi
exec __NODE__ __CLI__ scan . --staged --quiet
`;

export const HOOK_MARKER = 'installed by `secloop hook install`';
