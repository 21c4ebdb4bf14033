import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { prefixed, revoke } from './common.js';

/** The random part after a token's fixed prefix. */
const randomAfter = (prefix: string, minClasses: number) => (secret: string) => looksRandom(secret.slice(prefix.length), minClasses);

/**
 * Developer tools that hold code, designs, API collections and work items: build servers,
 * code search and quality, API clients, issue trackers, design and content platforms.
 */
export const devtoolDetectors: Detector[] = [
  {
    id: 'postman-api-key',
    title: 'Postman API key',
    secretType: 'Postman API key',
    description:
      'A Postman API key (PMAK-). It reads and changes the workspaces, collections and environments of its user, and ' +
      'Postman environments usually hold the API keys and passwords the collections call other services with.',
    remediation: revoke('API key', 'Postman > Settings > API keys'),
    severity: 'high',
    confidence: 'high',
    keywords: ['PMAK-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('PMAK-', '[a-fA-F0-9]{24}-[a-fA-F0-9]{34}'),
    check: (secret) => looksRandom(secret.slice(5).replace('-', ''), 2),
    examples: {
      positive: [
        'POSTMAN_API_KEY=PMAK-c771dbae09e8730c0f6f58ea-5593131ce65acf2a50ae09a0a72f937d64',
        'newman run https://api.getpostman.example.org/collections/1234?apikey=PMAK-baa289fb6262c7239738e3b6-110941b913516d938c979b4bb95abd1cc5',
      ],
      negative: [
        'POSTMAN_API_KEY=PMAK-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'POSTMAN_API_KEY=PMAK-{{postman_api_key}}',
        'Keys look like PMAK-c771dbae09e8730c0f6f58ea.',
      ],
    },
  },
  {
    id: 'linear-api-key',
    title: 'Linear API key',
    secretType: 'Linear API key',
    description: 'A Linear personal API key (lin_api_). It reads and changes the issues, projects and comments of every team its user belongs to.',
    remediation: revoke('API key', 'Linear > Settings > Security & access > Personal API keys'),
    severity: 'high',
    confidence: 'high',
    keywords: ['lin_api_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('lin_api_', '[A-Za-z0-9]{40}'),
    check: randomAfter('lin_api_', 3),
    examples: {
      positive: ['LINEAR_API_KEY=lin_api_92wBrn5T5jSTpcrh0jaYEyRDk6Ug72Cl8QWpAzsC', "const linear = new LinearClient({ apiKey: 'lin_api_YXqgFs4JH3ToAvsskiwvkys2gDAT1yaP6x5RVa0w' });"],
      negative: [
        'LINEAR_API_KEY=lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        // Cut short: not a key, and the generic detector knows the prefix and stays quiet too.
        'LINEAR_API_KEY=lin_api_92wBrn5T5jSTpcrh0jaYEy',
        'const PREFIX = "lin_api_";',
      ],
    },
  },
  {
    id: 'sonarqube-user-token',
    title: 'SonarQube user token',
    secretType: 'SonarQube user token',
    description:
      'A SonarQube or SonarQube Cloud user token (squ_). It does through the Web API whatever its user can do: read the ' +
      'source code and findings of their projects, and with an administrator\'s token administer the whole instance.',
    remediation: revoke('token', 'SonarQube > My Account > Security'),
    severity: 'high',
    confidence: 'high',
    keywords: ['squ_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('squ_', '[0-9a-f]{40}'),
    check: randomAfter('squ_', 2),
    examples: {
      positive: ['SONAR_TOKEN=squ_2d67d444ed691a540f2dc82297c690939bc4331a', 'mvn sonar:sonar -Dsonar.host.url=https://sonar.example.org -Dsonar.token=squ_9c36f1eafbd0fdced64b9d9922e7001b79df7ce5'],
      negative: ['SONAR_TOKEN=squ_0000000000000000000000000000000000000000', 'SONAR_TOKEN=squ_<token>', 'if (token.startsWith("squ_")) return "user";'],
    },
  },
  {
    id: 'sonarqube-analysis-token',
    title: 'SonarQube analysis token',
    secretType: 'SonarQube analysis token',
    description:
      'A SonarQube project (sqp_) or global (sqa_) analysis token. It runs analyses of its project (or of every project), ' +
      'so whoever holds it can overwrite the quality results a release gate relies on.',
    remediation: revoke('token', 'SonarQube > My Account > Security, or the project\'s analysis token settings'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['sqp_', 'sqa_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sq[pa]_[0-9a-f]{40})(?![A-Za-z0-9_-])/g,
    check: randomAfter('sqp_', 2),
    examples: {
      positive: ['SONAR_TOKEN=sqp_33bb6088478f7df7159b507d5320c39ece4f5b8a', "sonar.token: 'sqa_5a8dab382a3eeb7aaec08006a99f79070781600c'"],
      negative: ['SONAR_TOKEN=sqp_ffffffffffffffffffffffffffffffffffffffff', 'SONAR_TOKEN=${SONAR_TOKEN}', 'sqp_5a8dab382a3e'],
    },
  },
  {
    id: 'buildkite-api-token',
    title: 'Buildkite API access token',
    secretType: 'Buildkite API access token',
    description:
      'A Buildkite API access token (bkua_). Within its scopes it reads pipelines, builds and their logs and artifacts, ' +
      'and with write scopes creates builds and changes pipelines, which run code on the organization\'s agents.',
    remediation: revoke('token', 'Buildkite > Personal Settings > API Access Tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['bkua_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('bkua_', '[a-z0-9]{40}'),
    check: randomAfter('bkua_', 2),
    examples: {
      positive: ['BUILDKITE_API_TOKEN=bkua_2e724e72d73941ca0a5cc60de3f28e06df802194', 'bk auth login --org acme --token bkua_87a708d86c513e40582d2f7c0489737ebd496105'],
      negative: ['BUILDKITE_API_TOKEN=bkua_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'BUILDKITE_API_TOKEN=bkua_...', 'Tokens created since 2023 start with bkua_.'],
    },
  },
  {
    id: 'circleci-personal-token',
    title: 'CircleCI personal API token',
    secretType: 'CircleCI personal API token',
    description:
      'A CircleCI personal API token (CCIPAT_). It has full read and write access to the CircleCI API as its user: it ' +
      'triggers pipelines, changes project settings and adds keys to the projects the user can reach.',
    remediation: revoke('token', 'CircleCI > User Settings > Personal API Tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['CCIPAT_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('CCIPAT_', '[A-Za-z0-9]{22}_[a-f0-9]{40}'),
    check: (secret) => looksRandom(secret.slice(7, 29), 3) && looksRandom(secret.slice(30), 2),
    examples: {
      positive: [
        'CIRCLECI_TOKEN=CCIPAT_806FOavJMjC2j3uaN1NV25_91545d0d05429087e18228de3c9a19edce127b43',
        'curl -H "Circle-Token: CCIPAT_2bF7Z5anl9exyqayPpcwAY_6368eec58d45f8987190ff15c5c3015c04ee9b64" https://circleci.example.org/api/v2/me',
      ],
      negative: ['CIRCLECI_TOKEN=CCIPAT_XXXXXXXXXXXXXXXXXXXXXX_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'CIRCLECI_TOKEN=CCIPAT_...', 'Personal tokens start with CCIPAT_ and project tokens with CCIPRJ_.'],
    },
  },
  {
    id: 'sourcegraph-access-token',
    title: 'Sourcegraph access token',
    secretType: 'Sourcegraph access token',
    description: 'A Sourcegraph access token (sgp_ or sgph_, an optional instance identifier, 40 hex digits). It searches and reads the code of every repository its user can see on the instance, private ones included.',
    remediation: revoke('token', 'Sourcegraph > Settings > Access tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['sgp_', 'sgph_'],
    anchor: 'keyword',
    caseSensitive: true,
    // The form Sourcegraph's own token parser accepts: sgp_[<instance id>_]<40 hex digits>.
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sgph?_(?:[A-Za-z0-9]{1,64}_)?[a-fA-F0-9]{40})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(-40), 2),
    examples: {
      positive: [
        'SRC_ACCESS_TOKEN=sgp_20d0482ffe0f1968_4f411fe74b52b14e81c82304c9776087f3bcf86c',
        'SRC_ACCESS_TOKEN=sgp_local_e2a810620a5387cccdf87a49a278d683fc002a27',
        'SRC_ACCESS_TOKEN=sgph_d8c3fe4c1e2b4f1c_7f01a4f3c4b53a1be52e1d09b2f5b9a0c72e66d1',
        'token: sgp_606b857d2e02c99fc77e6a1e558063a3ddc0aac7',
      ],
      negative: ['SRC_ACCESS_TOKEN=sgp_local_0000000000000000000000000000000000000000', 'SRC_ACCESS_TOKEN=sgp_<token>', 'const prefix = `sgp_${instanceId}_`;'],
    },
  },
  {
    id: 'figma-access-token',
    title: 'Figma personal access token',
    secretType: 'Figma personal access token',
    description: 'A Figma personal access token (figd_). Within its scopes it reads the design files, comments and projects its user can open, which often show unreleased products.',
    remediation: revoke('token', 'Figma > Settings > Security > Personal access tokens'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['figd_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('figd_', '[A-Za-z0-9_-]{40}'),
    check: randomAfter('figd_', 3),
    examples: {
      positive: ['FIGMA_TOKEN=figd_OEQzZyBc7Fo1I8X3f0zWVM1cC_PTdvuAjJDuuxFd', "headers: { 'X-Figma-Token': 'figd_bqYgXeTaO7vR1nMygEeeR2FVM_GB0G1UpDm0gPmm' }"],
      negative: ['FIGMA_TOKEN=figd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'FIGMA_TOKEN=figd_...', 'if (token.startsWith("figd_")) headers["X-Figma-Token"] = token;'],
    },
  },
  {
    id: 'notion-integration-token',
    title: 'Notion integration token',
    secretType: 'Notion integration token',
    description: 'A Notion integration token (ntn_). It reads, and with the capabilities to do so changes, every page and database shared with the integration.',
    remediation: revoke('token', 'Notion > Settings > Connections > Develop or manage integrations > the integration > Refresh secret'),
    severity: 'high',
    confidence: 'high',
    keywords: ['ntn_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('ntn_', '[0-9]{11}[A-Za-z0-9]{35}'),
    check: (secret) => looksRandom(secret.slice(15), 3),
    examples: {
      positive: ['NOTION_TOKEN=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', "const notion = new Client({ auth: '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' });"],
      negative: ['NOTION_TOKEN=ntn_00000000000xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'NOTION_TOKEN=ntn_...', 'ntn_12345678901'],
    },
  },
  {
    id: 'contentful-management-token',
    title: 'Contentful personal access token',
    secretType: 'Contentful personal access token',
    description:
      'A Contentful Content Management API personal access token (CFPAT-). It creates, changes, publishes and deletes the ' +
      'content, content types and environments of every space its user can manage.',
    remediation: revoke('token', 'Contentful > Settings > CMA tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['CFPAT-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('CFPAT-', '[A-Za-z0-9_-]{43}'),
    check: randomAfter('CFPAT-', 3),
    examples: {
      positive: ['CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-OZoS9YOXT_aZ2RWBRpfjufwbn9XT9GYt1XbVcIk4QUB', 'contentful space list --management-token CFPAT-tnTC8fscogOFbacNgWbznCnVdWxUupCSSQSUuMHdqhE'],
      negative: ['CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-<token>', 'Tokens start with CFPAT-.'],
    },
  },
];
