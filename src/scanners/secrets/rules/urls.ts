import type { Detector, MatchInfo } from '../detector.js';
import { isPlaceholder } from '../checks/placeholders.js';
import { CHANGE_PASSWORD } from './common.js';

/** `scheme://user:password@host`; the user part may be empty (redis://:password@host). */
function credentialUrl(schemes: string): RegExp {
  return new RegExp(
    `(?<![A-Za-z0-9+.-])(?:${schemes})://(?<user>[^:/?#@\\s"'\`<>]{0,128}):(?<secret>[^@/?#\\s"'\`<>]{1,256})@(?<host>[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\])`,
    'gi',
  );
}

/**
 * A video meeting's invitation link (`https://zoom.us/j/94144933087?pwd=...`, `.../meeting/98932778409?password=...`):
 * the passcode in it is handed to every invitee with the link, and community calendars and
 * READMEs publish it on purpose. The path ends with a meeting number after /j/, /w/, /s/,
 * /meeting/ or /join/.
 */
function isMeetingLink(match: MatchInfo): boolean {
  const { lines, at, column } = match.around(0, 0);
  const url = (lines[at] ?? '').slice(0, column).replace(/\?[^\s"'`<>]*$/, '');
  return /https?:\/\/[^\s"'`<>]*\/(?:j|w|s|meetings?|join)\/\d{9,12}\/?$/i.test(url);
}

/** Two or more words in camel case, no digit: AuthToken, apiSecret. */
const CAMEL_CASE_NAME = /^[A-Za-z][a-z]+(?:[A-Z][a-z]+)+$/;

/**
 * A URL password worth reporting: not empty, not the user name again (guest:guest), not a
 * lone port-like number, no string escapes (source text of a URL parser's tests), and not
 * under a placeholder user (your-name:...@).
 */
function realPassword(secret: string, match: MatchInfo): boolean {
  const user = match.groups['user'] ?? '';
  return (
    secret.length >= 4 &&
    secret !== user &&
    !/^\d{1,5}$/.test(secret) &&
    // The names of what goes there: DB_USER:DB_PASSWORD, my_user:my_password, test_access_key_id:test_secret_access_key,
    // AccountSid:AuthToken (words in camel case only beside a user named the same way).
    !/^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+(?:[_-][a-z]+)+)$/.test(secret) &&
    !(CAMEL_CASE_NAME.test(secret) && CAMEL_CASE_NAME.test(user)) &&
    !/\\[xu][0-9A-Fa-f]{2}/.test(secret + user) &&
    // Usage text with optional parts in brackets: postgres://postgres[:percent_encoded_password]@host[:port].
    !(/\[[^\]]*$/.test(user) && secret.endsWith(']')) &&
    // A placeholder written percent-encoded, as a URL needs it (%21%40%23$%25%5E&%2A%28%29 is !@#$%^&*()).
    !(secret.includes('%') && isPlaceholder(decodeURIComponentSafe(secret))) &&
    !/your[-_ ]?|<|>|\$\{|\{\{|example|xxx|changeme|placeholder/i.test(decodeURIComponentSafe(user))
  );
}

/**
 * A value that ends the way code does, not a connection string: a call's closing
 * parenthesis, an argument list's comma, an index or a block (password=password),
 * password=None):, password=DEFAULTS['password'], password=my_pass_var,).
 */
function endsLikeCode(value: string): boolean {
  return /[()[\]{},:]$/.test(value);
}

/** The password is the user name again (username=alice&password=alice), as guest:guest is in a URL. */
function isUserName(secret: string, window: string): boolean {
  const user = /(?:^|[;?&\s"'])(?:user|username|user id|uid)\s*=\s*([^;&\s"'`]+)/i.exec(window)?.[1];
  return user !== undefined && user.toLowerCase() === secret.toLowerCase();
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function databaseUrl(
  id: string,
  name: string,
  schemes: string,
  keywords: string[],
  example: { positive: string[]; negative: string[] },
): Detector {
  return {
    id,
    title: `${name} connection URL with a password`,
    secretType: `${name} password`,
    description: `A ${name} connection URL with a user and password. The password opens the database to anyone who can reach it, and database passwords are rarely rotated.`,
    remediation: CHANGE_PASSWORD + ' Build the URL at run time from a DATABASE_URL-style variable.',
    severity: 'high',
    confidence: 'high',
    keywords,
    anchor: 'keyword',
    pattern: credentialUrl(schemes),
    check: realPassword,
    priority: 9,
    examples: example,
  };
}

export const urlDetectors: Detector[] = [
  databaseUrl('postgres-url', 'PostgreSQL', 'postgres(?:ql)?(?:\\+[a-z0-9]+)?', ['postgres://', 'postgresql://', 'postgres+', 'postgresql+'], {
    positive: [
      'DATABASE_URL=postgres://billing:Tr7vQ2mX9pLk@db.internal.acme.org:5432/billing',
      'SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://app:h4GZq8Wm2sNc@10.0.3.12/app"',
    ],
    negative: [
      'DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev',
      'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
      'DATABASE_URL=postgresql://user:password@localhost/mydb',
      'pg_dump --dbname "postgresql://reader[:url_encoded_secret]@db.example.org[:port]/app"',
      'assert.Equal(t, "postgresql://postgres:%21%40%23$%25%5E&%2A%28%29@db.example.org:5432/", url)',
    ],
  }),
  databaseUrl('mysql-url', 'MySQL', 'mysql2?(?:\\+[a-z0-9]+)?|mariadb', ['mysql://', 'mysql2://', 'mysql+', 'mariadb://'], {
    positive: ["DB_URL='mysql://shop:Xk29vLq7pR4z@mysql.prod.acme.org:3306/shop'", "engine = create_engine('mysql+pymysql://etl:Zq81mTn6wPa3@warehouse/etl')"],
    negative: ['DB_URL=mysql://root:root@127.0.0.1/test', 'DB_URL=mysql://<user>:<password>@<host>/<db>', 'DB_URL=mysql://shop@mysql.prod.acme.org/shop'],
  }),
  databaseUrl('mongodb-url', 'MongoDB', 'mongodb(?:\\+srv)?', ['mongodb://', 'mongodb+srv://'], {
    positive: [
      'MONGO_URI=mongodb+srv://orders:Vb7nQ3kLp9Xs@cluster0.ab1cd.mongodb.net/orders?retryWrites=true',
      "mongoose.connect('mongodb://reporting:Hq5wT8zR2mLn@mongo-0.acme.internal:27017/reports');",
    ],
    negative: ['MONGO_URI=mongodb://localhost:27017/dev', 'MONGO_URI=mongodb+srv://<username>:<password>@cluster0.mongodb.net', 'MONGO_URI=mongodb://admin:admin@localhost'],
  }),
  databaseUrl('redis-url', 'Redis', 'rediss?', ['redis://', 'rediss://'], {
    positive: ['REDIS_URL=redis://:p9Lk2Qz7Vw4X@cache.acme.internal:6379/0', "const redis = new Redis('rediss://default:Mn3vB8xQ1zKt@redis-12345.cloud.example.org:12345');"],
    negative: ['REDIS_URL=redis://localhost:6379', 'REDIS_URL=redis://:${REDIS_PASSWORD}@cache:6379', 'REDIS_URL=redis://user:changeme@cache:6379'],
  }),
  databaseUrl('amqp-url', 'RabbitMQ (AMQP)', 'amqps?', ['amqp://', 'amqps://'], {
    positive: ['AMQP_URL=amqps://events:Rt6pW2nXq9Lz@rabbit.acme.internal:5671/prod', "connection = pika.BlockingConnection(pika.URLParameters('amqp://worker:Gh4kZ8vN1qPs@mq:5672/%2F'))"],
    negative: ['AMQP_URL=amqp://guest:guest@localhost:5672/', 'AMQP_URL=amqp://rabbitmq:5672', 'AMQP_URL=amqp://app:****@mq:5672'],
  }),
  {
    id: 'basic-auth-url',
    title: 'Password in a URL',
    secretType: 'URL password',
    description:
      'A URL with a user and password (https://user:password@host), for a Git remote, a registry, a proxy or an API. The ' +
      'credential is sent to that host by every client that reads the URL, and ends up in logs.',
    remediation: CHANGE_PASSWORD + ' Pass credentials out of band (credential helpers, auth headers from the environment).',
    severity: 'high',
    confidence: 'medium',
    keywords: ['://'],
    anchor: 'name',
    // `docker://alpine:3.20@sha256:...` is an image name, tag and digest, not user:password@host.
    pattern: /(?<![A-Za-z0-9+.-])(?<scheme>[A-Za-z][A-Za-z0-9+.-]{1,30}):\/\/(?<user>[^:/?#@\s"'`<>]{1,128}):(?<secret>[^@/?#\s"'`<>]{1,256})@(?!sha(?:256|384|512):)(?<host>[A-Za-z0-9._-]+)/g,
    check: realPassword,
    priority: 5,
    examples: {
      positive: [
        { path: '.git-credentials', text: 'https://deploy-bot:Wz8qLm3vTn6Kp2Xr@git.acme.example.org\n' },
        'HTTPS_PROXY=http://svc-proxy:Jq7mV2xLp9Rk@proxy.acme.internal:3128',
        // Words in camel case are a (weak) password beside a real user name.
        'BROKER_URL=https://svc-deploy:BlueHorizon@mq.acme.internal/queue',
      ],
      negative: [
        'git clone https://github.com/acme/api.git',
        'PROXY=http://user:pass@proxy:3128',
        'see https://username:password@host/path in the docs',
        // The Internet's joke password, as tests write it.
        '\t\tAlertmanagerURL: "http://marco:hunter2@alertmanager-0.default.svc.cluster.local/alertmanager",',
        // The names of what goes there, in a how-to or a test.
        'connection-string: mongodb://DB_USER:DB_PASSWORD@mongodb:27017',
        "uri='s3://test_access_key_id:test_secret_access_key@bucket/state'",
        '<p>Example: twilio://AccountSid:AuthToken@FromPhoneNo</p>',
        '#   value: "k8s_uri: https://myacct:mypass@localhost:4430"',
        // A format string's fields, filled in at run time (a Python f-string's host and port).
        '            mode = f"reverse:udp://{server_addr[0]}:{server_addr[1]}@127.0.0.1:0"',
        'uses: docker://registry.example.org/tools:1.4.2@sha256:8c3d9d5a6f2e4b1c0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a',
      ],
    },
  },
  {
    id: 'connection-string-password',
    title: 'Password in a connection string',
    secretType: 'connection string password',
    description:
      'A password in an ADO.NET/ODBC connection string (Server=...;Password=...) or in a URL query (?password=..., as in ' +
      'JDBC URLs). It opens the database or service to anyone with the string.',
    remediation: CHANGE_PASSWORD + ' Use integrated authentication or managed identities where the platform offers them.',
    severity: 'high',
    confidence: 'medium',
    keywords: ['password=', 'pwd=', 'passwd='],
    // A backtick ends the value: it closes inline code in prose (`username=admin&password=123`).
    pattern:
      /(?:(?:^|[;"'\s])(?:Password|Pwd)\s*=\s*(?<secret>[^;"'`\s]{4,128})(?=;|$|["'`\s])|[?&](?:password|passwd|pwd)=(?<secret2>[^&#\s"'`<>]{4,128}))/gim,
    context: (match) => {
      const secret = match.groups['secret'] ?? match.groups['secret2'] ?? '';
      if (endsLikeCode(secret) || isUserName(secret, match.window)) return false;
      if (match.groups['secret2'] !== undefined && isMeetingLink(match)) return false;
      // Another key of a connection string, its value ended by ; or a space (libpq's host=db user=app), not by a comma as
      // a keyword argument's is (login(username=self.username, password=self.password) continued on the next line).
      return (
        match.groups['secret2'] !== undefined ||
        /(?:server|data source|host|database|initial catalog|user id|uid|username)\s*=[^;,\s]*(?:[;\s]|$)/i.test(match.window)
      );
    },
    priority: 7,
    examples: {
      positive: [
        '"DefaultConnection": "Server=sql01.acme.internal;Database=Orders;User Id=orders_app;Password=Lp4vX9qZ2mTk;"',
        'spring.datasource.url=jdbc:mysql://db.acme.internal:3306/shop?user=shop&password=Qn8zR3wLx6Vp',
        'conn = psycopg2.connect("host=db.acme.internal user=billing password=Hq5wT8zR2mLn dbname=billing")',
        // A service's address with a number in its path is no meeting.
        'curl "https://api.acme.internal/v2/accounts/418275530?user=billing&password=Hq5wT8zR2mLn"',
      ],
      negative: [
        '"DefaultConnection": "Server=(localdb)\\\\mssqllocaldb;Database=Dev;Trusted_Connection=True;"',
        'Server=sql01;Database=Orders;User Id=app;Password=${DB_PASSWORD};',
        'https://api.example.org/reset?password=&token=',
        // Keyword arguments and format strings in code, and a form body in prose.
        "user = authenticate(request=request, username=username, password=password)",
        "def __init__(self, host=None, username=None, password=None):",
        "client.login(username=self.username, password=self.password, verify=False)",
        "uri = URI(scheme='https', username=DEFAULTS['username'], password=DEFAULTS['password'])",
        'dsn = f"dbname={name} user={user} password={pw} host={host}"',
        'var connectionString = $"server=db;user=root;database=shop;password={password}";',
        'Form data from POST requests like `username=admin&password=123`, but not cookies.',
        'By default the script logs in as a user with username=admin and password=password.',
        "resp = client.post('/oauth/token', data='grant_type=password&username=alice&password=alice&scope=read')",
        'reply = radius.authenticate(None, username=username, password=code',
        // Video meeting invitations: the passcode goes to every invitee with the link.
        'Join the community meeting: https://zoom.us/j/93481127745?pwd=R3ZkN2x5cWpQb0VtT1FhT0Y4dz09',
        '  meeting_link="https://meetings.example.org/meeting/98932778409?from=calendar&password=3314408c-ca2c-414a-bea6-40e1658d9692"',
      ],
    },
  },
];
