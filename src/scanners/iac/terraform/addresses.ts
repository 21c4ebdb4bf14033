/**
 * Finding which of many Terraform addresses a text mentions, without testing each one.
 * An address is mentioned when it starts a run of `[\w.-]` characters and ends at a dot
 * or at the run's end (`aws_s3_bucket.logs.id`, `"${aws_vpc.main.id}"`), so walking each
 * run's dot-separated parts through an index of the addresses' parts finds every
 * candidate; `mentionsAddress` confirms one.
 */

interface Node<T> {
  children: Map<string, Node<T>>;
  items: T[];
}

export class AddressIndex<T> {
  private readonly root: Node<T> = { children: new Map(), items: [] };
  /** Addresses with characters outside `[\w.-]` (not valid Terraform names): always candidates. */
  private readonly irregular: T[] = [];

  /** Each item under its address, and under the extra paths `also` gives (a module's resources under `module.<name>`). */
  constructor(items: Iterable<T>, addressOf: (item: T) => string, also?: (address: string) => string[] | undefined) {
    for (const item of items) {
      const address = addressOf(item);
      if (!/^[\w.-]+$/.test(address)) {
        this.irregular.push(item);
        continue;
      }
      this.insert(address.split('.'), item);
      const extra = also?.(address);
      if (extra) this.insert(extra, item);
    }
  }

  private insert(path: readonly string[], item: T): void {
    let node = this.root;
    for (const part of path) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { children: new Map(), items: [] }));
      node = child;
    }
    node.items.push(item);
  }

  /** The items the text may mention, to be confirmed. */
  candidates(text: string): Set<T> {
    const out = new Set<T>(this.irregular);
    for (const run of text.matchAll(/[\w.-]+/g)) {
      let node: Node<T> | undefined = this.root;
      let from = 0;
      const word = run[0];
      while (node) {
        const dot = word.indexOf('.', from);
        node = node.children.get(dot < 0 ? word.slice(from) : word.slice(from, dot));
        for (const item of node?.items ?? []) out.add(item);
        if (dot < 0) break;
        from = dot + 1;
      }
    }
    return out;
  }
}

/** Whether the text names the address as a whole: not as part of a longer name or address. */
export function mentionsAddress(text: string, address: string): boolean {
  const at = text.indexOf(address);
  if (at < 0) return false;
  const after = text[at + address.length];
  const before = text[at - 1];
  return (after === undefined || !/[\w-]/.test(after)) && (before === undefined || !/[\w.-]/.test(before));
}

/** Locals followed from one expression, and characters of their text added, at most. */
const MAX_LOCALS = 16;
const MAX_LOCAL_CHARS = 64 * 1024;

/**
 * The text of an expression followed by the text of each local it names as a whole value
 * (`bucket = local.bucket_id`, not `local.ids["a"]` nor `local.bucket.id`, which pick a
 * part), and of the locals those name in turn: what an address index needs to see that
 * the expression refers to the resources a local is made of. Bounded, for hostile input.
 */
export function withLocals(text: string, localText: (name: string) => string | undefined): string {
  const seen = new Set<string>();
  let out = text;
  let next = text;
  let budget = MAX_LOCAL_CHARS;
  while (next) {
    let added = '';
    for (const m of next.matchAll(/(?<![\w.-])local\.([A-Za-z_][\w-]*)(?![\w.[-])/g)) {
      const name = m[1]!;
      if (seen.has(name) || seen.size >= MAX_LOCALS) continue;
      seen.add(name);
      const own = localText(name);
      if (own === undefined || own.length > budget) continue;
      budget -= own.length;
      added += `\n${own}`;
    }
    out += added;
    next = added;
  }
  return out;
}
