/**
 * PyPI: PEP 440 as `packaging.version.Version` orders it, parsed by @renovatebot/pep440.
 * Strings that are not PEP 440 ("0.9-doduo") are ordered the way packaging's
 * LegacyVersion did before version 22 removed it: below every valid version.
 */
import { parse as parsePep440 } from '@renovatebot/pep440';
import type { ParsedVersion, VersionScheme } from './scheme.js';
import { compareText, isDigitChar } from './text.js';

export type Pep440Key =
  | {
      readonly legacy: false;
      readonly epoch: number;
      /** Release numbers without trailing zeros: 1.0 and 1.0.0 are equal. */
      readonly release: readonly number[];
      readonly pre: readonly [string, number] | null;
      readonly post: number | null;
      readonly dev: number | null;
      readonly local: ReadonlyArray<number | string> | null;
    }
  | { readonly legacy: true; readonly parts: readonly string[] };

function letterNumber(value: ReadonlyArray<string | number> | null | undefined): [string, number] | null {
  if (!value || value.length < 2) return null;
  return [String(value[0]), Number(value[1])];
}

export function parsePep440Key(raw: string): { key: Pep440Key; valid: boolean } {
  const text = raw.trim();
  const parsed = text === '' ? null : parsePep440(text);
  if (!parsed) return { key: { legacy: true, parts: legacyParts(text) }, valid: false };
  const release = [...parsed.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  if (release.length === 1 && release[0] === 0) release.pop();
  const post = letterNumber(parsed.post);
  const dev = letterNumber(parsed.dev);
  const local = (parsed.local as unknown as Array<string | number> | null) ?? null;
  return {
    key: {
      legacy: false,
      epoch: parsed.epoch,
      release,
      pre: letterNumber(parsed.pre),
      post: post ? post[1] : null,
      dev: dev ? dev[1] : null,
      local,
    },
    valid: true,
  };
}

const LEGACY_COMPONENT = /(\d+|[a-z]+|\.|-)/;
const LEGACY_REPLACEMENTS: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** packaging's _legacy_cmpkey (packaging < 22). */
function legacyParts(text: string): string[] {
  const parts: string[] = [];
  const add = (part: string): void => {
    if (part.startsWith('*')) {
      // a "-" before a pre-release tag is dropped, and so are trailing zeros of each numeric series
      if (part < '*final') while (parts.length > 0 && parts[parts.length - 1] === '*final-') parts.pop();
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  };
  for (const piece of text.toLowerCase().split(LEGACY_COMPONENT)) {
    const part = (Object.hasOwn(LEGACY_REPLACEMENTS, piece) ? LEGACY_REPLACEMENTS[piece] : undefined) ?? piece;
    if (part === '' || part === '.') continue;
    add(isDigitChar(part[0]) ? part.padStart(8, '0') : `*${part}`);
  }
  add('*final');
  return parts;
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSequences<T>(a: readonly T[], b: readonly T[], item: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = item(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return compareNumbers(a.length, b.length);
}

type Bounded = { rank: -1 | 0 | 1; value: number; label: string };
const NEG: Bounded = { rank: -1, value: 0, label: '' };
const POS: Bounded = { rank: 1, value: 0, label: '' };

function compareBounded(a: Bounded, b: Bounded): number {
  return compareNumbers(a.rank, b.rank) || compareText(a.label, b.label) || compareNumbers(a.value, b.value);
}

export function comparePep440Keys(a: Pep440Key, b: Pep440Key): number {
  if (a.legacy || b.legacy) {
    if (a.legacy && b.legacy) return compareSequences(a.parts, b.parts, compareText);
    return a.legacy ? -1 : 1;
  }
  const preOf = (k: typeof a): Bounded =>
    k.pre === null && k.post === null && k.dev !== null ? NEG : k.pre === null ? POS : { rank: 0, label: k.pre[0], value: k.pre[1] };
  const postOf = (k: typeof a): Bounded => (k.post === null ? NEG : { rank: 0, label: '', value: k.post });
  const devOf = (k: typeof a): Bounded => (k.dev === null ? POS : { rank: 0, label: '', value: k.dev });
  return (
    compareNumbers(a.epoch, b.epoch) ||
    compareSequences(a.release, b.release, compareNumbers) ||
    compareBounded(preOf(a), preOf(b)) ||
    compareBounded(postOf(a), postOf(b)) ||
    compareBounded(devOf(a), devOf(b)) ||
    compareLocal(a.local, b.local)
  );
}

/** Local labels: absent < present; numbers above strings, numbers by value, strings by text. */
function compareLocal(a: ReadonlyArray<number | string> | null, b: ReadonlyArray<number | string> | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareSequences(a, b, (x, y) => {
    if (typeof x === 'number' && typeof y === 'number') return compareNumbers(x, y);
    if (typeof x === 'number') return 1;
    if (typeof y === 'number') return -1;
    return compareText(x, y);
  });
}

function canonicalPep440(key: Pep440Key): string {
  if (key.legacy) return `legacy:${key.parts.join(',')}`;
  let text = `${key.epoch}!${key.release.length === 0 ? '0' : key.release.join('.')}`;
  if (key.pre) text += `${key.pre[0]}${key.pre[1]}`;
  if (key.post !== null) text += `.post${key.post}`;
  if (key.dev !== null) text += `.dev${key.dev}`;
  if (key.local) text += `+${key.local.join('.')}`;
  return text;
}

export const pep440Scheme: VersionScheme<Pep440Key> = {
  id: 'pep440',
  title: 'PEP 440',
  parse(raw: string): ParsedVersion<Pep440Key> {
    const { key, valid } = parsePep440Key(raw);
    return { raw, valid, key, canonical: canonicalPep440(key) };
  },
  compareKeys: comparePep440Keys,
};
