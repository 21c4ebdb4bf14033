import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envFileWrites } from '../../../src/scanners/iac/github/env-writes.js';

const writes = (script: string, dialect: 'posix' | 'powershell' = 'posix', holdsTextOnly = (name: string) => name !== 'NODE_OPTIONS') =>
  envFileWrites(script, dialect, holdsTextOnly).map((w) => `${script.slice(0, w.offset).split('\n').length} ${w.file}: ${w.text.replace(/\n/g, ' / ')}`);

test('a line that names the file, and the group, loop or here-document whose output goes there', () => {
  const script = [
    'echo "A=$A" >> "$GITHUB_ENV"',
    '# echo "B=$B" >> "$GITHUB_ENV"',
    'for f in a b; do',
    '  echo "X_$f=$T"',
    'done >> $GITHUB_ENV',
    'if [ -n "$T" ]; then',
    '  echo "$T"',
    'fi >> "${GITHUB_PATH}"',
    'cat <<-EOF >> $GITHUB_ENV',
    '\tT=$T',
    '\tEOF',
    'echo "after"',
    // A closer with no opener at its indentation stands alone.
    '  } >> "$GITHUB_ENV"',
  ].join('\n');
  assert.deepEqual(writes(script), [
    '1 GITHUB_ENV: echo "A=$A" >> "$GITHUB_ENV"',
    '5 GITHUB_ENV: for f in a b; do /   echo "X_$f=$T" / done >> $GITHUB_ENV',
    '8 GITHUB_PATH:   echo "$T" / fi >> "${GITHUB_PATH}"',
    '9 GITHUB_ENV: cat <<-EOF >> $GITHUB_ENV / \tT=$T',
    '13 GITHUB_ENV:   } >> "$GITHUB_ENV"',
  ]);
  // A quoted delimiter: the shell expands nothing in the body, the runner's expressions remain.
  assert.deepEqual(writes("cat >> \"$GITHUB_ENV\" <<'EOF'\nT=$T ${{ github.event.issue.title }}\nEOF\n"), ['1 GITHUB_ENV: cat >> "$GITHUB_ENV" <<\'EOF\' / T=T ${{ github.event.issue.title }}']);
  // PowerShell's $env:GITHUB_ENV, in any case; no groups or here-documents are read there.
  assert.deepEqual(writes('"T=$env:T" | Out-File -Append -FilePath $Env:GITHUB_ENV\nAdd-Content ${env:GITHUB_PATH} "$pwd/bin"\n', 'powershell'), [
    '1 GITHUB_ENV: "T=$env:T" | Out-File -Append -FilePath $Env:GITHUB_ENV',
    '2 GITHUB_PATH: Add-Content ${env:GITHUB_PATH} "$pwd/bin"',
  ]);
  // A here-string closed and piped into the file on the same line.
  assert.deepEqual(writes('$x = 1\n@"\nT=$env:T\n"@ | Out-File -Append $env:GITHUB_ENV\n@\'\nU=$env:U\n\'@ >> $env:GITHUB_ENV\n', 'powershell'), [
    '4 GITHUB_ENV: @" / T=$env:T / "@ | Out-File -Append $env:GITHUB_ENV',
    "7 GITHUB_ENV: @' / U=env:U / '@ >> env:GITHUB_ENV",
  ]);
});

test('a value enclosed by a random delimiter is left out when its variable holds text only', () => {
  const lines = ['D="$(openssl rand -hex 8)"', 'echo "NOTES<<${D}" >> "$GITHUB_ENV"', 'echo "$T" >> "$GITHUB_ENV"', 'echo "${D}" >> "$GITHUB_ENV"', 'echo "B=$T" >> "$GITHUB_ENV"'];
  assert.deepEqual(writes(lines.join('\n')), ['2 GITHUB_ENV: echo "NOTES<<${D}" >> "$GITHUB_ENV"', '3 GITHUB_ENV: ', '4 GITHUB_ENV: ', '5 GITHUB_ENV: echo "B=$T" >> "$GITHUB_ENV"']);
  // A variable that steers code, or a delimiter the text can guess ($RANDOM: 32768 values), keeps the value.
  assert.deepEqual(writes(lines.join('\n').replace('NOTES', 'NODE_OPTIONS'))[1], '3 GITHUB_ENV: echo "$T" >> "$GITHUB_ENV"');
  assert.deepEqual(writes(lines.join('\n').replace('$(openssl rand -hex 8)', 'EOF_$RANDOM'))[1], '3 GITHUB_ENV: echo "$T" >> "$GITHUB_ENV"');
});
