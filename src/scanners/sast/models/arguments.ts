import type { ApiCall } from './apis.js';
import { liveTaints, make, possibleStrings, type Obj, type Taint, type Value } from '../analysis/value.js';
import { own } from './table.js';

/**
 * Argument injection (CWE-88): a program run without a shell (execFile, spawn, execa with an
 * argument list) still reads options from its arguments. Input that can begin with '-' becomes
 * an option, and some programs have options that run a command or write a file of the
 * caller's choosing. Reported in the command injection class (CWE-78): that is what it leads to.
 *
 * Each entry is a program whose options are known to run commands or write files, with the
 * reason shown in findings.
 */
const PROGRAMS: Readonly<Record<string, string>> = {
  // git-clone(1)/git-fetch(1) --upload-pack, git(1) -c core.sshCommand=..., git-diff(1) --output=<file> (CVE-2022-24376, CVE-2022-24433).
  git: 'git options such as --upload-pack=<command>, -c core.sshCommand=<command> and --output=<file> run a command or write a file',
  // ssh(1) -oProxyCommand=<command>; a host beginning with '-' is read as an option (CVE-2017-1000117).
  ssh: 'ssh options such as -oProxyCommand=<command> run a command',
  // scp(1) -S <program> and -oProxyCommand=<command>.
  scp: 'scp options such as -S <program> and -oProxyCommand=<command> run a command',
  // rsync(1) -e/--rsh=<command> picks the remote shell program.
  rsync: 'rsync options such as -e <command> and --rsh=<command> run a command',
  // GNU tar(1) --checkpoint-action=exec=<command>, --use-compress-program=<program>, --to-command=<command>.
  tar: 'tar options such as --checkpoint-action=exec=<command> and --use-compress-program=<program> run a command',
  // find(1) -exec/-execdir run commands, -fprint/-fls write files.
  find: 'find expressions such as -exec <command> ; run a command and -fprint <file> writes a file',
  // zip(1) -T -TT <command> (--unzip-command) tests the archive with a command of the caller's choosing.
  zip: 'zip options such as -TT <command> (--unzip-command) run a command',
  // curl(1) -o/--output writes a file, -K/--config reads further options from a file.
  curl: 'curl options such as -o <file> and -K <config file> write a file or read more options',
  // wget(1) -O/--output-document writes a file, -e/--execute runs a .wgetrc command.
  wget: 'wget options such as --output-document=<file> and -e <wgetrc command> write a file or change its behaviour',
  // sendmail(8) -X <logfile> writes a file, -O QueueDirectory=... and -C <config> change its configuration.
  sendmail: 'sendmail options such as -X <log file> and -C <config file> write a file or load a configuration',
};

/** The table's entry for a program name: "git", "/usr/bin/git", "git.exe". */
function programReason(name: string): string | undefined {
  return own(PROGRAMS, name.split(/[\\/]/).pop()!.replace(/\.exe$/i, '').toLowerCase());
}

/**
 * Taints of a value that may make up its start, where '-' would begin an option. A string
 * built from a constant start (`--branch=${b}`) cannot begin a new option; in a string built
 * from input the leading part's taints are the `base` ones.
 */
function leadingArgumentTaints(v: Value): Taint[] {
  if (v.prefix) return [];
  const live = liveTaints(v, 'argument');
  return v.built ? live.filter((t) => t.base) : live;
}

/**
 * Taints of the elements of an argument list that may be read as options: those that can
 * begin with '-', up to a constant '--' (end of options) when the list is an array whose
 * elements before it are known. Elements added without a known position (spread, push) count
 * as after such a '--' only when every element before it is known.
 */
function optionTaints(c: ApiCall, list: Value): Taint[] {
  const out: Taint[] = [...leadingArgumentTaints(list)];
  for (const o of list.objs) if (o.isArray) out.push(...arrayOptionTaints(o));
  for (const api of list.apis) out.push(...leadingArgumentTaints(c.an.elementsOf(make({ apis: [api] }), false, c.site.node)));
  return out;
}

function arrayOptionTaints(o: Obj): Taint[] {
  let end = -1;
  for (let i = 0; o.props.has(String(i)); i++) {
    if (o.props.get(String(i))!.str === '--') {
      end = i;
      break;
    }
  }
  const out: Taint[] = end < 0 ? leadingArgumentTaints(o.dyn) : [];
  for (const [key, value] of o.props) {
    const index = /^\d+$/.test(key) ? Number(key) : -1;
    if (end < 0 || index < end) out.push(...leadingArgumentTaints(value));
  }
  return out;
}

/**
 * `execFile(program, args)` without a shell: an element of args that the attacker controls
 * from its first character, when the program is one whose options run commands or write files.
 */
export function checkArguments(c: ApiCall, positions: readonly [number, number], label: string): void {
  const program = c.args[positions[0]];
  const list = c.args[positions[1]];
  if (!program || !list) return;
  const known = possibleStrings(program).map(programReason).find((p) => p !== undefined);
  if (!known) return;
  const taint: Taint[] = [];
  for (const t of optionTaints(c, list)) if (!taint.some((x) => x.label === t.label)) taint.push(t);
  if (taint.length === 0) return;
  c.an.sink('argument', make({ taint }), c.site.node, label, known);
}
