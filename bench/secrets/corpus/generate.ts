import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ALNUM,
  HEX,
  Rng,
  base64Of,
  mixed,
  opensshPrivateKey,
  pemPrivateKey,
  pgpPrivateKey,
  uuid,
  wrap,
} from '../fake-credentials.js';
import { CREDENTIALS, humanPassword, type CredentialSpec } from './credentials.js';
import { DECOYS } from './decoys.js';
import { assignment, filler, type Syntax } from './render.js';

/**
 * A labelled corpus for the accuracy bench: small "projects" of realistic files (.env,
 * YAML, JSON, Python, JavaScript, Terraform, properties, Dockerfile, README, key files)
 * with planted credentials of every type and more decoys than plants. Deterministic for
 * a seed. Nothing generated is committed: it is written into the bench's scratch folder.
 */
export interface PlantedSecret {
  path: string;
  /** 1-based line where the finding must be. */
  line: number;
  type: string;
  accept: readonly string[];
  /** Raw values, for the redaction checks. */
  values: string[];
}

export interface Corpus {
  planted: PlantedSecret[];
  decoys: number;
  files: number;
}

interface FileTemplate {
  path: string;
  syntax: Syntax;
  header?: string[];
  footer?: string[];
}

const TEMPLATES: readonly FileTemplate[] = [
  { path: '.env', syntax: 'env' },
  { path: 'deploy/production.env', syntax: 'env' },
  { path: 'scripts/deploy.sh', syntax: 'env', header: ['#!/usr/bin/env bash', 'set -euo pipefail'] },
  { path: 'config/app.yaml', syntax: 'yaml', header: ['app:'] },
  { path: 'docker-compose.yml', syntax: 'yaml', header: ['services:', '  api:', '    image: acme/api:1.4.2', '    environment:'] },
  { path: 'config/default.json', syntax: 'json', header: ['{'], footer: ['  "end": true', '}'] },
  { path: 'app/settings.py', syntax: 'python', header: ['"""Production settings."""'] },
  { path: 'src/config.js', syntax: 'javascript', header: ["'use strict';"] },
  { path: 'src/clients.ts', syntax: 'javascript', header: ["import { Client } from './client';", 'export const config = {'], footer: ['};'] },
  { path: 'infra/main.tf', syntax: 'terraform', header: ['resource "aws_db_instance" "main" {'], footer: ['}'] },
  { path: 'src/main/resources/application.properties', syntax: 'properties' },
  { path: 'Dockerfile', syntax: 'dockerfile', header: ['FROM node:20-alpine'] },
  { path: 'README.md', syntax: 'markdown', header: ['# Service', '', '## Local setup', '', '```bash'], footer: ['```'] },
];

/** Types whose planting needs a file of their own or a special shape. */
type SpecialPlant = (project: ProjectWriter, rng: Rng) => void;

export function generateCorpus(dir: string, options: { seed: number; projects: number }): Corpus {
  const rng = new Rng(options.seed);
  const corpus: Corpus = { planted: [], decoys: 0, files: 0 };
  const deck = new Deck(CREDENTIALS, rng);
  for (let p = 0; p < options.projects; p++) {
    const project = new ProjectWriter(path.join(dir, `project-${String(p).padStart(3, '0')}`), `project-${String(p).padStart(3, '0')}`, corpus);
    const templates = shuffle([...TEMPLATES], rng).slice(0, 5 + rng.int(5));
    for (const template of templates) writeRegularFile(project, template, deck, rng);
    for (const special of shuffle([...SPECIAL_PLANTS], rng).slice(0, 3 + rng.int(4))) special(project, rng);
    for (const decoyFile of shuffle([...DECOY_FILES], rng).slice(0, 2 + rng.int(3))) decoyFile(project, rng);
  }
  return corpus;
}

function writeRegularFile(project: ProjectWriter, template: FileTemplate, deck: Deck, rng: Rng): void {
  const file = project.file(template.path);
  for (const line of template.header ?? []) file.add(line);
  const plants = 1 + rng.int(3);
  const decoys = plants + 1 + rng.int(3);
  const events = shuffle([...Array<'plant'>(plants).fill('plant'), ...Array<'decoy'>(decoys).fill('decoy'), ...Array<'filler'>(6 + rng.int(10)).fill('filler')], rng);
  for (const event of events) {
    if (event === 'filler') file.add(filler(template.syntax, rng));
    else if (event === 'decoy') file.decoy(rng.pick(DECOYS)(template.syntax, rng));
    else {
      const spec = deck.next((candidate) => fits(candidate, template.syntax));
      const value = spec.value(rng);
      file.plant(assignment(template.syntax, rng.pick(spec.names), value, rng), spec.type, spec.accept, [value]);
    }
  }
  for (const line of template.footer ?? []) file.add(line);
  file.write();
}

/** Passwords in prose are documentation, not configuration: they are planted in config and code only. */
function fits(spec: CredentialSpec, syntax: Syntax): boolean {
  return !(spec.type === 'password' && syntax === 'markdown');
}

const SPECIAL_PLANTS: readonly SpecialPlant[] = [
  (project, rng) => {
    const file = project.file('.aws/credentials');
    const id = 'AKIA' + rng.string('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
    const secret = mixed(rng, ALNUM + '/+', 40);
    file.add('[default]');
    file.plant(`aws_access_key_id = ${id}`, 'aws-access-key', ['aws-access-key'], [id, secret]);
    file.add(`aws_secret_access_key = ${secret}`);
    file.add('region = eu-west-1');
    file.write();
  },
  (project, rng) => {
    const file = project.file('src/storage.js');
    const id = 'AKIA' + rng.string('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
    const secret = mixed(rng, ALNUM + '/+', 40);
    file.add("import { S3Client } from '@aws-sdk/client-s3';");
    file.add('export const s3 = new S3Client({');
    file.add("  region: 'eu-west-1',");
    file.plant(`  credentials: { accessKeyId: '${id}',`, 'aws-access-key', ['aws-access-key'], [id, secret]);
    file.add(`    secretAccessKey: '${secret}' },`);
    file.add('});');
    file.write();
  },
  (project, rng) => {
    const key = opensshPrivateKey(rng);
    const file = project.file(rng.pick(['keys/deploy_key', '.ssh/id_ed25519', 'ci/id_ed25519']));
    file.plantBlock(key, 'openssh-private-key', ['openssh-private-key']);
    file.write();
  },
  (project, rng) => {
    const label = rng.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY']);
    const key = pemPrivateKey(rng, label, 300 + rng.int(900));
    const file = project.file(rng.pick(['certs/server.key', 'tls/tls.key', 'config/jwt-signing.pem']));
    file.plantBlock(key, 'private-key', ['private-key']);
    file.write();
  },
  (project, rng) => {
    const key = pemPrivateKey(rng, 'PRIVATE KEY', 600);
    const file = project.file('gcp/service-account.json');
    const escaped = key.replace(/\n/g, '\\n');
    file.add('{');
    file.add('  "type": "service_account",');
    file.add(`  "project_id": "acme-${rng.digits(6)}",`);
    file.add(`  "private_key_id": "${rng.string(HEX, 40)}",`);
    file.plant(`  "private_key": "${escaped}\\n",`, 'gcp-service-account-key', ['gcp-service-account-key'], [`${escaped}\\n`, ...key.split('\n').filter((l) => !l.startsWith('-----'))]);
    file.add(`  "client_email": "svc-${rng.digits(4)}@acme-${rng.digits(6)}.iam.gserviceaccount.com",`);
    file.add(`  "client_id": "${rng.digits(21)}"`);
    file.add('}');
    file.write();
  },
  (project, rng) => {
    const key = pgpPrivateKey(rng);
    const file = project.file('release/signing-key.asc');
    file.plantBlock(key, 'pgp-private-key', ['pgp-private-key']);
    file.write();
  },
  (project, rng) => {
    const token = uuid(rng);
    const file = project.file('.npmrc');
    file.add('registry=https://registry.example.org/');
    file.plant(`//registry.example.org/:_authToken=${token}`, 'npmrc-auth-token', ['npmrc-auth-token'], [token]);
    file.add('always-auth=true');
    file.write();
  },
  (project, rng) => {
    const password = mixed(rng, ALNUM, 16);
    const auth = Buffer.from(`deploy:${password}`).toString('base64');
    const file = project.file('.docker/config.json');
    file.add('{');
    file.add('  "auths": {');
    file.add('    "registry.example.org": {');
    file.plant(`      "auth": "${auth}"`, 'docker-config-auth', ['docker-config-auth'], [auth, password]);
    file.add('    }');
    file.add('  }');
    file.add('}');
    file.write();
  },
  (project, rng) => {
    const password = mixed(rng, ALNUM, 18);
    const file = project.file('.git-credentials');
    file.plant(`https://ci-bot:${password}@git.example.org`, 'basic-auth-url', ['basic-auth-url'], [password]);
    file.write();
  },
  (project, rng) => {
    const file = project.file('deploy/database.env');
    const schemes: Array<[string, string, string]> = [
      ['postgres-url', 'DATABASE_URL', 'postgres'],
      ['mysql-url', 'MYSQL_URL', 'mysql'],
      ['mongodb-url', 'MONGO_URI', 'mongodb+srv'],
      ['redis-url', 'REDIS_URL', 'rediss'],
      ['amqp-url', 'AMQP_URL', 'amqps'],
    ];
    file.add('# connection settings');
    for (const [type, name, scheme] of shuffle(schemes, rng).slice(0, 2 + rng.int(3))) {
      const password = humanPassword(rng).replace(/[@/?#:%]/g, 'x');
      file.plant(`${name}=${scheme}://svc_${rng.digits(3)}:${password}@${scheme.split('+')[0]}.internal.example.org/app`, type, [type], [password]);
    }
    file.decoy(rng.pick(DECOYS)('env', rng));
    file.write();
  },
  (project, rng) => {
    const password = humanPassword(rng).replace(/[;"'\s]/g, 'x');
    const file = project.file('src/Orders.Api/appsettings.json');
    file.add('{');
    file.add('  "ConnectionStrings": {');
    file.plant(
      `    "Orders": "Server=sql01.example.org;Database=Orders;User Id=orders_app;Password=${password};"`,
      'connection-string-password',
      ['connection-string-password'],
      [password],
    );
    file.add('  },');
    file.add('  "Logging": { "LogLevel": { "Default": "Information" } }');
    file.add('}');
    file.write();
  },
  (project, rng) => {
    const signature = encodeURIComponent(base64Of(rng, 32));
    const file = project.file('scripts/restore.sh');
    file.add('#!/bin/sh');
    file.plant(
      `BACKUP_URL="https://acme.blob.core.windows.net/backups/db.bak?sv=2022-11-02&sp=r&se=2031-01-01T00:00:00Z&sr=b&sig=${signature}"`,
      'azure-sas-token',
      ['azure-sas-token'],
      [signature],
    );
    file.add('curl -fsSL "$BACKUP_URL" -o /tmp/db.bak');
    file.write();
  },
  (project, rng) => {
    const token = mixed(rng, ALNUM, 40);
    const file = project.file('docs/api.md');
    file.add('# Calling the API');
    file.add('');
    file.add('```bash');
    file.plant(`curl -H "Authorization: Bearer ${token}" https://api.example.org/v1/orders`, 'authorization-header', ['authorization-header'], [token]);
    file.add('```');
    file.write();
  },
];

/** Whole files that look sensitive and are not: certificates, public keys, docs with placeholder keys. */
const DECOY_FILES: ReadonlyArray<(project: ProjectWriter, rng: Rng) => void> = [
  (project, rng) => {
    const file = project.file('.env.example');
    file.add('# Copy to .env and fill in');
    for (const spec of shuffle([...CREDENTIALS], rng).slice(0, 6)) file.decoy(`${rng.pick(spec.names)}=${rng.pick(['', 'changeme', '<your-value>', 'xxx', `your-${spec.type}`])}`);
    file.write();
  },
  (project, rng) => {
    const file = project.file('group_vars/all/vault.yml');
    file.decoy('db_password: !vault |');
    file.add('  $ANSIBLE_VAULT;1.1;AES256');
    for (let i = 0; i < 4; i++) file.add(`  ${rng.string(HEX, 64)}`);
    file.write();
  },
  (project, rng) => {
    const file = project.file('certs/ca.pem');
    file.decoyBlock(`-----BEGIN CERTIFICATE-----\n${wrap(base64Of(rng, 600), 64)}\n-----END CERTIFICATE-----`);
    file.write();
  },
  (project, rng) => {
    const file = project.file('keys/deploy_key.pub');
    file.decoy(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${mixed(rng, ALNUM + '+/', 43)} deploy@ci`);
    file.write();
  },
  (project) => {
    const file = project.file('docs/keys.md');
    file.add('# Keys');
    file.add('Put the deploy key in `keys/deploy_key`:');
    file.add('```');
    file.decoyBlock('-----BEGIN OPENSSH PRIVATE KEY-----\n<paste the key here>\n-----END OPENSSH PRIVATE KEY-----');
    file.add('```');
    file.decoy('Tokens start with ghp_ (classic) or github_pat_ (fine-grained).');
    file.write();
  },
  (project, rng) => {
    const file = project.file('package-lock.json');
    file.add('{');
    file.add('  "packages": {');
    for (let i = 0; i < 6; i++) {
      file.add(`    "node_modules/pkg-${i}": {`);
      file.add(`      "version": "1.${rng.int(20)}.${rng.int(9)}",`);
      file.add(`      "resolved": "https://registry.example.org/pkg-${i}/-/pkg-${i}-1.0.0.tgz",`);
      file.decoy(`      "integrity": "sha512-${base64Of(rng, 64)}"`);
      file.add('    },');
    }
    file.add('  }');
    file.add('}');
    file.write();
  },
  (project, rng) => {
    const file = project.file('test/fixtures/users.json');
    file.add('[');
    for (let i = 0; i < 4; i++) file.decoy(`  { "id": "${uuid(rng)}", "name": "user${i}", "password": "changeme", "token": "test-token-${i}" },`);
    file.add(']');
    file.write();
  },
  (project, rng) => {
    const file = project.file('k8s/deployment.yaml');
    for (const line of ['apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  template:', '    spec:', '      containers:', '        - name: api', '          env:']) file.add(line);
    file.decoy('            - name: DB_PASSWORD');
    file.add('              valueFrom:');
    file.add('                secretKeyRef:');
    file.decoy('                  name: db-credentials');
    file.decoy('                  key: password');
    file.decoy(`          image: acme/api@sha256:${rng.string(HEX, 64)}`);
    file.write();
  },
];

class ProjectWriter {
  constructor(
    readonly dir: string,
    readonly name: string,
    readonly corpus: Corpus,
  ) {}

  file(relative: string): FileWriter {
    return new FileWriter(this, relative);
  }
}

class FileWriter {
  private readonly lines: string[] = [];

  constructor(
    private readonly project: ProjectWriter,
    private readonly relative: string,
  ) {}

  add(line: string): void {
    this.lines.push(line);
  }

  plant(line: string, type: string, accept: readonly string[], values: string[]): void {
    this.lines.push(line);
    this.project.corpus.planted.push({ path: `${this.project.name}/${this.relative}`, line: this.lines.length, type, accept, values });
  }

  /** A multi-line secret: labelled at its first line; every body line is a value to keep out of reports. */
  plantBlock(block: string, type: string, accept: readonly string[]): void {
    const first = this.lines.length + 1;
    this.lines.push(...block.split('\n'));
    const values = [block, ...block.split('\n').filter((line) => !line.startsWith('-----') && line.length >= 8)];
    this.project.corpus.planted.push({ path: `${this.project.name}/${this.relative}`, line: first, type, accept, values });
  }

  decoy(line: string): void {
    this.lines.push(line);
    this.project.corpus.decoys++;
  }

  decoyBlock(block: string): void {
    this.lines.push(...block.split('\n'));
    this.project.corpus.decoys++;
  }

  write(): void {
    const target = path.join(this.project.dir, this.relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, `${this.lines.join('\n')}\n`);
    this.project.corpus.files++;
  }
}

/** Deals credential types round-robin in shuffled rounds, so every type is planted about equally often. */
class Deck {
  private pile: CredentialSpec[] = [];

  constructor(
    private readonly specs: readonly CredentialSpec[],
    private readonly rng: Rng,
  ) {}

  next(accepts: (spec: CredentialSpec) => boolean): CredentialSpec {
    for (let attempt = 0; attempt < this.specs.length * 2; attempt++) {
      if (this.pile.length === 0) this.pile = shuffle([...this.specs], this.rng);
      const spec = this.pile.pop()!;
      if (accepts(spec)) return spec;
      this.pile.unshift(spec);
    }
    throw new Error('no credential type fits');
  }
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

