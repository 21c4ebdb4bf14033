import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { prefixed, revoke } from './common.js';

export const atlassianDetectors: Detector[] = [
  {
    id: 'bitbucket-app-password',
    title: 'Bitbucket app password or access token',
    secretType: 'Bitbucket credential',
    description: 'A Bitbucket Cloud app password or repository/workspace access token (ATBB, ATCTT). It reads and pushes the repositories and pipelines within its permissions.',
    remediation: revoke('app password or token', 'Bitbucket > Personal settings > App passwords, or the repository/workspace access tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['ATBB', 'ATCTT'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ATBB[A-Za-z0-9_=.-]{28,40}|ATCTT3[A-Za-z0-9_=-]{150,250})(?![A-Za-z0-9_=.-])/g,
    check: (secret) => looksRandom(secret.slice(4), 2),
    examples: {
      positive: ['BITBUCKET_APP_PASSWORD=ATBB0W7ihSfZW4MaFgEQFGWsfPyBu1C9JKZO', 'git clone https://ci-bot:ATBBVAfmPozNz517VH8SlHLONAZX14Rpr2fZ@bitbucket.org/acme/api.git'],
      negative: ['BITBUCKET_APP_PASSWORD=ATBBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'BITBUCKET_APP_PASSWORD=ATBB...', 'const PREFIX = "ATBB";'],
    },
  },
  {
    id: 'atlassian-api-token',
    title: 'Atlassian API token',
    secretType: 'Atlassian API token',
    description: 'An Atlassian account API token (ATATT3...). With the account e-mail it acts as the user on Jira, Confluence and Bitbucket: issues, pages and attachments.',
    remediation: revoke('token', 'id.atlassian.com > Security > API tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['ATATT3'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('ATATT3', '[A-Za-z0-9_=-]{150,250}', 'A-Za-z0-9_=-'),
    check: (secret) => looksRandom(secret.slice(6), 3),
    examples: {
      positive: [
        'JIRA_API_TOKEN=ATATT3iR7gqSQZWluwm_Vw3MpGLOHNIMcbkf7XH2FqrU2B_Gfmxetn8O7_FXxL7roMz3wtHx1b3_Ly8rwma0BVrwKaqaKskCo_Rj4oAoUvAs23shC2bw139PBfe3vaVLw9GYigpGLK4HMDiDEwD5XJcPQManNHDzecjrXGfRiD9uHssOrRLiKq-AuM=065C1E12',
        'confluence:\n  token: "ATATT3a28YcQ8T3r9kxVkpnDwngONjzwozgOyrUNlHESXyaJPcl0seBxcVMp74VYhTmwgOZg1ex3R_5OfpKcYhS1nRKgswCiY8jYaWojUoRjPclK1lThJhQhfAfOTvbZKOWrYKk3MHTCmYCSCq8knFfA8se2PQ6BU2ztkjGNmG7JB7bu5CN9YISFo7=6D9558A8"',
      ],
      negative: ['JIRA_API_TOKEN=ATATT3xFfGF0...', 'JIRA_API_TOKEN=ATATT3<token>', 'Tokens created after 2023 start with ATATT3.'],
    },
  },
];
