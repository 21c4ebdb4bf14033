import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import type { SigningKey } from '../keys/keys.js';
import { layoutFromDescriptionFile } from './layout-description.js';
import { dumpMetablock, parseMetablock, signMetablock, type Metablock } from './metablock.js';
import type { Layout } from './models.js';

export interface SignLayoutOptions {
  keys: SigningKey[];
  /** Where the signed layout goes; an existing JSON layout is re-signed in place by default. */
  output?: string | undefined;
  /** Keep existing signatures of a JSON layout (in-toto-sign --append). */
  append?: boolean;
  now?: Date;
}

export interface SignLayoutResult {
  output: string;
  layout: Metablock<Layout>;
}

/**
 * Signs a layout. The input is either a YAML description (see layout-description.ts)
 * or an existing layout metadata file (re-signed, like in-toto-sign -f).
 */
export function signLayoutFile(input: string, options: SignLayoutOptions): SignLayoutResult {
  if (options.keys.length === 0) throw new UsageError('signing a layout needs at least one --key');
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let block: Metablock<Layout>;
  let output = options.output;
  if (text.trimStart().startsWith('{')) {
    let parsed: Metablock;
    try {
      parsed = parseMetablock(text);
    } catch (error) {
      throw new UsageError(`${input}: ${(error as Error).message}`);
    }
    if (parsed.signed._type !== 'layout') throw new UsageError(`${input} is link metadata; secloop layout sign signs layouts`);
    block = parsed as Metablock<Layout>;
    if (!options.append) block.signatures = [];
    output ??= input;
  } else {
    if (!output) throw new UsageError('--output is required when signing a layout description');
    block = { signatures: [], signed: layoutFromDescriptionFile(input, options.now) };
  }
  for (const key of options.keys) {
    block.signatures = block.signatures.filter((signature) => signature.keyid !== key.keyid);
    signMetablock(block, key);
  }
  try {
    writeFileSync(output, dumpMetablock(block));
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { output, layout: block };
}
