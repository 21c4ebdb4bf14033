import type { WorkspaceFile } from '../../workspace/files.js';

/** How a pre-pass reads a file's text: through the scan's IacTexts, or straight from the file. */
export type ReadText = (file: WorkspaceFile) => Promise<string | null>;

export const readDirectly: ReadText = (file) => file.text();

/**
 * Characters of text held for the scan loop, over all files (Terraform alone held up to
 * 32M before, YAML read for GitOps none): a tree of 17M characters of .tf and YAML is held
 * whole at 32M, at a cost in peak memory that re-reading from the page cache does not have.
 */
export const MAX_HELD_CHARS = 16 * 1024 * 1024;

interface Entry {
  readonly promise: Promise<string | null>;
  /** The entry's place in the heap of held entries, which stays there when the entry is let go: it holds no text. */
  readonly slot: Slot;
  /** Characters counted against the budget once the read is done and the text kept. */
  chars: number;
}

interface Slot {
  readonly path: string;
  readonly order: number;
}

/**
 * The texts of one iac scan, shared by the pre-passes and the scan loop, so that a file
 * several of them need is read once. A text is held until the loop takes it; while it is
 * held (or being read), `text` gives the same promise to every reader.
 *
 * What is held is bounded by a budget of characters. The loop goes through the files in
 * their order, so when a text does not fit, the held texts of files further down the
 * order than it are let go to make room (they are read again when the loop reaches
 * them); when none is, the new text is not kept. Only texts of files the loop reads
 * (`kept`) are held: others are read straight away.
 */
export class IacTexts {
  private readonly held = new Map<string, Entry>();
  private readonly order = new Map<string, number>();
  /** The slots of held entries, the furthest down the order first (a max-heap; slots of entries let go are skipped when met). */
  private readonly furthest: Slot[] = [];
  private chars = 0;
  private kept: (path: string) => boolean = () => true;
  /** Files the loop has taken: never read ahead again. */
  private readonly taken = new Set<string>();
  /** Files before this index have been read ahead (or passed). */
  private aheadFrom = 0;

  constructor(
    files: readonly WorkspaceFile[],
    private readonly budget = MAX_HELD_CHARS,
  ) {
    files.forEach((file, i) => this.order.set(file.path, i));
  }

  /** Characters held now (for tests). */
  get heldChars(): number {
    return this.chars;
  }

  /** Which files the loop reads: no other text is held from now on, and those held are let go. */
  keepOnly(kept: (path: string) => boolean): void {
    this.kept = kept;
    for (const path of [...this.held.keys()]) if (!kept(path)) this.drop(path);
  }

  /** The file's text: the held one, or read (and held if it fits). */
  text(file: WorkspaceFile): Promise<string | null> {
    const entry = this.held.get(file.path);
    if (entry) return entry.promise;
    const order = this.order.get(file.path);
    const promise = file.text();
    if (order === undefined || !this.kept(file.path)) return promise;
    const created: Entry = { promise, slot: { path: file.path, order }, chars: 0 };
    this.held.set(file.path, created);
    promise.then(
      (text) => this.settle(file.path, created, text?.length ?? 0),
      () => this.drop(file.path, created),
    );
    return promise;
  }

  /** The file's text, no longer held: the scan loop's read. */
  take(file: WorkspaceFile): Promise<string | null> {
    if (this.order.has(file.path)) this.taken.add(file.path);
    const entry = this.held.get(file.path);
    if (!entry) return file.text();
    this.drop(file.path, entry);
    return entry.promise;
  }

  /** Lets a file's text go (the loop has passed the file). */
  release(file: WorkspaceFile): void {
    this.drop(file.path);
  }

  /**
   * Starts reading the files up to `until` (exclusive) that the loop will read itself
   * (`reads`), so that the disk works while rules run. Each file is read ahead once at
   * most, and never after the loop has taken it.
   */
  readAhead(files: readonly WorkspaceFile[], until: number, reads: (file: WorkspaceFile) => boolean): void {
    for (; this.aheadFrom < Math.min(until, files.length); this.aheadFrom++) {
      const file = files[this.aheadFrom]!;
      if (!this.kept(file.path) || this.held.has(file.path) || this.taken.has(file.path) || !reads(file)) continue;
      this.text(file).catch(() => {});
    }
  }

  private settle(path: string, entry: Entry, chars: number): void {
    if (this.held.get(path) !== entry) return; // taken or let go while it was read
    while (this.chars + chars > this.budget) {
      const top = this.furthest[0];
      if (!top || top.order <= entry.slot.order) break;
      this.pop();
      const further = this.live(top);
      if (further) this.drop(top.path, further);
    }
    if (this.chars + chars > this.budget) {
      this.drop(path, entry);
      return;
    }
    entry.chars = chars;
    this.chars += chars;
    this.push(entry.slot);
  }

  /** The held entry of a slot, unless it was let go. */
  private live(slot: Slot): Entry | undefined {
    const entry = this.held.get(slot.path);
    return entry?.slot === slot ? entry : undefined;
  }

  private drop(path: string, entry = this.held.get(path)): void {
    if (!entry || this.held.get(path) !== entry) return;
    this.held.delete(path);
    this.chars -= entry.chars;
    entry.chars = 0;
    // Slots of entries let go stay in the heap until met; it is rebuilt when they are most of it.
    if (this.furthest.length > 64 && this.furthest.length > 2 * this.held.size) {
      const live = this.furthest.filter((slot) => this.live(slot) !== undefined);
      this.furthest.length = 0;
      for (const slot of live) this.push(slot);
    }
  }

  private push(slot: Slot): void {
    const heap = this.furthest;
    heap.push(slot);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.order >= heap[i]!.order) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.furthest;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let top = i;
      if (left < heap.length && heap[left]!.order > heap[top]!.order) top = left;
      if (right < heap.length && heap[right]!.order > heap[top]!.order) top = right;
      if (top === i) break;
      [heap[top], heap[i]] = [heap[i]!, heap[top]!];
      i = top;
    }
  }
}
