/**
 * A chart's .helmignore, as Helm's loader applies it when it reads a chart directory: the
 * files it names are not part of the chart (templates are not rendered, .Files never
 * offers them). Only the top
 * chart's file counts (it applies to the paths of its subcharts under charts/ too), as in
 * Helm. Rules: `#` comments, `!` negation, a trailing `/` for directories, a leading `/`
 * or an inner `/` matches the whole path, else the base name, each with Go's
 * filepath.Match; `**` is not supported.
 */

export interface HelmIgnore {
  /** Whether a path relative to the chart is left out (a file, or one of its directories). */
  ignores(path: string): boolean;
  /** Rules that Helm refuses, with their line: Helm would not load the chart. */
  problems: Array<{ line: number; message: string }>;
}

interface Rule {
  negate: boolean;
  mustDir: boolean;
  /** Match on the base name only. */
  base: boolean;
  pattern: RegExp;
}

/** Go's filepath.Match pattern as a regular expression, or an error message. */
function globRegExp(glob: string): RegExp | string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= glob.length) return 'syntax error in pattern';
      out += escape(glob[++i]!);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '';
      if (glob[j] === '^') {
        cls += '^';
        j++;
      }
      let first = true;
      while (j < glob.length && (glob[j] !== ']' || first)) {
        if (glob[j] === ']' && first) return 'syntax error in pattern';
        let ch = glob[j]!;
        if (ch === '\\') {
          if (j + 1 >= glob.length) return 'syntax error in pattern';
          ch = glob[++j]!;
        }
        cls += ch === '-' && !first && glob[j + 1] !== ']' ? '-' : escape(ch);
        first = false;
        j++;
      }
      if (j >= glob.length || first) return 'syntax error in pattern';
      out += `[${cls}]`;
      i = j;
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`, 's');
}

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

export function parseHelmIgnore(text: string): HelmIgnore {
  const rules: Rule[] = [];
  const problems: HelmIgnore['problems'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    let rule = raw.trim();
    if (rule === '' || rule.startsWith('#')) return;
    if (rule.includes('**')) return void problems.push({ line: i + 1, message: 'double-star (**) syntax is not supported' });
    const negate = rule.startsWith('!');
    if (negate) rule = rule.slice(1);
    const mustDir = rule.endsWith('/');
    if (mustDir) rule = rule.slice(0, -1);
    const base = !rule.includes('/');
    const pattern = globRegExp(rule.replace(/^\//, ''));
    if (typeof pattern === 'string') return void problems.push({ line: i + 1, message: pattern });
    rules.push({ negate, mustDir, base, pattern });
  });
  // Helm's Rules.Ignore, rule by rule (a negative rule ignores whatever it does not match).
  const ignored = (path: string, isDir: boolean): boolean => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    for (const rule of rules) {
      const matches = rule.pattern.test(rule.base ? name : path);
      if (rule.negate) {
        if ((rule.mustDir && !isDir) || !matches) return true;
        continue;
      }
      if (rule.mustDir && !isDir) continue;
      if (matches) return true;
    }
    return false;
  };
  return {
    problems,
    ignores(path) {
      if (rules.length === 0) return false;
      const parts = path.split('/');
      // The loader walks down the tree: an ignored directory is skipped with all it holds.
      for (let i = 1; i < parts.length; i++) if (ignored(parts.slice(0, i).join('/'), true)) return true;
      return ignored(path, false);
    },
  };
}
