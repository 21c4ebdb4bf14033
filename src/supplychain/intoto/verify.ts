import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { canonicalJson } from '../json/canonical-json.js';
import { showJson } from '../json/show-json.js';
import { publicKeyFromMetadata, type PublicKey } from '../keys/keys.js';
import { dumpMetablock, linkFileName, readMetablockFile, verifyMetablockSignature, type Metablock } from './metablock.js';
import { parseExpires, type Inspection, type Layout, type Link, type Step } from './models.js';
import { checkStepName, performStep } from './run-step.js';
import { RuleVerificationError, verifyItemRules } from './rules.js';

/**
 * in-toto-verify 1.3.1 (verifylib.in_toto_verify), step for step:
 *
 *  1. the layout carries a valid signature by every given layout key;
 *  2. the layout has not expired;
 *  3. each step has at least `threshold` link files `<step>.<keyid8>.link` from its
 *     authorized functionaries (files that cannot be opened are skipped);
 *  4. links with a valid signature by an authorized key are kept, others dropped,
 *     and at least `threshold` must remain; command mismatches are warnings;
 *  5. with threshold > 1, all kept links of a step report the same artifacts;
 *  6. each step's material and product rules hold (the first kept link stands for
 *     the step);
 *  7. inspections run, in order, in the current directory: their `run` command is
 *     executed (the layout owner's intent, as in the reference, and only after the
 *     layout's signature and all step rules passed), recording "." before and after,
 *     writing an unsigned `<inspection>.link`, and must return 0;
 *  8. each inspection's rules hold, with MATCH able to name steps and inspections.
 *
 * Not supported: sublayouts, GPG keys and signatures, parameter substitution.
 */

export interface VerifyOptions {
  layoutPath: string;
  layoutKeys: PublicKey[];
  linkDir: string;
  /** Directory inspections run and write their links in (the reference uses the cwd). */
  cwd: string;
  now?: Date;
  /** Progress and warnings for the reader, one line each. */
  log?: (line: string) => void;
  /** Receives what inspection commands print (default: this process's stdout/stderr). */
  commandOutput?: { stdout: (chunk: Buffer) => void; stderr: (chunk: Buffer) => void };
}

export type VerifyStage = 'layout' | 'layout-signature' | 'expiry' | 'links' | 'link-signatures' | 'threshold' | 'rules' | 'inspection';

export class VerificationFailure extends Error {
  override readonly name = 'VerificationFailure';
  constructor(
    readonly stage: VerifyStage,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifySummary {
  layoutExpires: string;
  steps: Array<{ name: string; validLinks: string[]; threshold: number }>;
  inspections: string[];
  warnings: string[];
}

export async function verifySupplyChain(options: VerifyOptions): Promise<VerifySummary> {
  const log = options.log ?? (() => {});
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log(`warning: ${message}`);
  };

  if (options.layoutKeys.length === 0) throw new UsageError('layout verification needs at least one layout key');
  const layoutBlock = loadLayout(options.layoutPath);
  const layout = layoutBlock.signed;

  log('verifying layout signatures...');
  for (const key of options.layoutKeys) {
    try {
      verifyMetablockSignature(layoutBlock, key);
    } catch (error) {
      throw new VerificationFailure('layout-signature', `layout ${options.layoutPath}: ${(error as Error).message}`);
    }
  }

  log('verifying layout expiration...');
  const now = options.now ?? new Date();
  if (parseExpires(layout.expires).getTime() < now.getTime()) {
    throw new VerificationFailure('expiry', `layout expired on ${layout.expires}`);
  }

  log('reading link metadata files...');
  const loaded = loadLinks(layout, options.linkDir, warn);

  log('verifying link metadata signatures...');
  const verified = verifyLinkSignatures(layout, loaded, warn);

  for (const step of layout.steps) {
    for (const [keyid, link] of verified.get(step.name)!) {
      if (!sameJson(link.command, step.expected_command)) {
        warn(`run command ${showJson(link.command)} in ${linkFileName(step.name, keyid)} differs from expected command ${showJson(step.expected_command)}`);
      }
    }
  }

  log('verifying threshold constraints...');
  verifyThresholdConstraints(layout, verified);

  const reduced = new Map<string, Link>();
  for (const step of layout.steps) {
    const first = verified.get(step.name)!.values().next();
    if (first.done) throw new VerificationFailure('links', `step '${step.name}' has no link to verify its rules against`);
    reduced.set(step.name, first.value);
  }

  log('verifying step rules...');
  verifyRules(layout.steps, reduced);

  const combined = new Map(reduced);
  for (const inspection of layout.inspect) {
    combined.set(inspection.name, await runInspection(inspection, options, log, warn));
  }
  if (layout.inspect.length > 0) log('verifying inspection rules...');
  verifyRules(layout.inspect, combined);

  return {
    layoutExpires: layout.expires,
    steps: layout.steps.map((step) => ({ name: step.name, validLinks: [...verified.get(step.name)!.keys()], threshold: step.threshold })),
    inspections: layout.inspect.map((inspection) => inspection.name),
    warnings,
  };
}

function loadLayout(layoutPath: string): Metablock<Layout> {
  if (!existsSync(layoutPath)) throw new UsageError(`layout ${layoutPath} does not exist`);
  let block: Metablock;
  try {
    block = readMetablockFile(layoutPath);
  } catch (error) {
    throw new VerificationFailure('layout', `cannot load layout ${layoutPath}: ${(error as Error).message}`);
  }
  if (block.signed._type !== 'layout') throw new VerificationFailure('layout', `${layoutPath} is link metadata, not a layout`);
  return block as Metablock<Layout>;
}

function loadLinks(layout: Layout, linkDir: string, warn: (message: string) => void): Map<string, Map<string, Metablock<Link>>> {
  const result = new Map<string, Map<string, Metablock<Link>>>();
  for (const step of layout.steps) {
    safeItemName(step.name, 'step');
    const perKey = new Map<string, Metablock<Link>>();
    for (const keyid of step.pubkeys) {
      const file = path.join(linkDir, linkFileName(step.name, keyid));
      try {
        if (!statSync(file).isFile()) throw new Error('not a regular file');
      } catch {
        continue; // the reference skips links it cannot open
      }
      let block: Metablock;
      try {
        block = readMetablockFile(file);
      } catch (error) {
        throw new VerificationFailure('links', `cannot load link ${file}: ${(error as Error).message}`);
      }
      if (block.signed._type === 'layout') {
        throw new VerificationFailure('links', `${file} is a sublayout; secloop does not verify sublayouts (in-toto-verify does)`);
      }
      perKey.set(keyid, block as Metablock<Link>);
    }
    if (perKey.size < step.threshold) {
      throw new VerificationFailure(
        'links',
        `step '${step.name}' requires ${step.threshold} link metadata file(s), found ${perKey.size}` +
          ` (looked in ${linkDir} for ${step.pubkeys.map((keyid) => linkFileName(step.name, keyid)).join(', ') || 'no authorized keys'})`,
      );
    }
    if (perKey.size === 0 && step.pubkeys.length > 0) warn(`no link found for step '${step.name}'`);
    result.set(step.name, perKey);
  }
  return result;
}

function verifyLinkSignatures(layout: Layout, loaded: Map<string, Map<string, Metablock<Link>>>, warn: (message: string) => void): Map<string, Map<string, Link>> {
  const result = new Map<string, Map<string, Link>>();
  for (const step of layout.steps) {
    const valid = new Map<string, Link>();
    const problems: string[] = [];
    for (const [keyid, block] of loaded.get(step.name)!) {
      const file = linkFileName(step.name, keyid);
      const key = layoutKey(layout, keyid);
      if (typeof key === 'string') {
        problems.push(`${file}: ${key}`);
        continue;
      }
      try {
        verifyMetablockSignature(block, key);
      } catch (error) {
        problems.push(`${file}: ${(error as Error).message}`);
        continue;
      }
      valid.set(keyid, block.signed);
    }
    for (const problem of problems) warn(`skipping link ${problem}`);
    if (valid.size < step.threshold) {
      throw new VerificationFailure(
        'link-signatures',
        `step '${step.name}' requires at least ${step.threshold} link(s) validly signed by different authorized functionaries, found ${valid.size}` +
          (problems.length ? `:\n  ${problems.join('\n  ')}` : ''),
      );
    }
    result.set(step.name, valid);
  }
  return result;
}

/** The layout's key for an authorized keyid, or why it cannot be used. */
function layoutKey(layout: Layout, keyid: string): PublicKey | string {
  if (!Object.prototype.hasOwnProperty.call(layout.keys, keyid)) return `key ${keyid} is authorized for the step but not listed in the layout's keys`;
  try {
    const key = publicKeyFromMetadata(layout.keys[keyid]!, `layout key ${keyid}`);
    if (key.keyid !== keyid) return `layout key entry ${keyid} holds a key with id ${key.keyid}`;
    return key;
  } catch (error) {
    return (error as Error).message;
  }
}

function verifyThresholdConstraints(layout: Layout, verified: Map<string, Map<string, Link>>): void {
  for (const step of layout.steps) {
    if (step.threshold <= 1) continue;
    const links = [...verified.get(step.name)!];
    const [referenceKeyid, reference] = links[0]!;
    for (const [keyid, link] of links) {
      if (!sameJson(reference.materials, link.materials) || !sameJson(reference.products, link.products)) {
        throw new VerificationFailure('threshold', `links ${linkFileName(step.name, referenceKeyid)} and ${linkFileName(step.name, keyid)} have different artifacts`);
      }
    }
  }
}

function verifyRules(items: ReadonlyArray<Step | Inspection>, links: ReadonlyMap<string, Link>): void {
  for (const item of items) {
    for (const type of ['materials', 'products'] as const) {
      try {
        verifyItemRules(item.name, type, type === 'materials' ? item.expected_materials : item.expected_products, links);
      } catch (error) {
        if (error instanceof RuleVerificationError) throw new VerificationFailure('rules', `${item._type} '${item.name}': ${error.message}`);
        throw error;
      }
    }
  }
}

async function runInspection(inspection: Inspection, options: VerifyOptions, log: (line: string) => void, warn: (message: string) => void): Promise<Link> {
  const cwd = options.cwd;
  safeItemName(inspection.name, 'inspection');
  if (!inspection.run.every((part): part is string => typeof part === 'string')) {
    throw new VerificationFailure('inspection', `inspection '${inspection.name}': run must be a list of strings`);
  }
  log(`running inspection '${inspection.name}' from the layout: ${showJson(inspection.run)}`);
  let result;
  try {
    result = await performStep({ name: inspection.name, materials: ['.'], products: ['.'], command: inspection.run, cwd, warn, ...(options.commandOutput ?? {}) });
  } catch (error) {
    throw new VerificationFailure('inspection', `inspection '${inspection.name}': ${(error as Error).message}`);
  }
  if (result.returnValue !== 0) {
    throw new VerificationFailure('inspection', `inspection '${inspection.name}': got non-zero return value ${String(result.returnValue)} from command ${showJson(inspection.run)}`);
  }
  writeFileSync(path.join(cwd, `${inspection.name}.link`), dumpMetablock({ signatures: [], signed: result.link }));
  return result.link;
}

/** Python `==` on parsed JSON values (dicts compare regardless of key order). */
function sameJson(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

/** Names become file names; a signed layout with a name like "../x" fails verification. */
function safeItemName(name: string, kind: 'step' | 'inspection'): void {
  try {
    checkStepName(name);
  } catch (error) {
    if (error instanceof UsageError) throw new VerificationFailure('layout', `${kind} name '${name}' cannot be used as a file name`);
    throw error;
  }
}
