import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { isPlausiblePrivateKeyBlock } from '../checks/pem.js';
import { prefixed, revoke } from './common.js';

const SA_KEY_BODY =
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ';

/** What marks a Firebase app's configuration: its keys, its hosting domains, a name that says Firebase. */
const FIREBASE_CONFIG = /\bauthDomain\b|\bmessagingSenderId\b|\.firebaseapp\.com|\.firebaseio\.com|firebase/i;
/** Names of Cloud Messaging's server keys and admin credentials, which are secrets whatever Firebase says of its web keys. */
const SERVER_KEY_NAME = /server[_-]?key|\b(?:fcm|gcm)|[_-](?:fcm|gcm)[_-]|admin|secret/i;

function serviceAccountJson(keyBody: string, type = 'service_account'): string {
  return [
    '{',
    `  "type": "${type}",`,
    '  "project_id": "acme-billing-prod",',
    '  "private_key_id": "4c1f0a9e2b7d3c5e8f6a1b2c3d4e5f60718293a4",',
    `  "private_key": "-----BEGIN PRIVATE KEY-----\\n${keyBody}\\n-----END PRIVATE KEY-----\\n",`,
    '  "client_email": "billing-export@acme-billing-prod.iam.gserviceaccount.com",',
    '  "client_id": "104857263019283746501"',
    '}',
  ].join('\n');
}

export const gcpDetectors: Detector[] = [
  {
    id: 'gcp-service-account-key',
    title: 'Google Cloud service account key',
    secretType: 'Google Cloud service account key',
    description:
      'A service account key file (JSON with "type": "service_account" and a private key). It authenticates as the service ' +
      'account from anywhere, with every role granted to it, until the key is deleted.',
    remediation: revoke('service account key', 'IAM & Admin > Service accounts > Keys, or `gcloud iam service-accounts keys delete`'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['private_key_id'],
    pattern:
      /"private_key_id"\s*:\s*"[a-f0-9]{40}"\s*,\s*"private_key"\s*:\s*"(?<secret>-----BEGIN PRIVATE KEY-----(?:\\n|\\r\\n)[A-Za-z0-9+/=\\rn]{100,12000}?-----END PRIVATE KEY-----(?:\\n)?)"/g,
    windowLines: { before: 8, after: 4, maxChars: 16000 },
    context: (match) => /"type"\s*:\s*"service_account"|gserviceaccount\.com/.test(match.window),
    check: (secret) => isPlausiblePrivateKeyBlock(secret),
    allowPlaceholders: true,
    priority: 20,
    examples: {
      positive: [
        { path: 'credentials/billing-sa.json', text: serviceAccountJson(SA_KEY_BODY) },
        { path: 'terraform/gcp-key.json', text: serviceAccountJson(SA_KEY_BODY.split('').reverse().join('').replace(/^[^M]*/, 'MIIEvQ')) },
      ],
      negative: [
        { path: 'docs/sa.json', text: serviceAccountJson('...') },
        { path: 'sa.json', text: '{ "type": "service_account", "private_key_id": "", "private_key": "" }' },
        { path: 'oauth.json', text: serviceAccountJson(SA_KEY_BODY, 'authorized_user').replace('gserviceaccount.com', 'example.org'), alsoFires: ['private-key'] },
      ],
    },
  },
  {
    id: 'gcp-api-key',
    title: 'Google API key',
    secretType: 'Google API key',
    description:
      'A Google API key (AIza...). Unrestricted keys let anyone call the enabled Google APIs (Maps, Gemini, Firebase) on ' +
      'the project\'s bill and quota.',
    remediation: revoke('API key', 'Google Cloud console > APIs & Services > Credentials; restrict new keys by API and referrer'),
    severity: 'high',
    confidence: 'high',
    keywords: ['AIza'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('AIza', '[0-9A-Za-z_-]{35}'),
    check: (secret) => looksRandom(secret.slice(4), 3),
    examples: {
      positive: ['GOOGLE_API_KEY=AIzaIIzy7ezS2JronivA4GoKnNSdiIbCzWDPaT-', "const maps = new Loader({ apiKey: 'AIzaXLfempEhR-kp4gUc-54aqNxU5G6GqaTiOwe' });"],
      negative: ['GOOGLE_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'apiKey: "AIzaIIzy7ezS2JronivA4GoKnNSdiIbC"', 'The key starts with AIza followed by 35 characters.'],
    },
  },
  {
    id: 'firebase-web-api-key',
    title: 'Firebase web API key',
    secretType: 'Firebase web API key',
    description:
      'A Google API key in a Firebase app\'s configuration (the apiKey beside authDomain, messagingSenderId or a firebaseapp.com ' +
      'domain, or a variable named for Firebase). Firebase documents these keys as not secret: every web and mobile client of ' +
      'the app carries one, and its data is guarded by Security Rules and App Check. Reported low, since an unrestricted key ' +
      'still lets anyone call the project\'s other enabled Google APIs on its bill; the same key elsewhere is reported high by ' +
      'secrets/gcp-api-key.',
    remediation:
      'Restrict the key (Google Cloud console > APIs & Services > Credentials): the HTTP referrers or app ids of your clients ' +
      'and only the Firebase APIs; keep Security Rules and App Check on.',
    severity: 'low',
    confidence: 'high',
    advice: 'Firebase web keys ship in every client and are not secret; make sure the key is restricted to your apps and the Firebase APIs.',
    keywords: ['AIza'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('AIza', '[0-9A-Za-z_-]{35}'),
    check: (secret) => looksRandom(secret.slice(4), 3),
    // A Cloud Messaging server key (FCM_SERVER_KEY, GCM's legacy AIza keys) sends pushes to every user: no client config.
    context: (match) => FIREBASE_CONFIG.test(match.around(5, 5).lines.join('\n')) && !SERVER_KEY_NAME.test(match.around(0, 0).lines.join('\n')),
    priority: 11,
    examples: {
      positive: [
        'VITE_APP_FIREBASE_CONFIG=\'{"apiKey":"AIzaIIzy7ezS2JronivA4GoKnNSdiIbCzWDPaT-","authDomain":"acme-web.firebaseapp.com","projectId":"acme-web"}\'',
        'const firebaseConfig = {\n  apiKey: "AIzaXLfempEhR-kp4gUc-54aqNxU5G6GqaTiOwe",\n  authDomain: "acme-web.firebaseapp.com",\n  messagingSenderId: "810374562",\n};\n',
        'NEXT_PUBLIC_FIREBASE_API_KEY=AIzaIIzy7ezS2JronivA4GoKnNSdiIbCzWDPaT-',
      ],
      negative: [
        { text: 'GOOGLE_MAPS_API_KEY=AIzaIIzy7ezS2JronivA4GoKnNSdiIbCzWDPaT-', alsoFires: ['gcp-api-key'] },
        'NEXT_PUBLIC_FIREBASE_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        { text: 'FIREBASE_SERVER_KEY=AIzaIIzy7ezS2JronivA4GoKnNSdiIbCzWDPaT-', alsoFires: ['gcp-api-key'] },
        { text: '# firebase push\nFCM_API_KEY=AIzaXLfempEhR-kp4gUc-54aqNxU5G6GqaTiOwe', alsoFires: ['gcp-api-key'] },
      ],
    },
  },
  {
    id: 'gcp-oauth-client-secret',
    title: 'Google OAuth client secret',
    secretType: 'Google OAuth client secret',
    description:
      'A Google OAuth 2.0 client secret (GOCSPX-...). With the client id it lets an attacker impersonate the application in ' +
      'OAuth flows and exchange stolen authorization codes for tokens.',
    remediation: revoke('client secret', 'Google Cloud console > APIs & Services > Credentials > the OAuth client > Reset secret'),
    severity: 'high',
    confidence: 'high',
    keywords: ['GOCSPX-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('GOCSPX-', '[A-Za-z0-9_-]{28}'),
    check: (secret) => looksRandom(secret.slice(7), 2),
    examples: {
      positive: ['GOOGLE_CLIENT_SECRET=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', '"client_secret": "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"'],
      negative: ['GOOGLE_CLIENT_SECRET=GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'client_secret: GOCSPX-', '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abc'],
    },
  },
];
