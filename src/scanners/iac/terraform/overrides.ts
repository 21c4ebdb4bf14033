import type { Attribute, Block, Body, Expr, Pos } from './hcl/ast.js';

/**
 * Override files (`override.tf`, `*_override.tf`, and their `.tf.json` forms) hold no
 * configuration of their own: Terraform merges each of their blocks into the block of the
 * same type and name that another file of the module declares, and what it deploys is the
 * merge. A resource, data source, module call, provider, variable or output takes the
 * override's arguments one by one; a nested block type the override writes (`dynamic`
 * blocks of that type included) replaces every nested block of that type, except
 * `lifecycle`, merged argument by argument; a `locals` entry replaces the local of that
 * name. Override files are applied in file name order, a later one over an earlier one.
 * `terraform` blocks are left alone (they set no resource). A provider's default (not
 * aliased) configuration needs no base: without one, the override's block is the
 * configuration, and stays in the override file (`standalone`).
 *
 * What the merge takes from an override file is read in the file of the block it merges
 * into: its nodes are copies placed at that block's first line (a setting the override
 * gives is reported on the header of the block it changes), whose source text is the
 * override file's (overrideSourceOf).
 */

/** `override.tf`, `x_override.tf` (and .tf.json). */
export function isOverrideFile(path: string): boolean {
  return /(?:^|_)override\.tf(?:\.json)?$/i.test(path.slice(path.lastIndexOf('/') + 1));
}

/** The copies made from override files, each with the text of the file its offsets point into. */
const COPIED = new WeakMap<object, string>();

/** The text of the override file an expression merged into another file's block comes from; undefined for the file's own expressions. */
export function overrideSourceOf(expr: Expr): string | undefined {
  return COPIED.get(expr);
}

export interface OverrideSource {
  path: string;
  text: string;
  body: Body;
}

type Warn = (warning: { path: string; line: number; message: string }) => void;

/**
 * The bodies of the module's files (not override files) with the override files merged
 * in: a file whose blocks change gets a new body (its blocks array and the merged blocks
 * are new objects); the others keep theirs.
 */
export function mergeOverrides(files: readonly OverrideSource[], overrides: readonly OverrideSource[], warn: Warn): { bodies: Map<string, Body>; standalone: Map<string, Block[]> } {
  const bodies = new Map<string, Body>(files.map((f) => [f.path, f.body]));
  const standalone = new Map<string, Block[]>();
  const copied = new Set<string>();
  const own = (path: string): Body => {
    if (!copied.has(path)) {
      const body = bodies.get(path)!;
      bodies.set(path, { attributes: body.attributes, blocks: [...body.blocks] });
      copied.add(path);
    }
    return bodies.get(path)!;
  };
  for (const override of [...overrides].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    for (const block of override.body.blocks) {
      if (block.type === 'terraform') continue;
      if (block.type === 'locals') {
        for (const entry of block.body.attributes) {
          const base = findLocal(bodies, entry.name);
          if (!base) {
            warn({ path: override.path, line: entry.line, message: `override of local.${entry.name}, which no other file of the directory defines (Terraform refuses it): not used` });
            continue;
          }
          const body = own(base.path);
          const at = body.blocks.indexOf(base.block);
          const attributes = base.block.body.attributes.map((a) => (a.name === entry.name ? copy(entry, a, override.text) : a));
          body.blocks[at] = { ...base.block, body: { attributes, blocks: base.block.body.blocks } };
        }
        continue;
      }
      const base = findBlock(bodies, block) ?? findBlock(new Map([...standalone].map(([path, blocks]) => [path, { attributes: [], blocks }])), block);
      if (!base && block.type === 'provider' && !block.body.attributes.some((a) => a.name === 'alias')) {
        standalone.set(override.path, [...(standalone.get(override.path) ?? []), block]);
        continue;
      }
      if (base && standalone.has(base.path)) {
        // A later override of a provider an override file declares: merged there, in that file's own positions.
        const list = standalone.get(base.path)!;
        list[list.indexOf(base.block)] = merged(base.block, block, base.block, override.text);
        continue;
      }
      if (!base) {
        warn({ path: override.path, line: block.line, message: `override of ${describe(block)}, which no other file of the directory declares (Terraform refuses it): not checked` });
        continue;
      }
      const body = own(base.path);
      body.blocks[body.blocks.indexOf(base.block)] = merged(base.block, block, base.block, override.text);
    }
  }
  return { bodies, standalone };
}

/** `base` with the arguments and nested block types of `over`; copies are placed at `at`. */
function merged(base: Block, over: Block, at: Pos, text: string): Block {
  const replaced = new Set(over.body.attributes.map((a) => a.name));
  const attributes: Attribute[] = base.body.attributes.filter((a) => !replaced.has(a.name));
  for (const a of over.body.attributes) attributes.push(copy(a, at, text));
  const madeType = (b: Block) => (b.type === 'dynamic' ? (b.labels[0] ?? '') : b.type);
  const overTypes = new Set(over.body.blocks.map(madeType));
  const blocks = base.body.blocks.filter((b) => !overTypes.has(madeType(b)));
  for (const b of over.body.blocks) {
    const lifecycle = b.type === 'lifecycle' ? base.body.blocks.find((x) => x.type === 'lifecycle') : undefined;
    blocks.push(lifecycle ? merged(lifecycle, b, at, text) : copy(b, at, text));
  }
  return { ...base, body: { attributes, blocks } };
}

/** The block of another file that `over` overrides: same type and labels (a provider: same name and alias). */
function findBlock(bodies: ReadonlyMap<string, Body>, over: Block): { path: string; block: Block } | undefined {
  const key = blockKey(over);
  for (const [path, body] of bodies) for (const block of body.blocks) if (blockKey(block) === key) return { path, block };
  return undefined;
}

function findLocal(bodies: ReadonlyMap<string, Body>, name: string): { path: string; block: Block } | undefined {
  for (const [path, body] of bodies) for (const block of body.blocks) if (block.type === 'locals' && block.body.attributes.some((a) => a.name === name)) return { path, block };
  return undefined;
}

function blockKey(block: Block): string {
  if (block.type === 'provider') {
    const alias = block.body.attributes.findLast((a) => a.name === 'alias')?.expr;
    const name = alias?.kind === 'template' ? alias.text : alias?.kind === 'literal' ? String(alias.value) : '';
    return `provider\0${block.labels[0] ?? ''}\0${name}`;
  }
  return [block.type, ...block.labels].join('\0');
}

function describe(block: Block): string {
  return `${block.type}${block.labels.map((l) => ` "${l}"`).join('')}`;
}

/** A deep copy of a node of an override file, placed at `at`, whose expressions read their text in `text`. */
function copy<T>(node: T, at: Pos, text: string): T {
  if (Array.isArray(node)) return node.map((item) => copy(item, at, text)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = copy(value, at, text);
  if (typeof out.line === 'number' && typeof out.start === 'number') {
    out.line = at.line;
    out.endLine = at.line;
    out.column = at.column;
    COPIED.set(out, text);
  }
  return out as T;
}
