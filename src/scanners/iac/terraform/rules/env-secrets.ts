import type { Hit } from '../../rule.js';
import { isLiteralSecretValue, isSecretName } from '../../secret-names.js';
import type { Block, Expr } from '../hcl/ast.js';
import { UNKNOWN, type Value } from '../hcl/evaluate.js';
import { attribute, label, resourcesOf, textOf, type TfInput, type TfResource } from '../model.js';
import { tfRule, type TfRule } from './common.js';
import { fileInstance, sectionsIn, valueIn, type Instance } from './instances.js';
import { ACCESS_KEY_ID, secretInEntry } from './services.js';
import { HOSTED_APP_TYPES } from './azure-common.js';
import { writtenOut } from './written-passwords.js';

/**
 * Secrets handed to functions, apps and containers in their environment variables: a
 * literal secret written in the configuration (the variable's name says it is a secret,
 * its value is no reference or placeholder), which is then in version control, in the
 * state and in the service's configuration, readable by everyone who may read that.
 */

/** One environment variable as the configuration sets it: its name, value, line and the expression written for it (when it is written one by one). */
interface EnvEntry {
  name: string;
  value: Value | undefined;
  line: number;
  expr?: Expr;
}

/** The entries of a map attribute (`variables = { API_KEY = "..." }`), read in an instance; none when the map cannot be read. */
function mapEntries(block: Block, name: string, instance: Instance): EnvEntry[] {
  const a = attribute(block, name);
  if (!a) return [];
  const value = valueIn(instance, a.expr);
  if (value === UNKNOWN || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const items = a.expr.kind === 'object' ? a.expr.items : [];
  return Object.entries(value as { [key: string]: Value }).map(([key, v]) => {
    const item = items.find((i) => i.keyName === key);
    return { name: key, value: v, line: item?.line ?? a.line, ...(item ? { expr: item.value } : {}) };
  });
}

/** The entries of name/value blocks (`environment_variable { name = ... value = ... }`, `env { ... }`), read where they are made. */
function pairEntries(owner: Block, blockName: string, instance: Instance, skip?: (fields: { get(name: string): Value | undefined }) => boolean): EnvEntry[] {
  const out: EnvEntry[] = [];
  for (const pair of sectionsIn(owner, blockName, instance, { made: true })) {
    const name = pair.get('name');
    if (typeof name !== 'string' || skip?.(pair)) continue;
    const expr = pair.block ? attribute(pair.block, 'value')?.expr : undefined;
    out.push({ name, value: pair.get('value'), line: pair.lineOf('value'), ...(expr ? { expr } : {}) });
  }
  return out;
}

/**
 * The findings for literal secrets among a resource's environment variables: high when
 * the value is written in the resource, medium when it comes from a variable's default, a
 * local or a definitions file (still in the repository). The elements of a dynamic block
 * share their lines: one finding per line.
 */
function* literalSecrets(resource: TfResource, entries: readonly EnvEntry[], where: string, reported: Set<number>, skip?: (entry: { name: string; value: string }) => boolean): Generator<Hit> {
  for (const entry of entries) {
    if (typeof entry.value === 'string' && skip?.({ name: entry.name, value: entry.value })) continue;
    if (typeof entry.value !== 'string' || !isSecretName(entry.name) || !isLiteralSecretValue(entry.value, entry.name) || reported.has(entry.line)) continue;
    reported.add(entry.line);
    const inFile = writtenOut(entry.expr);
    yield {
      line: entry.line,
      message: `${label(resource)} sets ${where} ${entry.name} to a secret written in ${inFile ? 'the file' : 'the configuration (a variable default, a local or a .tfvars file)'}: it is in version control and the state, and readable by everyone who can read the ${where === 'app setting' ? "app's settings" : "service's configuration"}.`,
      resource: label(resource),
      secret: entry.value,
      ...(inFile ? {} : { severity: 'medium' as const }),
    };
  }
}

const ACCESS_KEY_SECRET = /\baws_iam_access_key\.[\w-]+(?:\[[^\]]*\])?\.(?:secret|ses_smtp_password_v4)\b/;

const awsEnvSecret: TfRule = tfRule({
  id: 'iac/tf-aws-env-secret',
  title: 'Secret in a Lambda function or CodeBuild project environment',
  description:
    'A Lambda function (environment.variables) or a CodeBuild project (a PLAINTEXT environment_variable) gets a secret in an environment variable: a literal whose name says it is a secret (API_KEY, JWT_SECRET, DB_PASSWORD...) written in the configuration, or (medium) the secret access key of an aws_iam_access_key. Environment variables are shown to everyone who may read the function or project configuration (lambda:GetFunctionConfiguration, codebuild:BatchGetProjects, the console), and a literal is also in version control and the Terraform state; long-lived access keys in a function stand in for the execution role it already has.',
  remediation:
    'Keep the secret in Secrets Manager or SSM Parameter Store and read it at run time (CodeBuild: type = "SECRETS_MANAGER" or "PARAMETER_STORE" with the secret\'s name as value), give the function or project the permissions through its role instead of access keys, and rotate a secret that was committed.',
  severity: 'high',
  cwe: ['CWE-798', 'CWE-522'],
  examples: {
    positive: [
      // cloudgoat's secrets_in_the_cloud: an API key written in the function.
      'resource "aws_lambda_function" "api" {\n  function_name = "api"\n  handler       = "main.handler"\n  runtime       = "python3.12"\n  filename      = "api.zip"\n  role          = aws_iam_role.api.arn\n  environment {\n    variables = {\n      TABLE   = "orders"\n      # expect\n      API_KEY = "abc123-Donuts-2023"\n    }\n  }\n}\n',
      // Access keys of an IAM user handed to a function (cloudgoat's ec2_ssrf), and a password from a variable's default.
      'variable "db_password" {\n  default = "abc123-Pass-1234"\n}\nresource "aws_iam_access_key" "app" {\n  user = aws_iam_user.app.name\n}\nresource "aws_lambda_function" "sync" {\n  function_name = "sync"\n  handler       = "main.handler"\n  runtime       = "python3.12"\n  filename      = "sync.zip"\n  role          = aws_iam_role.sync.arn\n  environment {\n    variables = {\n      ACCESS_KEY_ID = aws_iam_access_key.app.id\n      # expect\n      SECRET_KEY    = aws_iam_access_key.app.secret\n      # expect\n      DB_PASSWORD   = var.db_password\n    }\n  }\n}\n',
      'resource "aws_codebuild_project" "build" {\n  name         = "build"\n  service_role = aws_iam_role.build.arn\n  artifacts {\n    type = "NO_ARTIFACTS"\n  }\n  environment {\n    compute_type = "BUILD_GENERAL1_SMALL"\n    image        = "aws/codebuild/standard:7.0"\n    type         = "LINUX_CONTAINER"\n    environment_variable {\n      name  = "aws-secret-key"\n      # expect\n      value = aws_iam_access_key.deploy.secret\n    }\n  }\n  source {\n    type = "NO_SOURCE"\n  }\n}\n',
    ],
    negative: [
      // An AWS secret access key is tf-aws-hardcoded-credentials' finding (critical), not this rule's.
      'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  handler       = "main.handler"\n  runtime       = "python3.12"\n  filename      = "fn.zip"\n  role          = aws_iam_role.fn.arn\n  environment {\n    variables = {\n      AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n    }\n  }\n}\n',
      'resource "random_password" "db" {\n  length = 24\n}\nresource "aws_lambda_function" "api" {\n  function_name = "api"\n  handler       = "main.handler"\n  runtime       = "python3.12"\n  filename      = "api.zip"\n  role          = aws_iam_role.api.arn\n  environment {\n    variables = {\n      API_KEY_SECRET_ARN = aws_secretsmanager_secret.api.arn\n      DB_PASSWORD        = random_password.db.result\n      TOKEN_TTL          = "3600"\n      JWT_SECRET         = "<set-in-console>"\n    }\n  }\n}\n',
      'resource "aws_codebuild_project" "build" {\n  name         = "build"\n  service_role = aws_iam_role.build.arn\n  artifacts {\n    type = "NO_ARTIFACTS"\n  }\n  environment {\n    compute_type = "BUILD_GENERAL1_SMALL"\n    image        = "aws/codebuild/standard:7.0"\n    type         = "LINUX_CONTAINER"\n    environment_variable {\n      name  = "NPM_TOKEN"\n      value = "/ci/npm-token-value"\n      type  = "PARAMETER_STORE"\n    }\n    environment_variable {\n      name  = "DOCKERHUB_PASSWORD"\n      value = "ci/dockerhub:password"\n      type  = "SECRETS_MANAGER"\n    }\n  }\n  source {\n    type = "NO_SOURCE"\n  }\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const fn of resourcesOf(input, 'aws_lambda_function')) {
      const reported = new Set<number>();
      for (const environment of sectionsIn(fn.block, 'environment', file, { made: true })) {
        if (!environment.block) continue;
        const entries = mapEntries(environment.block, 'variables', environment.instance);
        yield* literalSecrets(fn, entries, 'environment variable', reported, awsKey);
        yield* accessKeySecrets(input, fn, entries, reported);
      }
    }
    for (const project of resourcesOf(input, 'aws_codebuild_project')) {
      const reported = new Set<number>();
      for (const environment of sectionsIn(project.block, 'environment', file, { made: true })) {
        if (!environment.block) continue;
        // PARAMETER_STORE and SECRETS_MANAGER variables name the secret; only PLAINTEXT (the default) holds it.
        const entries = pairEntries(environment.block, 'environment_variable', environment.instance, (v) => {
          const type = v.get('type');
          return type !== undefined && type !== null && !(typeof type === 'string' && type.toUpperCase() === 'PLAINTEXT');
        });
        yield* literalSecrets(project, entries, 'environment variable', reported, awsKey);
        yield* accessKeySecrets(input, project, entries, reported);
      }
    }
  },
});

/** An AWS access key id, or a secret access key by its name and shape: tf-aws-hardcoded-credentials reports those. */
const awsKey = (entry: { name: string; value: string }): boolean => ACCESS_KEY_ID.test(entry.value) || secretInEntry(entry.value, entry.name) !== null;

/** Environment variables that hold the secret of an IAM access key the module creates. */
function* accessKeySecrets(input: TfInput, resource: TfResource, entries: readonly EnvEntry[], reported: Set<number>): Generator<Hit> {
  for (const entry of entries) {
    if (!entry.expr || reported.has(entry.line) || !ACCESS_KEY_SECRET.test(textOf(input, entry.expr))) continue;
    reported.add(entry.line);
    yield { line: entry.line, message: `${label(resource)} puts the secret of an IAM access key in environment variable ${entry.name}: anyone who can read its configuration gets a long-lived key; use the role it runs with instead.`, resource: label(resource), severity: 'medium' };
  }
}

const azureAppSettingSecret: TfRule = tfRule({
  id: 'iac/tf-azure-app-setting-secret',
  title: 'Secret written in app settings or container environment',
  description:
    'A web or function app (app_settings) or a container group (environment_variables of a container) gets a literal secret, a value whose name says it is a secret (JWT_SECRET, API_KEY, DB_PASSWORD...), written in the configuration. It is in version control and the Terraform state, and app settings are shown to everyone with read access to the app (Microsoft.Web/sites/config/list, the portal); plain container environment variables are shown in the container group\'s properties.',
  remediation:
    'Keep the secret in Key Vault and reference it from the app setting (@Microsoft.KeyVault(SecretUri=...)) with the app\'s managed identity; for containers use secure_environment_variables fed from a sensitive variable or Key Vault. Rotate a secret that was committed.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      // AzureGoat's function app: a JWT signing secret written in its settings.
      'resource "azurerm_linux_function_app" "api" {\n  name                 = "api-example"\n  service_plan_id      = azurerm_service_plan.api.id\n  storage_account_name = azurerm_storage_account.api.name\n  app_settings = {\n    FUNCTIONS_WORKER_RUNTIME = "python"\n    # expect\n    "JWT_SECRET"             = "abc123-Jwt-5678"\n  }\n  site_config {}\n}\n',
      'resource "azurerm_container_group" "worker" {\n  name     = "worker"\n  os_type  = "Linux"\n  container {\n    name   = "worker"\n    image  = "example.org/worker:1.0"\n    cpu    = 1\n    memory = 1\n    environment_variables = {\n      # expect\n      SMTP_PASSWORD = "abc123-Mail-1234"\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_linux_web_app" "web" {\n  name            = "web-example"\n  service_plan_id = azurerm_service_plan.web.id\n  app_settings = {\n    DB_PASSWORD        = "@Microsoft.KeyVault(SecretUri=https://example.vault.azure.net/secrets/db/)"\n    API_KEY            = azurerm_key_vault_secret.api.value\n    STORAGE_ACCOUNT_KEY = azurerm_storage_account.web.primary_access_key\n    WEBSITE_RUN_FROM_PACKAGE = "1"\n  }\n  site_config {}\n}\n',
      'resource "azurerm_container_group" "worker" {\n  name     = "worker"\n  os_type  = "Linux"\n  container {\n    name   = "worker"\n    image  = "example.org/worker:1.0"\n    cpu    = 1\n    memory = 1\n    secure_environment_variables = {\n      SMTP_PASSWORD = "abc123-Mail-1234"\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const app of resourcesOf(input, ...HOSTED_APP_TYPES)) yield* literalSecrets(app, mapEntries(app.block, 'app_settings', file), 'app setting', new Set());
    for (const group of resourcesOf(input, 'azurerm_container_group')) {
      const reported = new Set<number>();
      for (const container of sectionsIn(group.block, 'container', file, { made: true })) {
        if (container.block) yield* literalSecrets(group, mapEntries(container.block, 'environment_variables', container.instance), 'environment variable', reported);
      }
    }
  },
});

const gcpEnvSecret: TfRule = tfRule({
  id: 'iac/tf-gcp-env-secret',
  title: 'Secret written in a Cloud Function or Cloud Run environment',
  description:
    'A Cloud Function (environment_variables, or service_config.environment_variables in the 2nd generation) or a Cloud Run service (an env value) gets a literal secret, a value whose name says it is a secret (JWT_SECRET, API_KEY, DB_PASSWORD...), written in the configuration. It is in version control and the Terraform state, and environment variables are shown to everyone who may view the function or service (cloudfunctions.functions.get, run.services.get, the console).',
  remediation: 'Keep the secret in Secret Manager and expose it to the function (secret_environment_variables) or the service (env { value_source { secret_key_ref { ... } } }); rotate a secret that was committed.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      // GCPGoat's backend function: a JWT signing secret in its environment.
      'resource "google_cloudfunctions_function" "backend" {\n  name         = "backend"\n  runtime      = "python312"\n  entry_point  = "main"\n  trigger_http = true\n  environment_variables = {\n    BUCKET_NAME = google_storage_bucket.data.name\n    # expect\n    JWT_SECRET  = "abc123-Jwt-5678"\n  }\n}\n',
      'resource "google_cloud_run_v2_service" "api" {\n  name     = "api"\n  location = "europe-west1"\n  template {\n    containers {\n      image = "example.org/api:1.0"\n      env {\n        name  = "STRIPE_API_KEY"\n        # expect\n        value = "abc123-Key-9012"\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "google_cloudfunctions2_function" "backend" {\n  name     = "backend"\n  location = "europe-west1"\n  service_config {\n    environment_variables = {\n      BUCKET_NAME       = "data"\n      JWT_SECRET_NAME   = "jwt-signing"\n    }\n    secret_environment_variables {\n      key        = "JWT_SECRET"\n      project_id = "example"\n      secret     = "jwt-signing"\n      version    = "latest"\n    }\n  }\n}\n',
      'resource "google_cloud_run_v2_service" "api" {\n  name     = "api"\n  location = "europe-west1"\n  template {\n    containers {\n      image = "example.org/api:1.0"\n      env {\n        name = "STRIPE_API_KEY"\n        value_source {\n          secret_key_ref {\n            secret  = "stripe"\n            version = "latest"\n          }\n        }\n      }\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const fn of resourcesOf(input, 'google_cloudfunctions_function')) yield* literalSecrets(fn, mapEntries(fn.block, 'environment_variables', file), 'environment variable', new Set());
    for (const fn of resourcesOf(input, 'google_cloudfunctions2_function')) {
      const reported = new Set<number>();
      for (const config of sectionsIn(fn.block, 'service_config', file, { made: true })) {
        if (config.block) yield* literalSecrets(fn, mapEntries(config.block, 'environment_variables', config.instance), 'environment variable', reported);
      }
    }
    for (const service of resourcesOf(input, 'google_cloud_run_v2_service', 'google_cloud_run_v2_job')) {
      const reported = new Set<number>();
      for (const template of sectionsIn(service.block, 'template', file, { made: true })) {
        // A job's containers are one level further down (template.template.containers).
        if (!template.block) continue;
        const owners = service.type === 'google_cloud_run_v2_job' ? sectionsIn(template.block, 'template', template.instance, { made: true }) : [template];
        for (const owner of owners) {
          if (!owner.block) continue;
          for (const container of sectionsIn(owner.block, 'containers', owner.instance, { made: true })) {
            if (container.block) yield* literalSecrets(service, pairEntries(container.block, 'env', container.instance), 'environment variable', reported);
          }
        }
      }
    }
  },
});

export { awsEnvSecret, azureAppSettingSecret, gcpEnvSecret };
