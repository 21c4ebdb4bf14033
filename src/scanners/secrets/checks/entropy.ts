/** Shannon entropy of the characters of `value`, in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** How many of lower case, upper case, digits and other printable characters occur. */
export function characterClasses(value: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

/**
 * A value that looks generated rather than written: at least `minClasses` character
 * classes and about the entropy random text of its length and alphabet would have.
 */
export function looksRandom(value: string, minClasses = 3, minEntropy = entropyFloor(value)): boolean {
  return characterClasses(value) >= minClasses && shannonEntropy(value) >= minEntropy;
}

/**
 * The expected entropy of random text of this length over its apparent alphabet, less
 * 3.5/sqrt(n): below it fall fewer than 1 in 1,000 random strings (measured by
 * simulation for hex, base62 and base64url of 16 to 100 characters), and almost every
 * hand-written value.
 */
export function entropyFloor(value: string): number {
  const alphabet = /^[0-9a-f-]+$/i.test(value) ? 16 : alphabetSize(value);
  return expectedEntropy(value.length, alphabet) - 3.5 / Math.sqrt(Math.max(value.length, 1));
}

/** Letters, digits, and two more symbols when there are any (base64's +/, base64url's -_). */
function alphabetSize(value: string): number {
  return (/[a-z]/.test(value) ? 26 : 0) + (/[A-Z]/.test(value) ? 26 : 0) + (/[0-9]/.test(value) ? 10 : 0) + (/[^A-Za-z0-9]/.test(value) ? 2 : 0);
}

const expectedCache = new Map<string, number>();

/**
 * E[H] of n characters drawn uniformly from k symbols: log2 n - (k/n) E[X log2 X] with
 * X ~ Binomial(n, 1/k), summed exactly (n is at most a few hundred here).
 */
function expectedEntropy(n: number, k: number): number {
  if (n < 2 || k < 2) return 0;
  const key = `${n}/${k}`;
  const cached = expectedCache.get(key);
  if (cached !== undefined) return cached;
  const p = 1 / k;
  let probability = Math.pow(1 - p, n);
  let expectation = 0;
  for (let x = 1; x <= n; x++) {
    probability *= ((n - x + 1) / x) * (p / (1 - p));
    if (probability < 1e-12 && x > n * p) break;
    expectation += probability * x * Math.log2(x);
  }
  const value = Math.log2(n) - (k / n) * expectation;
  expectedCache.set(key, value);
  return value;
}
