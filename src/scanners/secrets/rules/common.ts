/** Pieces shared by the detector modules. */
import { looksRandom } from '../checks/entropy.js';

/**
 * `<name> <separator> <value>` as written in .env, YAML, JSON, INI, HTTP headers and
 * code (`=`, `:`, `:=`, `=>`, a comma between two string arguments); the value is the
 * `secret` group. `name` and `value` are regular-expression sources.
 */
export function namedValue(name: string, value: string, flags = 'gi'): RegExp {
  return new RegExp(
    `(?<![A-Za-z0-9])(?:${name})[\\w.-]{0,20}?["'\`\\]]?\\s{0,5}(?::=|=>|=|:|,)\\s{0,5}(?:[rbuf]?["'\`])?(?<secret>${value})(?![A-Za-z0-9_+/=-])`,
    flags,
  );
}

/**
 * Put where a name starts: the name is not the end of a label in a string ("Password:",
 * "client_secret:" in minified interface code), whose closing quote the value pattern
 * would take for an opening one (`"Password:"),e?p.createElement(` reads as Password:
 * "),e?p.createElement("). A quoted name closes its quote before the separator; text in
 * other quotes is still read ('password: "Tr7vQ2mX9pLk"', a YAML line in a string).
 */
export const NOT_IN_LABEL = `(?!(?<=(?<labelQuote>["'\`]))[A-Za-z0-9_$.-]+\\s*(?::=|=>|=|:)\\s*\\k<labelQuote>)`;

/** A token that starts with a fixed prefix; `body` is a regular-expression source. */
export function prefixed(prefix: string, body: string, tail = 'A-Za-z0-9_-'): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_-])(?<secret>${escape(prefix)}${body})(?![${tail}])`, 'g');
}

export function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The usual remediation: revoke, reissue, keep out of the code. */
export function revoke(what: string, where: string): string {
  return (
    `Revoke the ${what} (${where}) and issue a new one, then read it at run time from the environment or a secret ` +
    'manager instead of the file. Removing it from the file or rewriting git history does not make it safe: anyone who ' +
    'saw it can still use it until it is revoked.'
  );
}

export const CHANGE_PASSWORD =
  'Change this password where it is used (database, service account), then read it at run time from the environment ' +
  'or a secret manager. Removing it from the file does not make it safe: it stays in git history and in every copy.';

/** Keywords for two-word names in every spelling: api_key, api-key, api.key, apikey. */
export function separatorVariants(firstWords: readonly string[], second: string): string[] {
  return firstWords.flatMap((first) => ['_', '-', '.', ''].map((separator) => `${first}${separator}${second}`));
}

/** The random part after a token's fixed prefix looks generated (see looksRandom). */
export const randomAfter = (prefix: string, minClasses: number) => (secret: string) => looksRandom(secret.slice(prefix.length), minClasses);
