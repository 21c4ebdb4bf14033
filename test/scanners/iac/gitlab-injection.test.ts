import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

const injection = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-script-injection')!;

test('script injection: text anyone with a branch or merge request writes is high, a tag name (written by members allowed to push tags) medium', () => {
  const source = [
    'stages: [release]',
    'release:',
    '  script:',
    '    - eval "publish --version $CI_COMMIT_TAG"',
    '    - sh -c "notify \'$CI_MERGE_REQUEST_TITLE\'"',
    '    - eval "notify --by \'$GITLAB_USER_NAME\'"',
    '    - bash -c "notify --by $GITLAB_USER_LOGIN"',
    '    - eval "git commit --author \'$CI_COMMIT_AUTHOR\' -m bump"',
  ].join('\n');
  const p = readPipeline(source, () => {})!;
  assert.deepEqual(
    [...injection.check(p)].map((h) => `${h.detailLine} ${h.severity ?? injection.severity} ${h.message.split(' ')[3]}`),
    ['4 medium $CI_COMMIT_TAG', '5 high $CI_MERGE_REQUEST_TITLE', '6 medium $GITLAB_USER_NAME', '8 high $CI_COMMIT_AUTHOR'],
  );
});

/** `line name` of each finding of the rule on a pipeline with one job whose script is `lines` (and `more` jobs or keys after it). */
function found(lines: string[], more = '', windows = false): string[] {
  const source = ['stages: [build]', 'job:', ...(windows ? ['  tags: [windows]'] : []), '  script:', ...lines.map((l) => `    ${l}`), more].join('\n');
  const p = readPipeline(source, () => {})!;
  return [...injection.check(p)].map((h) => `${h.detailLine ?? h.line} ${/expands (.+?)(?: \(set from .*?\))? into the code/.exec(h.message)![1]}`);
}

test('script injection: a shell variable an earlier line sets from the text, then runs', () => {
  assert.deepEqual(
    found([
      '- export MSG="$CI_COMMIT_MESSAGE"',
      '- TITLE=${CI_MERGE_REQUEST_TITLE}',
      '- declare -x BRANCH=$CI_COMMIT_BRANCH',
      '- eval "$MSG"',
      '- sh -c "notify $TITLE"',
      '- |',
      '  if [ -n "$BRANCH" ]; then',
      '    bash -c "deploy $BRANCH"',
      '  fi',
    ]),
    ['7 $MSG', '8 $TITLE', '11 $BRANCH'],
  );
  // The message says where the text comes from.
  const p = readPipeline('stages: [build]\njob:\n  before_script:\n    - export MSG="$CI_COMMIT_MESSAGE"\n  script:\n    - eval "$MSG"\n', () => {})!;
  assert.match([...injection.check(p)][0]!.message, /expands \$MSG \(set from \$CI_COMMIT_MESSAGE\) into the code eval runs/);
});

test('script injection: no finding for a variable printed, set again before it runs, set by a command, or set in another shell', () => {
  assert.deepEqual(
    found([
      '- export MSG="$CI_COMMIT_MESSAGE"',
      '- echo "$MSG"',
      '- printf "%s\\n" "$MSG" > notes.txt',
      '- TITLE="$CI_MERGE_REQUEST_TITLE"',
      '- TITLE=release',
      '- eval "notify $TITLE"',
      '- SLUG="$CI_COMMIT_REF_SLUG"',
      '- sh -c "deploy $SLUG"',
      '- LAST=$(git log -1 --format=%s "$CI_COMMIT_SHA")',
      '- eval "echo $LAST_TAG"',
    ]),
    [],
  );
  // after_script runs in a shell of its own, and another job's variables are not this job's.
  assert.deepEqual(found(['- export MSG="$CI_COMMIT_MESSAGE"'], '  after_script:\n    - eval "$MSG"\nother:\n  script:\n    - eval "$MSG"\n'), []);
});

test('script injection: the body of a here-document a shell or ssh runs, unless its delimiter is quoted', () => {
  assert.deepEqual(
    found([
      '- |',
      '  bash <<EOF',
      '  echo "$CI_COMMIT_TITLE"',
      "  echo '${CI_COMMIT_MESSAGE}'",
      '  EOF',
      '- |',
      '  sudo -u deploy sh -s -- prod <<-END',
      '  \t./deploy.sh $CI_COMMIT_BRANCH',
      '  \tEND',
      '- |',
      '  cat <<EOF | docker exec -i app sh',
      '  notify $CI_MERGE_REQUEST_TITLE',
      '  EOF',
      '- |',
      '  ssh -i deploy.key deploy@app.example.org <<EOF',
      '  cd /srv/app && git checkout $CI_COMMIT_REF_NAME',
      '  EOF',
      '- |',
      "  sshpass -e ssh deploy@app.example.org 'sudo bash -s' <<EOF",
      '  ./notify.sh $CI_MERGE_REQUEST_DESCRIPTION',
      '  EOF',
      // Read whole: one finding for the variable, not another for the eval of the body.
      '- |',
      '  bash <<EOF',
      '  eval "$CI_COMMIT_DESCRIPTION"',
      '  EOF',
    ]),
    ['6 $CI_COMMIT_TITLE', '7 $CI_COMMIT_MESSAGE', '11 $CI_COMMIT_BRANCH', '15 $CI_MERGE_REQUEST_TITLE', '19 $CI_COMMIT_REF_NAME', '23 $CI_MERGE_REQUEST_DESCRIPTION', '27 $CI_COMMIT_DESCRIPTION'],
  );
});

test('script injection: no finding for a quoted here-document, an escaped variable, or a body that is data', () => {
  assert.deepEqual(
    found([
      '- |',
      "  bash <<'EOF'",
      '  echo "$CI_COMMIT_TITLE"',
      '  EOF',
      '- |',
      '  bash <<"EOF"',
      '  echo "$CI_COMMIT_TITLE"',
      '  EOF',
      '- |',
      '  ssh deploy@app.example.org <<\\EOF',
      '  ./deploy.sh "$CI_COMMIT_BRANCH"',
      '  EOF',
      '- |',
      '  bash <<EOF',
      '  echo "\\$CI_COMMIT_TITLE"',
      '  EOF',
      '- |',
      '  cat <<EOF > release-notes.md',
      '  $CI_COMMIT_MESSAGE',
      '  EOF',
      '- |',
      '  bash ./notify.sh <<EOF',
      '  $CI_MERGE_REQUEST_TITLE',
      '  EOF',
      '- |',
      '  ssh deploy@app.example.org tee /srv/notes.txt <<EOF',
      '  $CI_COMMIT_MESSAGE',
      '  EOF',
      '- |',
      '  cat <<EOF | mail -s notes team@example.org',
      '  $CI_COMMIT_MESSAGE',
      '  EOF',
    ]),
    [],
  );
  // A quoted body that a shell runs is still read command by command: its eval of the variable is one.
  assert.deepEqual(found(['- |', "  bash <<'EOF'", '  eval "$CI_COMMIT_TITLE"', '  EOF']), ['6 $CI_COMMIT_TITLE']);
});

test('script injection: the remote command of ssh run by sshpass', () => {
  assert.deepEqual(
    found([
      '- sshpass -p "$DEPLOY_PASSWORD" ssh -o StrictHostKeyChecking=no -p 2222 deploy@app.example.org "cd /srv && ./deploy.sh $CI_COMMIT_REF_NAME"',
      '- sshpass -f .pass ssh deploy@app.example.org git checkout ${CI_COMMIT_BRANCH}',
    ]),
    ['4 $CI_COMMIT_REF_NAME', '5 $CI_COMMIT_BRANCH'],
  );
  assert.deepEqual(
    found([
      '- sshpass -p "$DEPLOY_PASSWORD" ssh deploy@app.example.org ./deploy.sh "$CI_COMMIT_SHA"',
      '- sshpass -p "$DEPLOY_PASSWORD" scp notes-$CI_COMMIT_REF_NAME.txt deploy@app.example.org:/srv/notes/',
      '- sshpass -p "$CI_COMMIT_BRANCH" rsync -a dist/ deploy@app.example.org:/srv/',
    ]),
    [],
  );
});

test('script injection: Windows cmd /c and PowerShell Invoke-Expression or -Command', () => {
  const lines = [
    '- cmd /c "notify %CI_COMMIT_MESSAGE%"',
    "- cmd.exe /S /C 'build.bat %ci_merge_request_title%'",
    '- cmd /c "deploy $CI_COMMIT_BRANCH"',
    '- Invoke-Expression $env:CI_COMMIT_MESSAGE',
    '- iex "notify ${env:CI_MERGE_REQUEST_TITLE}"',
    '- Invoke-Expression -Command "deploy $env:CI_COMMIT_REF_NAME"',
    '- pwsh -Command "notify $env:CI_COMMIT_TITLE"',
    '- powershell.exe -c "notify $CI_COMMIT_DESCRIPTION"',
    // GitLab's runner sets each CI/CD variable as a variable of the PowerShell script too (shells/powershell.go: `${NAME}=...`, then `${env:NAME}=${NAME}`).
    '- Invoke-Expression "notify $CI_COMMIT_MESSAGE"',
  ];
  assert.deepEqual(found(lines, '', true), ['5 $CI_COMMIT_MESSAGE', '6 $CI_MERGE_REQUEST_TITLE', '7 $CI_COMMIT_BRANCH', '8 $CI_COMMIT_MESSAGE', '9 $CI_MERGE_REQUEST_TITLE', '10 $CI_COMMIT_REF_NAME', '11 $CI_COMMIT_TITLE', '12 $CI_COMMIT_DESCRIPTION', '13 $CI_COMMIT_MESSAGE']);
  // In a Linux job's shell Invoke-Expression is no command, and bash expands `$env:NAME` as $env followed by text:
  // cmd's %NAME% and bash's own $NAME in the text of cmd /c and pwsh -c remain.
  assert.deepEqual(found(lines), ['4 $CI_COMMIT_MESSAGE', '5 $CI_MERGE_REQUEST_TITLE', '6 $CI_COMMIT_BRANCH', '11 $CI_COMMIT_DESCRIPTION']);
  assert.deepEqual(
    found(
      [
        '- echo %CI_COMMIT_MESSAGE%',
        '- Write-Output "$env:CI_COMMIT_MESSAGE"',
        "- Invoke-Expression 'notify $env:CI_MERGE_REQUEST_TITLE'",
        // Escaped with PowerShell's backtick: Invoke-Expression reads the variable as an argument's value.
        '- Invoke-Expression "notify `$env:CI_COMMIT_MESSAGE"',
        '- cmd /c "notify --slug %CI_COMMIT_REF_SLUG%"',
        '- cmd /c build.bat',
        "- pwsh -Command 'notify $env:CI_COMMIT_TITLE'",
        '- pwsh -File notify.ps1 -Title "$env:CI_MERGE_REQUEST_TITLE"',
      ],
      '',
      true,
    ),
    [],
  );
});

test('script injection: in a PowerShell job, PowerShell expands the text into bash -c (and ssh) before bash reads it, unless quoted for bash', () => {
  assert.deepEqual(
    found(
      [
        // Double-quoted or bare for PowerShell: the title is part of bash's script (a backslash escapes nothing in PowerShell).
        '- bash -c "notify $CI_COMMIT_TITLE"',
        '- C:\\msys64\\usr\\bin\\bash -lc "notify \\$env:CI_MERGE_REQUEST_TITLE"',
        '- ssh deploy@app.example.org "./deploy.sh ${CI_COMMIT_REF_NAME}"',
        // Left to bash (single quotes, a backtick), which reads it as code only where its script says so.
        "- bash -c 'eval \"notify $CI_COMMIT_MESSAGE\"'",
        // A variable of the script set from the text: PowerShell's, expanded by it; one set in the environment, bash's too.
        '- $title = $env:CI_MERGE_REQUEST_TITLE',
        '- bash -c "notify $title"',
        '- $env:BRANCH = $CI_COMMIT_BRANCH',
        "- bash -c 'eval \"deploy $BRANCH\"'",
        '- $subject = git log -1 --format=%s',
        '- Invoke-Expression "notify $subject"',
        // Expanded by PowerShell into bash's script, where eval runs it again: one finding.
        '- bash -c "eval $CI_MERGE_REQUEST_DESCRIPTION"',
      ],
      '',
      true,
    ),
    ['5 $CI_COMMIT_TITLE', '6 $CI_MERGE_REQUEST_TITLE', '7 $CI_COMMIT_REF_NAME', '8 $CI_COMMIT_MESSAGE', '10 $title', '12 $BRANCH', '14 $subject', '15 $CI_MERGE_REQUEST_DESCRIPTION'],
  );
  assert.deepEqual(
    found(
      [
        // Passed to bash as written: bash expands them as data.
        "- bash -c 'notify \"$CI_COMMIT_TITLE\"'",
        '- bash -lc "notify `"`$CI_COMMIT_TITLE`""',
        "- ssh deploy@app.example.org './deploy.sh \"$CI_COMMIT_REF_NAME\"'",
        '- Write-Host "Building $CI_COMMIT_TITLE"',
        // A variable of the script alone is not in bash's environment.
        '- $title = $env:CI_MERGE_REQUEST_TITLE',
        "- bash -c 'eval \"notify $title\"'",
        '- bash -c "deploy $CI_COMMIT_REF_SLUG"',
      ],
      '',
      true,
    ),
    [],
  );
});

test('script injection: in a PowerShell job, a string or here-string piped into Invoke-Expression or a shell, and a typed variable set from the text', () => {
  assert.deepEqual(
    found(
      [
        // An expandable here-string: PowerShell expands the title into the script bash reads on its standard input (reported on the line that names it).
        '- |',
        '  @"',
        '  notify "$env:CI_COMMIT_TITLE"',
        '  "@ | C:\\msys64\\usr\\bin\\bash.exe',
        // A literal here-string is bash's script as written: its own eval runs the message.
        '- |',
        "  @'",
        '  eval "notify $CI_COMMIT_MESSAGE"',
        "  '@ | bash -s",
        '- \'"deploy $env:CI_COMMIT_REF_NAME" | Invoke-Expression\'',
        '- |',
        '  @"',
        '  notify $(git log -1 --format=%s)',
        '  "@ | iex',
        // Typed variables (`[string]$x =`) carry the text as untyped ones do.
        '- |',
        '  [string]$title = $env:CI_MERGE_REQUEST_TITLE',
        '  Invoke-Expression "notify $title"',
        '  [ValidateNotNullOrEmpty()][string] $branch = "$CI_COMMIT_BRANCH"',
        '  $branch | bash',
        '  [string]$env:DESCRIPTION = $env:CI_MERGE_REQUEST_DESCRIPTION',
        "  bash -c 'eval \"notify $DESCRIPTION\"'",
      ],
      '',
      true,
    ),
    ['7 $CI_COMMIT_TITLE', '11 $CI_COMMIT_MESSAGE', '13 $CI_COMMIT_REF_NAME', '16 $(git log -1 --format=%s)', '20 $title', '22 $branch', '24 $DESCRIPTION'],
  );
  assert.deepEqual(
    found(
      [
        // Bash gets the variable as written and expands it as data; what PowerShell only prints or writes runs nowhere.
        '- |',
        "  @'",
        '  notify "$CI_COMMIT_TITLE"',
        "  '@ | bash",
        '- |',
        '  @"',
        '  notify `$env:CI_COMMIT_TITLE',
        '  "@ | Invoke-Expression',
        '- |',
        '  @"',
        '  # $env:CI_MERGE_REQUEST_TITLE',
        '  "@ | Out-File notes.md',
        '- \'"$env:CI_COMMIT_MESSAGE" | Write-Host\'',
        '- |',
        '  [string]$title = $env:CI_MERGE_REQUEST_TITLE',
        '  [string]$title = "fixed"',
        '  Invoke-Expression "notify $title"',
        '  $title | bash -c "notify --stdin"',
      ],
      '',
      true,
    ),
    [],
  );
});

test('script injection: what a git command prints of the commits, set into a variable that runs, or expanded straight into code', () => {
  assert.deepEqual(
    found([
      '- MSG=$(git log -1 --pretty=%B)',
      '- export TITLE="$(git --no-pager log -1 --format=%s "$CI_COMMIT_SHA")"',
      "- AUTHOR=`git show -s --format='%an <%ae>'`",
      '- SUBJECT=$(git -C app log -1 --pretty=format:%H%n%s | tail -n 1)',
      '- eval "$MSG"',
      '- sh -c "notify $TITLE"',
      '- ssh deploy@app.example.org "./notify.sh $AUTHOR"',
      '- bash -c "notify $SUBJECT"',
      '- eval "echo $(git log -1 --pretty=%B)"',
      '- sh -c "notify `git log -1 --oneline`"',
      '- eval "tag $(git log -1 --pretty=%D)"',
      '- |',
      '  bash <<EOF',
      '  notify "$(git log -1 --format=%ce)"',
      '  EOF',
    ]),
    [
      '8 $MSG',
      '9 $TITLE',
      '10 $AUTHOR',
      '11 $SUBJECT',
      '12 $(git log -1 --pretty=%B)',
      '13 $(git log -1 --oneline)',
      '14 $(git log -1 --pretty=%D)',
      '17 $(git log -1 --format=%ce)',
    ],
  );
  const p = readPipeline('stages: [build]\njob:\n  script:\n    - MSG=$(git log -1 --pretty=%B)\n    - eval "$MSG"\n    - sh -c "notify $(git show -s --format=%aN)"\n', () => {})!;
  assert.deepEqual(
    [...injection.check(p)].map((h) => `${h.severity ?? injection.severity} ${h.message}`),
    [
      'high job job expands $MSG (set from $(git log -1 --pretty=%B)) into the code eval runs (line 5): whoever writes the commit message can run commands in the job.',
      "high job job expands $(git show -s --format=%aN) into the code sh -c runs (line 6): whoever writes the commit's author can run commands in the job.",
    ],
  );
});

test('script injection: no finding for git output printed, run by the inner shell, or not written by a contributor', () => {
  assert.deepEqual(
    found([
      '- echo "$(git log -1 --pretty=%B)"',
      '- git log -1 --pretty=%B > notes.txt',
      '- HASH=$(git log -1 --pretty=%H)',
      '- eval "deploy $HASH"',
      "- sh -c \"deploy $(git log -1 --format='%h %ad %cd')\"",
      '- eval "x $(git log -1 --pretty=%f) $(git log -1 --format=%%s)"',
      // The inner shell runs the substitution itself: its output is data there.
      "- eval 'echo $(git log -1 --pretty=%B)'",
      '- eval "echo \\$(git log -1 --pretty=%B)"',
      '- sh -c \'notify "$(git log -1 --format=%s)"\'',
      // A file of the commit is the repository's content, like cat; a count is no text.
      '- eval "deploy $(git show HEAD:VERSION)"',
      '- LINES=$(git log -1 --pretty=%B | wc -l)',
      '- eval "count $LINES"',
      '- FIRST=$(git log -1 --pretty=%B | head notes.txt)',
      '- eval "x $FIRST"',
      '- MSG=$(git log -1 --pretty=%B)',
      '- MSG=release',
      '- eval "notify $MSG"',
      '- |',
      "  bash <<'EOF'",
      '  notify "$(git log -1 --pretty=%B)"',
      '  EOF',
      '- |',
      '  bash <<EOF',
      '  notify "\\$(git log -1 --pretty=%B)"',
      '  EOF',
    ]),
    [],
  );
});

test('script injection: the name of the branch checked out is a contributor\'s only once the job checks out a branch under a name one wrote', () => {
  // GitLab checks out the commit with HEAD detached: git prints HEAD, not the branch.
  assert.deepEqual(found(['- BRANCH=$(git rev-parse --abbrev-ref HEAD)', '- eval "deploy $BRANCH"', '- sh -c "deploy $(git branch --show-current)"']), []);
  assert.deepEqual(
    found([
      '- git checkout -B "$CI_COMMIT_REF_NAME" "$CI_COMMIT_SHA"',
      '- BRANCH=$(git rev-parse --abbrev-ref HEAD)',
      '- eval "deploy $BRANCH"',
      '- sh -c "deploy $(git branch --show-current)"',
      '- git checkout main',
      '- eval "deploy $(git symbolic-ref --short HEAD)"',
      '- git switch "$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"',
      '- eval "deploy $(git rev-parse --symbolic-full-name HEAD)"',
      '- git checkout "origin/$CI_COMMIT_BRANCH"',
      '- eval "deploy $(git rev-parse --abbrev-ref HEAD)"',
      '- git checkout -b release "$CI_COMMIT_BRANCH"',
      '- eval "deploy $(git rev-parse --abbrev-ref HEAD)"',
      // A file restored from another branch leaves HEAD where it is: $BRANCH still holds the branch name.
      '- git checkout -B "$CI_COMMIT_BRANCH"',
      '- git checkout main -- VERSION',
      '- eval "deploy $(git branch --show-current)"',
    ]),
    ['6 $BRANCH', '7 $(git branch --show-current)', '11 $(git rev-parse --symbolic-full-name HEAD)', '18 $(git branch --show-current)'],
  );
  // A tag checked out as a branch is written by members allowed to push tags: medium, as $CI_COMMIT_TAG.
  const p = readPipeline('stages: [build]\njob:\n  script:\n    - git checkout -B "$CI_COMMIT_TAG"\n    - eval "publish $(git rev-parse --abbrev-ref HEAD)"\n', () => {})!;
  assert.deepEqual(
    [...injection.check(p)].map((h) => `${h.severity ?? injection.severity} ${h.message}`),
    ['medium job job expands $(git rev-parse --abbrev-ref HEAD) into the code eval runs (line 5): whoever writes the tag name can run commands in the job.'],
  );
});

test('script injection: a repository script names where a variable\'s text comes from', () => {
  const script = { path: 'ci/notify.sh', text: '#!/bin/sh\nmsg="$CI_COMMIT_MESSAGE"\ntitle=$(git log -1 --format=%s)\nsh -c "notify $msg $title"\n', runBy: 'job "notify" of .gitlab-ci.yml' };
  assert.deepEqual(
    [...injection.scripts!.check(script)].map((h) => `${h.line} ${h.message}`),
    [
      '4 $msg (set from $CI_COMMIT_MESSAGE) is expanded into the code sh -c runs in ci/notify.sh, run by job "notify" of .gitlab-ci.yml: whoever writes the commit message can run commands in the job.',
      '4 $title (set from $(git log -1 --format=%s)) is expanded into the code sh -c runs in ci/notify.sh, run by job "notify" of .gitlab-ci.yml: whoever writes the commit message can run commands in the job.',
    ],
  );
});
