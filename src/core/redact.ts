import { createHash } from 'node:crypto';

/**
 * The only form in which secloop ever shows a secret: the first 4 characters, the
 * length and a short hash, enough to recognise a secret without revealing it.
 */
export function redactSecret(secret: string): string {
  const shown = secret.length > 12 ? secret.slice(0, 4) : '';
  return `${shown}…[${secret.length} chars, sha256:${secretHash(secret).slice(0, 12)}]`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Replaces every registered secret in text with its redacted form. */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** One alternation of every secret, longest first; rebuilt only after new secrets arrive. */
  private pattern: RegExp | null = null;

  add(secret: string): void {
    if (secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.pattern = null;
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    // Longest first, so that a secret containing another is replaced whole.
    this.pattern ??= new RegExp(
      [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
      'g',
    );
    return text.replace(this.pattern, (secret) => redactSecret(secret));
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
