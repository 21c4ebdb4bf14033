import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { effectiveWords, gitTextOutput, joinContinuations, parseShell, pipeToShellSites, programOf, shellParses } from '../../../src/scanners/iac/shell.js';

describe('shell reader', () => {
  it('splits pipelines and commands, keeping quotes and substitutions in their words', () => {
    const pipelines = parseShell(`A=1 sudo -u app echo "a | b" && curl -s 'x;y' | sh; echo $(date | tr a b)`);
    assert.equal(pipelines.length, 3);
    assert.equal(programOf(pipelines[0]![0]!), 'echo');
    assert.deepEqual(effectiveWords(pipelines[0]![0]!).map((w) => w.text), ['echo', 'a | b']);
    assert.equal(pipelines[1]!.length, 2);
    assert.equal(pipelines[1]![0]!.words[2]!.text, 'x;y');
    assert.equal(pipelines[2]![0]!.words[1]!.text, '$(date | tr a b)');
  });

  it('skips the value of env -u and -C with env itself: the command is the word after them', () => {
    assert.equal(programOf(parseShell('env -u HTTP_PROXY -C /src curl -fsS https://example.org')[0]![0]!), 'curl');
    assert.equal(programOf(parseShell('env --unset HTTP_PROXY make')[0]![0]!), 'make');
  });

  it('reads `&>` and `&>>` as redirections of both streams, not as a word and a file argument', () => {
    for (const [script, op] of [['make check &> check.txt', '&>'], ['make check &>check.txt', '&>'], ['make check &>> check.txt', '&>>']] as const) {
      const command = parseShell(script)[0]![0]!;
      assert.deepEqual(command.words.map((w) => w.text), ['make', 'check'], script);
      assert.deepEqual(command.redirects?.map((r) => `${r.op} ${r.target.text}`), [`${op} check.txt`], script);
    }
    assert.equal(parseShell('make check & echo done').length, 2);
  });

  it('finds remote code piped into interpreters, and only that', () => {
    const yes = [
      'curl -fsSL https://example.org/i.sh | sh',
      'wget -qO- https://example.org/i.sh | sudo bash -s -- --yes',
      'curl https://example.org/i.py | python3 -',
      'sh -c "$(curl -fsSL https://example.org/i.sh)"',
      'bash <(curl -s https://example.org/i.sh)',
      // macOS's arch runs the shell as the architecture it names (cabal's ghcup.sh on Apple silicon).
      "curl --proto '=https' -sSf https://example.org/get | arch -arm64 /bin/bash",
    ];
    const no = ['curl -o i.sh https://example.org/i.sh && sh i.sh', 'curl https://example.org/a.json | jq .', 'echo curl | sh', 'curl https://x | tee out | grep a', 'curl https://example.org/a.json | arch -x86_64 jq .'];
    for (const script of yes) assert.ok(pipeToShellSites(script).length > 0, script);
    for (const script of no) assert.deepEqual(pipeToShellSites(script), [], script);
  });

  it('reads subshells, arithmetic, array assignments and function definitions', () => {
    const commands = (script: string) => parseShell(script).map((p) => p.map((c) => c.words.map((w) => w.text).join(' ')));
    assert.deepEqual(commands('(curl -s https://example.org/i.sh | sh)'), [['curl -s https://example.org/i.sh', 'sh']]);
    assert.deepEqual(commands('( (cd a && make) )'), [['cd a'], ['make']]);
    assert.deepEqual(commands('(( n |= 4 )); for (( i = 0; i < 3; i++ )); do echo $i; done'), [['echo $i']]);
    assert.deepEqual(commands('list=(a b c); echo ${list[0]}'), [[''], ['echo ${list[0]}']]);
    assert.deepEqual(commands('f() { curl x | bash; }; f'), [['curl x', 'bash'], ['f']]);
    assert.ok(pipeToShellSites('(cd /tmp && curl -fsSL https://example.org/i.sh | sh)').length > 0);
  });

  it('keeps a parameter expansion one word, whatever spaces it holds', () => {
    const words = (script: string) => parseShell(script).map((p) => p.map((c) => c.words.map((w) => w.text)));
    assert.deepEqual(words('apk add --initdb ${PACKAGES//,/ } && echo ${A:-two words} "${B// /_}"'), [
      [['apk', 'add', '--initdb', '${PACKAGES//,/ }']],
      [['echo', '${A:-two words}', '${B// /_}']],
    ]);
    assert.deepEqual(words('echo ${X:-${Y:-a b}} ${Z:-"}"} done'), [[['echo', '${X:-${Y:-a b}}', '${Z:-"}"}', 'done']]]);
  });

  it('reads fd redirections and here-documents: text written to a file is no command, a script fed to a shell is', () => {
    const commands = (script: string) => parseShell(script).map((p) => p.map((c) => c.words.map((w) => w.text).join(' ')));
    assert.deepEqual(commands('echo "$TOKEN" >&2; make 2>&1'), [['echo $TOKEN'], ['make']]);
    assert.deepEqual(commands('cat <<EOF > /etc/app.conf\ncurl https://example.org/i.sh | sh\nEOF\necho after'), [['cat'], ['echo after']]);
    assert.deepEqual(commands("cat <<-'END' | tee x\n\tcurl a | bash\n\tEND\nls"), [['cat', 'tee x'], ['ls']]);
    assert.deepEqual(commands('a <<A; b << B\n1\nA\n2\nB\nc'), [['a'], ['b'], ['c']]);
    assert.ok(pipeToShellSites('bash -s <<EOF\ncurl -fsSL https://example.org/i.sh | sh\nEOF').length > 0);
    assert.deepEqual(pipeToShellSites('cat > install.sh <<EOF\ncurl -fsSL https://example.org/i.sh | sh\nEOF'), []);
  });

  it('gives each command the here-documents it opens: delimiter, whether it is quoted, and where the body lies', () => {
    const script = "a <<A; b << 'B'\n1\nA\n2\nB\nbash <<EOF\necho $X\nEOF\ncat <<-\\END | sh\n\tx\n\tEND\nc <<\"C\"\nno end";
    const docs = parseShell(script)
      .flat()
      .flatMap((c) => (c.heredocs ?? []).map((d) => `${c.words[0]!.text} ${d.delimiter} ${d.quoted} ${JSON.stringify(script.slice(d.start, d.end))}`));
    assert.deepEqual(docs, ['a A false "1\\n"', 'b B true "2\\n"', 'bash EOF false "echo $X\\n"', 'cat END true "\\tx\\n"', 'c C true "no end"']);
  });

  it('reads a pipeline on to the next line after a `|` that ends a line', () => {
    const commands = (script: string) => parseShell(script).map((p) => p.map((c) => c.words.map((w) => w.text).join(' ')));
    assert.deepEqual(commands('env |\n  grep GITHUB_ | # keep these\n  sort > env.txt\nls'), [['env', 'grep GITHUB_', 'sort'], ['ls']]);
    assert.deepEqual(commands('a | b\n\nc'), [['a', 'b'], ['c']]);
    assert.equal(pipeToShellSites('curl -fsSL https://example.org/i.sh |\n  sudo bash').length, 1);
  });

  it('reads compound commands: reserved words and case patterns are no programs', () => {
    const commands = (script: string) => parseShell(script).map((p) => p.map((c) => c.words.map((w) => w.text).join(' ')));
    assert.deepEqual(commands('if true; then curl https://example.org/i.sh | sh; fi'), [['true'], ['curl https://example.org/i.sh', 'sh']]);
    assert.deepEqual(commands('case "$arch" in x86_64|aarch64) echo fast ;; (*) echo slow ;; esac | sort'), [['echo fast'], ['echo slow'], ['sort']]);
    assert.deepEqual(commands('case x in\n a) case y in b) echo in;; esac ;;\n *) echo out\nesac\necho after'), [['echo in'], ['echo out'], ['echo after']]);
    assert.deepEqual(commands('for a in one two; do apt-get install -y wget; done'), [['apt-get install -y wget']]);
    assert.deepEqual(commands('{ curl https://x | sh; }; ! grep a b'), [['curl https://x', 'sh'], ['grep a b']]);
    assert.deepEqual(commands('function f { a; }; g() { b; }'), [['a'], ['b']]);
    // Reserved words in argument position are plain words.
    assert.deepEqual(commands('echo if then done {} esac'), [['echo if then done {} esac']]);
    for (const script of ['if [ -n "$X" ]; then curl -fsSL https://example.org/i.sh | sh; fi', 'while true; do wget -qO- https://example.org/i | bash; done', 'case "$(uname -m)" in\n  x86_64|aarch64) curl https://example.org/i.sh | sh ;;\nesac'])
      assert.equal(pipeToShellSites(script).length, 1, script);
    assert.equal(programOf(parseShell('then curl https://x')[0]![0]!), 'curl');
  });

  it('parses a script once for all the checks that read it', () => {
    const script = `env | sort\ncurl -fsSL https://example.org/install-${Math.random()}.sh | bash\necho "$TOKEN"\n`;
    const before = shellParses();
    const first = parseShell(script);
    for (let i = 0; i < 5; i++) assert.equal(parseShell(script), first);
    assert.equal(pipeToShellSites(script).length, 1);
    assert.equal(shellParses() - before, 1);
    // A copy of the text is the same script.
    assert.equal(parseShell(` ${script}`.slice(1)), first);
    assert.equal(shellParses() - before, 1);
  });

  it("parses a workflow step's script once, whatever the number of rules that read it", () => {
    const marker = Math.random().toString(36).slice(2);
    const workflow = `on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo ${marker}\n          env | sort\n          curl -fsSL https://example.org/i.sh | bash\n`;
    const before = shellParses();
    const { findings } = analyseFile('.github/workflows/ci.yml', workflow, () => {});
    assert.ok(findings.some((f) => f.ruleId.startsWith('iac/')));
    // The step's script (and the few texts made from it), not once per rule that reads it.
    assert.ok(shellParses() - before <= 3, `${shellParses() - before} parses`);
  });
});

describe('git output', () => {
  it('gitTextOutput: what git prints that whoever made the commits or pushed the refs wrote', () => {
  const cases: Array<[string, string | undefined]> = [
    ['git log -1 --pretty=%B', 'message'],
    ['git log -1', 'message'],
    ['git log -1 --oneline', 'message'],
    ['git log -1 --pretty=fuller', 'message'],
    ["git log -1 --format='%(trailers:key=Signed-off-by)'", 'message'],
    ['git show -s --format=%ae', 'author'],
    ['git log -1 --format=%cN', 'committer'],
    ['git log -1 --format=%d', 'refs'],
    ['git -C app --no-pager log -1 --format=tformat:%H%n%s', 'message'],
    ['git log -1 --pretty=%B | head -n 1', 'message'],
    ['git rev-parse --abbrev-ref HEAD', 'branch'],
    ['git branch --show-current', 'branch'],
    ['git symbolic-ref --short HEAD', 'branch'],
    // Hashes, dates, the subject reduced to a file name, a literal percent sign, a configured alias.
    ['git log -1 --pretty=%H', undefined],
    ['git log -1 --format="%h %ad %cd %at"', undefined],
    ['git log -1 --pretty=%f', undefined],
    ['git log -1 --format=%%s', undefined],
    ['git log -1 --pretty=mine', undefined],
    ['git log -1 --pretty=%B --pretty=%H', undefined],
    ['git log -1 --pretty=%B | wc -l', undefined],
    ['git log -1 --pretty=%B | head notes.txt', undefined],
    ['git show HEAD:VERSION', undefined],
    ['git rev-parse HEAD', undefined],
    ['git rev-parse --abbrev-ref HEAD@{upstream}', undefined],
    ['git branch -a', undefined],
  ];
  assert.deepEqual(cases.map(([script]) => [script, gitTextOutput(script)]), cases);
});
});

describe('line continuations', () => {
  it('joins continued lines into one, at the same offsets, except after a comment or an escaped backslash', () => {
    const joined = joinContinuations('curl -fsSL \\\n  http://example.org/k | apt-key add -\nnext\n');
    assert.equal(joined, 'curl -fsSL     http://example.org/k | apt-key add -\nnext\n');
    assert.equal(joinContinuations('curl \\\r\n  -k x\n'), 'curl      -k x\n');
    // Several lines in a row.
    assert.equal(joinContinuations('a \\\nb \\\nc\n'), 'a   b   c\n');
    assert.equal(joinContinuations('# a note \\\ncurl -k x\n'), '# a note \\\ncurl -k x\n');
    assert.equal(joinContinuations('echo a\\\\\ncurl -k x\n'), 'echo a\\\\\ncurl -k x\n');
    assert.equal(joinContinuations('echo a\\\\\\\nb\n'), 'echo a\\\\  b\n');
  });
});
