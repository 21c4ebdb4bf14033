import { resolveWithinRoot } from '../../workspace/relative-path.js';

/**
 * Just enough reading of a Makefile (GNU make) to judge what `make TARGET` runs: the
 * rules, their prerequisites and the lines of their recipes, in the files of the Makefile
 * and those it includes. Nothing is run.
 *
 * Target names, prerequisites, include paths and `.DEFAULT_GOAL` are expanded as make
 * reads them, line by line, with the variables the files set before (`VAR = value`,
 * `:=`, `::=`, `?=`, `+=`); what is not known stays as written and is matched by its
 * text (a prerequisite `$(BIN)` leads to the rule `$(BIN):`, never to a goal a command
 * names): a variable not set in the files (the environment's, make's own), one set by
 * `!=` or `define`, in a conditional (`ifeq`...), or by what `$(eval)` may run, every
 * function (`$(shell ...)` is never run), a substitution reference, and any expansion over
 * the bounds (MAX_EXPANSION_DEPTH, MAX_EXPANDED_CHARS, MAX_EXPANSION_STEPS against
 * recursive and doubling variables). An include that stays unknown is not read.
 *
 * A target with no recipe of its own (and not `.PHONY`) takes one from a pattern rule
 * (`%: common-%`, `%.o: %.c`), as GNU make searches them: the shortest stem first, then
 * the order of the files, a match-anything rule not for a name of a specific type
 * (`x.o`, one another pattern rule's target matches), and the first rule whose
 * prerequisites, the stem put in, all ought to exist (are targets or prerequisites of the
 * files' explicit rules). Whether a file exists is not known here: when the first rule
 * in that order needs one, none is followed (nor are chains of pattern rules).
 *
 * Recipe lines are read as written, make's own variables in them unexpanded (`$$` is
 * the shell's `$`).
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
  /** The rule gives a recipe, even an empty one (`target: ;`): make searches no pattern rule for it. */
  hasRecipe: boolean;
}

/** A pattern rule (`%.o: %.c`, `%: common-%`): target patterns, prerequisite patterns and recipe. */
interface PatternRule extends MakeRule {
  targets: string[];
  /** `%:: x`: a terminal rule, which make also tries for a name of a specific type. */
  terminal: boolean;
}

export interface MakeModel {
  files: MakeFileText[];
  rules: Map<string, MakeRule[]>;
  /** The pattern rules with a recipe, in the order make reads them. */
  patterns: PatternRule[];
  /** The targets of `.PHONY`: make searches no pattern rule for them. */
  phony: Set<string>;
  /** Names that ought to exist: the targets and prerequisites of the explicit rules (special targets' aside). */
  mentioned: Set<string>;
  /** The goal of a `make` with no target: `.DEFAULT_GOAL`, else the first target that starts with no dot. */
  defaultGoal: string | undefined;
  /** `.ONESHELL:`: every line of a recipe runs in one shell. */
  oneShell: boolean;
  /** Why the recipes cannot be read as tab-led lines (`.RECIPEPREFIX` set), when they cannot. */
  unreadable?: string;
}

/**
 * At most this many files per Makefile (itself and its includes): projects built on shared
 * make modules (cert-manager's makefile-modules) include two dozen.
 */
export const MAX_MAKE_FILES = 32;
/** At most this many targets are followed from the goals a command names (their prerequisites, `$(MAKE) other`). */
export const MAX_MAKE_TARGETS = 64;
/** Variables expanded within variables, at most. */
export const MAX_EXPANSION_DEPTH = 16;
/** An expansion longer than this is not known. */
export const MAX_EXPANDED_CHARS = 4096;
/** References one expansion follows, at most; a Makefile follows MAX_MODEL_STEPS in all. */
export const MAX_EXPANSION_STEPS = 1000;
const MAX_MODEL_STEPS = 200_000;

const CONDITIONAL = /^(ifeq|ifneq|ifdef|ifndef|else|endif)(?=[\s(]|$)(.*)$/;

/**
 * The suffixes of GNU make's built-in rules (its default `.SUFFIXES`): a name with one is of
 * a specific type, which no non-terminal match-anything rule (`%: x`) makes.
 */
const BUILTIN_SUFFIXES = '.out .a .ln .o .c .cc .C .cpp .p .f .F .m .r .y .l .ym .lm .s .S .mod .sym .def .h .info .dvi .tex .texinfo .texi .txinfo .w .ch .web .sh .elc .el'.split(' ');

/**
 * Stands for the `$` of text an expansion keeps as written (not known), so that a later
 * expansion does not read it again; words are given back with their `$`.
 */
const KEPT = '\uE000';

/** One expansion: references followed, variables being expanded, a variable found to refer to itself. */
interface Run {
  steps: number;
  active: string[];
  failed: boolean;
  /** For a condition: a variable set by `?=` (which the environment may set instead) is not known. */
  strict: boolean;
}

/**
 * A variable as the files set it: its value (as written for `=`, expanded for `:=`), or
 * not known. `defaulted`: set by `?=` (the environment may set it instead).
 */
type MakeVariable = { value: string; recursive: boolean; defaulted?: boolean } | { unknown: true };

/** true, false, or not known. */
type Tri = boolean | undefined;

function not(a: Tri): Tri {
  return a === undefined ? undefined : !a;
}
function and(a: Tri, b: Tri): Tri {
  return a === false || b === false ? false : a === true && b === true ? true : undefined;
}
function or(a: Tri, b: Tri): Tri {
  return a === true || b === true ? true : a === false && b === false ? false : undefined;
}

const UNKNOWN: MakeVariable = { unknown: true };

function sameVariable(a: MakeVariable | undefined, b: MakeVariable | undefined): boolean {
  if (a === undefined || b === undefined || 'unknown' in a || 'unknown' in b) return false;
  return a.value === b.value && a.recursive === b.recursive && a.defaulted === b.defaulted;
}

class Variables {
  private readonly vars = new Map<string, MakeVariable>();
  /** Set on make's command line (`make X=1`): the files' assignments do not change them (but `override`). */
  private readonly commandLine = new Set<string>();
  /** Names set in `define` blocks, as patterns (a name written with `$(1)` stands for any text there). */
  private readonly templated: RegExp[] = [];
  private steps = 0;

  constructor(commandLine: ReadonlyMap<string, string | undefined> = new Map()) {
    for (const [name, value] of commandLine) {
      this.commandLine.add(name);
      this.vars.set(name, value === undefined ? UNKNOWN : { value, recursive: true });
    }
  }

  /**
   * `NAME OP value` read by make; `maybe`: in a conditional whose branch may or may not be
   * taken, where the variable keeps a value only when both ways give the same.
   */
  assign(name: string, op: string, value: string, maybe: boolean, override: boolean): void {
    if (this.commandLine.has(name) && !override) return;
    const old = this.vars.get(name);
    const next = this.assigned(old, op, value);
    if (next === old) return;
    this.vars.set(name, maybe && !sameVariable(old, next) ? UNKNOWN : next);
  }

  private assigned(old: MakeVariable | undefined, op: string, value: string): MakeVariable {
    if (op === '!=') return UNKNOWN;
    if (op === '?=') return old ?? { value, recursive: true, defaulted: true };
    if (op === '+=') {
      if (old === undefined) return { value, recursive: true };
      if ('unknown' in old) return old;
      if (old.recursive) return { value: old.value === '' ? value : `${old.value} ${value}`, recursive: true };
      const added = this.expand(value);
      const joined = added === undefined ? undefined : old.value === '' ? added : `${old.value} ${added}`;
      return joined === undefined || joined.length > MAX_EXPANDED_CHARS ? UNKNOWN : { value: joined, recursive: false };
    }
    if (op === '=') return { value, recursive: true };
    // `:=`, `::=`, `:::=`: expanded now.
    const expanded = this.expand(value);
    return expanded === undefined ? UNKNOWN : { value: expanded, recursive: false };
  }

  /** `define NAME` (its value is not followed) and the names its body sets, for `$(eval)`. */
  define(name: string, body: string[]): void {
    if (!this.commandLine.has(name)) this.vars.set(name, UNKNOWN);
    for (const line of body) {
      const set = assignmentOf(line.trim());
      if (set) this.templated.push(namePattern(set.name));
    }
  }

  /** A top-level line that runs `$(eval)`: what it may set (the names of the `define` blocks and its own text) is no longer known. */
  evaluated(line: string): void {
    const patterns = [...this.templated];
    for (const match of line.matchAll(/([\w.$(){}-]+)\s*(?:::?=|:::=|[?+!]?=)/g)) patterns.push(namePattern(match[1]!));
    for (const name of this.vars.keys()) if (!this.commandLine.has(name) && patterns.some((pattern) => pattern.test(name))) this.vars.set(name, UNKNOWN);
  }

  undefine(name: string): void {
    if (!this.commandLine.has(name)) this.vars.delete(name);
  }

  /**
   * The condition of `ifdef`, `ifndef`, `ifeq` or `ifneq` (`text`, what follows the
   * keyword): known when the variables it reads are set in the files or on the command
   * line (not by `?=`: the environment may set those), and no function is in it.
   */
  condition(keyword: string, text: string): Tri {
    if (keyword === 'ifdef' || keyword === 'ifndef') {
      const name = this.expand(text.trim(), true);
      if (name === undefined || name.includes(KEPT) || name === '' || /\s/.test(name)) return undefined;
      const variable = this.vars.get(name);
      // ifdef reads the value as set, not expanded: `X = $(EMPTY)` is defined.
      let defined: Tri;
      if (variable === undefined || 'unknown' in variable) defined = undefined;
      else if (variable.value === '') defined = variable.defaulted ? undefined : false;
      else defined = variable.recursive || !variable.value.includes(KEPT) ? true : undefined;
      return defined === undefined ? undefined : (keyword === 'ifdef') === defined;
    }
    const args = conditionArguments(text);
    if (!args) return undefined;
    const [a, b] = args.map((arg) => this.expand(arg, true));
    if (a === undefined || b === undefined || a.includes(KEPT) || b.includes(KEPT)) return undefined;
    return (keyword === 'ifeq') === (a === b);
  }

  /**
   * `text` as make expands it, what is not known kept as written (its `$` as KEPT);
   * undefined when over the bounds or when a variable refers to itself.
   */
  expand(text: string, strict = false): string | undefined {
    if (text.length > MAX_EXPANDED_CHARS * 4) return undefined;
    const run: Run = { steps: 0, active: [], failed: false, strict };
    const out = this.expandIn(text, run, 0);
    return run.failed ? undefined : out;
  }

  private expandIn(text: string, run: Run, depth: number): string | undefined {
    let out = '';
    for (let i = 0; i < text.length; ) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, dollar);
      const next = text[dollar + 1];
      if (next === undefined) {
        out += KEPT;
        break;
      }
      if (next === '$') {
        out += KEPT + KEPT;
        i = dollar + 2;
        continue;
      }
      let body: string;
      let end: number;
      if (next === '(' || next === '{') {
        const close = closing(text, dollar + 1);
        if (close < 0) {
          out += kept(text.slice(dollar));
          break;
        }
        body = text.slice(dollar + 2, close);
        end = close + 1;
      } else {
        body = next;
        end = dollar + 2;
      }
      out += this.reference(text.slice(dollar, end), body, next === '(' || next === '{', run, depth);
      if (run.failed || out.length > MAX_EXPANDED_CHARS) return undefined;
      i = end;
    }
    return out;
  }

  /** One `$(...)`, `${...}` or `$X`: a variable's value, or the text as written when not known. */
  private reference(raw: string, body: string, braced: boolean, run: Run, depth: number): string {
    if (++run.steps > MAX_EXPANSION_STEPS || ++this.steps > MAX_MODEL_STEPS || depth >= MAX_EXPANSION_DEPTH) {
      // Over the bounds: nothing of the text is known.
      run.failed = true;
      return kept(raw);
    }
    // A function (`$(shell go env GOPATH)`, `$(addprefix a-,$(X))`) or a substitution reference (`$(X:.c=.o)`) is not evaluated.
    if (braced && (/\s/.test(body) || outsideExpansions(body, ':') >= 0)) return kept(raw);
    // A computed name (`$($(X)_DIR)`): its name first.
    const name = body.includes('$') ? this.expandIn(body, run, depth + 1) : body;
    if (name === undefined || name.includes(KEPT) || name === '') return kept(raw);
    const variable = this.vars.get(name);
    if (variable === undefined || 'unknown' in variable || (run.strict && variable.defaulted)) return kept(raw);
    if (!variable.recursive) return variable.value;
    if (run.active.includes(name)) {
      // Refers to itself: make stops there, and nothing of the text is known.
      run.failed = true;
      return kept(raw);
    }
    run.active.push(name);
    const value = this.expandIn(variable.value, run, depth + 1);
    run.active.pop();
    if (value === undefined) run.failed = true;
    return value ?? kept(raw);
  }
}

function kept(raw: string): string {
  return raw.replaceAll('$', KEPT);
}

/** The index of the parenthesis or brace that closes the one at `open` (make counts only that kind), or -1. */
function closing(text: string, open: number): number {
  const opener = text[open]!;
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer && --depth === 0) return i;
  }
  return -1;
}

/** A name of a `define` block or `$(eval)` text as a pattern: what is written with `$(...)` stands for any text. */
function namePattern(name: string): RegExp {
  const parts = name.split(/\$(?:\([^)]*\)|\{[^}]*\}|.)/);
  return new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The words of expanded text, split on blanks outside what is kept as written (`$(shell go env GOPATH)` is one word). */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === KEPT && (text[i + 1] === '(' || text[i + 1] === '{')) {
      // What is kept as written, to its closing parenthesis (or the end).
      const close = closing(text, i + 1);
      const end = close < 0 ? text.length : close + 1;
      word += text.slice(i, end);
      i = end - 1;
    } else if (/\s/.test(c)) {
      if (word !== '') words.push(word);
      word = '';
    } else word += c;
  }
  if (word !== '') words.push(word);
  return words;
}

/** A word without what is kept as written. */
function knownPart(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== KEPT) out += word[i];
    else if (word[i + 1] === '(' || word[i + 1] === '{') {
      const close = closing(word, i + 1);
      i = close < 0 ? word.length : close;
    } else i++;
  }
  return out;
}

/** A word as make names it: what was kept as written gets its `$` back. */
function plain(word: string): string {
  return word.replaceAll(KEPT, '$');
}

/** `[override|export|private] NAME OP value`, or undefined. */
function assignmentOf(line: string): { name: string; op: string; value: string; override: boolean } | undefined {
  const match = /^((?:(?:override|export|private)\s+)*)([^\s:=#]+)\s*(::?=|:::=|[?+!]?=)\s*(.*)$/.exec(line);
  return match ? { name: match[2]!, op: match[3]!, value: match[4]!, override: /\boverride\b/.test(match[1]!) } : undefined;
}

/** The two texts `ifeq`/`ifneq` compare: `(a,b)`, `"a" "b"` or `'a' 'b'`, as written; undefined when not read. */
function conditionArguments(text: string): [string, string] | undefined {
  const rest = text.trim();
  if (rest.startsWith('(')) {
    const close = closing(rest, 0);
    if (close !== rest.length - 1) return undefined;
    const inner = rest.slice(1, close);
    const comma = outsideExpansions(inner, ',');
    return comma < 0 ? undefined : [inner.slice(0, comma).trim(), inner.slice(comma + 1).trim()];
  }
  const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(rest);
  return quoted ? [quoted[2]!, quoted[4]!] : undefined;
}

/**
 * Reads a Makefile and the files it includes (`include x.mk`, `-include`, `sinclude`) by a
 * path known once expanded, from the folder make runs in (`dir`), through `read`, in the
 * order make reads them, `MAX_MAKE_FILES` at most (`cut` is called once, with the first file
 * left out). `commandLine`: the variables make's command line sets (`make X=1`; undefined: to
 * a value not known), which the files' assignments do not change. `glob`: the scan's files a
 * wildcard path names (`-include make/_shared/*.mk`), sorted as GNU make 4.3 sorts
 * them; without it such an include is not read.
 */
export async function loadMakefile(
  main: MakeFileText,
  dir: string,
  read: (path: string) => Promise<MakeFileText | undefined>,
  cut?: (path: string) => void,
  commandLine?: ReadonlyMap<string, string | undefined>,
  glob?: (pattern: string) => string[],
): Promise<MakeModel> {
  const model: MakeModel = { files: [], rules: new Map(), patterns: [], phony: new Set(), mentioned: new Set(), defaultGoal: undefined, oneShell: false };
  const vars = new Variables(commandLine);
  // The default goal: set by `.DEFAULT_GOAL` (null: to what is not known), else the first target.
  let goalSet: string | null | undefined;
  let firstTarget: string | null | undefined;
  const seen = new Set<string>();
  let wasCut = false;
  const expandOr = (text: string) => vars.expand(text) ?? kept(text);
  const visit = async (file: MakeFileText) => {
    seen.add(file.path);
    const index = model.files.push(file) - 1;
    const lines = file.lines;
    // The rules the recipe lines that follow belong to; undefined outside a rule.
    let current: MakeRule[] | undefined;
    let define: { name: string; body: string[]; depth: number; ignored: boolean } | undefined;
    // The conditionals the line is in: whether its branch is taken (undefined: not known), and whether an earlier one was.
    const conditionals: Array<{ taken: Tri; before: Tri }> = [];
    const taken = (frames = conditionals): Tri => (frames.some((f) => f.taken === false) ? false : frames.every((f) => f.taken === true) ? true : undefined);
    for (let i = 0; i < lines.length; i++) {
      const first = i;
      const raw = lines[i]!;
      if (raw.startsWith('\t') && current && !define) {
        // A recipe line, and the lines its trailing backslashes continue.
        const group = [i];
        while (endsWithContinuation(lines[i]!) && i + 1 < lines.length) group.push(++i);
        if (taken() === false) continue;
        for (const rule of current) {
          rule.recipe.push(group);
          rule.hasRecipe = true;
        }
        continue;
      }
      let logical = raw;
      while (endsWithContinuation(logical) && i + 1 < lines.length) logical = logical.slice(0, -1) + ' ' + lines[++i]!.trim();
      const line = stripComment(logical).trim();
      if (define) {
        if (/^endef\b/.test(line) && --define.depth === 0) {
          if (!define.ignored) vars.define(define.name, define.body);
          define = undefined;
        } else {
          if (/^(?:(?:override|export)\s+)?define\s/.test(line)) define.depth++;
          define.body.push(logical);
        }
        continue;
      }
      // Blank lines, comments and conditionals keep a recipe going.
      if (line === '') continue;
      const conditional = CONDITIONAL.exec(line);
      if (conditional) {
        const [, keyword, rest] = conditional;
        if (keyword === 'endif') conditionals.pop();
        else if (keyword !== 'else') {
          const condition = taken() === false ? false : vars.condition(keyword!, rest!);
          conditionals.push({ taken: condition, before: condition });
        } else {
          const top = conditionals.at(-1);
          if (!top) continue;
          // `else` or `else ifeq ...`: taken when no branch before was and its condition holds.
          const inner = /^(ifeq|ifneq|ifdef|ifndef)(?=[\s(]|$)(.*)$/.exec(rest!.trim());
          const condition = !inner ? true : taken(conditionals.slice(0, -1)) === false ? false : vars.condition(inner[1]!, inner[2]!);
          top.taken = and(not(top.before), condition);
          top.before = or(top.before, top.taken);
        }
        continue;
      }
      // What a branch not taken holds make does not read (but it finds where a define block ends).
      const mode = taken();
      const defined = /^(?:(?:override|export)\s+)?define\s+([^\s=]+)/.exec(line);
      if (defined || /^(?:(?:override|export)\s+)?define$/.test(line)) {
        define = { name: defined?.[1] ?? '', body: [], depth: 1, ignored: mode === false };
        if (mode !== false) current = undefined;
        continue;
      }
      if (mode === false) continue;
      current = undefined;
      const undefine = /^(?:override\s+)?undefine\s+(\S+)$/.exec(line);
      if (undefine) {
        vars.undefine(undefine[1]!);
        continue;
      }
      const include = /^(-?include|sinclude)\s+(.*)$/.exec(line);
      if (include) {
        const names = vars.expand(include[2]!);
        for (const name of names === undefined ? [] : splitWords(names)) {
          if (/[$%]/.test(name) || name.includes(KEPT) || name.startsWith('/')) continue;
          const written = resolveWithinRoot(dir, name);
          if (written === undefined) continue;
          const targets = /[*?[\]]/.test(written) ? (glob?.(written) ?? []) : [written];
          for (const target of targets) {
            if (seen.has(target)) continue;
            if (model.files.length >= MAX_MAKE_FILES) {
              if (!wasCut) cut?.(target);
              wasCut = true;
              continue;
            }
            seen.add(target);
            const text = await read(target);
            if (text) await visit(text);
          }
        }
        continue;
      }
      const assignment = assignmentOf(line);
      if (assignment) {
        const name = vars.expand(assignment.name);
        // A name written with what is not known may be any variable's: that is not followed.
        if (name === undefined || name.includes(KEPT)) continue;
        vars.assign(name, assignment.op, assignment.value, mode === undefined, assignment.override);
        if (name === '.DEFAULT_GOAL') {
          const goal = expandOr(assignment.value).trim();
          goalSet = goal === '' ? undefined : /^[^\s%*?]+$/.test(goal) && !goal.includes(KEPT) && mode === true ? goal : null;
        }
        if (name === '.RECIPEPREFIX') model.unreadable = 'sets .RECIPEPREFIX';
        continue;
      }
      const rule = ruleLine(line);
      if (!rule) {
        if (/\$[({]eval[\s)}]/.test(line)) vars.evaluated(line);
        continue;
      }
      if (rule.variable) continue; // `target: VAR = value`: a target-specific variable, no recipe
      const targets = splitWords(expandOr(rule.targets));
      const prerequisites = splitWords(expandOr(rule.prerequisites));
      const staticPattern = rule.staticPattern === undefined ? undefined : expandOr(rule.staticPattern).trim();
      current = [];
      const addRule = (target: string, words: string[]) => {
        const made: MakeRule = { file: index, prerequisites: explicitPrerequisites(words), recipe: [], hasRecipe: false };
        let list = model.rules.get(target);
        if (!list) model.rules.set(target, (list = []));
        list.push(made);
        current!.push(made);
        if (target === '.PHONY') for (const name of made.prerequisites) model.phony.add(name);
        if (!/^\.[A-Z_]+$/.test(target)) {
          model.mentioned.add(target);
          for (const name of made.prerequisites) model.mentioned.add(name);
        }
      };
      const patternTargets = targets.filter((target) => target.includes('%') && !target.includes(KEPT));
      if (patternTargets.length > 0 && staticPattern === undefined) {
        // A pattern rule: its targets are patterns (written with what is not known, it matches no name here).
        if (patternTargets.length === targets.length) {
          const made: PatternRule = { file: index, targets: patternTargets, prerequisites: prerequisites.filter((word) => !word.includes(KEPT) && !/[*?[]/.test(word)).map(plain), recipe: [], hasRecipe: false, terminal: rule.double };
          // A pattern rule given no recipe cancels those with the same targets and prerequisites.
          const same = (other: PatternRule) => other.targets.join(' ') === made.targets.join(' ') && other.prerequisites.join(' ') === made.prerequisites.join(' ');
          model.patterns = model.patterns.filter((other) => !same(other));
          model.patterns.push(made);
          current.push(made);
        }
      } else {
        for (const target of targets) {
          const name = plain(target);
          if (name === '.ONESHELL') model.oneShell = true;
          // The default goal is the first target that starts with no dot; one written with what is not known is not known.
          if (firstTarget === undefined && !name.startsWith('.')) firstTarget = target.includes(KEPT) || /[%*?]/.test(target) ? null : name;
          if (/[%*?[]/.test(knownPart(target))) continue; // a pattern, or a file name pattern
          if (staticPattern !== undefined) {
            // `targets: %.o: %.c`: each target matching the pattern, its stem put into the prerequisites.
            const stem = staticPattern.includes(KEPT) || target.includes(KEPT) ? undefined : stemOf(staticPattern, name);
            addRule(name, stem === undefined ? prerequisites.filter((word) => !word.includes('%')) : prerequisites.map((word) => (word.includes(KEPT) ? word : word.replace('%', stem))));
          } else addRule(name, prerequisites);
        }
      }
      if (rule.inline)
        for (const made of current) {
          made.hasRecipe = true;
          if (rule.inlineText) made.recipe.push([first]);
        }
    }
    // A file ends a recipe and a define block.
  };
  await visit(main);
  model.patterns = model.patterns.filter((pattern) => pattern.hasRecipe);
  model.defaultGoal = goalSet === undefined ? (firstTarget ?? undefined) : (goalSet ?? undefined);
  return model;
}

/** Prerequisites named in a model: file name patterns and `|` left out, what was kept as written given back its `$`. */
function explicitPrerequisites(words: readonly string[]): string[] {
  return words.filter((word) => word !== '|' && (word.includes(KEPT) || !/[%*?[]/.test(word))).map(plain);
}

/** The stem of `name` for a pattern with one `%` (a nonempty text), or undefined when it does not match. */
function stemOf(pattern: string, name: string): string | undefined {
  const at = pattern.indexOf('%');
  if (at < 0) return undefined;
  const prefix = pattern.slice(0, at);
  const suffix = pattern.slice(at + 1);
  if (name.length <= prefix.length + suffix.length || !name.startsWith(prefix) || !name.endsWith(suffix)) return undefined;
  return name.slice(prefix.length, name.length - suffix.length);
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
 * `targets: prerequisites [; recipe]` (or `::`, `&:`, or a static pattern rule
 * `targets: %.o: %.c`), read outside `$(...)`, its parts as written; undefined for a line
 * that is no rule.
 */
function ruleLine(
  line: string,
): { targets: string; prerequisites: string; staticPattern?: string; inline: boolean; inlineText: boolean; variable: boolean; double: boolean } | undefined {
  // The first `:` outside expansions makes a rule, unless an `=` (an assignment) comes first.
  const colon = outsideExpansions(line, ':=');
  if (colon <= 0 || line[colon] === '=') return undefined;
  const targets = line.slice(0, colon).replace(/\s*&$/, '');
  if (targets.trim() === '') return undefined;
  let rest = line.slice(colon + 1);
  const double = rest.startsWith(':');
  if (double) rest = rest.slice(1);
  if (rest.startsWith('=')) return undefined; // `x := y`, `x ::= y`
  const semicolon = outsideExpansions(rest, ';');
  const inline = semicolon >= 0;
  const inlineText = inline && rest.slice(semicolon + 1).trim() !== '';
  const prereqPart = inline ? rest.slice(0, semicolon) : rest;
  if (outsideExpansions(prereqPart, '=') >= 0) return { targets, prerequisites: '', inline: false, inlineText: false, variable: true, double };
  // A static pattern rule: the target pattern sits between the two colons.
  const second = outsideExpansions(prereqPart, ':');
  if (second >= 0) return { targets, prerequisites: prereqPart.slice(second + 1), staticPattern: prereqPart.slice(0, second), inline, inlineText, variable: false, double };
  return { targets, prerequisites: prereqPart, inline, inlineText, variable: false, double };
}

/** The offset of the first of `chars` outside `$(...)` and `${...}`, or -1. */
function outsideExpansions(text: string, chars: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      depth++;
      i++;
    } else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (depth === 0 && chars.includes(c)) return i;
  }
  return -1;
}

/**
 * The pattern rule make takes for `target`, with its prerequisites, the stem put in;
 * undefined when none applies, or when which one does depends on files that may exist.
 */
function patternRuleFor(model: MakeModel, target: string): { rule: PatternRule; prerequisites: string[] } | undefined {
  if (model.patterns.length === 0 || target.includes('$')) return undefined;
  const slash = target.lastIndexOf('/');
  const folder = target.slice(0, slash + 1);
  const base = target.slice(slash + 1);
  // A name of a specific type: one a pattern rule's target (not `%` alone) or a built-in suffix matches.
  const specific =
    BUILTIN_SUFFIXES.some((suffix) => base.endsWith(suffix) && base.length > suffix.length) ||
    model.patterns.some((rule) => rule.targets.some((pattern) => pattern !== '%' && matchPattern(pattern, target, base) !== undefined));
  const candidates: Array<{ rule: PatternRule; pattern: string; stem: string; order: number }> = [];
  model.patterns.forEach((rule, order) => {
    for (const pattern of rule.targets) {
      if (pattern === '%' && !rule.terminal && specific) continue;
      const stem = matchPattern(pattern, target, base);
      if (stem !== undefined) {
        candidates.push({ rule, pattern, stem, order });
        break;
      }
    }
  });
  candidates.sort((a, b) => a.stem.length - b.stem.length || a.order - b.order);
  const first = candidates[0];
  if (!first) return undefined;
  // A pattern without a slash matched the name without its folder: the folder goes before each prerequisite made from the stem.
  const prerequisites = first.rule.prerequisites.map((word) => (word.includes('%') ? (first.pattern.includes('/') ? '' : folder) + word.replace('%', first.stem) : word));
  // All ought to exist: the rule applies. Otherwise it depends on files not known here.
  return prerequisites.every((word) => model.mentioned.has(word)) ? { rule: first.rule, prerequisites } : undefined;
}

/** The stem of `target` for a target pattern: of its name without the folder (`base`) when the pattern has no slash. */
function matchPattern(pattern: string, target: string, base: string): string | undefined {
  return stemOf(pattern, pattern.includes('/') ? target : base);
}

/** The recipe lines of the goals and what they lead to, per file. */
export interface MakeRecipes {
  /** The targets whose recipes were taken, in the order reached. */
  targets: string[];
  /** Goals the Makefile defines no rule for, explicit or pattern (an included file not read, a file). */
  missing: string[];
  /** Per file (index in MakeModel.files): the recipe lines reached, logical line by logical line (0-based indexes), target by target. */
  recipes: Array<{ file: number; target: string; groups: number[][] }>;
  /** More targets were reached than MAX_MAKE_TARGETS. */
  cut: boolean;
}

/**
 * The recipes `make GOALS` runs: each goal's and those of its prerequisites, depth first,
 * each target once, bounded; a target with no recipe of its own takes a pattern rule's.
 */
export function recipesOf(model: MakeModel, goals: readonly string[]): MakeRecipes {
  const out: MakeRecipes = { targets: [], missing: [], recipes: [], cut: false };
  const done = new Set<string>();
  const visit = (target: string, goal: boolean, depth: number) => {
    if (done.has(target) || depth > 32) return;
    done.add(target);
    const rules = model.rules.get(target) ?? [];
    const implicit = rules.some((rule) => rule.hasRecipe) || model.phony.has(target) ? undefined : patternRuleFor(model, target);
    if (rules.length === 0 && !implicit) {
      if (goal) out.missing.push(target);
      return;
    }
    if (out.targets.length >= MAX_MAKE_TARGETS) return void (out.cut = true);
    out.targets.push(target);
    for (const rule of rules) for (const prerequisite of rule.prerequisites) visit(prerequisite, false, depth + 1);
    if (implicit) for (const prerequisite of implicit.prerequisites) visit(prerequisite, false, depth + 1);
    for (const rule of rules) if (rule.recipe.length > 0) out.recipes.push({ file: rule.file, target, groups: rule.recipe });
    if (implicit && implicit.rule.recipe.length > 0) out.recipes.push({ file: implicit.rule.file, target, groups: implicit.rule.recipe });
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
