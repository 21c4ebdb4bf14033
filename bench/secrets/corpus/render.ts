import type { Rng } from '../fake-credentials.js';

/** The syntaxes the corpus writes assignments in. */
export type Syntax = 'env' | 'yaml' | 'json' | 'python' | 'javascript' | 'terraform' | 'properties' | 'dockerfile' | 'markdown';

/** SCREAMING_SNAKE -> the case each syntax uses for a key. */
export function keyFor(syntax: Syntax, name: string): string {
  const words = name.toLowerCase().split('_');
  switch (syntax) {
    case 'env':
    case 'dockerfile':
    case 'markdown':
    case 'python':
      return name;
    case 'yaml':
    case 'terraform':
      return words.join('_');
    case 'properties':
      return words.join('.');
    case 'json':
    case 'javascript':
      return words.map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
  }
}

/** One line assigning `value` to `name` in the given syntax (with some of each syntax's usual variation). */
export function assignment(syntax: Syntax, name: string, value: string, rng: Rng): string {
  const key = keyFor(syntax, name);
  switch (syntax) {
    case 'env':
      return rng.pick([`${key}=${value}`, `${key}="${value}"`, `export ${key}=${value}`]);
    case 'yaml':
      return rng.pick([`  ${key}: ${value}`, `  ${key}: "${value}"`, `${key}: '${value}'`]);
    case 'json':
      return `  "${key}": "${value}",`;
    case 'python':
      return rng.pick([`${key} = "${value}"`, `${key} = '${value}'`]);
    case 'javascript':
      return rng.pick([`const ${key} = '${value}';`, `  ${key}: "${value}",`, `export const ${name} = \`${value}\`;`]);
    case 'terraform':
      return `  ${key} = "${value}"`;
    case 'properties':
      return rng.pick([`${key}=${value}`, `${key} = ${value}`]);
    case 'dockerfile':
      return rng.pick([`ENV ${key}=${value}`, `ARG ${key}=${value}`]);
    case 'markdown':
      return rng.pick([`export ${key}=${value}`, `    ${key}=${value}`]);
  }
}

/** Ordinary lines of each syntax: what surrounds secrets in real files. */
export function filler(syntax: Syntax, rng: Rng): string {
  const pick = (lines: string[]) => rng.pick(lines);
  switch (syntax) {
    case 'env':
      return pick(['APP_ENV=production', `PORT=${8000 + rng.int(999)}`, 'LOG_LEVEL=info', 'FEATURE_BILLING_V2=true', 'API_BASE_URL=https://api.example.org/v2',
        `REQUEST_TIMEOUT_MS=${1000 * (1 + rng.int(9))}`, 'S3_BUCKET=acme-uploads-prod', '# payments', 'TZ=UTC', `WORKERS=${1 + rng.int(16)}`, 'CACHE_TTL=300', '']);
    case 'yaml':
      return pick(['server:', `  port: ${8000 + rng.int(999)}`, '  host: 0.0.0.0', 'logging:', '  level: info', 'features:', '  billing_v2: true',
        `  replicas: ${1 + rng.int(5)}`, '# shared settings', '  region: eu-west-1', '  timeout: 30s', '']);
    case 'json':
      return pick([`  "port": ${8000 + rng.int(999)},`, '  "logLevel": "info",', '  "region": "eu-west-1",', '  "featureFlags": ["billing-v2", "search"],',
        `  "retries": ${rng.int(5)},`, '  "baseUrl": "https://api.example.org/v2",', '  "cacheTtlSeconds": 300,']);
    case 'python':
      return pick(['import os', 'from pathlib import Path', 'DEBUG = False', `ALLOWED_HOSTS = ["api.example.org"]`, 'BASE_DIR = Path(__file__).resolve().parent',
        `CACHE_TIMEOUT = ${60 * (1 + rng.int(10))}`, 'TIME_ZONE = "UTC"', '', '# settings for production', 'LANGUAGE_CODE = "en-us"']);
    case 'javascript':
      return pick(["import express from 'express';", 'const app = express();', `const port = ${3000 + rng.int(999)};`, "app.use(express.json());",
        '', '// routes', "app.get('/health', (req, res) => res.send('ok'));", 'module.exports = { app };', "const logger = createLogger({ level: 'info' });"]);
    case 'terraform':
      return pick(['  region = "eu-west-1"', '  instance_class = "db.t3.medium"', '  allocated_storage = 20', '  tags = { team = "payments" }', '',
        '  engine_version = "16.3"', '  skip_final_snapshot = true', '  multi_az = false']);
    case 'properties':
      return pick([`server.port=${8000 + rng.int(999)}`, 'spring.application.name=orders', 'logging.level.root=INFO', 'spring.jpa.hibernate.ddl-auto=validate',
        '# datasource', 'management.endpoints.web.exposure.include=health,info', 'spring.datasource.url=jdbc:postgresql://db.internal:5432/orders']);
    case 'dockerfile':
      return pick(['WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci --omit=dev', 'COPY . .', 'EXPOSE 8080', 'USER node', 'ENV NODE_ENV=production']);
    case 'markdown':
      return pick(['## Configuration', 'Set the variables below before starting the service.', '', 'Run the tests with `npm test`.',
        'See the [deployment guide](docs/deploy.md) for details.', '- Node.js 20 or later', '```bash', '```']);
  }
}
