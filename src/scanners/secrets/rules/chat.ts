import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { prefixed, revoke } from './common.js';

const REVOKE_SLACK = revoke('token', 'api.slack.com/apps > the app > OAuth & Permissions > Revoke, or auth.revoke');

/** A Discord bot token's first part is the base64 of the bot's numeric user id. */
function discordIdPart(secret: string): boolean {
  const id = Buffer.from(secret.slice(0, secret.indexOf('.')), 'base64url').toString('latin1');
  return /^\d{17,20}$/.test(id);
}

export const chatDetectors: Detector[] = [
  {
    id: 'slack-bot-token',
    title: 'Slack bot token',
    secretType: 'Slack bot token',
    description: 'A Slack bot token (xoxb-). It reads and posts in every channel the bot is in, and calls the Web API with the app\'s scopes.',
    remediation: REVOKE_SLACK,
    severity: 'high',
    confidence: 'high',
    keywords: ['xoxb-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('xoxb-', '[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}'),
    check: (secret) => looksRandom(secret.slice(-24), 2),
    verifier: 'slack',
    examples: {
      positive: ['SLACK_BOT_TOKEN=xoxb-254665562503-6843157203527-gLOacuRobb0LbplAiY2cMEFa', "const web = new WebClient('xoxb-692420242690-3026587597638-y9UMjQXCpm1DfDrOELpgN38C');"],
      negative: ['SLACK_BOT_TOKEN=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx', 'SLACK_BOT_TOKEN=xoxb-your-token', 'Bot tokens start with xoxb-.'],
    },
  },
  {
    id: 'slack-user-token',
    title: 'Slack user token',
    secretType: 'Slack user token',
    description: 'A Slack user (xoxp-) or workspace (xoxa-) token. It acts as the person who installed the app: their messages, files and DMs.',
    remediation: REVOKE_SLACK,
    severity: 'critical',
    confidence: 'high',
    keywords: ['xoxp-', 'xoxa-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>xox[pa]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(-32), 2),
    verifier: 'slack',
    examples: {
      positive: [
        'SLACK_USER_TOKEN=xoxp-395393949328-659071690854-1835496990738-140f7bd18fec2cb605bf7c0097d9d9bb',
        'token: "xoxp-188114488630-511539351741-9200321594496-3dcfff4a2991c69655b339c8f3cad296"',
      ],
      negative: [
        'SLACK_USER_TOKEN=xoxp-000000000000-000000000000-0000000000000-00000000000000000000000000000000',
        'SLACK_USER_TOKEN=xoxp-${SLACK_TOKEN}',
        'SLACK_USER_TOKEN=xoxp-395393949328-659071690854',
      ],
    },
  },
  {
    id: 'slack-app-token',
    title: 'Slack app-level token',
    secretType: 'Slack app-level token',
    description: 'A Slack app-level token (xapp-). It opens Socket Mode connections and receives the app\'s events, including message content.',
    remediation: revoke('token', 'api.slack.com/apps > the app > Basic Information > App-Level Tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['xapp-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('xapp-', '\\d-[A-Z0-9]{9,12}-\\d{10,13}-[a-f0-9]{64}'),
    check: (secret) => looksRandom(secret.slice(-64), 2),
    examples: {
      positive: [
        'SLACK_APP_TOKEN=xapp-1-AIO3RL1QAAD-7736632667387-2c8e41a7f82ec9ca4adb8d59a1128a4c9730c9e581f1f44a752a22f0285680fd',
        "appToken: 'xapp-1-ANECQYKDM6V-2000855739489-a54567cf92f818177b5d4a8f807c47afeebce0148a4e5c193bd872eb4c5ecde3'",
      ],
      negative: ['SLACK_APP_TOKEN=xapp-1-XXXXXXXXXXX-0000000000000-<secret>', 'SLACK_APP_TOKEN=xapp-...', 'SLACK_APP_TOKEN=xapp-1-AIO3RL1QAAD-7736632667387'],
    },
  },
  {
    id: 'slack-config-token',
    title: 'Slack configuration or refresh token',
    secretType: 'Slack configuration token',
    description: 'A Slack app configuration access token (xoxe.xoxp-) or refresh token (xoxe-). They create and change apps in the workspace or mint new tokens.',
    remediation: revoke('token', 'api.slack.com/apps > Your App Configuration Tokens > Revoke'),
    severity: 'high',
    confidence: 'high',
    keywords: ['xoxe'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>xoxe(?:\.xox[bp])?-1-[A-Za-z0-9]{130,200})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(-100), 3),
    examples: {
      positive: [
        'SLACK_CONFIG_TOKEN=xoxe.xoxp-1-w0rHlRdM6WIQWH6ZzDaZUbg15uB2LdcDULN6NsxP316AM89MXYLgOqcYiG7iqQBLu8gp4A8e64No5rjeQ2LA44Y6M1hEYq85hHkyDkFP8gB4DfKDGMwnzr9q4IaWMQcOaLkhQMZFxkHbpMTANSydeDV7QpqJWNSzuka',
        '"refresh": "xoxe-1-LOzoaJ0vVvxZFCk5ZeD0ha2OXAWZyAemAhkEYpuIorauCamuWuJ7YkwdLXO3SPN7Rsm7N1q7M7PoxHlFF30FIULqIXBHkpdJZPqAbbB5bYr9DVvOGFg0gxepdbQRvpk46O8mFI23VKnBvX0ZJA3ucW7mFY5Ls9vbzAX"',
      ],
      negative: ['SLACK_CONFIG_TOKEN=xoxe.xoxp-1-<token>', 'Config tokens start with xoxe.xoxp-1-.', 'SLACK_CONFIG_TOKEN=xoxe.xoxp-1-w0rHlRdM6WIQWH6ZzDaZUbg15uB2'],
    },
  },
  {
    id: 'slack-webhook-url',
    title: 'Slack incoming webhook URL',
    secretType: 'Slack webhook URL',
    description: 'A Slack incoming webhook or workflow trigger URL. Anyone with it can post messages into the channel, a ready-made phishing channel inside the company.',
    remediation: revoke('webhook', 'api.slack.com/apps > the app > Incoming Webhooks > remove it'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['hooks.slack.com'],
    pattern: /(?<secret>https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{8,12}\/[AB][A-Z0-9]{8,12}\/[A-Za-z0-9]{23,32})(?![A-Za-z0-9])/g,
    check: (secret) => looksRandom(secret.slice(secret.lastIndexOf('/') + 1), 2),
    examples: {
      positive: [
        'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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',
        "requests.post('https://hooks.slack.com/services/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', json=payload)",
      ],
      negative: [
        'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
        'See https://hooks.slack.com/services/ for the endpoint.',
        'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/TZ61E60BO/BO1NF6IXJ7J/<secret>',
      ],
    },
  },
  {
    id: 'discord-bot-token',
    title: 'Discord bot token',
    secretType: 'Discord bot token',
    description: 'A Discord bot token (base64 of the bot id, a timestamp and an HMAC) near the word Discord. It controls the bot in every server it joined.',
    remediation: revoke('token', 'Discord Developer Portal > the application > Bot > Reset Token'),
    severity: 'high',
    confidence: 'high',
    keywords: ['discord'],
    windowLines: { before: 3, after: 3, maxChars: 2000 },
    pattern: /(?<![A-Za-z0-9_.-])(?<secret>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?![A-Za-z0-9_.-])/g,
    check: (secret) => discordIdPart(secret) && looksRandom(secret.slice(secret.lastIndexOf('.') + 1), 2),
    examples: {
      positive: ['DISCORD_TOKEN=NjQ4OTEwNzIzMDQ2NjU0MTIw.UAwpNt.xMCAHXjf7hcI35A6foFQcefrEZ54_4LpJRMUux', "const discord = new Client(intents);\ndiscord.login('ODQ2MTc1Mjk0NDI3ODUyMzM3.TTWGfP.wpcuaQvFke4fPUk7DPOKCKvFpL_IVePPllmeeW');"],
      negative: [
        'DISCORD_TOKEN=MTAwMDAwMDAwMDAwMDAwMDAw.XXXXXX.XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        'DISCORD_TOKEN=Nabcdefghijklmnopqrstuvw.UAwpNt.xMCAHXjf7hcI35A6foFQcefrEZ54_4LpJRMUux',
        'discord: https://discord.gg/acme',
      ],
    },
  },
  {
    id: 'discord-webhook-url',
    title: 'Discord webhook URL',
    secretType: 'Discord webhook URL',
    description: 'A Discord webhook URL with its token. Anyone with it can post into the channel as the webhook.',
    remediation: revoke('webhook', 'Discord server settings > Integrations > Webhooks > Delete'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['discord'],
    pattern: /(?<secret>https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(secret.lastIndexOf('/') + 1), 2),
    examples: {
      positive: [
        'DISCORD_WEBHOOK=https://discord.com/api/webhooks/707528204628447094/IPbuq_28wScMt6GDIgl7LMFU5QRW_QFClRojCQGcXpjJZajKz4ufxOwsvjVoPQDEehCr',
        'webhook_url: "https://discordapp.com/api/webhooks/311357286531293103/xX4L7oFYkj6M_yr_YI34OA6fMUbBCQhJ8mvA2Cb7HUv76ZbzPbQtFDk_r525Uldnh_4h"',
      ],
      negative: [
        'DISCORD_WEBHOOK=https://discord.com/api/webhooks/000000000000000000/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'Post to https://discord.com/api/webhooks/{id}/{token}.',
        'DISCORD_WEBHOOK=https://discord.com/api/webhooks/707528204628447094',
      ],
    },
  },
  {
    id: 'telegram-bot-token',
    title: 'Telegram bot token',
    secretType: 'Telegram bot token',
    description: 'A Telegram Bot API token (bot id, a colon, AA and 33 characters). It controls the bot: reads the messages sent to it and sends as it.',
    remediation: revoke('token', 'ask @BotFather: /revoke'),
    severity: 'high',
    confidence: 'high',
    keywords: ['0:AA', '1:AA', '2:AA', '3:AA', '4:AA', '5:AA', '6:AA', '7:AA', '8:AA', '9:AA'],
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_:])(?<secret>\d{8,10}:AA[0-9A-Za-z_-]{33})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(secret.indexOf(':') + 3), 2),
    examples: {
      positive: ['TELEGRAM_BOT_TOKEN=6068659793:AA6QdUihg-uczjptozKdXjoci-XH91kb_nD', 'bot = telebot.TeleBot("7477958999:AA_Hg8rxixb9-gAIk_WBg6NX231fKFRwxzQ")'],
      negative: ['TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'time 12:34:AA', 'TELEGRAM_BOT_TOKEN=6068659793:AA6QdUihg'],
    },
  },
  {
    id: 'microsoft-teams-webhook-url',
    title: 'Microsoft Teams incoming webhook URL',
    secretType: 'Microsoft Teams webhook URL',
    description: 'A Microsoft Teams incoming webhook URL (an Office 365 connector). Anyone with it can post messages and cards into the channel, a ready way to phish its members.',
    remediation: revoke('webhook', 'Teams > the channel > Manage channel > Connectors > Incoming Webhook > Remove'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['incomingwebhook'],
    // <group id>@<tenant id>/IncomingWebhook/<32 hex>/<owner id>, and on newer URLs a /V2 signature.
    pattern:
      /(?<secret>https:\/\/(?:[a-z0-9-]+\.webhook\.office\.com\/webhookb2|outlook\.office(?:365)?\.com\/webhook)\/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}@[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\/IncomingWebhook\/[0-9a-f]{32}\/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}(?:\/V2[A-Za-z0-9_-]{20,100})?)(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(secret.indexOf('IncomingWebhook/') + 16).slice(0, 32), 2),
    examples: {
      positive: [
        'TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/244b8417-480a-4ea5-a8d4-555d8e0fc677@39102dc6-fa54-486b-bda1-56710c45d29e/IncomingWebhook/29d111356897890d1cbf2b6d14965591/be58cab6-f6f4-462e-8635-77bde4cc913c/V2bA4jcfNTyjTyXFrcBV2DsYmG3xwss-iLLONyQO55MO1o2',
        'webhook: "https://outlook.office.com/webhook/b4832de0-2d47-4b89-b52a-789432521bb4@46d894cb-a255-49de-b550-79b9829fc9fc/IncomingWebhook/3d5aaa88bfea138635c94a3b42643932/f2c7311b-e514-4040-b3d2-6fe6ff3f01c9"',
      ],
      negative: [
        'TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/00000000-0000-0000-0000-000000000000@00000000-0000-0000-0000-000000000000/IncomingWebhook/00000000000000000000000000000000/00000000-0000-0000-0000-000000000000',
        'TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>',
        'Add an IncomingWebhook connector to the channel.',
      ],
    },
  },
];
