import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { namedValue, prefixed, revoke } from './common.js';

/** Tokens of the tools that hold the other secrets: one leak opens all of them. */
export const secretManagerDetectors: Detector[] = [
  {
    id: 'vault-token',
    title: 'HashiCorp Vault token',
    secretType: 'Vault token',
    description: 'A HashiCorp Vault service (hvs.), batch (hvb.) or recovery (hvr.) token. It reads and writes every secret its policies allow.',
    remediation: revoke('token', '`vault token revoke <accessor>` or revoke its lease; keep tokens short-lived'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['hvs.', 'hvb.', 'hvr.'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_.-])(?<secret>hv[sbr]\.[A-Za-z0-9_-]{90,300})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(4), 3),
    examples: {
      positive: [
        'VAULT_TOKEN=hvs.que_QmT7rfljotxGKPW7RcB_S7HCC1enrgRSYvhjJ3vAf8ji-FnUJgZIuSY06ksgGVHWCv3AU5kfghYyzrp6UyvoOyJ',
        'token = "hvb.Yorte0U1QwfrgovpAmTifj9nmYE8cW2HUYWaYY_qBSfwWgh5-U9nP427aAP_N4MlRyJws-wyt72PlNMH8-e0cXcPtoPvtFPNloWP5SoRbkDsb7ao8pW0mWFQ10_blZrm409lcQ3s3D"',
      ],
      negative: ['VAULT_TOKEN=hvs.XXXXXXXXXXXXXXXXXXXXXXXX', 'VAULT_TOKEN=hvs....', 'url = "https://hvs.example.org/v1"'],
    },
  },
  {
    id: 'vault-legacy-token',
    title: 'HashiCorp Vault token (legacy format)',
    secretType: 'Vault token',
    description: 'A Vault token in the pre-1.10 format (s. + 24 characters) assigned to a Vault token name. It reads and writes every secret its policies allow.',
    remediation: revoke('token', '`vault token revoke`'),
    severity: 'critical',
    confidence: 'medium',
    keywords: ['vault_token', 'vault-token', 'vaulttoken', 'vault_dev_root_token'],
    pattern: namedValue('(?:x[_-])?vault[_.-]?(?:dev[_.-]?root[_.-]?)?token', 's\\.[A-Za-z0-9]{24}'),
    check: (secret) => looksRandom(secret.slice(2), 2),
    examples: {
      positive: ['VAULT_TOKEN=s.xSYvviaLljfVtPEUurKBb2TA', "headers = {'X-Vault-Token': 's.eCQzyWIpm6kqkP9SNmPzgDHj'}"],
      negative: ['VAULT_TOKEN=s.xxxxxxxxxxxxxxxxxxxxxxxx', 'VAULT_TOKEN=root', 'VAULT_TOKEN=$(cat /run/secrets/vault)'],
    },
  },
  {
    id: 'doppler-token',
    title: 'Doppler token',
    secretType: 'Doppler token',
    description: 'A Doppler personal, service, CLI, service-account, SCIM or audit token (dp.pt., dp.st., ...). Service tokens read every secret of their config.',
    remediation: revoke('token', 'Doppler dashboard > the project config > Access, or Team > Service accounts'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['dp.pt.', 'dp.st.', 'dp.ct.', 'dp.sa.', 'dp.scim.', 'dp.audit.'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_.-])(?<secret>dp\.(?:pt|st|ct|sa|scim|audit)\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(secret.lastIndexOf('.') + 1), 2),
    examples: {
      positive: ['DOPPLER_TOKEN=dp.st.ZDEZolL4ErmB6I3FFWs5y8sAAy0rAvPcyCyMX7YdZsN', 'doppler_token: "dp.st.euHat9elm7TZEGiRRlQiiDIxijjQpf33fTgn7FT9Oni"'],
      negative: ['DOPPLER_TOKEN=dp.st.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'DOPPLER_TOKEN=dp.st.<token>', 'let dp.st = 3;'],
    },
  },
  {
    id: 'onepassword-service-account-token',
    title: '1Password service account token',
    secretType: '1Password service account token',
    description: 'A 1Password service account token (ops_eyJ...). It reads the vaults the service account was granted, with every secret in them.',
    remediation: revoke('service account token', '1Password > Developer > Service accounts > revoke the token'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['ops_eyJ'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ops_eyJ[A-Za-z0-9+/=_-]{250,1200})(?![A-Za-z0-9+/=_-])/g,
    check: (secret) => /"secretKey"|"srpX"|"muk"/.test(Buffer.from(secret.slice(4), 'base64').toString('latin1')),
    allowPlaceholders: true,
    examples: {
      positive: [
        'OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSIsInVzZXJBdXRoIjp7Im1ldGhvZCI6IlNSUGctNDA5NiIsImFsZyI6IlBCRVMyZy1IUzI1NiIsIml0ZXJhdGlvbnMiOjY1MDAwMCwic2FsdCI6IjlvM2Y0UVpOY2JXanl0NFBzNFlTS08ifSwiZW1haWwiOiJzdmMtOTI4NDBAMXBhc3N3b3Jkc2VydmljZWFjY291bnRzLmNvbSIsInNycFgiOiI5MzFiMGY0YjUzZDNkMjk2ZjMzNDRiZDVhYjg0YTM0MGJjY2FmZjBjNDM1YjE5ZjlmZjg5YTYyNDc1OTA5NTkwIiwibXVrIjp7ImFsZyI6IkEyNTZHQ00iLCJleHQiOnRydWUsImsiOiJzZWpPd0FXYXVIdVM4dDRxcWhzTklzNHpjOWtuZ2xpVE9zTmNEYzA5dWJZIiwia2V5X29wcyI6WyJlbmNyeXB0IiwiZGVjcnlwdCJdLCJrdHkiOiJvY3QiLCJraWQiOiJtcCJ9LCJzZWNyZXRLZXkiOiJBMy1CUTQwWlAifQ==',
        'op_token: "ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSIsInVzZXJBdXRoIjp7Im1ldGhvZCI6IlNSUGctNDA5NiIsImFsZyI6IlBCRVMyZy1IUzI1NiIsIml0ZXJhdGlvbnMiOjY1MDAwMCwic2FsdCI6IjNoVjE4eFhqeXFjUjJlUDg2QzY0U04ifSwiZW1haWwiOiJzdmMtOTA2NjZAMXBhc3N3b3Jkc2VydmljZWFjY291bnRzLmNvbSIsInNycFgiOiI3MmE4MmY2NjMzNzhiMWMzZjRlOWUyNjc1OWQzNDY0MDhmMzdjMGZjOTBjODEyM2M5NjcyYjcwNjg5NDhkNDJiIiwibXVrIjp7ImFsZyI6IkEyNTZHQ00iLCJleHQiOnRydWUsImsiOiJHeGs3U2FMcjhkdGxYbjhfM0NfcHRkSmZseGpRTWZNZWE3ZUVqZVB2Nlg2Iiwia2V5X29wcyI6WyJlbmNyeXB0IiwiZGVjcnlwdCJdLCJrdHkiOiJvY3QiLCJraWQiOiJtcCJ9LCJzZWNyZXRLZXkiOiJBMy1TQzFHTkoifQ=="',
      ],
      negative: [
        'OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ...',
        'OP_SERVICE_ACCOUNT_TOKEN=ops_eyJhbGciOiJub25lIn0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'OP_SERVICE_ACCOUNT_TOKEN=op://vault/item/field',
      ],
    },
  },
  {
    id: 'age-secret-key',
    title: 'age secret key',
    secretType: 'age secret key',
    description: 'An age encryption secret key (AGE-SECRET-KEY-1...). It decrypts every file encrypted to its public key, such as SOPS-encrypted secrets in the repository.',
    remediation:
      'Generate a new age key, re-encrypt every file encrypted to the old one (e.g. `sops updatekeys`), and rotate the secrets those files held: they must be treated as exposed.',
    severity: 'critical',
    confidence: 'high',
    keywords: ['AGE-SECRET-KEY-1'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('AGE-SECRET-KEY-1', '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
    check: (secret) => looksRandom(secret.slice(16), 2),
    examples: {
      positive: [
        '# created: 2024-03-01T10:00:00Z\n# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\nAGE-SECRET-KEY-1E53VRZAXTN40Y47J7MDY8NZMFAU324LRM0NQ9SKKGT4E834XXEWLJ7SUKK',
        'SOPS_AGE_KEY=AGE-SECRET-KEY-1FP30YNMVZY0AXVUNXV04ERYD8RRR399RGJ3FCA5V0FMFZ89FQZULWUT203',
      ],
      negative: ['SOPS_AGE_KEY=AGE-SECRET-KEY-1...', 'SOPS_AGE_KEY=AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ', 'Secret keys start with AGE-SECRET-KEY-1.'],
    },
  },
  {
    id: 'onepassword-secret-key',
    title: '1Password account Secret Key',
    secretType: '1Password Secret Key',
    description:
      'A 1Password account Secret Key (A3-, then groups of letters and digits). With the account password it opens the ' +
      'whole vault; written down beside the password, or where the password can be guessed, the vault is only as safe as that.',
    remediation:
      'Regenerate the Secret Key (1Password > the account > Regenerate Secret Key), change the account password, and keep ' +
      'the Emergency Kit out of repositories.',
    severity: 'high',
    confidence: 'high',
    keywords: ['A3-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(3).replace(/-/g, ''), 2),
    examples: {
      positive: ['OP_SECRET_KEY=A3-ZOD7CV-4NJWHA3P561-7M1PT-06PFO-5JZZ9', 'secret key: A3-FHHL3W-CTFSTC-DGPO9-02E2Q-KYKPZ-NI4OX'],
      negative: ['OP_SECRET_KEY=A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX', 'OP_SECRET_KEY=A3-ABCDEF-...', 'Secret Keys start with A3-.'],
    },
  },
];
