/**
 * SPDX 2.3 JSON. The document DESCRIBES the root package, which DEPENDS_ON its direct
 * dependencies; each package DEPENDS_ON its own. Packages carry purl (externalRefs),
 * checksums and the declared licence (an SPDX id or expression, or a LicenseRef with
 * the original text in hasExtractedLicensingInfos).
 *
 * `creationInfo.created` is required by SPDX. For reproducible output it is, in order:
 * the `timestamp` given, SOURCE_DATE_EPOCH (seconds since the epoch) when set, else
 * 1970-01-01T00:00:00Z. The documentNamespace ends in a UUID of the content.
 */
import { createHash } from 'node:crypto';
import { compare, contentUuid, prepareSbom, type HashAlgorithm, type LicenseChoice, type SbomInput } from './sbom-model.js';

const ALG: Record<HashAlgorithm, string> = { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512' };

export const FIXED_CREATED = '1970-01-01T00:00:00Z';

export interface SpdxOptions {
  /** Defaults to process.env.SOURCE_DATE_EPOCH. */
  sourceDateEpoch?: string;
}

/** The `created` time: the timestamp given, else SOURCE_DATE_EPOCH, else the epoch. */
export function spdxCreated(timestamp: string | undefined, sourceDateEpoch: string | undefined): string {
  if (timestamp) return timestamp;
  if (sourceDateEpoch && /^\d{1,12}$/.test(sourceDateEpoch.trim())) {
    return new Date(Number(sourceDateEpoch.trim()) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return FIXED_CREATED;
}

function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export function writeSpdx(input: SbomInput, options: SpdxOptions = {}): string {
  const doc = prepareSbom(input);
  const created = spdxCreated(input.timestamp, options.sourceDateEpoch ?? process.env.SOURCE_DATE_EPOCH);

  const ids = new Map<string, string>();
  const used = new Set<string>(['SPDXRef-DOCUMENT', 'SPDXRef-RootPackage']);
  ids.set(doc.root.ref, 'SPDXRef-RootPackage');
  for (const c of doc.components) {
    let id = `SPDXRef-Package-${idPart(c.ecosystem)}-${idPart(c.name)}-${idPart(c.version)}`;
    if (used.has(id)) id = `${id}-${shortHash(c.ref)}`;
    used.add(id);
    ids.set(c.ref, id);
  }

  const extracted = new Map<string, string>();
  const declared = (license: LicenseChoice | undefined): string => {
    if (!license) return 'NOASSERTION';
    if (license.kind === 'id') return license.id;
    if (license.kind === 'expression') return license.expression;
    let ref = `LicenseRef-${idPart(license.name)}`;
    if (extracted.has(ref) && extracted.get(ref) !== license.name) ref = `${ref}-${shortHash(license.name)}`;
    extracted.set(ref, license.name);
    return ref;
  };

  const rootPackage: Record<string, unknown> = {
    SPDXID: 'SPDXRef-RootPackage',
    name: doc.root.name,
    ...(doc.root.version ? { versionInfo: doc.root.version } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(doc.root.purl
      ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: doc.root.purl }] }
      : {}),
    primaryPackagePurpose: 'APPLICATION',
  };
  const packages = [
    rootPackage,
    ...doc.components.map((c) => ({
      SPDXID: ids.get(c.ref),
      name: c.name,
      versionInfo: c.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(c.hashes.length > 0 ? { checksums: c.hashes.map((h) => ({ algorithm: ALG[h.alg], checksumValue: h.hex })) } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declared(c.license),
      copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.ref }],
      primaryPackagePurpose: 'LIBRARY',
    })),
  ];

  const dependsOn: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }> = [];
  const edge = (from: string, to: string): void => {
    const a = ids.get(from);
    const b = ids.get(to);
    if (a && b) dependsOn.push({ spdxElementId: a, relationshipType: 'DEPENDS_ON', relatedSpdxElement: b });
  };
  for (const ref of doc.root.dependsOn) edge(doc.root.ref, ref);
  for (const c of doc.components) for (const ref of c.dependsOn) edge(c.ref, ref);
  dependsOn.sort((x, y) => compare(x.spdxElementId, y.spdxElementId) || compare(x.relatedSpdxElement, y.relatedSpdxElement));
  const relationships = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-RootPackage' },
    ...dependsOn,
  ];

  const name = input.projectVersion ? `${input.projectName}-${input.projectVersion}` : input.projectName;
  const body: Record<string, unknown> = {
    creationInfo: { created, creators: [`Tool: secloop-${input.toolVersion}`] },
    packages,
    relationships,
  };
  if (extracted.size > 0) {
    body.hasExtractedLicensingInfos = [...extracted]
      .sort((a, b) => compare(a[0], b[0]))
      .map(([licenseId, text]) => ({ licenseId, extractedText: text, name: text }));
  }
  const uuid = contentUuid(JSON.stringify({ name, body }));
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://spdx.org/spdxdocs/${idPart(name)}-${uuid}`,
    ...body,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
