import { SCANNER_IDS, SEVERITIES } from './finding.js';

/** A tiny schema language for secloop.yaml: enough to name the key and line of every mistake. */
export type SchemaNode =
  | { kind: 'boolean' }
  | { kind: 'string'; pattern?: RegExp; describe?: string }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'size' }
  | { kind: 'port' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; items: SchemaNode }
  | { kind: 'object'; properties: Record<string, SchemaNode & { doc?: string }>; additional?: SchemaNode }
  | { kind: 'oneOf'; options: readonly SchemaNode[]; describe: string };

const severity: SchemaNode = { kind: 'enum', values: SEVERITIES };
const failOn: SchemaNode = { kind: 'enum', values: [...SEVERITIES.filter((s) => s !== 'info'), 'none'] };

const ruleSetting: SchemaNode = {
  kind: 'oneOf',
  describe: "'off', 'on', or { enabled: true|false, severity: critical|high|medium|low|info }",
  options: [
    { kind: 'enum', values: ['off', 'on'] },
    { kind: 'boolean' },
    { kind: 'object', properties: { enabled: { kind: 'boolean' }, severity } },
  ],
};

export const CONFIG_SCHEMA: SchemaNode = {
  kind: 'object',
  properties: {
    version: { kind: 'integer', min: 1, max: 1 },
    scanners: {
      kind: 'object',
      properties: Object.fromEntries(SCANNER_IDS.map((id) => [id, { kind: 'boolean' } as SchemaNode])),
    },
    failOn,
    failOnTestCode: { kind: 'boolean' },
    ignore: { kind: 'array', items: { kind: 'string' } },
    maxFileSize: { kind: 'size' },
    skipDirs: { kind: 'array', items: { kind: 'string' } },
    rules: { kind: 'object', properties: {}, additional: ruleSetting },
    secrets: {
      kind: 'object',
      properties: {
        history: { kind: 'boolean' },
        allowlist: { kind: 'array', items: { kind: 'string' } },
      },
    },
    sca: {
      kind: 'object',
      properties: {
        prodOnly: { kind: 'boolean' },
        db: { kind: 'string' },
        offline: { kind: 'boolean' },
      },
    },
    sast: {
      kind: 'object',
      properties: { libraryInputs: { kind: 'boolean' } },
    },
    ops: {
      kind: 'object',
      properties: { allowedPorts: { kind: 'array', items: { kind: 'port' } } },
    },
    iac: {
      kind: 'object',
      properties: {
        // Chart directory (from the scan root) -> values files applied over its values.yaml, in order, as `helm template -f`.
        helmValues: { kind: 'object', properties: {}, additional: { kind: 'array', items: { kind: 'string' } } },
        // The repository's owner/name on GitHub: its workflows' `uses: owner/repo/...@ref` are followed into the scan's files (else read from git's origin remote).
        githubRepository: { kind: 'string', pattern: /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, describe: 'a GitHub repository as owner/name, like example-org/app' },
      },
    },
  },
};
