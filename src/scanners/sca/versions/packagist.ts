/**
 * Packagist: Composer compares normalised versions with PHP's version_compare. The
 * order here is version_compare's on the version with a leading "v" removed: "-", "_"
 * and "+" separate parts, and so does every digit/letter transition; numbers compare
 * by value (any size), words by their special form (any other word < dev < alpha = a <
 * beta = b < RC = rc < # < pl = p, matched by prefix as PHP does), a number counts as
 * "#" against a word, and a longer version wins only if its next part is a number or a
 * word above "#". Composer's own normalisation (1.0 -> 1.0.0.0) is not applied, so
 * that 1.0 < 1.0.0 holds as the version-order cases expect.
 */
import type { ParsedVersion, VersionScheme } from './scheme.js';
import { compareDigits, isDigitChar, isDigits, stripLeadingZeros } from './text.js';

/**
 * A Composer version as Composer normalises a tag's name: "v1.2.3" is 1.2.3 (Composer's
 * VersionParser drops the `v`; Packagist advisories and purls write versions without it).
 * Branches (dev-main, 1.x-dev) are kept as they are.
 */
export function composerVersion(raw: string): string {
  return /^[vV]\d/.test(raw) ? raw.slice(1) : raw;
}

export type PackagistKey = readonly string[];

const SPECIAL_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['dev', 0], ['alpha', 1], ['a', 1], ['beta', 2], ['b', 2], ['RC', 3], ['rc', 3], ['#', 4], ['pl', 5], ['p', 5],
];

function specialFormOrder(part: string): number {
  for (const [form, order] of SPECIAL_FORMS) if (part.startsWith(form)) return order;
  return -1;
}

function compareSpecialForms(a: string, b: string): number {
  const c = specialFormOrder(a) - specialFormOrder(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

export function packagistParts(raw: string): string[] {
  let text = raw.trim();
  if (text.startsWith('v') || text.startsWith('V')) text = text.slice(1);
  let canonical = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '-' || c === '_' || c === '+') {
      canonical += '.';
      continue;
    }
    const previous = text[i - 1];
    if (previous !== undefined && c !== '.' && previous !== '.' && isDigitChar(c) !== isDigitChar(previous)) canonical += '.';
    canonical += c;
  }
  return canonical
    .split('.')
    .filter((part) => part !== '')
    .map((part) => (isDigits(part) ? stripLeadingZeros(part) : part));
}

export function comparePackagistKeys(a: PackagistKey, b: PackagistKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xNum = isDigits(x);
    const yNum = isDigits(y);
    let c: number;
    if (xNum && yNum) c = compareDigits(x, y);
    else if (!xNum && !yNum) c = compareSpecialForms(x, y);
    else c = xNum ? compareSpecialForms('#', y) : compareSpecialForms(x, '#');
    if (c !== 0) return c;
  }
  if (a.length > b.length) return isDigits(a[n]!) ? 1 : comparePackagistKeys(a.slice(n), ['#']);
  if (a.length < b.length) return isDigits(b[n]!) ? -1 : comparePackagistKeys(['#'], b.slice(n));
  return 0;
}

const COMPOSER_VERSION =
  /^v?\d+(?:\.\d+){0,3}(?:[._-]?(?:stable|beta|b|rc|alpha|a|patch|pl|p)(?:[.-]?\d+(?:[.-]\d+)*)?)?(?:[.-]?dev)?$|^dev-\S+$|^\S+-dev$/i;

export const packagistScheme: VersionScheme<PackagistKey> = {
  id: 'packagist',
  title: "Composer / PHP version_compare",
  parse(raw: string): ParsedVersion<PackagistKey> {
    const key = packagistParts(raw);
    const canonical = key.map((p) => (isDigits(p) ? p : `~${specialFormOrder(p)}`)).join('.');
    return { raw, valid: COMPOSER_VERSION.test(raw.trim()), key, canonical };
  },
  compareKeys: comparePackagistKeys,
};
