import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hereStringAt, parsePowerShell, pipedScripts, powerShellString } from '../../../src/scanners/iac/powershell.js';
import { scriptParts } from '../../../src/scanners/iac/script-dialect.js';

const commands = (script: string) => parsePowerShell(script).map((pipeline) => pipeline.map((c) => `${c.captured ? '= ' : ''}${c.words.map((w) => w.text).join(' ')}`).join(' | '));

test('a here-string is one word of the lines between its opener and closer, quotes being text', () => {
  const script = '$notes = @"\nTitle: "$env:CI_COMMIT_TITLE" (it\'s `$x)\n"@\nWrite-Host $notes\n@\'\nsay "hi"\n\'@ | bash\n';
  assert.deepEqual(commands(script), ['= Write-Output Title: "$env:CI_COMMIT_TITLE" (it\'s $x)', 'Write-Host $notes', 'Write-Output say "hi" | bash']);
  assert.deepEqual(hereStringAt(script, script.indexOf('@"')), { expandable: true, start: 12, end: 52, close: 55 });
  // `@"` with text after it on its line opens no here-string; nor does one inside a word.
  assert.equal(hereStringAt('@"x"@', 0), undefined);
  assert.deepEqual(commands('git push user@"host"\n'), ['git push user@host']);
  // An empty here-string, and closers after indentation (a YAML block keeps none, but a script file may).
  assert.deepEqual(hereStringAt('@"\n"@', 0), { expandable: true, start: 3, end: 3, close: 5 });
  assert.deepEqual(commands("  @'\n  a\n  '@ | sh\n"), ['Write-Output   a | sh']);
});

test('the text PowerShell hands on from a here-string: an expandable one expanded, a literal one as written', () => {
  const script = '@"\nnotify "$env:CI_COMMIT_TITLE" `$HOME\n"@ | bash\n@\'\nnotify "$CI_COMMIT_TITLE" \'\'\n\'@ | bash\n';
  assert.equal(powerShellString(script, 0)!.text, 'notify "${CI_COMMIT_TITLE}" $HOME');
  assert.equal(powerShellString(script, script.indexOf("@'"))!.text, 'notify "$CI_COMMIT_TITLE" \'\'');
  // Each is bash's script too.
  assert.deepEqual(scriptParts(script, 'powershell').slice(1).map((p) => p.text), ['notify "${CI_COMMIT_TITLE}" $HOME', 'notify "$CI_COMMIT_TITLE" \'\'']);
});

test('what a pipeline hands to Invoke-Expression or a shell\'s standard input', () => {
  const piped = (script: string) => parsePowerShell(script).flatMap(pipedScripts).map((p) => `${p.runner}${p.posix ? ' (posix)' : ''}: ${p.words.map((w) => w.text).join(' ')}`);
  assert.deepEqual(piped('"notify $t" | iex\n$script | C:\\msys64\\usr\\bin\\bash.exe -s\necho "a" | sh\nWrite-Output -NoEnumerate $s | Invoke-Expression\n'), [
    'Invoke-Expression: notify $t',
    'bash (posix): $script',
    'sh (posix): a',
    'Invoke-Expression: $s',
  ]);
  // A shell with -c text or a file, Invoke-Expression with an argument, a command that writes nothing on: none.
  assert.deepEqual(piped('"x" | bash -c "read l"\n"x" | bash ./run.sh\n"x" | iex "y"\nGet-Content a.sh | bash\n"x" | Write-Host\n'), []);
});

test('a typed assignment is an assignment: the command on its right, its output captured', () => {
  assert.deepEqual(commands('[string]$t = $env:CI_COMMIT_TITLE\n[ValidateNotNull()] [string[]] $list = git log -1 --format=%s\n[int]::Parse("1")\n'), [
    '= Write-Output $env:CI_COMMIT_TITLE',
    '= git log -1 --format=%s',
    '[int]::Parse("1")',
  ]);
});
