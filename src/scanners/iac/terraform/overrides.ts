import type { ScannerFinding } from '../../../core/finding.js';
import { normaliseLine } from '../../../core/fingerprint.js';
import type { Attribute, Block, Body, Expr } from './hcl/ast.js';

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
 * into: its nodes are copies whose source text is the override file's (overrideSourceOf),
 * and whose lines are the override file's lines moved into a band of their own (the
 * override file's place in name order times OVERRIDE_BAND, plus the line): a rule reports
 * a setting the override gives on its line as the rules see any other, and the finding is
 * then moved to the override file, on the line where the setting is written
 * (placeOverrideFindings). A finding on a line of the block's own file stays there.
 */

/** Lines of override file k (1, 2... in name order) are k * OVERRIDE_BAND + line: no file of the 4 MiB the parsers read has that many lines. */
export const OVERRIDE_BAND = 1 << 24;

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
export function mergeOverrides(files: readonly OverrideSource[], overrides: readonly OverrideSource[], warn: Warn): MergedOverrides {
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
  const sorted = [...overrides].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const [i, override] of sorted.entries()) {
    const band = (i + 1) * OVERRIDE_BAND;
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
          const attributes = base.block.body.attributes.map((a) => (a.name === entry.name ? copy(entry, band, override.text) : a));
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
        list[list.indexOf(base.block)] = merged(base.block, block, band, override.text);
        continue;
      }
      if (!base) {
        warn({ path: override.path, line: block.line, message: `override of ${describe(block)}, which no other file of the directory declares (Terraform refuses it): not checked` });
        continue;
      }
      const body = own(base.path);
      body.blocks[body.blocks.indexOf(base.block)] = merged(base.block, block, band, override.text);
    }
  }
  return { bodies, standalone, overrides: sorted.map((o) => ({ path: o.path, text: o.text })) };
}

export interface MergedOverrides {
  bodies: Map<string, Body>;
  standalone: Map<string, Block[]>;
  /** The override files in name order: the lines of the k-th one's copies are in band k (OVERRIDE_BAND). */
  overrides: readonly OverrideFile[];
}

export interface OverrideFile {
  path: string;
  text: string;
}

/** `base` with the arguments and nested block types of `over`; the copies' lines are moved by `band`. */
function merged(base: Block, over: Block, band: number, text: string): Block {
  const replaced = new Set(over.body.attributes.map((a) => a.name));
  const attributes: Attribute[] = base.body.attributes.filter((a) => !replaced.has(a.name));
  for (const a of over.body.attributes) attributes.push(copy(a, band, text));
  const madeType = (b: Block) => (b.type === 'dynamic' ? (b.labels[0] ?? '') : b.type);
  const overTypes = new Set(over.body.blocks.map(madeType));
  const blocks = base.body.blocks.filter((b) => !overTypes.has(madeType(b)));
  for (const b of over.body.blocks) {
    const lifecycle = b.type === 'lifecycle' ? base.body.blocks.find((x) => x.type === 'lifecycle') : undefined;
    blocks.push(lifecycle ? merged(lifecycle, b, band, text) : copy(b, band, text));
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

/** A deep copy of a node of an override file, its lines moved by `band`, whose expressions read their text in `text`. */
function copy<T>(node: T, band: number, text: string): T {
  if (Array.isArray(node)) return node.map((item) => copy(item, band, text)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = copy(value, band, text);
  if (typeof out.line === 'number' && typeof out.start === 'number') {
    out.line = (out.line % OVERRIDE_BAND) + band;
    if (typeof out.endLine === 'number') out.endLine = (out.endLine % OVERRIDE_BAND) + band;
    COPIED.set(out, text);
  }
  return out as T;
}

/** The override file and line a line of a copy stands for; undefined for a line of the file's own. */
export function overridePlace(line: number, overrides: readonly OverrideFile[]): { file: OverrideFile; line: number } | undefined {
  const file = line >= OVERRIDE_BAND ? overrides[Math.floor(line / OVERRIDE_BAND) - 1] : undefined;
  return file ? { file, line: line % OVERRIDE_BAND } : undefined;
}

/**
 * The findings of a file of a directory with override files, those on a line of a copy
 * moved to the override file and line it stands for, with the `line N` their messages
 * quote (a line of the analysed file is then named with its file) and their detail line
 * when it is in the same override file (else the detail is dropped).
 */
export function placeOverrideFindings(findings: readonly ScannerFinding[], overrides: readonly OverrideFile[]): ScannerFinding[] {
  // A line the message quotes in the file analysed (not a copy's) is named with its file once the finding moves.
  if (overrides.length === 0) return [...findings];
  return findings.map((finding) => {
    const place = overridePlace(finding.location.startLine, overrides);
    if (!place) return finding;
    const end = finding.location.endLine === undefined ? undefined : overridePlace(finding.location.endLine, overrides);
    const detail = end && end.file === place.file && end.line > place.line ? end.line : undefined;
    const { endLine: _end, ...location } = finding.location;
    const { detailLine: _detail, ...properties } = finding.properties;
    const { fingerprintKey: _key, ...rest } = finding;
    const lines = place.file.text.split('\n');
    const lineText = (n: number) => normaliseLine(lines[n - 1] ?? '');
    return {
      ...rest,
      message: finding.message.replace(/\bline (\d+)/g, (whole, n: string) => {
        const quoted = overridePlace(Number(n), overrides);
        if (!quoted) return `${whole} of ${finding.location.path}`;
        return `line ${quoted.line}${quoted.file === place.file ? '' : ` of ${quoted.file.path}`}`;
      }),
      location: { ...location, path: place.file.path, startLine: place.line, ...(detail ? { endLine: detail } : {}) },
      properties: { ...properties, ...(detail ? { detailLine: detail } : {}) },
      ...(detail ? { fingerprintKey: `${lineText(place.line)}\n${lineText(detail)}` } : {}),
    };
  });
}
