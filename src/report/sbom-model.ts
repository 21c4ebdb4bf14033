/**
 * What the CycloneDX and SPDX writers share: the SBOM input, one deduplicated and
 * sorted component per purl, hashes in hex (npm SRI integrity converted), licences
 * classified as SPDX id / expression / free-text name, and content-derived UUIDs so
 * the same input always gives the same bytes.
 */
import { createHash } from 'node:crypto';
import type { LockfileResult, Package } from '../scanners/sca/model.js';

export interface SbomInput {
  projectName: string;
  projectVersion?: string;
  packages: readonly Package[];
  /** The project itself: its purl, and the purls it depends on (default: every direct package). */
  root?: { purl?: string; dependsOn?: readonly string[] };
  /** secloop's version, recorded as the tool that wrote the document. */
  toolVersion: string;
  /**
   * ISO 8601 time to record. Without it CycloneDX gets no timestamp, and SPDX (whose
   * `created` is required) gets SOURCE_DATE_EPOCH when set, else 1970-01-01T00:00:00Z.
   */
  timestamp?: string;
}

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export type LicenseChoice = { kind: 'id'; id: string } | { kind: 'expression'; expression: string } | { kind: 'name'; name: string };

export interface SbomComponent {
  /** The purl, which is also the component's reference. */
  ref: string;
  name: string;
  version: string;
  ecosystem: Package['ecosystem'];
  hashes: Array<{ alg: HashAlgorithm; hex: string }>;
  license?: LicenseChoice;
  /** Only needed for development in every lockfile that lists it. */
  dev: boolean;
  optional: boolean;
  dependsOn: string[];
}

export interface SbomDocument {
  root: { ref: string; name: string; version?: string; purl?: string; dependsOn: string[] };
  components: SbomComponent[];
}

const HEX_LENGTH: Record<HashAlgorithm, number> = { md5: 32, sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/** "sha512-<base64> sha1-<base64>" (Subresource Integrity, as npm records it) -> hex digests. */
export function integrityToHashes(integrity: string): Array<{ alg: HashAlgorithm; hex: string }> {
  const out: Array<{ alg: HashAlgorithm; hex: string }> = [];
  for (const token of integrity.trim().split(/\s+/)) {
    const match = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
    if (!match) continue;
    const alg = match[1] as HashAlgorithm;
    const hex = Buffer.from(match[2] as string, 'base64').toString('hex');
    if (hex.length === HEX_LENGTH[alg]) out.push({ alg, hex });
  }
  return out;
}

function hashesOf(pkg: Package): Array<{ alg: HashAlgorithm; hex: string }> {
  const out = pkg.integrity ? integrityToHashes(pkg.integrity) : [];
  for (const [alg, hex] of Object.entries(pkg.hashes ?? {})) {
    const a = alg.toLowerCase() as HashAlgorithm;
    if (HEX_LENGTH[a] !== undefined && /^[0-9a-fA-F]+$/.test(hex) && hex.length === HEX_LENGTH[a]) out.push({ alg: a, hex: hex.toLowerCase() });
  }
  return out;
}

/**
 * SPDX licence identifiers secloop recognises (a common subset of the SPDX licence
 * list; a valid identifier not listed here is written as a licence name, which is
 * still valid output). Tests check every entry against the SPDX list in the schema.
 */
export const SPDX_LICENSE_IDS: readonly string[] = [
  '0BSD', 'AFL-2.1', 'AFL-3.0', 'AGPL-1.0', 'AGPL-3.0', 'AGPL-3.0-only', 'AGPL-3.0-or-later', 'AML', 'APSL-2.0',
  'Apache-1.0', 'Apache-1.1', 'Apache-2.0', 'Artistic-2.0', 'BSD-2-Clause', 'BSD-2-Clause-Patent', 'BSD-3-Clause',
  'BSD-3-Clause-Clear', 'BSD-4-Clause', 'BSL-1.0', 'BUSL-1.1', 'Beerware', 'BlueOak-1.0.0', 'CC-BY-2.0', 'CC-BY-2.5',
  'CC-BY-3.0', 'CC-BY-4.0', 'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0', 'CC-BY-ND-4.0', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0', 'CC0-1.0',
  'CDDL-1.0', 'CDDL-1.1', 'CECILL-2.1', 'CNRI-Python', 'CPL-1.0', 'ECL-2.0', 'EFL-2.0', 'EPL-1.0', 'EPL-2.0', 'EUPL-1.1',
  'EUPL-1.2', 'Elastic-2.0', 'FTL', 'GFDL-1.3-only', 'GFDL-1.3-or-later', 'GPL-1.0-only', 'GPL-1.0-or-later', 'GPL-2.0',
  'GPL-2.0+', 'GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-2.0-with-classpath-exception', 'GPL-3.0', 'GPL-3.0+',
  'GPL-3.0-only', 'GPL-3.0-or-later', 'HPND', 'Hippocratic-2.1', 'ICU', 'IJG', 'IPL-1.0', 'ISC', 'ImageMagick',
  'Info-ZIP', 'JSON', 'LGPL-2.0-only', 'LGPL-2.0-or-later', 'LGPL-2.1', 'LGPL-2.1+', 'LGPL-2.1-only',
  'LGPL-2.1-or-later', 'LGPL-3.0', 'LGPL-3.0+', 'LGPL-3.0-only', 'LGPL-3.0-or-later', 'LPPL-1.3c', 'Libpng', 'MIT',
  'MIT-0', 'MIT-Modern-Variant', 'MPL-1.1', 'MPL-2.0', 'MPL-2.0-no-copyleft-exception', 'MS-PL', 'MirOS',
  'MulanPSL-2.0', 'NCSA', 'NPL-1.1', 'NTP', 'Naumen', 'Nokia', 'ODbL-1.0', 'OFL-1.1', 'OLDAP-2.8', 'OSL-2.1',
  'OSL-3.0', 'OpenSSL', 'PDDL-1.0', 'PHP-3.0', 'PHP-3.01', 'PSF-2.0', 'Parity-7.0.0', 'PolyForm-Noncommercial-1.0.0',
  'PolyForm-Small-Business-1.0.0', 'PostgreSQL', 'Python-2.0', 'Qhull', 'RPL-1.5', 'Ruby', 'SGI-B-2.0', 'SMLNJ',
  'SSPL-1.0', 'Sendmail', 'Sleepycat', 'Spencer-94', 'TCL', 'UPL-1.0', 'Unicode-3.0', 'Unicode-DFS-2016',
  'Unicode-TOU', 'Unlicense', 'Vim', 'W3C', 'WTFPL', 'X11', 'Xnet', 'ZPL-2.1', 'Zend-2.0', 'Zlib', 'blessing',
  'bzip2-1.0.6', 'curl', 'libpng-2.0',
];

/** SPDX licence exceptions, valid only after WITH. */
export const SPDX_EXCEPTION_IDS: readonly string[] = [
  'Autoconf-exception-3.0', 'Bison-exception-2.2', 'Classpath-exception-2.0', 'Font-exception-2.0',
  'GCC-exception-3.1', 'LLVM-exception', 'OpenJDK-assembly-exception-1.0', 'WxWindows-exception-3.1',
];

const LICENSE_BY_LOWER = new Map(SPDX_LICENSE_IDS.map((id) => [id.toLowerCase(), id]));
const EXCEPTION_BY_LOWER = new Map(SPDX_EXCEPTION_IDS.map((id) => [id.toLowerCase(), id]));

/** An SPDX id in its canonical case, or undefined. */
export function spdxLicenseId(text: string): string | undefined {
  return LICENSE_BY_LOWER.get(text.trim().toLowerCase());
}

/** A licence expression of known ids rewritten canonically ("(mit OR apache-2.0)" -> "(MIT OR Apache-2.0)"), or undefined. */
function spdxExpression(text: string): string | undefined {
  const tokens = text.match(/\(|\)|[^\s()]+/g);
  if (!tokens || tokens.length < 3) return undefined;
  let depth = 0;
  let expectOperand = true;
  let afterWith = false;
  const out: string[] = [];
  for (const token of tokens) {
    const upper = token.toUpperCase();
    if (token === '(') {
      if (!expectOperand) return undefined;
      depth++;
      out.push(token);
    } else if (token === ')') {
      if (expectOperand || --depth < 0) return undefined;
      out.push(token);
    } else if (upper === 'AND' || upper === 'OR' || upper === 'WITH') {
      if (expectOperand) return undefined;
      expectOperand = true;
      afterWith = upper === 'WITH';
      out.push(upper);
    } else {
      if (!expectOperand) return undefined;
      const plus = token.endsWith('+') && !LICENSE_BY_LOWER.has(token.toLowerCase());
      const bare = plus ? token.slice(0, -1) : token;
      // LicenseRef-... is left to the name branch: SPDX needs its text declared in the document.
      const id = afterWith ? EXCEPTION_BY_LOWER.get(bare.toLowerCase()) : LICENSE_BY_LOWER.get(bare.toLowerCase());
      if (!id || (plus && afterWith)) return undefined;
      out.push(plus ? `${id}+` : id);
      expectOperand = false;
      afterWith = false;
    }
  }
  if (expectOperand || depth !== 0) return undefined;
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

export function classifyLicense(text: string): LicenseChoice | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const id = spdxLicenseId(trimmed.replace(/^\((.*)\)$/, '$1'));
  if (id) return { kind: 'id', id };
  const expression = spdxExpression(trimmed);
  if (expression) return { kind: 'expression', expression };
  return { kind: 'name', name: trimmed };
}

/** One component per purl (a package may be listed at several paths or in several lockfiles), sorted by purl. */
export function prepareSbom(input: SbomInput): SbomDocument {
  const byPurl = new Map<string, SbomComponent>();
  const deps = new Map<string, Set<string>>();
  for (const pkg of input.packages) {
    let component = byPurl.get(pkg.purl);
    if (!component) {
      component = {
        ref: pkg.purl,
        name: pkg.name,
        version: pkg.version,
        ecosystem: pkg.ecosystem,
        hashes: [],
        dev: pkg.dev,
        optional: pkg.flags?.includes('optional') ?? false,
        dependsOn: [],
      };
      byPurl.set(pkg.purl, component);
      deps.set(pkg.purl, new Set());
    } else {
      component.dev &&= pkg.dev;
      component.optional &&= pkg.flags?.includes('optional') ?? false;
    }
    for (const hash of hashesOf(pkg)) if (!component.hashes.some((h) => h.alg === hash.alg)) component.hashes.push(hash);
    if (!component.license && pkg.license) {
      const license = classifyLicense(pkg.license);
      if (license) component.license = license;
    }
    for (const ref of pkg.dependsOn ?? []) deps.get(pkg.purl)?.add(ref);
  }
  const known = (ref: string): boolean => byPurl.has(ref);
  const components = [...byPurl.values()].sort((a, b) => compare(a.ref, b.ref));
  for (const component of components) {
    component.hashes.sort((a, b) => compare(a.alg, b.alg));
    component.dependsOn = [...(deps.get(component.ref) ?? [])].filter((ref) => known(ref) && ref !== component.ref).sort(compare);
  }
  const rootDeps = input.root?.dependsOn ?? input.packages.filter((p) => p.direct).map((p) => p.purl);
  const rootPurl = input.root?.purl;
  let rootRef = rootPurl ?? `root:${input.projectName}${input.projectVersion ? `@${input.projectVersion}` : ''}`;
  if (byPurl.has(rootRef)) rootRef = `root:${rootRef}`; // references must be unique
  const root: SbomDocument['root'] = {
    ref: rootRef,
    name: input.projectName,
    dependsOn: [...new Set(rootDeps)].filter(known).sort(compare),
  };
  if (input.projectVersion) root.version = input.projectVersion;
  if (rootPurl) root.purl = rootPurl;
  return { root, components };
}

/** Code-unit order, the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A fixed namespace for secloop's name-based UUIDs. */
const UUID_NAMESPACE = Buffer.from('6f3c1f0e5b2a4d7e9c8b1a2d3e4f5a6b', 'hex');

/** RFC 4122 version 5 UUID (SHA-1, name-based) of `content`: same content, same UUID. */
export function contentUuid(content: string): string {
  const digest = createHash('sha1').update(UUID_NAMESPACE).update(content).digest();
  digest[6] = ((digest[6] as number) & 0x0f) | 0x50;
  digest[8] = ((digest[8] as number) & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Joins lockfile results into one SBOM input (a project with several lockfiles):
 * the packages of all, and the root's dependencies of all.
 */
export function sbomInputFromLockfiles(
  results: readonly LockfileResult[],
  options: { projectName: string; projectVersion?: string; rootPurl?: string; toolVersion: string; timestamp?: string },
): SbomInput {
  const packages = results.flatMap((r) => r.packages);
  const rootDeps = new Set<string>();
  for (const r of results) {
    if (r.root?.dependsOn) for (const purl of r.root.dependsOn) rootDeps.add(purl);
    else for (const p of r.packages) if (p.direct) rootDeps.add(p.purl);
  }
  const input: SbomInput = {
    projectName: options.projectName,
    packages,
    root: { dependsOn: [...rootDeps].sort(compare), ...(options.rootPurl ? { purl: options.rootPurl } : {}) },
    toolVersion: options.toolVersion,
  };
  if (options.projectVersion) input.projectVersion = options.projectVersion;
  if (options.timestamp) input.timestamp = options.timestamp;
  return input;
}
