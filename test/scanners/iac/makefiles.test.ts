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

  it(`reads ${MAX_MAKE_FILES} files at most per Makefile, and does not loop on an include or prerequisite cycle`, async () => {
    const cut: string[] = [];
    const model = await loadMakefile(
      file('Makefile', ['include a.mk', 'a: b', '\techo a', 'b: a', '\techo b']),
      '',
      async (p) => file(p, [`include ${p === 'a.mk' ? 'Makefile' : 'a.mk'}`, ...Array.from({ length: 20 }, (_, i) => `include f${i}.mk`)]),
      (p) => cut.push(p),
    );
    assert.equal(model.files.length, MAX_MAKE_FILES);
    assert.ok(cut.length > 0);
    assert.deepEqual(recipesOf(model, ['a']).targets, ['a', 'b']);
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

  it('judges the recipes a GitHub Actions step runs through make from its working-directory', async () => {
    const result = await scanIacTree({
      '.github/workflows/ci.yml': 'on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make check\n        working-directory: app\n',
      'app/Makefile': 'check:\n\t@curl -k https://example.org/check\nunused:\n\tcurl -k https://example.org/unused\n',
    });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['iac/gha-tls-verification-disabled app/Makefile:2']);
  });
});
