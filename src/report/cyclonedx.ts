/**
 * CycloneDX 1.6 JSON. Components carry purl (also their bom-ref), hashes, licences and
 * scope (dev-only packages are "excluded", optional ones "optional"); `dependencies`
 * holds the graph. The serial number is a UUID of the content, and there is no
 * timestamp unless one is given, so the same input gives the same bytes.
 */
import { contentUuid, prepareSbom, type HashAlgorithm, type LicenseChoice, type SbomInput } from './sbom-model.js';

const ALG: Record<HashAlgorithm, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

function licenses(license: LicenseChoice): unknown[] {
  switch (license.kind) {
    case 'id':
      return [{ license: { id: license.id } }];
    case 'expression':
      return [{ expression: license.expression }];
    case 'name':
      return [{ license: { name: license.name } }];
  }
}

/** npm scopes, Maven groupIds and Composer vendors are CycloneDX groups. */
function groupAndName(name: string, ecosystem: string): { group?: string; name: string } {
  if (ecosystem === 'npm' && name.startsWith('@') && name.includes('/')) {
    const slash = name.indexOf('/');
    return { group: name.slice(0, slash), name: name.slice(slash + 1) };
  }
  if (ecosystem === 'Maven' && name.includes(':')) {
    const colon = name.indexOf(':');
    return { group: name.slice(0, colon), name: name.slice(colon + 1) };
  }
  if (ecosystem === 'Packagist' && name.includes('/')) {
    const slash = name.indexOf('/');
    return { group: name.slice(0, slash), name: name.slice(slash + 1) };
  }
  return { name };
}

export function writeCycloneDx(input: SbomInput): string {
  const doc = prepareSbom(input);
  const metadata: Record<string, unknown> = {};
  if (input.timestamp) metadata.timestamp = input.timestamp;
  metadata.tools = { components: [{ type: 'application', name: 'secloop', version: input.toolVersion }] };
  metadata.component = {
    type: 'application',
    'bom-ref': doc.root.ref,
    name: doc.root.name,
    ...(doc.root.version ? { version: doc.root.version } : {}),
    ...(doc.root.purl ? { purl: doc.root.purl } : {}),
  };

  const components = doc.components.map((c) => {
    const component: Record<string, unknown> = { type: 'library', 'bom-ref': c.ref, ...groupAndName(c.name, c.ecosystem) };
    component.version = c.version;
    component.scope = c.dev ? 'excluded' : c.optional ? 'optional' : 'required';
    if (c.hashes.length > 0) component.hashes = c.hashes.map((h) => ({ alg: ALG[h.alg], content: h.hex }));
    if (c.license) component.licenses = licenses(c.license);
    component.purl = c.ref;
    return component;
  });

  const dependencies = [
    { ref: doc.root.ref, dependsOn: doc.root.dependsOn },
    ...doc.components.map((c) => ({ ref: c.ref, dependsOn: c.dependsOn })),
  ];

  const body = { metadata, components, dependencies };
  const serialNumber = `urn:uuid:${contentUuid(JSON.stringify(body))}`;
  const bom = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber,
    version: 1,
    ...body,
  };
  return `${JSON.stringify(bom, null, 2)}\n`;
}
