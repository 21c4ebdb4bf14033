import type { Detector } from '../detector.js';
import { isLikelyPassword, isLikelyToken } from '../checks/assignment.js';
import { isTranslationFile } from '../checks/natural-language.js';
import { isAlgoliaSearchOnlyKey } from '../checks/search-only-keys.js';
import { NOT_IN_LABEL, separatorVariants } from './common.js';

const NAME_WORDS =
  'secret|token|api[_.-]?key|access[_.-]?key|auth[_.-]?key|private[_.-]?key|signing[_.-]?key|encryption[_.-]?key|' +
  'master[_.-]?key|passphrase';

/**
 * Values of secret-looking names (secret, token, api_key, ...) in any syntax. Only
 * values that look generated pass: length, entropy, letters and digits, no placeholder,
 * no reference. Specific detectors win over this one on the same text.
 */
export const genericDetectors: Detector[] = [
  {
    id: 'generic-secret-assignment',
    title: 'Hard-coded secret',
    secretType: 'secret',
    description:
      'A random-looking literal assigned to a name such as secret, token, api_key or private_key, in code or configuration. ' +
      'It is probably a credential of a service that has no detector of its own; anyone with the file can use it.',
    remediation:
      'Find out which service issued the value and revoke or rotate it there, then read it at run time from the environment ' +
      'or a secret manager. If it is not a secret (a public id, a test value), suppress the finding with a reason.',
    severity: 'medium',
    confidence: 'low',
    keywords: ['secret', 'token', 'passphrase', ...separatorVariants(['api', 'access', 'auth', 'private', 'signing', 'encryption', 'master'], 'key')],
    anchor: 'name',
    pattern: new RegExp(
      `(?<![A-Za-z0-9_$.-])${NOT_IN_LABEL}["'\`]?(?<name>[A-Za-z0-9_$.-]{0,40}?(?:${NAME_WORDS})[A-Za-z0-9_.-]{0,30})["'\`\\]]?\\s{0,3}(?::\\s*[A-Za-z<>\\[\\]?|]+\\s*=|:=|=>|=|:)\\s{0,3}(?:[rbuRBU@](?=["'\`]))?` +
        `(?:"(?<secret>[^"\\\\\\s]{16,500})"|'(?<secret2>[^'\\\\\\s]{16,500})'|\`(?<secret3>(?:[^\`\\\\\\s$]|\\$(?!\\{)){16,500})\`|(?<secret4>[^\\s"'\`,;)}\\]#<&]{16,500}))`,
      'gi',
    ),
    context: (match) => {
      const unquoted = match.groups['secret4'];
      if (unquoted !== undefined && ['code', 'json', 'terraform', 'xml'].includes(match.kind)) return false;
      const value = unquoted ?? match.groups['secret'] ?? match.groups['secret2'] ?? match.groups['secret3'] ?? '';
      // Translated interface text: "OAuth application secret": "OAuth-applikationshemmelighed".
      if (isTranslationFile(match.path) && /^[A-Za-z]+(?:-[A-Za-z]+)*$/.test(value)) return false;
      // A Helm chart's checksum/secret annotation: the digest of the Secret template, which restarts pods when it changes.
      const { lines, at, column } = match.around(0, 0);
      if (/checksum\/["']?$/i.test(lines[at]!.slice(0, column))) return false;
      // A path or an image reference (quay.io/org/token-refresher:master-2024-12-11): the name is a part of it, not a key.
      if (lines[at]![column - 1] === '/') return false;
      // A segment of a colon-separated identifier (an ARN's resource type: arn:aws:secretsmanager:region:account:secret:name-AbCdEf):
      // the name is the kind of resource, not a key; a Ruby symbol's colon (:secret => ...) follows a space or a bracket.
      if (lines[at]![column - 1] === ':' && /[A-Za-z0-9]/.test(lines[at]![column - 2] ?? '')) return false;
      // In YAML a colon makes a key only before a space: token-refresher:master-2024 is one plain scalar.
      const name = match.groups['name'] ?? '';
      if (unquoted !== undefined && match.kind === 'yaml' && /^["'`\]]?:(?![\s=])/.test(match.match.slice(match.match.indexOf(name) + name.length))) return false;
      // A site's Algolia search-only key (DocSearch, Docusaurus, VitePress) is shipped to every browser on purpose.
      if (isAlgoliaSearchOnlyKey(match.groups['name'] ?? '', value, match)) return false;
      return isLikelyToken(value, match.groups['name'] ?? '');
    },
    priority: 1,
    recognisedBy: 'name',
    examples: {
      positive: [
        { path: '.env', text: 'PAYMENTS_API_KEY=QwoGM9pcW8KQHlAZzSW97VMAaIe44Hir\n' },
        { path: 'src/client.ts', text: "export const client = new Acme({ apiKey: 'Ec5o9QmPuFXQQEbuW3a5PUIQJBsZXhMS' });\n" },
        { path: 'config/secrets.yml', text: 'production:\n  secret_key_base: 8c1f0e9d2b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e\n' },
        // An assignment inside a value is judged by its own name.
        { path: 'tox.ini', text: '[testenv]\nsetenv =\n    stripe-token: STRIPE_API_TOKEN=Qw7eRt9yUi3oPa5sDf2gHj8k\n' },
        // Examples count only in an API reference: elsewhere a block named examples holds what it holds.
        { path: 'deploy/values.yaml', text: 'examples:\n  webhook:\n    secret_token: Qw7eRt9yUi3oPa5sDf2gHj8k\n' },
        { path: 'docs/openapi.yaml', text: 'openapi: 3.0.3\nservers:\n  - url: https://api.example.org\n    x-api-token: Qw7eRt9yUi3oPa5sDf2gHj8k\n' },
        // A token in a translation file is still a token.
        { path: 'locales/en.json', text: '{ "demoApiKey": "QwoGM9pcW8KQHlAZzSW97VMAaIe44Hir" }' },
        { path: 'app/settings.py', text: 'SECRET_KEY = "x7$kq2!m9vz@w4p#n8r^t6y&b3c*e1f5"\n' },
        // A Ruby symbol's colon is no segment of an identifier.
        { path: 'config/initializers/acme.rb', text: "Acme.configure(:secret_token => 'Qw7eRt9yUi3oPa5sDf2gHj8k')\n" },
        // EXAMPLE as a word of a comment marks no value.
        { path: '.env', text: 'SECRET_TOKEN=Qw7eRt9yUi3oPa5sDf2gHj8k # EXAMPLE: rotated monthly\n' },
        // A token named after what it opens is still one.
        { path: 'config.yaml', text: 'next_release_token: Qw7eRt9yUi3oPa5sDf2gHj8k\n' },
      ],
      negative: [
        { path: 'src/app.ts', text: 'const token = await getToken(); const apiKey = config.apiKey;\n' },
        { path: '.env.example', text: 'API_KEY=your-api-key-here\nSECRET_KEY=<generate with openssl rand -hex 32>\n' },
        { path: 'package-lock.json', text: '"integrity": "sha512-QwoGM9pcW8KQHlAZzSW97VMAaIe44HirEc5o9QmPuFXQQEbuW3a5PUIQJBsZXhMS==",\n' },
        { path: 'k8s/deploy.yaml', text: 'secretName: payments-api-credentials\naccess_key_id: 3f2504e0-4f89-41d3-9a0c-0305e82c3301\n' },
        // A reference to a Kubernetes Secret's key, resolved by the plugin that reads it: no type annotation (urn) before a
        // colon, no string prefix (u) without its quote.
        { path: 'fixtures/with_plugin_secret.yml', text: 'spec:\n  plugin:\n    auth:\n      secret: urn:k8s:secret:billing:key2\n' },
        { path: 'src/lexer.js', text: 'const tokenType = "punctuator"; tokens: TOKEN_TYPES_BY_NAME,\n' },
        // A query string's parameter ends at the next &: token=TOKEN is a placeholder, the rest other parameters.
        { path: 'README.md', text: '  "action_link": "http://localhost:9999/verify?token=TOKEN&type=TYPE&redirect_to=REDIRECT_URL",\n' },
        // The example response of an API reference (OpenAPI): a cart's token made up for the page.
        { path: 'docs/api-reference/store.yaml', text: 'openapi: 3.0.3\npaths:\n  /carts:\n    post:\n      responses:\n        "201":\n          content:\n            application/json:\n              example:\n                data:\n                  - id: cart_1\n                    number: R123456789\n                    token: ckMf2iQ6r5adLceTPfKVH9BP\n' },
        // A line of Ruby in a design note: a scoped constant, a call.
        { path: 'docs/plans/store-context.md', text: '```ruby\n@current_api_key = Spree::ApiKey.active.publishable.find_by(token: extract_api_key)\n```\n' },
        // A key's shape typed out in a sample configuration.
        { path: 'zulip/integrations/codebase/zulip_codebase_config.py', text: 'CODEBASE_API_KEY = "1234561234567abcdef"\n' },
        // tox's factor-conditional settings: a factor named after tiktoken, the requirements and variables it sets.
        { path: 'tox.ini', text: '[testenv]\ndeps =\n    langchain-notiktoken-v0.1.20: langchain==0.1.20\n    py3.9-langchain-notiktoken-v0.1.20: dataclasses-json==0.6.7\n    langchain-notiktoken-latest: langchain-google-genai>=4\nsetenv =\n    openai-notiktoken: _TESTPATH=tests/integrations/openai\n' },
        // A PostHog project API key (phc_) is public: the browser snippet sends it to capture events.
        { path: 'src/posthog/posthog.service.ts', text: "  private POSTHOG_API_KEY = 'phc_Qw7eRt9yUi3oPa5sDf2gHj8kLz4xCv6bNm1QwErTy0U';\n" },
        { path: 'config.yaml', text: 'secret_hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\ntoken_url: https://auth.example.org/oauth/token\n' },
        // A Helm chart's checksum annotation (the digest of its Secret template), and the path a secret is read from.
        { path: 'deploy/runner.yaml', text: '      annotations:\n        checksum/secrets: 2c7d1e9b4f6a08d3e5c1b7a9f2d4e6081c3a5b7d9e1f2a4c6b8d0e2f4a6c8b1d\n' },
        { path: 'config.toml', text: '  [runners.kubernetes.volumes.secret]\n    "secret_1" = "relative/path/to/secret_1_file"\n' },
        // A GraphQL schema's fields and their types.
        { path: 'schema/schema.graphql', text: 'type pod_PodDetail {\n  imagePullSecrets: [v1_LocalObjectReference]\n  secret: v1_SecretVolumeSource\n}\n' },
        // A test's value spelled from the name it is assigned to.
        { path: 'pkg/alertmanager/testdata/email.golden', text: 'receivers:\n- email_configs:\n  - auth_secret: emailconfigauthsecret123\n' },
        // The namespace secrets are kept in.
        { path: 'values/enterprise-logs.yaml', text: 'enterprise:\n  secretNamespace: k3d-helm-cluster-42\n' },
        // An image reference, its repository named like a token, read with or without its registry.
        { path: 'docs/token-refresher.md', text: 'docker pull quay.io/observatorium/token-refresher:master-2024-12-11-08b888a\n' },
        { path: 'deploy/token-refresher.yaml', text: '      containers:\n        - image: quay.io/observatorium/token-refresher:master-2024-12-11-08b888a\n          args: [token-refresher:master-2024-12-11-08b888a]\n' },
        // A Helm template's variable set from the chart's values.
        { path: 'charts/app/templates/pull-secrets.yaml', text: '{{ range $name, $secret := .Values.imagePullSecrets }}\n---\nkind: Secret\n' },
        // Validation rules of a form's fields (Laravel), and what a field is for.
        { path: 'app/Livewire/Storage/Form.php', text: "protected $rules = ['secret' => 'required|string|max:255', 'privateKeyDescription' => 'nullable|string|max:255'];\n" },
        // A syntax highlighter's token classes in minified code.
        { path: 'vendor/ace/mode-markdown.js', text: 'this.$rules.start.unshift({token:"empty_line",regex:"^$"},{token:"markup.heading.1",regex:"^=+$"});\n' },
        // A documented placeholder (PHPMailer's Google example), and a formula in prose.
        { path: 'get_oauth_token.php', text: "$clientSecret = 'RANDOMCHARS-----Qm8vXz2LpT';\n" },
        { path: 'docs/websockets.md', text: '`secret: nonce_plaintext:HMAC_SHA256({"secret": settings.SECRET, "nonce": nonce})`\n' },
        // Interface text in a language beyond ASCII.
        { path: 'src/lang/fi.json', text: '{ "smsGatewayToken": "API-käyttöoikeustunnus", "consumerSecret": "消费者密钥（Secret）" }' },
        { path: 'shared/i18n/locales/da_DK/translation.json', text: '{ "OAuth application secret": "OAuth-applikationshemmelighed" }' },
        // A label in minified interface code, followed by more code.
        { path: 'dist/ui.min.js', text: 'h.createElement("label",{htmlFor:"client_secret"},"client_secret:"),k?h.default.createElement("code")\n' },
        // A generated client's map from operation ids to method names: the name again, in camel case.
        { path: 'src/generated/contracts.ts', text: '  "v1-bulk-create-secrets": "v1BulkCreateSecrets",\n  "v2-get-project-api-key": "v2GetProjectApiKey",\n' },
        // An ARN's resource type and name (arn:aws:secretsmanager:...:secret:name-suffix), in JSON or a command's arguments.
        { path: 'docs/examples/create-proxy.rst', text: '    "SecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/db-Xk29Qa",\n' },
        { path: 'docs/examples/create-proxy.rst', text: '--auth SecretArn="arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing2024-7Qx2kD",IAMAuth="DISABLED"\n' },
        // A page's cursor in an API's example response.
        { path: 'docs/examples/list-permissions.rst', text: '    "NextToken": "AYADeJx7wQ2mT9pLk3Rz8vNc5hGf1sBd0qWe",\n    "ContinuationToken": "1Qw7eRt9yUi3oPa5sDf2gHj8kLz4x"\n' },
        // A CloudFormation transform, versioned by date.
        { path: 'engine/transformers.py', text: 'SECRETSMANAGER_TRANSFORM = "AWS::SecretsManager-2020-07-23"\n' },
        // A value beside an id marked EXAMPLE, the way AWS's documentation marks made-up credentials.
        { path: 'docs/examples/create-custom-key-store.rst', text: '        --xks-proxy-authentication-credential "AccessKeyId=BCDEF23456781EXAMPLE, RawSecretAccessKey=Qw7eRt9yUi3oPa5sDf2gHj8kLz4xCv6bNm1QwErTy0U="\n' },
        // A property path, optional chaining and all, in a guide's code.
        { path: 'docs/guide/mcp.md', text: '  const progressToken = ctx.mcpReq._meta?.progressToken\n' },
        // A key's shape typed with the digits and the letters counted up, as AWS's examples write it.
        { path: 'docs/examples/create-stage.rst', text: '    "token": "a1b2c3d4567890ab",\n    "AppServerPrivateKey": "a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234"\n' },
        // The words of a token's name and a number, as a test writes it.
        { path: 'src/auth/__tests__/oauth2.spec.ts', text: 'const grant = { token: "oauth2_access_token_123" };\n' },
        // A type's name in a generated client's documentation.
        { path: 'docs/OAuth2API.md', text: '// response from `IntrospectOAuth2Token`: IntrospectedOAuth2Token\n' },
        // A test's value spelled from its name, with separators.
        { path: 'tests/secretsmanager.snapshot.json', text: '{ "SecretString": "secret_string_v0" }' },
      ],
    },
  },
  {
    id: 'authorization-header',
    title: 'Credential in an Authorization header',
    secretType: 'HTTP authorization credential',
    description:
      'A literal bearer token or basic-auth credential in an Authorization header (curl commands, HTTP client code, ' +
      'request collections). It authenticates to that API as its owner.',
    remediation:
      'Revoke the token or change the password at the service it belongs to, and build the header at run time from the environment.',
    severity: 'high',
    confidence: 'medium',
    keywords: ['authorization'],
    anchor: 'keyword',
    pattern:
      /authorization["']?\s{0,3}[:=,]\s{0,3}["'`]?(?<scheme>Bearer|Basic|Token|Bot)\s+(?<secret>[A-Za-z0-9._~+/-]{16,1000}={0,2})(?![A-Za-z0-9._~+/=-])/gi,
    context: (match) => {
      const value = match.groups['secret'] ?? '';
      const decoded = /^([^:\s]+):(.+)$/.exec(Buffer.from(value, 'base64').toString('utf8'));
      if (match.groups['scheme']?.toLowerCase() !== 'basic') {
        // Basic credentials sent under another scheme (a test's "Bearer am9objpwYXNzd29yZA==", john:password) are judged as Basic ones.
        const basicLike = decoded !== null && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && /^[\x20-\x7e]+$/.test(decoded[0]);
        return basicLike ? isLikelyPassword(decoded[2]!, 'password') : isLikelyToken(value, 'token');
      }
      return decoded !== null && isLikelyPassword(decoded[2]!, 'password');
    },
    priority: 4,
    examples: {
      positive: [
        'curl -H "Authorization: Bearer QwoGM9pcW8KQHlAZzSW97VMAaIe44Hir" https://api.example.org/v2/orders',
        "const headers = { Authorization: 'Basic ZGVwbG95OlkxQ1RqOXlSNzlSeUpXRWw=' };",
      ],
      negative: [
        'curl -H "Authorization: Bearer $API_TOKEN" https://api.example.org/v2/orders',
        "headers: { Authorization: `Bearer ${token}` }",
        'Authorization: Basic dXNlcjpwYXNzd29yZA==',
        'req.Header.Set("Proxy-Authorization", "Bearer dXNlcjpwYXNzd29yZA==")',
      ],
    },
  },
];
