import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { revoke } from './common.js';

/** The storage emulator's (Azurite's) account key is published in Microsoft's docs: not a secret. */
const EMULATOR_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export const azureDetectors: Detector[] = [
  {
    id: 'azure-storage-account-key',
    title: 'Azure storage account key',
    secretType: 'Azure storage account key',
    description:
      'An Azure storage account access key (88 base64 characters, in a connection string or a storage key variable). It ' +
      'grants full control of every blob, queue, table and file share in the account.',
    remediation: revoke('account key', 'Storage account > Security + networking > Access keys > Rotate key'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['accountkey', 'storage_key', 'storagekey', 'storage-key', 'storage.key', 'storage_account_key', 'storage.account.key', 'storageaccountkey'],
    pattern:
      /(?:AccountKey\s*=\s*|(?:storage[_.-]?(?:account[_.-]?)?(?:access[_.-]?)?key)[\w.-]{0,10}["'`]?\s{0,5}[:=]\s{0,5}["'`]?)(?<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/gi,
    check: (secret) => secret !== EMULATOR_ACCOUNT_KEY && Buffer.from(secret, 'base64').length === 64,
    allowPlaceholders: true,
    examples: {
      positive: [
        'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=Vg2T4CIc+ZQZZLiQeX6zUsc9aW/WFFdxs8ikiPHHBA5ualw6tA+XTOmjve7gS9gRfpkDTQbrnqv2452UsCCbkA==;EndpointSuffix=core.windows.net"',
        'storage_account_key = "mhZ/XBkksxB7Drv9REVrteYwei8s/HtCfoQJdcm+kmhJzW1UfFpZeqn3NDneRQFsTcIzEEFdO9FCiM4huFjB5A=="',
      ],
      negative: [
        `UseDevelopmentStorage=true;AccountName=devstoreaccount1;AccountKey=${EMULATOR_ACCOUNT_KEY}`,
        'AccountKey=<your-account-key>;EndpointSuffix=core.windows.net',
        'storage_key = ${STORAGE_KEY}',
      ],
    },
  },
  {
    id: 'azure-sas-token',
    title: 'Azure shared access signature',
    secretType: 'Azure SAS token',
    description:
      'A shared access signature (a URL query with sv=, se= and sig=). It grants the listed permissions on the storage ' +
      'resource to anyone holding the URL until it expires, and cannot be revoked except by rotating the account key or policy.',
    remediation:
      'Rotate the storage account key (or delete the stored access policy) the SAS was signed with, then issue short-lived SAS ' +
      'tokens at run time (user delegation SAS) instead of storing them.',
    severity: 'high',
    confidence: 'high',
    keywords: ['sig='],
    pattern: /[?&;]sig=(?<secret>[A-Za-z0-9%+/]{40,120}(?:%3D|=){0,2})(?=$|[&;"'`\s)])/gi,
    context: (match) => /[?&;]sv=\d{4}-\d{2}-\d{2}/.test(match.window) && /[?&;](?:se|sp)=/.test(match.window),
    check: (secret) => looksRandom(decodeURIComponent(secret), 3),
    examples: {
      positive: [
        'BACKUP_URL="https://acmeprod.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2030-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=V1F0vqtZ9i3dSfG6ZnGqnSYHhKZc%2F%2B9gIiGXxPsdIwA%3D"',
        'upload: https://acme.blob.core.windows.net/in/file.csv?sp=racw&st=2024-05-01T10:00:00Z&se=2031-05-01T18:00:00Z&sv=2022-11-02&sr=b&sig=4bLyByHGGP3bJV%2F20hePaeollaARRXQExHSXIdU08rA%3D',
      ],
      negative: [
        'https://acme.blob.core.windows.net/in?sv=2022-11-02&sp=r&se=2031-01-01&sig=<signature>',
        'https://api.example.org/callback?sig=V1F0vqtZ9i3dSfG6ZnGqnSYHhKZc%2F%2B9gIiGXxPsdIwA%3D',
        '?sv=2022-11-02&se=2031-01-01&sig=abcdefabcdefabcdefabcdefabcdefabcdefabcdef',
      ],
    },
  },
  {
    id: 'azure-ad-client-secret',
    title: 'Microsoft Entra ID (Azure AD) client secret',
    secretType: 'Entra ID client secret',
    description:
      'An Entra ID application client secret (3 characters, a digit, "Q~", then 31-34 characters). With the tenant and client ' +
      'id it signs in as the application and gets every API permission it was granted.',
    remediation: revoke('client secret', 'Entra ID > App registrations > the app > Certificates & secrets'),
    severity: 'high',
    confidence: 'high',
    keywords: ['0Q~', '1Q~', '2Q~', '3Q~', '4Q~', '5Q~', '6Q~', '7Q~', '8Q~', '9Q~'],
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g,
    check: (secret) => looksRandom(secret, 3),
    examples: {
      positive: ['AZURE_CLIENT_SECRET=0dk6Q~mOmTCdOuYpq3gujFfcf6spUGnWuMhbnWFS', '"clientSecret": "1ql0Q~CJ4cx5Tmk-YDdaWqBajBSBm6Xn787jRAx."'],
      negative: ['AZURE_CLIENT_SECRET=abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'path = "~/Q~files/readme"', 'AZURE_CLIENT_SECRET=0dk6Q~mOmTCd'],
    },
  },
  {
    id: 'azure-devops-pat',
    title: 'Azure DevOps personal access token',
    secretType: 'Azure DevOps personal access token',
    description:
      'An Azure DevOps personal access token in the 84-character format with the AZDO signature. It acts as the user on ' +
      'repositories, pipelines and artifact feeds within its scopes.',
    remediation: revoke('token', 'Azure DevOps > User settings > Personal access tokens > Revoke'),
    severity: 'high',
    confidence: 'high',
    keywords: ['AZDO'],
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9])(?<secret>[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9][A-C][A-Za-z0-9]{16}AZDO[A-Za-z0-9]{4})(?![A-Za-z0-9])/g,
    examples: {
      positive: [
        'AZURE_DEVOPS_EXT_PAT=iDHa2qA1ohIeek5gpKgw910NakJvhbLeuD11SNDNBwjhdHHfAkU7JQQJ99HBzHFlPrU70wRwFz6CAZDOR90y',
        '  password: ybdTu8WHHbfoFdgoOiaMfwnhe9Xvfxt8nXHqhD5qWsMkcFsffM3FJQQJ99FBFtJyWetlRDG0Rw3TAZDOQS2c',
      ],
      negative: ['AZDO_ORG=acme', 'id=iDHa2qA1ohIeek5gpKgw910NakJvhbLeuD11SNDNBwjhdHHfAkU7JQQJ99HBzHFlPrU70wRwFz6CAZD', 'The format ends in AZDO plus four characters.'],
    },
  },
];
