/**
 * Package URLs per the purl specification (github.com/package-url/purl-spec):
 * type-specific namespace/name rules, percent-encoding of every component except
 * `A-Za-z0-9.-_~` and `:`, qualifiers sorted by key.
 */
import type { Ecosystem } from '../model.js';

const PURL_TYPE: Record<Ecosystem, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  Packagist: 'composer',
  RubyGems: 'gem',
  Maven: 'maven',
  NuGet: 'nuget',
  'GitHub Actions': 'githubactions',
};

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with each lone surrogate (broken UTF-16, on which encodeURIComponent throws) as U+FFFD. */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd');
}

export function encodePurlComponent(value: string): string {
  return encodeURIComponent(wellFormed(value))
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%3A/g, ':');
}

/** PEP 503 normalised project name: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name.trim().replace(/[-_.]+/g, '-').toLowerCase();
}

function splitNamespace(ecosystem: Ecosystem, name: string): { namespace?: string; name: string } {
  switch (ecosystem) {
    case 'npm': {
      const lower = name.toLowerCase();
      const slash = lower.indexOf('/');
      if (lower.startsWith('@') && slash > 0) return { namespace: lower.slice(0, slash), name: lower.slice(slash + 1) };
      return { name: lower };
    }
    case 'PyPI':
      return { name: normalizePythonName(name) };
    case 'Go': {
      const lower = name.toLowerCase();
      const slash = lower.lastIndexOf('/');
      return slash > 0 ? { namespace: lower.slice(0, slash), name: lower.slice(slash + 1) } : { name: lower };
    }
    case 'Packagist':
    case 'GitHub Actions': {
      const lower = name.toLowerCase();
      const slash = lower.indexOf('/');
      return slash > 0 ? { namespace: lower.slice(0, slash), name: lower.slice(slash + 1) } : { name: lower };
    }
    case 'Maven': {
      const colon = name.indexOf(':');
      return colon > 0 ? { namespace: name.slice(0, colon), name: name.slice(colon + 1) } : { name };
    }
    default:
      return { name };
  }
}

/**
 * A purl `vcs_url` (the SPDX VCS locator form, "git+https://host/path@commit") from a
 * lockfile's git source: Cargo's "git+https://host/path?rev=x#commit", uv's
 * "https://host/path?rev=x#commit", or a URL with the commit given apart.
 */
export function gitVcsUrl(source: string, commit?: string): string {
  const hash = source.indexOf('#');
  const revision = commit ?? (hash >= 0 ? source.slice(hash + 1) : undefined);
  let url = hash >= 0 ? source.slice(0, hash) : source;
  const query = url.indexOf('?');
  if (query >= 0) url = url.slice(0, query);
  if (!url.startsWith('git+')) url = `git+${url}`;
  return revision ? `${url}@${revision}` : url;
}

export function purlFor(
  ecosystem: Ecosystem,
  name: string,
  version?: string,
  qualifiers?: Record<string, string | undefined>,
): string {
  const parts = splitNamespace(ecosystem, name);
  let purl = `pkg:${PURL_TYPE[ecosystem]}/`;
  if (parts.namespace) purl += parts.namespace.split('/').map(encodePurlComponent).join('/') + '/';
  purl += encodePurlComponent(parts.name);
  if (version) purl += `@${encodePurlComponent(version)}`;
  if (qualifiers) {
    const keys = Object.keys(qualifiers)
      .filter((key) => qualifiers[key])
      .sort();
    if (keys.length > 0) {
      // Qualifier values keep '/' readable, as the specification's own examples do (vcs_url=git://host/path).
      purl +=
        '?' + keys.map((key) => `${key.toLowerCase()}=${encodePurlComponent(qualifiers[key] as string).replace(/%2F/g, '/')}`).join('&');
    }
  }
  return purl;
}
