import { resolveWithinRoot } from '../../workspace/relative-path.js';

/**
 * Just enough reading of a Makefile (GNU make) to judge what `make TARGET` runs: the
 * explicit rules, their prerequisites and the lines of their recipes, in the files of the
 * Makefile and those it includes by a literal path. Nothing is expanded or run: a target or
 * prerequisite written with a variable (`$(BIN)`) is known by its text only (a prerequisite
 * `$(BIN)` leads to the rule `$(BIN):`, never to a goal a command names), an include written
 * with one is not read, pattern rules are not followed, and the recipe lines are read as
 * written, make's own variables in them unexpanded (`$$` is the shell's `$`).
 */

/** One file of a Makefile: its path from the scan root and its lines. */
export interface MakeFileText {
  path: string;
  lines: string[];
}

interface MakeRule {
  /** Index of the file in MakeModel.files. */
  file: number;
  prerequisites: string[];
  /** The recipe: groups of 0-based line indexes, one group per logical line (a line and its `\` continuations). */
  recipe: number[][];
}

export interface MakeModel {
  files: MakeFileText[];
  rules: Map<string, MakeRule[]>;
  /** The goal of a `make` with no target: `.DEFAULT_GOAL`, else the first target that starts with no dot. */
  defaultGoal: string | undefined;
  /** `.ONESHELL:`: every line of a recipe runs in one shell. */
  oneShell: boolean;
  /** Why the recipes cannot be read as tab-led lines (`.RECIPEPREFIX` set), when they cannot. */
  unreadable?: string;
}

/** At most this many files per Makefile (itself and its includes). */
export const MAX_MAKE_FILES = 8;
/** At most this many targets are followed from the goals a command names (their prerequisites, `$(MAKE) other`). */
export const MAX_MAKE_TARGETS = 64;

const DIRECTIVES = /^(?:ifeq|ifneq|ifdef|ifndef|else|endif)(?:\s|$)/;

/**
 * Reads a Makefile and the files it includes (`include x.mk`, `-include`, `sinclude`) by a
 * literal path, from the folder make runs in (`dir`), through `read`, in the order make
 * reads them, `MAX_MAKE_FILES` at most (`cut` is called when more were left out).
 */
export async function loadMakefile(
  main: MakeFileText,
  dir: string,
  read: (path: string) => Promise<MakeFileText | undefined>,
  cut?: (path: string) => void,
): Promise<MakeModel> {
  const model: MakeModel = { files: [], rules: new Map(), defaultGoal: undefined, oneShell: false };
  let firstTarget: string | null | undefined;
  const seen = new Set<string>();
  const visit = async (file: MakeFileText) => {
    seen.add(file.path);
    const index = model.files.push(file) - 1;
    const lines = file.lines;
    // The rules the recipe lines that follow belong to; undefined outside a rule.
    let current: MakeRule[] | undefined;
    let inDefine = 0;
    for (let i = 0; i < lines.length; i++) {
      const first = i;
      const raw = lines[i]!;
      if (raw.startsWith('\t') && current) {
        // A recipe line, and the lines its trailing backslashes continue.
        const group = [i];
        while (endsWithContinuation(lines[i]!) && i + 1 < lines.length) group.push(++i);
        for (const rule of current) rule.recipe.push(group);
        continue;
      }
      let logical = raw;
      while (endsWithContinuation(logical) && i + 1 < lines.length) logical = logical.slice(0, -1) + ' ' + lines[++i]!.trim();
      const line = stripComment(logical).trim();
      if (inDefine > 0) {
        if (/^endef\b/.test(line)) inDefine--;
        else if (/^(?:(?:override|export)\s+)?define\s/.test(line)) inDefine++;
        continue;
      }
      if (line === '' || DIRECTIVES.test(line)) continue; // blank lines, comments and conditionals keep a recipe going
      current = undefined;
      if (/^(?:(?:override|export)\s+)?define(?:\s|$)/.test(line)) {
        inDefine = 1;
        continue;
      }
      const include = /^(-?include|sinclude)\s+(.*)$/.exec(line);
      if (include) {
        for (const name of include[2]!.split(/\s+/)) {
          if (name === '' || /[$%*?[\]]/.test(name) || name.startsWith('/')) continue;
          const target = resolveWithinRoot(dir, name);
          if (target === undefined || seen.has(target)) continue;
          if (model.files.length >= MAX_MAKE_FILES) {
            cut?.(target);
            continue;
          }
          seen.add(target);
          const text = await read(target);
          if (text) await visit(text);
        }
        continue;
      }
      const assignment = /^(?:(?:override|export|private)\s+)*([^\s:=#]+)\s*(?:::?=|:::=|[?+!]?=)\s*(.*)$/.exec(line);
      if (assignment) {
        if (assignment[1] === '.DEFAULT_GOAL') model.defaultGoal = /^[^\s$%]+$/.test(assignment[2]!) ? assignment[2] : undefined;
        if (assignment[1] === '.RECIPEPREFIX') model.unreadable = 'sets .RECIPEPREFIX';
        continue;
      }
      const rule = ruleLine(line);
      if (!rule) continue;
      if (rule.variable) continue; // `target: VAR = value`: a target-specific variable, no recipe
      current = [];
      for (const target of rule.targets) {
        if (target === '.ONESHELL') model.oneShell = true;
        // The default goal is the first target that starts with no dot; one written with a variable is not known.
        if (firstTarget === undefined && !target.startsWith('.')) firstTarget = /[$%*?]/.test(target) ? null : target;
        if (/[%*?]/.test(target)) continue; // pattern rules are not followed
        const made: MakeRule = { file: index, prerequisites: rule.prerequisites, recipe: [] };
        let list = model.rules.get(target);
        if (!list) model.rules.set(target, (list = []));
        list.push(made);
        current.push(made);
      }
      // A pattern rule still owns the recipe lines below it (no other rule takes them).
      if (rule.inline) for (const made of current) made.recipe.push([first]);
    }
  };
  await visit(main);
  model.defaultGoal ??= firstTarget ?? undefined;
  return model;
}

function endsWithContinuation(line: string): boolean {
  const trailing = /\\+$/.exec(line);
  return trailing !== null && trailing[0].length % 2 === 1;
}

/** A make line without its comment (`#` not escaped). */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) if (line[i] === '#' && line[i - 1] !== '\\') return line.slice(0, i);
  return line;
}

/**
 * `targets: prerequisites [; recipe]` (or `::`, or a static pattern rule `targets: %.o: %.c`),
 * read outside `$(...)`; undefined for a line that is no rule.
 */
function ruleLine(line: string): { targets: string[]; prerequisites: string[]; inline: boolean; variable: boolean } | undefined {
  let depth = 0;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '$' && (line[i + 1] === '(' || line[i + 1] === '{')) {
      depth++;
      i++;
    } else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (depth === 0 && c === '=') return undefined;
    else if (depth === 0 && c === ':') {
      colon = i;
      break;
    }
  }
  if (colon <= 0) return undefined;
  const targets = line.slice(0, colon).trim().split(/\s+/).filter(Boolean);
  let rest = line.slice(colon + 1);
  if (rest.startsWith(':')) rest = rest.slice(1);
  if (rest.startsWith('=')) return undefined; // `x := y`, `x ::= y`
  const semicolon = outsideExpansions(rest, ';');
  const inline = semicolon >= 0;
  let prereqPart = inline ? rest.slice(0, semicolon) : rest;
  if (outsideExpansions(prereqPart, '=') >= 0) return { targets, prerequisites: [], inline: false, variable: true };
  // A static pattern rule: the target pattern sits between the two colons.
  const second = outsideExpansions(prereqPart, ':');
  if (second >= 0) prereqPart = prereqPart.slice(second + 1);
  const prerequisites = prereqPart
    .split(/\s+/)
    .filter((word) => word !== '' && word !== '|' && !/[%*?]/.test(word));
  return { targets, prerequisites, inline, variable: false };
}

function outsideExpansions(text: string, char: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      depth++;
      i++;
    } else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (depth === 0 && c === char) return i;
  }
  return -1;
}

/** The recipe lines of the goals and what they lead to, per file. */
export interface MakeRecipes {
  /** The targets whose recipes were taken, in the order reached. */
  targets: string[];
  /** Goals the Makefile does not define as explicit rules (a pattern rule, an included file not read, a file). */
  missing: string[];
  /** Per file (index in MakeModel.files): the recipe lines reached, logical line by logical line (0-based indexes), target by target. */
  recipes: Array<{ file: number; target: string; groups: number[][] }>;
  /** More targets were reached than MAX_MAKE_TARGETS. */
  cut: boolean;
}

/** The recipes `make GOALS` runs: each goal's and those of its prerequisites, depth first, each target once, bounded. */
export function recipesOf(model: MakeModel, goals: readonly string[]): MakeRecipes {
  const out: MakeRecipes = { targets: [], missing: [], recipes: [], cut: false };
  const done = new Set<string>();
  const visit = (target: string, goal: boolean, depth: number) => {
    if (done.has(target) || depth > 32) return;
    done.add(target);
    const rules = model.rules.get(target);
    if (!rules) {
      if (goal) out.missing.push(target);
      return;
    }
    if (out.targets.length >= MAX_MAKE_TARGETS) return void (out.cut = true);
    out.targets.push(target);
    for (const rule of rules) for (const prerequisite of rule.prerequisites) visit(prerequisite, false, depth + 1);
    for (const rule of rules) if (rule.recipe.length > 0) out.recipes.push({ file: rule.file, target, groups: rule.recipe });
  };
  for (const goal of goals) visit(goal, true, 0);
  return out;
}

/**
 * A recipe line as the shell gets it: the leading tab and make's `@`, `-` and `+` prefixes
 * (on the first line) turned to spaces, `$$` to `$`; a continued line loses its leading tab
 * as make drops it. Make's own `$(VAR)` references stay as written.
 */
export function recipeShellLine(line: string, first: boolean, oneLineRule = false): string {
  let text = line;
  if (oneLineRule) {
    const semicolon = outsideExpansions(text, ';');
    if (semicolon < 0) return '';
    text = ' '.repeat(semicolon + 1) + text.slice(semicolon + 1);
  } else if (text.startsWith('\t')) text = ' ' + text.slice(1);
  if (first) text = text.replace(/^(\s*)([@+-][@+\-\s]*)/, (_, space: string, prefix: string) => space + ' '.repeat(prefix.length));
  return text.replace(/\$\$/g, '$');
}
