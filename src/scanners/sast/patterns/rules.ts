import type { Confidence, Severity } from '../../../core/finding.js';
import type { AstNode } from '../source/parse.js';
import { catastrophicBacktracking } from './redos.js';

/**
 * Rules without data flow, as data: what they look at, the check, and their own
 * examples (each positive example must fire exactly once, each negative never).
 */
export interface PatternRule {
  id: string;
  title: string;
  description: string;
  remediation: string;
  severity: Severity;
  confidence: Confidence;
  cwe: string[];
  nodeTypes: readonly string[];
  check(node: AstNode, context: PatternContext): PatternMatch | null;
  examples: { positive: readonly string[]; negative: readonly string[] };
}

export interface PatternContext {
  /** Ancestors of the node, innermost last. */
  ancestors: readonly AstNode[];
  text: string;
}

export interface PatternMatch {
  node: AstNode;
  message: string;
  /** A literal secret on the line: registered for redaction, never printed. */
  secret?: string;
}

// ------------------------------------------------------------------ helpers

function unwrap(node: AstNode | null | undefined): AstNode | null {
  let n = node ?? null;
  while (n && (n.type === 'ParenthesizedExpression' || n.type === 'TSAsExpression' || n.type === 'TSNonNullExpression' || n.type === 'ChainExpression' || n.type === 'TSSatisfiesExpression')) n = n.expression;
  return n;
}

function stringLiteral(node: AstNode | null | undefined): string | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0].value.cooked ?? undefined;
  return undefined;
}

function isFalse(node: AstNode | null | undefined): boolean {
  const n = unwrap(node);
  return !!n && n.type === 'Literal' && (n.value === false || n.value === 0 || n.value === 'false' || n.value === '0');
}

function isTrue(node: AstNode | null | undefined): boolean {
  const n = unwrap(node);
  return !!n && n.type === 'Literal' && n.value === true;
}

function propName(p: AstNode): string | null {
  if (p.type !== 'Property' || p.computed) return null;
  if (p.key.type === 'Identifier') return p.key.name;
  if (p.key.type === 'Literal') return String(p.key.value);
  return null;
}

function prop(obj: AstNode | null | undefined, name: string): AstNode | undefined {
  const n = unwrap(obj);
  if (!n || n.type !== 'ObjectExpression') return undefined;
  return n.properties.find((p: AstNode) => propName(p) === name);
}

function calleeParts(call: AstNode): { object: string; method: string } {
  const callee = unwrap(call.callee);
  if (!callee) return { object: '', method: '' };
  if (callee.type === 'Identifier') return { object: '', method: callee.name };
  if (callee.type === 'MemberExpression' && !callee.computed) {
    const obj = unwrap(callee.object);
    const object = obj?.type === 'Identifier' ? obj.name : obj?.type === 'MemberExpression' && !obj.computed ? obj.property.name : obj?.type === 'CallExpression' ? calleeParts(obj).method : '';
    return { object, method: callee.property.name };
  }
  return { object: '', method: '' };
}

function text(ctx: PatternContext, node: AstNode | null | undefined): string {
  return node ? ctx.text.slice(node.start, node.end) : '';
}

/** Name the value is given: variable, property, assignment target, or the enclosing function. */
function destinationName(ctx: PatternContext, node: AstNode): string {
  const chain = ctx.ancestors;
  let child = node;
  for (let i = chain.length - 1; i >= 0 && i >= chain.length - 8; i--) {
    const a = chain[i]!;
    if (a.type === 'VariableDeclarator' && a.init === child) return text(ctx, a.id);
    if (a.type === 'AssignmentExpression' && a.right === child) return text(ctx, a.left);
    if (a.type === 'Property' && a.value === child) return propName(a) ?? '';
    if (a.type === 'PropertyDefinition' && a.value === child) return text(ctx, a.key);
    if (a.type === 'ReturnStatement' || a.type === 'ArrowFunctionExpression') {
      for (let j = i; j >= 0; j--) {
        const f = chain[j]!;
        if (f.type === 'FunctionDeclaration' || f.type === 'FunctionExpression' || f.type === 'ArrowFunctionExpression') {
          if (f.id) return f.id.name;
          const parent = chain[j - 1];
          if (parent?.type === 'VariableDeclarator') return text(ctx, parent.id);
          if (parent?.type === 'Property' || parent?.type === 'MethodDefinition') return text(ctx, parent.key);
          if (parent?.type === 'AssignmentExpression') return text(ctx, parent.left);
          return '';
        }
      }
    }
    child = a;
  }
  return '';
}

const PASSWORD_WORDS = /pass(word|wd|phrase)?|pwd|credential/i;
const SECRET_NAMES = /(token|secret|nonce|salt|session|passw|otp|csrf|api_?key|apikey|auth|reset|invite|verif|uuid|guid|code_?verifier)/i;
const JWT_OBJECTS = /^(jwt|jsonwebtoken|JWT|jsonWebToken|jws)$/;

function jwtCall(call: AstNode, method: 'sign' | 'verify'): boolean {
  const { object, method: m } = calleeParts(call);
  return m === method && JWT_OBJECTS.test(object);
}

// ------------------------------------------------------------------ rules

export const PATTERN_RULES: readonly PatternRule[] = [
  {
    id: 'sast/redos',
    title: 'Regular expression with catastrophic backtracking',
    description:
      'The regular expression nests unbounded repetitions, or repeats alternatives that match the same text ((a+)+, (a|aa)*), and something after the repetition can still fail (an anchor, a required character: a repetition that ends the pattern keeps its first match and is linear). A crafted input of a few dozen characters makes the match take exponential time and blocks the event loop (ReDoS).',
    remediation: 'Rewrite the expression so that each character can be matched one way only (no quantified groups of quantified atoms), bound the input length, or use a linear-time engine (re2).',
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-1333'],
    nodeTypes: ['Literal', 'NewExpression', 'CallExpression'],
    check(node) {
      let pattern: string | undefined;
      if (node.type === 'Literal' && node.regex) pattern = node.regex.pattern;
      else if (node.type !== 'Literal') {
        const callee = unwrap(node.callee);
        if (callee?.type === 'Identifier' && callee.name === 'RegExp') pattern = stringLiteral(node.arguments[0]);
      }
      if (pattern === undefined || !catastrophicBacktracking(pattern)) return null;
      return { node, message: `The regular expression /${pattern.length > 60 ? `${pattern.slice(0, 57)}...` : pattern}/ can backtrack exponentially on crafted input.` };
    },
    examples: {
      positive: ['const re = /^(a+)+$/;', 'const email = /^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$/;', "const re = new RegExp('(\\\\w+\\\\s?)*$');", 'const re = /^(a|aa)+$/;'],
      negative: ['const re = /^[a-z0-9_-]+$/;', 'const re = /^([a-z]+\\.)+[a-z]{2,}$/;', 'const re = /(ab)+c/;', "const re = new RegExp('^\\\\d{4}-\\\\d{2}$');", '// nothing after the repetition can fail, so its first match is kept\nconst indented = /\\n(?: {6,}.*\\n)+/;'],
    },
  },
  {
    id: 'sast/weak-password-hash',
    title: 'Password hashed with MD5 or SHA-1',
    description: 'A password is hashed with a fast, broken digest (MD5, SHA-1). Leaked hashes are cracked at billions of guesses per second.',
    remediation: 'Hash passwords with a slow, salted algorithm: argon2id, scrypt (crypto.scrypt) or bcrypt.',
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-328', 'CWE-916'],
    nodeTypes: ['CallExpression'],
    check(node, ctx) {
      const { method } = calleeParts(node);
      const arg = node.arguments[0];
      // crypto.createHash('md5').update(password)
      if (method === 'update') {
        const callee = unwrap(node.callee);
        const inner = unwrap(callee?.object);
        if (inner?.type !== 'CallExpression' || calleeParts(inner).method !== 'createHash') return null;
        const algorithm = stringLiteral(inner.arguments[0])?.toLowerCase();
        if (algorithm !== 'md5' && algorithm !== 'sha1' && algorithm !== 'sha-1') return null;
        if (!PASSWORD_WORDS.test(text(ctx, arg))) return null;
        return { node, message: `A password is hashed with ${algorithm.toUpperCase()}.` };
      }
      // md5(password), sha1(password)
      if ((method === 'md5' || method === 'sha1') && arg && PASSWORD_WORDS.test(text(ctx, arg))) {
        return { node, message: `A password is hashed with ${method.toUpperCase()}.` };
      }
      return null;
    },
    examples: {
      positive: ["const h = crypto.createHash('md5').update(password).digest('hex');", "const h = require('crypto').createHash('sha1').update(user.password).digest('hex');", 'const stored = md5(req.body.password);'],
      negative: ["const etag = crypto.createHash('md5').update(body).digest('hex');", "const h = crypto.createHash('sha256').update(password).digest('hex');", 'const id = md5(fileContents);'],
    },
  },
  {
    id: 'sast/insecure-random',
    title: 'Math.random() used for a secret value',
    description: 'Math.random() is not a cryptographic generator: its output is predictable from a few samples, so tokens, session ids, salts or reset codes made from it can be guessed.',
    remediation: 'Use crypto.randomBytes, crypto.randomUUID or crypto.getRandomValues.',
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-338'],
    nodeTypes: ['CallExpression'],
    check(node, ctx) {
      const callee = unwrap(node.callee);
      if (callee?.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'random') return null;
      const obj = unwrap(callee.object);
      if (obj?.type !== 'Identifier' || obj.name !== 'Math') return null;
      // The name of what the random number becomes: walk up through arithmetic and string building.
      let top: AstNode = node;
      for (let i = ctx.ancestors.length - 1; i >= 0; i--) {
        const a = ctx.ancestors[i]!;
        if (['BinaryExpression', 'CallExpression', 'MemberExpression', 'TemplateLiteral', 'ParenthesizedExpression', 'ConditionalExpression', 'LogicalExpression', 'ArrayExpression', 'ChainExpression', 'UnaryExpression'].includes(a.type)) top = a;
        else break;
      }
      const name = destinationName({ ...ctx, ancestors: ctx.ancestors.slice(0, ctx.ancestors.indexOf(top) >= 0 ? ctx.ancestors.indexOf(top) : ctx.ancestors.length) }, top);
      if (!name || !SECRET_NAMES.test(name) || /(length|size|count|delay|timeout|index|color|colour|jitter|retry|backoff)/i.test(name)) return null;
      // A bare float as a "nonce" marks a change for a UI to re-render (excalidraw's cursor hint), where a protocol's nonce is a string or bytes.
      if (top === node && /^_?nonce$/i.test(name.split('.').at(-1) ?? name)) return null;
      return { node, message: `Math.random() produces '${name.length > 40 ? `${name.slice(0, 37)}...` : name}', which looks like a secret value.` };
    },
    examples: {
      positive: [
        'const token = Math.random().toString(36).slice(2);',
        'user.resetToken = Math.floor(Math.random() * 1e6);',
        'function generateSessionId() { return Math.random().toString(16).substring(2); }',
        'const authorizeUrl = buildUrl({ state, nonce: Math.random().toString(36).slice(2) });',
      ],
      negative: [
        'const jitter = Math.random() * 100;',
        'const color = colors[Math.floor(Math.random() * colors.length)];',
        'const tokenLength = Math.floor(Math.random() * 10);',
        // A bare float that tells a view to re-render.
        'setHint({ content, nonce: Math.random() });',
      ],
    },
  },
  {
    id: 'sast/jwt-hardcoded-secret',
    title: 'JSON Web Tokens signed with a secret written in the code',
    description: 'jwt.sign or jwt.verify uses a secret written in the source. Anyone with the code (or a leaked copy) can forge tokens for any user.',
    remediation: 'Load the signing key from the environment or a secret manager, and rotate the key that was committed.',
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-798'],
    nodeTypes: ['CallExpression'],
    check(node) {
      if (!jwtCall(node, 'sign') && !jwtCall(node, 'verify')) return null;
      const secret = stringLiteral(node.arguments[1]);
      if (secret === undefined || secret.length === 0) return null;
      return { node, message: `${calleeParts(node).method === 'sign' ? 'jwt.sign' : 'jwt.verify'} uses a secret written in the code.`, secret };
    },
    examples: {
      positive: ["const t = jwt.sign({ id: user.id }, 'keyboard cat');", "jwt.verify(token, 'shhhhh', (err, decoded) => {});"],
      negative: ['const t = jwt.sign({ id: user.id }, process.env.JWT_SECRET);', 'jwt.verify(token, publicKey, { algorithms: ["RS256"] });'],
    },
  },
  {
    id: 'sast/jwt-unpinned-algorithms',
    title: 'jwt.verify without a pinned algorithm list',
    description: 'jwt.verify is called without the `algorithms` option, so the token chooses how it is checked. With older jsonwebtoken versions and some key types this allows algorithm confusion (an HMAC token checked with a public key).',
    remediation: 'Pass `{ algorithms: [\'RS256\'] }` (or the one algorithm you issue) to jwt.verify.',
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-347'],
    nodeTypes: ['CallExpression'],
    check(node) {
      if (!jwtCall(node, 'verify')) return null;
      const options = unwrap(node.arguments[2]);
      if (options && options.type !== 'ObjectExpression' && options.type !== 'FunctionExpression' && options.type !== 'ArrowFunctionExpression') return null;
      if (options?.type === 'ObjectExpression' && (prop(options, 'algorithms') || options.properties.some((p: AstNode) => p.type === 'SpreadElement'))) return null;
      if (node.arguments.some((a: AstNode) => a.type === 'SpreadElement')) return null;
      return { node, message: 'jwt.verify is called without `algorithms`: pin the algorithms tokens may use.' };
    },
    examples: {
      positive: ['const claims = jwt.verify(token, key);', 'jwt.verify(token, key, (err, claims) => done(err, claims));', 'jwt.verify(token, key, { audience: "api" });'],
      negative: ["jwt.verify(token, key, { algorithms: ['RS256'] });", 'jwt.verify(token, key, verifyOptions);'],
    },
  },
  {
    id: 'sast/tls-verification-disabled',
    title: 'TLS certificate verification disabled',
    description: 'Certificate verification is turned off (rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0, strictSSL: false), so anyone on the network path can impersonate the server and read or change the traffic.',
    remediation: 'Keep verification on; to trust a private CA, pass it with the `ca` option or NODE_EXTRA_CA_CERTS.',
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-295'],
    nodeTypes: ['Property', 'AssignmentExpression'],
    check(node, ctx) {
      if (node.type === 'Property') {
        const name = propName(node);
        if ((name === 'rejectUnauthorized' || name === 'strictSSL') && isFalse(node.value)) return { node, message: `${name}: false turns off TLS certificate verification.` };
        if (name === 'NODE_TLS_REJECT_UNAUTHORIZED' && isFalse(node.value)) return { node, message: 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate verification for the whole process.' };
        return null;
      }
      const left = text(ctx, node.left).replace(/\s+/g, '');
      if (/(^|\.)(NODE_TLS_REJECT_UNAUTHORIZED|\['NODE_TLS_REJECT_UNAUTHORIZED'\]|\["NODE_TLS_REJECT_UNAUTHORIZED"\])$/.test(left) && isFalse(node.right)) {
        return { node, message: 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate verification for the whole process.' };
      }
      if (/\.rejectUnauthorized$/.test(left) && isFalse(node.right)) return { node, message: 'rejectUnauthorized = false turns off TLS certificate verification.' };
      return null;
    },
    examples: {
      positive: ['const agent = new https.Agent({ rejectUnauthorized: false });', "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';", 'request({ url, strictSSL: false });'],
      negative: ['const agent = new https.Agent({ rejectUnauthorized: true, ca });', "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';"],
    },
  },
  {
    id: 'sast/insecure-cookie',
    title: 'Cookie set without Secure or HttpOnly',
    description: 'A cookie (or session cookie) is configured with secure: false or httpOnly: false: it travels over plain HTTP, or page scripts (and so XSS) can read it.',
    remediation: 'Set secure: true and httpOnly: true (and sameSite) for session and authentication cookies.',
    severity: 'low',
    confidence: 'medium',
    cwe: ['CWE-614', 'CWE-1004'],
    nodeTypes: ['Property'],
    check(node, ctx) {
      const name = propName(node);
      if ((name !== 'secure' && name !== 'httpOnly') || !isFalse(node.value)) return null;
      const obj = ctx.ancestors[ctx.ancestors.length - 1];
      const holder = ctx.ancestors[ctx.ancestors.length - 2];
      if (!obj || !holder) return null;
      const inCookieProp = holder.type === 'Property' && /^cookie$/i.test(propName(holder) ?? '');
      const cookieCall = holder.type === 'CallExpression' && /^(cookie|session|cookieSession|expressSession|setCookie)$/.test(calleeParts(holder).method);
      if (!inCookieProp && !cookieCall) return null;
      return { node, message: `Cookie option ${name}: false ${name === 'secure' ? 'sends the cookie over plain HTTP' : 'lets page scripts read the cookie'}.` };
    },
    examples: {
      positive: ["res.cookie('sid', id, { httpOnly: false });", "app.use(session({ secret: s, cookie: { secure: false } }));"],
      negative: ["res.cookie('sid', id, { httpOnly: true, secure: true });", 'const tls = { secure: false };'],
    },
  },
  {
    id: 'sast/cors-credentials-any-origin',
    title: 'CORS allows credentials from any origin',
    description: 'CORS is configured with credentials: true and an origin that accepts every site (origin: true reflects the caller, "*"), so any web page can make authenticated requests with the user\'s cookies and read the answers.',
    remediation: 'List the trusted origins explicitly (origin: [\'https://app.example.org\']) when credentials are allowed.',
    severity: 'high',
    confidence: 'medium',
    cwe: ['CWE-942'],
    nodeTypes: ['ObjectExpression'],
    check(node) {
      const credentials = prop(node, 'credentials');
      const origin = prop(node, 'origin');
      if (!credentials || !origin || !isTrue(credentials.value)) return null;
      const value = unwrap(origin.value);
      if (!isTrue(value) && stringLiteral(value) !== '*') return null;
      return { node: origin, message: 'CORS accepts credentialed requests from every origin.' };
    },
    examples: {
      positive: ['app.use(cors({ origin: true, credentials: true }));', "const options = { origin: '*', credentials: true };"],
      negative: ["app.use(cors({ origin: ['https://app.example.org'], credentials: true }));", "app.use(cors({ origin: '*' }));"],
    },
  },
];
