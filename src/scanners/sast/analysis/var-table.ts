import type { Binding } from './frame.js';
import type { Value } from './value.js';

/** Recent writes kept apart from the shared base before they are folded into a new base. */
const FLATTEN_AT = 32;

const NOTHING: ReadonlyMap<Binding, Value> = new Map();

/**
 * The variables of an analysis state: a base map shared by every clone (never written
 * once made) plus the writes since, so that a clone costs a copy of at most 32 recent
 * writes instead of the whole table. Branches and loop iterations clone states far more
 * often than they assign; copying whole tables (up to a thousand bindings in a large
 * module) was most of the analysis time. Iteration order is that of one map receiving
 * the same writes, whatever the folding (loop convergence compares signatures).
 */
export class VarTable {
  private constructor(
    private base: ReadonlyMap<Binding, Value>,
    private delta: Map<Binding, Value>,
    /** The delta is another table's too: copy it before writing. */
    private deltaShared: boolean,
  ) {}

  static empty(): VarTable {
    return new VarTable(NOTHING, new Map(), false);
  }

  get(binding: Binding): Value | undefined {
    const recent = this.delta.get(binding);
    return recent !== undefined ? recent : this.base.get(binding);
  }

  set(binding: Binding, value: Value): void {
    // Writing the value it holds changes nothing, not even the order of iteration; it would copy a shared delta.
    if (this.get(binding) === value) return;
    if (this.deltaShared) {
      this.delta = new Map(this.delta);
      this.deltaShared = false;
    }
    this.delta.set(binding, value);
    if (this.delta.size > FLATTEN_AT) {
      const merged = new Map(this.base);
      for (const [k, v] of this.delta) merged.set(k, v);
      this.base = merged;
      this.delta = new Map();
    }
  }

  clone(): VarTable {
    this.deltaShared = true;
    return new VarTable(this.base, this.delta, true);
  }

  *entries(): IterableIterator<[Binding, Value]> {
    for (const [k, v] of this.base) {
      const recent = this.delta.get(k);
      yield [k, recent !== undefined ? recent : v];
    }
    for (const entry of this.delta) if (!this.base.has(entry[0])) yield entry;
  }

  /**
   * The bindings whose values may differ between this table and `other` when both grew
   * from the same base (the keys of either's recent writes); undefined when they did not,
   * and every binding must be compared.
   */
  differingKeys(other: VarTable): Binding[] | undefined {
    if (this.base !== other.base) return undefined;
    if (this.delta === other.delta) return [];
    if (other.delta.size === 0) return [...this.delta.keys()];
    if (this.delta.size === 0) return [...other.delta.keys()];
    return [...new Set([...this.delta.keys(), ...other.delta.keys()])];
  }
}
