import type { AstNode } from '../source/parse.js';
import { EMPTY, join, signature, type Callable, type Obj, type Value } from './value.js';
import { VarTable } from './var-table.js';
import type { GuardFlag } from './guard-flags.js';

/** Where an import binding gets its value: an export of a project module or of an external package. */
export type ImportRef = { moduleId: string; name: string } | { external: string; name: string | null };

/** One variable of one analysis context. */
let nextBindingId = 1;

/** The id of the newest variable: those declared after this moment have larger ids. */
export function lastBindingId(): number {
  return nextBindingId - 1;
}

export class Binding {
  readonly id = nextBindingId++;
  /** Everything ever assigned (reads from closures and after callbacks wrote to it). */
  all: Value = EMPTY;
  /** A nested function assigned it: reads cannot trust the flow-sensitive value. */
  capturedWrite = false;
  /** Writes to it or to a member path rooted at it, in analysis order (guard flags compare them). */
  writes = 0;
  importRef?: ImportRef;
  /** The guard `const ok = test` last assigned it (guard-flags.ts). */
  guardFlag: GuardFlag | undefined = undefined;

  constructor(
    readonly name: string,
    readonly frame: Frame,
  ) {}
}

export class Scope {
  readonly vars = new Map<string, Binding>();

  constructor(
    readonly parent: Scope | null,
    readonly frame: Frame,
  ) {}

  declare(name: string): Binding {
    let binding = this.vars.get(name);
    if (!binding) {
      binding = new Binding(name, this.frame);
      this.vars.set(name, binding);
    }
    return binding;
  }

  lookup(name: string): Binding | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const found = s.vars.get(name);
      if (found) return found;
    }
    return undefined;
  }
}

/** Flow-sensitive values of the current context's variables at one program point. */
export class State {
  dead = false;
  /** Values of member paths refined by guards ("#12.query.name"): valid until the path is written. */
  paths = new Map<string, Value>();
  private table = VarTable.empty();

  get(binding: Binding): Value | undefined {
    return this.table.get(binding);
  }

  /** Every variable with a flow-sensitive value in this state. */
  bindings(): IterableIterator<[Binding, Value]> {
    return this.table.entries();
  }

  set(binding: Binding, value: Value): void {
    this.table.set(binding, value);
  }

  clone(): State {
    const copy = new State();
    copy.table = this.table.clone();
    copy.dead = this.dead;
    if (this.paths.size > 0) copy.paths = new Map(this.paths);
    return copy;
  }

  /** Forgets refined paths under a prefix (the path or its root was written). */
  forget(prefix: string): void {
    if (this.paths.size === 0) return;
    for (const key of [...this.paths.keys()]) if (key === prefix || key.startsWith(`${prefix}.`)) this.paths.delete(key);
  }

  /** Joins another state into this one (dead states contribute nothing). */
  absorb(other: State): void {
    if (other.dead) return;
    if (this.dead) {
      this.table = other.table.clone();
      this.paths = new Map(other.paths);
      this.dead = false;
      return;
    }
    const keys = this.table.differingKeys(other.table);
    const join1 = (k: Binding, theirs: Value | undefined) => {
      if (theirs === undefined) return;
      const mine = this.table.get(k);
      if (mine !== theirs) this.table.set(k, mine ? join(mine, theirs) : theirs);
    };
    if (keys) for (const k of keys) join1(k, other.table.get(k));
    else for (const [k, v] of [...other.table.entries()]) join1(k, v);
    // A path refined on one side only has its unrefined value on the other: drop it.
    for (const [k, v] of this.paths) {
      const theirs = other.paths.get(k);
      if (theirs) this.paths.set(k, join(v, theirs));
      else this.paths.delete(k);
    }
  }

  /** Whether both states hold the same values (by signature): a loop has converged. */
  sameAs(other: State): boolean {
    if (this.dead || other.dead) return this.dead === other.dead;
    const keys = this.table.differingKeys(other.table);
    if (!keys) return this.signature() === other.signature();
    for (const k of keys) {
      const mine = this.table.get(k);
      const theirs = other.table.get(k);
      if (mine === theirs) continue;
      if (mine === undefined || theirs === undefined || signature(mine) !== signature(theirs)) return false;
    }
    return true;
  }

  /**
   * Whether this state holds the very same values (by identity, not signature) as `other`
   * for the variables with ids up to `upTo`, and the same refined paths. Variables declared
   * later belong to scopes that a loop pass created and left: no code of this frame reads them.
   */
  repeats(other: State, upTo: number): boolean {
    if (this.dead !== other.dead || this.paths.size !== other.paths.size) return false;
    for (const [k, v] of this.paths) if (other.paths.get(k) !== v) return false;
    const same = (b: Binding) => b.id > upTo || this.table.get(b) === other.table.get(b);
    const keys = this.table.differingKeys(other.table);
    if (keys) return keys.every(same);
    for (const [b] of this.table.entries()) if (!same(b)) return false;
    for (const [b] of other.table.entries()) if (!same(b)) return false;
    return true;
  }

  signature(): string {
    if (this.dead) return 'dead';
    let s = '';
    for (const [k, v] of this.table.entries()) s += `${k.name}=${signature(v)};`;
    return s;
  }
}

export interface JumpTarget {
  label: string | null;
  isLoop: boolean;
  breaks: State[];
  continues: State[];
}

/** Watches one analysis of a function: its parameters, and the state at each way it ends (guard summaries). */
export interface ExitObserver {
  /** Parameters are bound, the body is about to run. */
  onStart(scope: Scope): void;
  /** A return (its argument, null for a bare return), with the state just before it. */
  onReturn(argument: AstNode | null, scope: Scope): void;
  /** The body ran to its end without a return. */
  onEnd(scope: Scope): void;
}

/** One analysis of one function (or module body) in one calling context. */
export class Frame {
  observer: ExitObserver | null = null;
  state = new State();
  returns: Value = EMPTY;
  readonly jumps: JumpTarget[] = [];
  /** Allocation sites of this context: the same node gives the same object (loops converge). */
  readonly sites = new Map<AstNode, Obj>();
  readonly closures = new Map<AstNode, Callable>();
  /** Values thrown in this frame, for catch clauses. */
  thrown: Value = EMPTY;

  constructor(
    readonly moduleId: string,
    readonly fn: Callable | null,
    readonly thisValue: Value,
    readonly args: readonly Value[],
    readonly depth: number,
  ) {}
}
