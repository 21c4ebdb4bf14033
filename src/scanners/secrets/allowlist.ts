import { secretHash } from '../../core/redact.js';

/**
 * `secrets.allowlist` in secloop.yaml: entries are either the SHA-256 of a secret, whole or
 * its first 12+ hex digits as shown in every finding's redacted form ("sha256:1a2b3c4d5e6f"),
 * so the secret itself never has to be written down; or a regular expression between
 * slashes ("/^AKIA.*TEST$/") tested against the secret.
 */
export class Allowlist {
  private readonly hashPrefixes: string[] = [];
  private readonly patterns: RegExp[] = [];
  readonly problems: string[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const hash = /^(?:sha256:)?([0-9a-f]{12,64})$/i.exec(entry.trim());
      if (hash) {
        this.hashPrefixes.push(hash[1]!.toLowerCase());
        continue;
      }
      const regex = /^\/(.+)\/([imsu]*)$/.exec(entry.trim());
      if (!regex) {
        this.problems.push(`secrets.allowlist entry '${entry.slice(0, 40)}' is neither a sha256 hash nor a /regular expression/: ignored`);
        continue;
      }
      try {
        this.patterns.push(new RegExp(regex[1]!, regex[2]));
      } catch (error) {
        this.problems.push(`secrets.allowlist entry ${entry.slice(0, 40)} is not a valid regular expression (${(error as Error).message}): ignored`);
      }
    }
  }

  get empty(): boolean {
    return this.hashPrefixes.length === 0 && this.patterns.length === 0;
  }

  allows(secret: string): boolean {
    const hash = secretHash(secret);
    return this.hashPrefixes.some((prefix) => hash.startsWith(prefix)) || this.patterns.some((pattern) => pattern.test(secret));
  }
}
