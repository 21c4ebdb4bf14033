import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { loadMakefile, MAX_MAKE_FILES, recipesOf, recipeShellLine, type MakeFileText } from '../../../src/scanners/iac/makefiles.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { tempTree } from '../../helpers/tmp.js';

const file = (p: string, lines: string[]): MakeFileText => ({ path: p, lines });

/** The 1-based lines of the recipes `make GOALS` runs, per file, target by target. */
async function reached(main: string[], goals: string[], includes: Record<string, string[]> = {}): Promise<string[]> {
  const model = await loadMakefile(file('Makefile', main), '', async (p) => (includes[p] ? file(p, includes[p]!) : undefined));
  const goalsOr = goals.length > 0 ? goals : model.defaultGoal ? [model.defaultGoal] : [];
  return recipesOf(model, goalsOr).recipes.map(({ file: f, target, groups }) => `${model.files[f]!.path} ${target}: ${groups.map((g) => g.map((i) => i + 1).join('+')).join(' ')}`);
}

describe('Makefiles: what `make TARGET` runs', () => {
  it('takes the recipe lines of the goal and of its prerequisites, each target once, prerequisites first', async () => {
    const makefile = ['all: build test', '', 'build: gen', '\tgo build ./...', '', 'test: build', '\tgo test ./...', '', 'gen:', '\tgo generate ./...', 'other:', '\tcurl -k https://example.org'];
    assert.deepEqual(await reached(makefile, ['test']), ['Makefile gen: 10', 'Makefile build: 4', 'Makefile test: 7']);
    // No target: the first one that starts with no dot.
    assert.deepEqual(await reached(['.PHONY: all', ...makefile], []), ['Makefile gen: 11', 'Makefile build: 5', 'Makefile test: 8']);
    assert.deepEqual(await reached(['.DEFAULT_GOAL := other', ...makefile], []), ['Makefile other: 13']);
  });

  it('keeps a recipe going over blank lines, comments, conditionals and continued lines; a variable, a define block or a target-specific variable is no recipe', async () => {
    const makefile = [
      'VERSION ?= 1.0',
      'release: REGISTRY = registry.example.org',
      'release:',
      '\t@echo one \\',
      '\t  two',
      '',
      '# a comment',
      'ifeq ($(CI),true)',
      '\t-curl -k https://example.org',
      'endif',
      'X := 1',
      '\techo not a recipe',
      'define SCRIPT',
      '\tcurl -k https://example.org/define',
      'endef',
      'lint: ; golangci-lint run',
      '%.o: %.c',
      '\t$(CC) -c $<',
    ];
    assert.deepEqual(await reached(makefile, ['release', 'lint', 'x.o']), ['Makefile release: 4+5 9', 'Makefile lint: 16']);
  });

  it('reads the files a Makefile includes by a literal path, in order (an included file may give the default goal), and never one that climbs out of the root or is written with a variable', async () => {
    const includes = { 'mk/first.mk': ['setup:', '\t./hack/setup.sh'], 'mk/rules.mk': ['check: setup', '\tprintenv'] };
    assert.deepEqual(await reached(['include mk/first.mk', '-include mk/rules.mk $(GEN)/deps.mk ../outside.mk', 'build:', '\tgo build'], [], includes), ['mk/first.mk setup: 2']);
    assert.deepEqual(await reached(['include mk/first.mk mk/rules.mk'], ['check'], includes), ['mk/first.mk setup: 2', 'mk/rules.mk check: 2']);
    const asked: string[] = [];
    await loadMakefile(file('Makefile', ['include ../../etc/passwd', 'include /etc/passwd', 'include $(HOME)/x.mk', 'include a.mk']), '', async (p) => (asked.push(p), undefined));
    assert.deepEqual(asked, ['a.mk']);
  });

  it('reads the files a wildcard include names among the scan\'s files, in sorted order, and none without the list', async () => {
    const includes: Record<string, string[]> = {
      'make/_shared/go/01_mod.mk': ['vet:', '\tgo vet ./...'],
      'make/_shared/boilerplate/01_mod.mk': ['verify: vet', '\t./hack/verify-boilerplate.sh'],
      'make/_shared/.hidden/01_mod.mk': ['verify:', '\tcurl -k https://example.org'],
    };
    const glob = (pattern: string) => (pattern === 'make/_shared/*/01_mod.mk' ? ['make/_shared/boilerplate/01_mod.mk', 'make/_shared/go/01_mod.mk'] : []);
    const read = async (p: string) => (includes[p] ? file(p, includes[p]!) : undefined);
    const model = await loadMakefile(file('Makefile', ['-include make/_shared/*/01_mod.mk']), '', read, undefined, undefined, glob);
    assert.deepEqual(model.files.map((f) => f.path), ['Makefile', 'make/_shared/boilerplate/01_mod.mk', 'make/_shared/go/01_mod.mk']);
    assert.deepEqual(recipesOf(model, ['verify']).targets, ['verify', 'vet']);
    const without = await loadMakefile(file('Makefile', ['-include make/_shared/*/01_mod.mk']), '', read);
    assert.deepEqual(without.files.map((f) => f.path), ['Makefile']);
  });

  it(`reads ${MAX_MAKE_FILES} files at most per Makefile, and does not loop on an include or prerequisite cycle`, async () => {
    const cut: string[] = [];
    const model = await loadMakefile(
      file('Makefile', ['include a.mk', 'a: b', '\techo a', 'b: a', '\techo b']),
      '',
      async (p) => file(p, [`include ${p === 'a.mk' ? 'Makefile' : 'a.mk'}`, ...Array.from({ length: MAX_MAKE_FILES + 10 }, (_, i) => `include f${i}.mk`)]),
      (p) => cut.push(p),
    );
    assert.equal(model.files.length, MAX_MAKE_FILES);
    // Told once, with the first file left out: the rest follow it.
    assert.deepEqual(cut, [`f${MAX_MAKE_FILES - 2}.mk`]);
    assert.deepEqual(recipesOf(model, ['a']).targets, ['a', 'b']);
  });

  it('follows a pattern rule for a target with no recipe of its own, as GNU make: `%: common-%` leads `make lint` to common-lint and what that needs', async () => {
    const common = [
      'GOLANGCI_LINT :=',
      'ifeq ($(GOHOSTOS),linux)',
      '\tGOLANGCI_LINT := $(FIRST_GOPATH)/bin/golangci-lint',
      'endif',
      '%: common-% ;',
      '.PHONY: common-lint',
      'common-lint: $(GOLANGCI_LINT)',
      '\t$(GOLANGCI_LINT) run',
      '.PHONY: common-build',
      'common-build:',
      '\tpromu build',
      'common-test:',
      '\tgo test ./...',
      '$(GOLANGCI_LINT):',
      '\tcurl -sSfL https://example.org/install.sh | sh -s -- -b bin',
    ];
    const main = ['all:: build lint', 'include Makefile.common', 'test:', '\tgo test -short ./...', '.PHONY: vet', 'docs: ; mkdocs build'];
    const includes = { 'Makefile.common': common };
    // The default goal `all::` has no recipe: `%: common-%` leads it nowhere (common-all is no target); build and lint do.
    assert.deepEqual(await reached(main, [], includes), ['Makefile.common common-build: 11', 'Makefile.common $(GOLANGCI_LINT): 15', 'Makefile.common common-lint: 8']);
    assert.deepEqual(await reached(main, ['lint'], includes), ['Makefile.common $(GOLANGCI_LINT): 15', 'Makefile.common common-lint: 8']);
    // A recipe of its own (test, docs, even an empty one), .PHONY, or a prerequisite that is no target of the files: no pattern rule.
    assert.deepEqual(await reached(main, ['test', 'vet', 'docs', 'deploy'], includes), ['Makefile test: 4', 'Makefile docs: 6']);
    // Without the pattern rule, lint is not known (as before).
    assert.deepEqual(await reached(main, ['lint'], { 'Makefile.common': common.filter((line) => !line.startsWith('%')) }), []);
  });

  it('takes the pattern rule with the shortest stem, then the first; no match-anything rule for a name of a specific type; none when the first needs a file that may exist', async () => {
    const rules = ['%: common-% ;', 'docker-%: build-%', '\tdocker build --platform $*', 'common-docker-push:', '\tdocker push', 'build-push:', '\tgo build', 'common-x.o:', '\tcurl -k https://example.org/o', '%.pb.go: %.proto', '\tprotoc $<', 'common-api.pb.go:', '\techo no'];
    assert.deepEqual(await reached(rules, ['docker-push']), ['Makefile build-push: 7', 'Makefile docker-push: 3']);
    // x.o (a built-in suffix) and api.pb.go (another pattern rule's target) are of a specific type: `%:` does not make them.
    assert.deepEqual(await reached(rules, ['x.o', 'api.pb.go']), []);
    // `%: %.in` comes first with the same stem; whether build.in exists is not known here: nothing is followed.
    assert.deepEqual(await reached(['%: %.in', '\tcp $< $@', '%: common-%', 'common-build:', '\tcurl -k https://example.org/b'], ['build']), []);
    assert.deepEqual(await reached(['%: %.in', '\tcp $< $@', '%: common-%', 'common-build:', '\tcurl -k https://example.org/b', 'build.in:', '\ttouch $@'], ['build']), ['Makefile build.in: 7', 'Makefile build: 2']);
    // A pattern without a slash matches the name without its folder, which goes back before the prerequisites.
    assert.deepEqual(await reached(['%.out: %.gen', '\t./render $<', 'sub/a.gen:', '\t./gen.sh'], ['sub/a.out']), ['Makefile sub/a.gen: 4', 'Makefile sub/a.out: 2']);
    // A static pattern rule gives each of its targets the prerequisites its stem makes.
    assert.deepEqual(await reached(['ARCHS = amd64 arm64', '$(addprefix image-,$(ARCHS)) push-amd64 push-arm64: push-%: bin-%', '\tdocker push $*', 'bin-arm64:', '\tgo build'], ['push-arm64']), ['Makefile bin-arm64: 5', 'Makefile push-arm64: 3']);
  });

  it('expands the variables the files set when it reads targets, prerequisites, include paths and .DEFAULT_GOAL; what is not known is matched by its text', async () => {
    const makefile = [
      'TOOLS := bin',
      'LINTER = $(TOOLS)/$(LINT_NAME)',
      'LINT_NAME ?= golangci-lint',
      'LINT_NAME ?= other',
      'CHECKS = vet',
      'CHECKS += lint',
      'MK_DIR := mk',
      'include $(MK_DIR)/rules.mk $(shell echo mk)/x.mk',
      'GOPATH_BIN := $(firstword $(subst :, ,$(shell go env GOPATH)))/bin',
      '.DEFAULT_GOAL := $(DEFAULT)',
      'DEFAULT = check',
      'check: $(CHECKS)',
      'lint: $(LINTER) $(GOPATH_BIN)/promu',
      '\t$(LINTER) run',
      'bin/golangci-lint:',
      '\tcurl -sSfL https://example.org/install.sh | sh',
      '$(GOPATH_BIN)/promu:',
      '\tcurl -k https://example.org/promu',
    ];
    const asked: string[] = [];
    const model = await loadMakefile(file('Makefile', makefile), '', async (p) => (asked.push(p), p === 'mk/rules.mk' ? file(p, ['vet:', '\tgo vet ./...']) : undefined));
    assert.deepEqual(asked, ['mk/rules.mk']);
    // `.DEFAULT_GOAL := $(DEFAULT)` read before DEFAULT is set: the default goal is not known (not the first target).
    assert.equal(model.defaultGoal, undefined);
    assert.deepEqual(
      recipesOf(model, ['check']).recipes.map(({ file: f, target, groups }) => `${model.files[f]!.path} ${target}: ${groups.map((g) => g[0]! + 1).join(' ')}`),
      ['mk/rules.mk vet: 2', 'Makefile bin/golangci-lint: 16', 'Makefile $(firstword $(subst :, ,$(shell go env GOPATH)))/bin/promu: 18', 'Makefile lint: 14'],
    );
    const goal = await loadMakefile(file('Makefile', ['NAME := release', '.DEFAULT_GOAL := $(NAME)', 'all:', '\techo all', 'release:', '\techo release']), '', async () => undefined);
    assert.equal(goal.defaultGoal, 'release');
  });

  it('leaves unknown what make may set otherwise: a variable set in a conditional, by `!=`, `define` or what `$(eval)` runs', async () => {
    const makefile = [
      'OUT := safe',
      'ifeq ($(OS),Windows_NT)',
      '\tOUT := unsafe',
      'endif',
      'MODE := one',
      'define pair',
      'MODE = $(1)',
      'endef',
      '$(eval $(call pair,two))',
      'HOST != hostname',
      'all: $(OUT) target-$(MODE) on-$(HOST)',
      'safe:',
      '\tcurl -k https://example.org/safe',
      'unsafe:',
      '\tcurl -k https://example.org/unsafe',
      'target-one:',
      '\tcurl -k https://example.org/one',
      '$(OUT) target-$(MODE) on-$(HOST):',
      '\techo as written',
    ];
    assert.deepEqual(await reached(makefile, ['all']), ['Makefile $(OUT): 19', 'Makefile target-$(MODE): 19', 'Makefile on-$(HOST): 19']);
  });

  it('reads the branches of a conditional it can decide, from the variables the files and the command line set, and no other', async () => {
    const common = [
      'SKIP_LINT :=',
      'LINT :=',
      'ifeq ($(GOHOSTOS),$(filter $(GOHOSTOS),linux darwin))',
      '\tifneq (,$(SKIP_LINT))',
      '\t\tLINT :=',
      '\telse ifeq (,$(CIRCLE_JOB))',
      '\t\tLINT := bin/golangci-lint',
      '\tendif',
      'endif',
      'lint: $(LINT)',
      'ifdef LINT',
      '\t$(LINT) run',
      'endif',
      'ifdef LINT',
      '$(LINT):',
      '\tcurl -sSfL https://example.org/install.sh | sh',
      'endif',
      'MODE ?= fast',
      'ifeq ($(MODE),fast)',
      'check:',
      '\techo fast',
      'else',
      'check:',
      '\techo slow',
      'endif',
      'ifneq "$(SKIP_LINT)" ""',
      'skipped:',
      '\techo skipped',
      'endif',
    ];
    const load = (commandLine?: Map<string, string | undefined>) => loadMakefile(file('Makefile', common), '', async () => undefined, undefined, commandLine);
    const lines = (model: Awaited<ReturnType<typeof load>>, goals: string[]) => recipesOf(model, goals).recipes.map(({ target, groups }) => `${target}: ${groups.map((g) => g[0]! + 1).join(' ')}`);
    // Where CIRCLE_JOB (the environment's) may or may not be set, LINT may be either: matched by its text, both branches read.
    assert.deepEqual(lines(await load(), ['lint', 'check', 'skipped']), ['$(LINT): 16', 'lint: 12', 'check: 21', 'check: 24']);
    // `make lint SKIP_LINT=1`: LINT is empty whichever way the outer conditional goes; ifdef LINT is false.
    assert.deepEqual(lines(await load(new Map([['SKIP_LINT', '1']])), ['lint', 'skipped']), ['skipped: 28']);
    // MODE set on the command line decides `ifeq ($(MODE),fast)` (set by `?=`, the environment might have set it: not decided).
    assert.deepEqual(lines(await load(new Map([['MODE', 'slow']])), ['check']), ['check: 24']);
    // A value the command line gives but the reader does not know decides nothing.
    assert.deepEqual(lines(await load(new Map([['SKIP_LINT', undefined]])), ['lint', 'skipped']), ['$(LINT): 16', 'lint: 12', 'skipped: 28']);
  });

  it('bounds expansion: a variable that refers to itself, doubling variables and deep nesting stay as written (past the bounds on steps, depth and length)', async () => {
    const doubling = Array.from({ length: 40 }, (_, i) => (i === 0 ? 'A0 := xx' : `A${i} := $(A${i - 1})$(A${i - 1})`));
    const lazy = Array.from({ length: 60 }, (_, i) => (i === 0 ? 'B0 =' : `B${i} = $(B${i - 1})$(B${i - 1})`));
    const nested = '$('.repeat(5000) + 'X' + ')'.repeat(5000);
    const makefile = [...doubling, ...lazy, 'SELF = $(SELF) x', 'all: a b c d', 'a: $(A39)', 'b: $(B59)', 'c: $(SELF)', 'd: ' + nested, '$(A39):', '\techo a', '$(B59):', '\techo b', '$(SELF):', '\techo self', `${nested}:`, '\techo nested'];
    const model = await loadMakefile(file('Makefile', makefile), '', async () => undefined);
    assert.deepEqual(
      recipesOf(model, ['all']).recipes.map(({ groups }) => groups[0]![0]! + 1),
      [108, 110, 112, 114],
    );
    // Kept as written: each expansion stopped at a bound (2^59 steps for $(B59), 2^40 characters for $(A39)).
    assert.ok(model.rules.has('$(B59)') && model.rules.has('$(SELF)') && model.rules.has(nested));
  });

  it('gives the shell what make gives it: no tab, no @ - + prefixes, $$ as $, the recipe after `;` of a rule line', () => {
    assert.equal(recipeShellLine('\t@-echo "$$HOME" $(VAR)', true), '   echo "$HOME" $(VAR)');
    assert.equal(recipeShellLine('\t  --flag', false), '   --flag');
    assert.equal(recipeShellLine('lint: ; golangci-lint run', true, true), '        golangci-lint run');
  });
});

describe('Makefiles: what the scan reads', () => {
  let tree: ReturnType<typeof tempTree>;
  let outside: ReturnType<typeof tempTree>;
  before(() => {
    outside = tempTree({ 'Makefile': 'all:\n\tcurl -k https://example.org/outside\n', 'evil.mk': 'all:\n\tcurl -k https://example.org/evil\n' });
    tree = tempTree({
      '.gitlab-ci.yml': 'stages: [build]\nout:\n  script:\n    - make -C linked\nhuge:\n  script:\n    - make -C huge\nincluded:\n  script:\n    - make -C inc\nprefix:\n  script:\n    - make -C prefix\nabsent:\n  script:\n    - mkdir build && cd build && cmake .. && make\n    - ./configure && make -C gen install\n',
      'huge/Makefile': 'all:\n' + '\t@true\n'.repeat(60_000) + '\tcurl -k https://example.org/huge\n',
      'inc/Makefile': 'include evil.mk\nall:\n\tcurl -k https://example.org/inside\n',
      'prefix/Makefile': '.RECIPEPREFIX = >\nall:\n> curl -k https://example.org/prefix\n',
    });
    symlinkSync(outside.dir, path.join(tree.dir, 'linked'));
    symlinkSync(path.join(outside.dir, 'evil.mk'), path.join(tree.dir, 'inc', 'evil.mk'));
  });
  after(() => {
    tree.cleanup();
    outside.cleanup();
  });

  it('reads no Makefile or included file through a link out of the root, none over the size bound, none whose recipe prefix is changed, and says so; an absent Makefile is made by the build', async () => {
    const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['iac/gitlab-tls-verification-disabled inc/Makefile:3']);
    assert.deepEqual(result.warnings.map((w) => `${w.path}: ${w.message}`).sort(), [
      'huge/Makefile: huge/Makefile, read by make run by job "huge" of .gitlab-ci.yml (make), is larger than 256 KiB; its recipes were not checked.',
      'inc/evil.mk: inc/evil.mk, read by make run by job "included" of .gitlab-ci.yml (make), is reached through a symbolic link that leads out of the scan root; its recipes were not checked.',
      'linked/Makefile: linked/Makefile, read by make run by job "out" of .gitlab-ci.yml (make), is reached through a symbolic link that leads out of the scan root; its recipes were not checked.',
      'prefix/Makefile: prefix/Makefile, read by make run by job "prefix" of .gitlab-ci.yml (make), sets .RECIPEPREFIX; its recipes were not checked.',
    ]);
  });

  it('reads the Makefile make reads: GNUmakefile, then makefile, then Makefile, or the one -f names', async () => {
    const result = await scanIacTree({
      '.gitlab-ci.yml': 'stages: [build]\ngnu:\n  script:\n    - make -C a check\nlower:\n  script:\n    - make -C b check\nnamed:\n  script:\n    - make -f b/Makefile check\n',
      'a/GNUmakefile': 'check:\n\tcurl -k https://example.org/gnu\n',
      'a/makefile': 'check:\n\tcurl -k https://example.org/a-lower\n',
      'a/Makefile': 'check:\n\tcurl -k https://example.org/a-upper\n',
      'b/makefile': 'check:\n\n\tcurl -k https://example.org/b-lower\n',
      'b/Makefile': 'check:\n\n\n\tcurl -k https://example.org/b-upper\n',
    });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort(), [
      'iac/gitlab-tls-verification-disabled a/GNUmakefile:2',
      'iac/gitlab-tls-verification-disabled b/Makefile:4',
      'iac/gitlab-tls-verification-disabled b/makefile:3',
    ]);
  });

  it('follows `make lint` through an included file\'s `%: common-%` to the tool its recipe downloads and pipes into a shell', async () => {
    const result = await scanIacTree({
      '.github/workflows/ci.yml': 'on: push\npermissions: {}\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n',
      'Makefile': 'include Makefile.common\n',
      'Makefile.common': [
        'FIRST_GOPATH := $(firstword $(subst :, ,$(shell go env GOPATH)))',
        'GOLANGCI_LINT := $(FIRST_GOPATH)/bin/golangci-lint',
        '%: common-% ;',
        'common-lint: $(GOLANGCI_LINT)',
        '\t$(GOLANGCI_LINT) run',
        '$(FIRST_GOPATH)/bin/golangci-lint:',
        '\tcurl -sSfL https://example.org/install.sh | sh -s -- -b $(FIRST_GOPATH)/bin',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['iac/gha-curl-pipe-shell Makefile.common:7']);
    assert.match(result.findings[0]!.message, /\(make lint\)/);
  });

  it('does not follow what the command line turns off: `make lint SKIP_GOLANGCI_LINT=1` downloads nothing', async () => {
    const common = [
      'SKIP_GOLANGCI_LINT :=',
      'GOLANGCI_LINT :=',
      'ifneq (,$(SKIP_GOLANGCI_LINT))',
      '\tGOLANGCI_LINT :=',
      'else ifeq (,$(CIRCLE_JOB))',
      '\tGOLANGCI_LINT := bin/golangci-lint',
      'endif',
      '%: common-% ;',
      'common-lint: $(GOLANGCI_LINT)',
      'ifdef GOLANGCI_LINT',
      '\t$(GOLANGCI_LINT) run',
      'endif',
      'ifdef GOLANGCI_LINT',
      '$(GOLANGCI_LINT):',
      '\tcurl -sSfL https://example.org/install.sh | sh -s -- -b bin',
      'endif',
      '',
    ].join('\n');
    const workflow = (run: string) => `on: push\npermissions: {}\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
    const skipped = await scanIacTree({ '.github/workflows/ci.yml': workflow('make lint SKIP_GOLANGCI_LINT=1'), 'Makefile': 'include Makefile.common\n', 'Makefile.common': common });
    assert.deepEqual(skipped.findings, []);
    const run = await scanIacTree({ '.github/workflows/ci.yml': workflow('make lint'), 'Makefile': 'include Makefile.common\n', 'Makefile.common': common });
    assert.deepEqual(run.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['iac/gha-curl-pipe-shell Makefile.common:15']);
  });

  it('judges the recipes a GitHub Actions step runs through make from its working-directory', async () => {
    const result = await scanIacTree({
      '.github/workflows/ci.yml': 'on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make check\n        working-directory: app\n',
      'app/Makefile': 'check:\n\t@curl -k https://example.org/check\nunused:\n\tcurl -k https://example.org/unused\n',
    });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['iac/gha-tls-verification-disabled app/Makefile:2']);
  });
});
