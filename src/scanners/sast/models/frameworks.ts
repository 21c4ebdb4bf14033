import type { Analyzer } from '../analysis/analyzer.js';
import type { AstNode } from '../source/parse.js';
import { EMPTY, apiValue, make, objValue, type Value } from '../analysis/value.js';
import { own } from './table.js';

/**
 * Web frameworks: what a handler's parameters are, which members of request objects
 * are attacker-controlled, and which calls register handlers.
 */
export type HandlerKind =
  | 'express' | 'express-validated' | 'express-param' | 'http' | 'koa' | 'fastify' | 'hapi' | 'ws-connection' | 'ws-message'
  | 'socketio-connection' | 'socketio-event' | 'next-route' | 'next-api' | 'server-action' | 'request-body' | 'graphql-resolver' | 'graphql-root' | 'xmlrpc-method';

/** A request member that carries input. `raw`: may be an object (JSON/qs), not only a string. */
interface SourceMember {
  raw: boolean;
  /** Api type of the value besides its taint (ctx.request is a Koa request object). */
  apis?: string[];
  /** Not itself input, only an object whose members are (ctx.request). */
  container?: boolean;
}

const s = (raw = false): SourceMember => ({ raw });
const container = (api: string): SourceMember => ({ raw: false, apis: [api], container: true });
/** The request headers object: input, typed so that reading its Referer can be told apart (see `readHeader`). */
export const HEADERS_API = 'web.headers';
const headers: SourceMember = { raw: false, apis: [HEADERS_API] };

/** Members of request objects, by api type. `*` is what iterating the object gives (body chunks). */
export const SOURCE_MEMBERS: Readonly<Record<string, Readonly<Record<string, SourceMember>>>> = {
  'express.req': {
    query: s(true), body: s(true), params: s(), cookies: s(true), signedCookies: s(true), files: s(true), file: s(true), headers,
    url: s(), originalUrl: s(), path: s(), baseUrl: s(), hostname: s(), host: s(), subdomains: s(), rawBody: s(), '*': s(),
  },
  // The request of a route whose schema validation middleware ran first: body, query and params have the schema's shape.
  'express.vreq': {
    query: s(), body: s(), params: s(), cookies: s(true), signedCookies: s(true), files: s(true), file: s(true), headers,
    url: s(), originalUrl: s(), path: s(), baseUrl: s(), hostname: s(), host: s(), subdomains: s(), rawBody: s(), '*': s(),
  },
  'http.req': { url: s(), headers, rawHeaders: s(), trailers: s(), '*': s() },
  'koa.ctx': {
    query: s(true), params: s(), querystring: s(), url: s(), originalUrl: s(), href: s(), path: s(), headers, header: headers, host: s(),
    hostname: s(), origin: s(), search: s(), request: container('koa.request'), req: container('http.req'), res: container('http.res'),
    response: container('koa.response'), cookies: container('koa.cookies'),
  },
  'koa.request': {
    query: s(true), body: s(true), params: s(), files: s(true), headers, header: headers, url: s(), href: s(), querystring: s(), path: s(),
    host: s(), hostname: s(), origin: s(), search: s(), rawBody: s(),
  },
  'fastify.request': { query: s(true), params: s(), body: s(true), headers, url: s(), hostname: s(), cookies: s(true), raw: container('http.req') },
  'hapi.request': { payload: s(true), params: s(), query: s(true), headers, url: s(), state: s(true), path: s() },
  'next.request': { url: s(), nextUrl: s(), headers: s(), cookies: s(), body: s(true), geo: s() },
};

/** Method calls on request objects that return input: req.get('x'), ctx.cookies.get('x'), request.json(). */
export const SOURCE_CALLS: Readonly<Record<string, SourceMember>> = {
  'express.req.get': s(), 'express.req.header': s(), 'express.req.param': s(true),
  'express.vreq.get': s(), 'express.vreq.header': s(), 'express.vreq.param': s(),
  'koa.ctx.get': s(), 'koa.request.get': s(), 'koa.cookies.get': s(),
  'next.request.json': s(true), 'next.request.text': s(), 'next.request.formData': s(true), 'next.request.arrayBuffer': s(), 'next.request.blob': s(),
};

/** What members of api-typed objects are (chained response methods, sub-objects). */
export const TYPE_MEMBERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'mod:fs': { promises: 'mod:fs' },
  'mod:path': { posix: 'mod:path', win32: 'mod:path' },
  'mod:child_process': {},
  'express.req': { res: 'express.res', socket: 'net.socket', connection: 'net.socket' },
  'express.vreq': { res: 'express.res', socket: 'net.socket', connection: 'net.socket' },
  'express.res': { req: 'express.req' },
  'koa.ctx': { app: 'koa.app' },
  'fastify.reply': { raw: 'http.res', request: 'fastify.request' },
};

/** Calls whose result is another api type (factories, chaining). */
export const CALL_RETURNS: Readonly<Record<string, string>> = {
  express: 'express.app',
  'express.Router': 'express.router',
  'express.app.route': 'express.route',
  'express.router.route': 'express.route',
  'express.route.get': 'express.route',
  'express.route.post': 'express.route',
  'express.route.put': 'express.route',
  'express.route.delete': 'express.route',
  'express.route.patch': 'express.route',
  'express.route.all': 'express.route',
  'express.res.status': 'express.res',
  'express.res.type': 'express.res',
  'express.res.set': 'express.res',
  'express.res.header': 'express.res',
  'express.res.cookie': 'express.res',
  'express.res.clearCookie': 'express.res',
  'express.res.append': 'express.res',
  'express.res.vary': 'express.res',
  'express.res.location': 'express.res',
  'express.res.attachment': 'express.res',
  'express.res.links': 'express.res',
  'express.res.contentType': 'express.res',
  'http.res.writeHead': 'http.res',
  'http.res.setHeader': 'http.res',
  koa: 'koa.app',
  'koa-router': 'koa.router',
  'koa-router.Router': 'koa.router',
  fastify: 'fastify.app',
  'fastify.fastify': 'fastify.app',
  'fastify.reply.code': 'fastify.reply',
  'fastify.reply.status': 'fastify.reply',
  'fastify.reply.type': 'fastify.reply',
  'fastify.reply.header': 'fastify.reply',
  'fastify.reply.headers': 'fastify.reply',
  'hapi.server': 'hapi.server',
  'hapi.Server': 'hapi.server',
  'hapi.h.response': 'hapi.response',
  'hapi.response.code': 'hapi.response',
  'hapi.response.header': 'hapi.response',
  'hapi.response.type': 'hapi.response',
  'http.createServer': 'http.server',
  'https.createServer': 'http.server',
  'http2.createServer': 'http.server',
  'http2.createSecureServer': 'http.server',
  'mysql.createConnection': 'mysql.conn',
  'mysql.createPool': 'mysql.conn',
  'mysql.createPoolCluster': 'mysql.conn',
  'mysql.conn.promise': 'mysql.conn',
  'mysql.conn.getConnection': 'mysql.conn',
  'pg.Client': 'pg.client',
  'pg.Pool': 'pg.client',
  'pg.client.connect': 'pg.client',
  'pg-promise': 'pgp.root',
  'pgp.root': 'pgp.db',
  'sqlite3.Database': 'sqlite.db',
  'sqlite3.verbose': 'mod:sqlite3',
  'sqlite.open': 'sqlite.db',
  'better-sqlite3': 'bsqlite.db',
  // A digest of the input is hex, base64 or bytes the input cannot choose.
  'crypto.createHash': 'crypto.hash',
  'crypto.createHmac': 'crypto.hash',
  'crypto.hash.update': 'crypto.hash',
  'crypto.hash.copy': 'crypto.hash',
  'redis.createClient': 'redis.client',
  'redis.createCluster': 'redis.client',
  'redis.client.duplicate': 'redis.client',
  // An EventEmitter's listener registration returns the emitter: createClient({ url }).on('error', log) is the client.
  'redis.client.on': 'redis.client',
  'redis.client.once': 'redis.client',
  'redis.client.addListener': 'redis.client',
  ioredis: 'redis.client',
  'ioredis.Redis': 'redis.client',
  'ioredis.Cluster': 'redis.client',
  memcached: 'memcached.client',
  sequelize: 'sequelize.db',
  'sequelize.Sequelize': 'sequelize.db',
  knex: 'knex.db',
  'knex.knex': 'knex.db',
  'knex.db': 'knex.builder',
  '@prisma/client.PrismaClient': 'prisma.client',
  'mongodb.MongoClient': 'mongo.client',
  'mongodb.MongoClient.connect': 'mongo.client',
  'mongodb.connect': 'mongo.client',
  'mongo.client.connect': 'mongo.client',
  'mongo.client.collection': 'mongo.collection',
  'mongo.client.db': 'mongo.db',
  'mongo.db.collection': 'mongo.collection',
  'mongoose.model': 'mongoose.model',
  'mongoose.connection.collection': 'mongo.collection',
  'nunjucks.configure': 'nunjucks.env',
  'nunjucks.Environment': 'nunjucks.env',
  // MarsDB (Meteor's minimongo for Node) collections take MongoDB filters, `$where` strings included.
  'marsdb.Collection': 'mongo.collection',
  ws: 'ws.server',
  'ws.Server': 'ws.server',
  'ws.WebSocketServer': 'ws.server',
  'socket.io': 'socketio.server',
  'socket.io.Server': 'socketio.server',
  'socketio.server.of': 'socketio.server',
  'socketio.server.to': 'socketio.server',
  'xmlrpc.createServer': 'xmlrpc.server',
  'xmlrpc.createSecureServer': 'xmlrpc.server',
  'axios.create': 'mod:axios',
  'got.extend': 'mod:got',
  'needle.defaults': 'mod:needle',
};

/** Types whose method calls chain: every method not listed returns the same type (query builders). */
export const CHAINING_TYPES: ReadonlySet<string> = new Set(['knex.builder', 'knex.db']);

/** Handler registration: receiver type and method -> handler kind. */
const VERBS = ['get', 'post', 'put', 'delete', 'del', 'patch', 'all', 'use', 'options', 'head'];
export const REGISTRATIONS: Readonly<Record<string, HandlerKind>> = Object.fromEntries([
  ...VERBS.flatMap((v) => [[`express.app.${v}`, 'express'], [`express.router.${v}`, 'express'], [`express.route.${v}`, 'express']]),
  ['express.app.param', 'express-param'],
  ['express.router.param', 'express-param'],
  ['http.createServer', 'http'],
  ['https.createServer', 'http'],
  ['http2.createServer', 'http'],
  ['http2.createSecureServer', 'http'],
  ['koa.app.use', 'koa'],
  ...VERBS.map((v) => [`koa.router.${v}`, 'koa']),
  ...VERBS.map((v) => [`fastify.app.${v}`, 'fastify']),
]) as Record<string, HandlerKind>;

/**
 * GraphQL servers and schema builders, and the option that holds the functions answering queries:
 * a resolver map (`{ Query: { user: (parent, args) => ... } }`) or a root value (`{ user: (args) => ... }`).
 * The query's arguments are input; the schema types them, but String and ID arguments are any string.
 */
export const GRAPHQL_SCHEMAS: Readonly<Record<string, { option: string; kind: HandlerKind }>> = Object.fromEntries([
  ...['@graphql-tools/schema.makeExecutableSchema', 'graphql-tools.makeExecutableSchema', 'graphql-yoga.createSchema',
    ...['apollo-server', 'apollo-server-express', 'apollo-server-koa', 'apollo-server-fastify', 'apollo-server-hapi', '@apollo/server'].map((m) => `${m}.ApolloServer`),
  ].map((id) => [id, { option: 'resolvers', kind: 'graphql-resolver' }]),
  ...['express-graphql', 'express-graphql.graphqlHTTP', 'graphql.graphql', 'graphql.graphqlSync'].map((id) => [id, { option: 'rootValue', kind: 'graphql-root' }]),
]);

/** `.on(event, handler)` registrations: receiver type and event -> handler kind. */
export const EVENT_REGISTRATIONS: Readonly<Record<string, Readonly<Record<string, HandlerKind>>>> = {
  'http.server': { request: 'http' },
  'ws.server': { connection: 'ws-connection' },
  'ws.socket': { message: 'ws-message' },
  'socketio.server': { connection: 'socketio-connection', connect: 'socketio-connection' },
  'socketio.socket': { '*': 'socketio-event' },
  'http.req': { data: 'request-body' },
  // xmlrpc: server.on('<method name>', (err, params, callback) => ...)
  'xmlrpc.server': { '*': 'xmlrpc-method' },
};

/** Parameter values of a handler of this kind. */
export function handlerParams(an: Analyzer, kind: HandlerKind, params: readonly AstNode[], moduleId: string): Value[] {
  const src = (i: number, what: string, raw: boolean) => {
    const p = params[i];
    return p ? an.source(p.type === 'AssignmentPattern' ? p.left : p, what, raw, [], 'web', moduleId) : EMPTY;
  };
  switch (kind) {
    case 'express':
      return params.length >= 4
        ? [EMPTY, apiValue('express.req'), apiValue('express.res'), EMPTY]
        : [apiValue('express.req'), apiValue('express.res'), EMPTY];
    case 'express-validated':
      return params.length >= 4
        ? [EMPTY, apiValue('express.vreq'), apiValue('express.res'), EMPTY]
        : [apiValue('express.vreq'), apiValue('express.res'), EMPTY];
    case 'express-param':
      return [apiValue('express.req'), apiValue('express.res'), EMPTY, src(3, 'route parameter', false)];
    case 'next-api':
      return [apiValue('express.req'), apiValue('express.res')];
    case 'http':
      return [apiValue('http.req'), apiValue('http.res')];
    case 'koa':
      return [apiValue('koa.ctx'), EMPTY];
    case 'fastify':
      return [apiValue('fastify.request'), apiValue('fastify.reply')];
    case 'hapi':
      return [apiValue('hapi.request'), apiValue('hapi.h')];
    case 'ws-connection':
      return [apiValue('ws.socket'), apiValue('http.req')];
    case 'ws-message':
      return [src(0, 'WebSocket message', false)];
    case 'request-body':
      return [src(0, 'request body chunk', false)];
    case 'socketio-connection':
      return [apiValue('socketio.socket')];
    case 'socketio-event':
      return params.map((_, i) => src(i, 'socket.io event data', true));
    case 'next-route': {
      const context = an.newObj(params[1] ?? params[0] ?? ({ type: 'x', start: 0, end: 0 } as AstNode), false);
      context.set('params', src(1, 'route params', false));
      return [apiValue('next.request'), objValue(context)];
    }
    case 'graphql-resolver':
      return [EMPTY, src(1, 'GraphQL arguments', false)];
    case 'graphql-root':
      return [src(0, 'GraphQL arguments', false)];
    case 'xmlrpc-method':
      return [EMPTY, src(1, 'XML-RPC parameters', false), EMPTY];
    case 'server-action':
      return params.map((_, i) => src(i, 'server action argument', true));
  }
}

/** A NestJS controller method and what each parameter is (null: not input). */
export interface DecoratedEntry {
  method: string;
  node: AstNode;
  params: Array<{ node: AstNode; what: string; apis: string[]; tainted: boolean } | null>;
}

const NEST_ROUTES = new Set(['Get', 'Post', 'Put', 'Delete', 'Patch', 'All', 'Options', 'Head', 'MessagePattern', 'EventPattern', 'SubscribeMessage']);
const NEST_PARAMS: Readonly<Record<string, { what: string; tainted: boolean; apis: string[] }>> = {
  Query: { what: '@Query()', tainted: true, apis: [] },
  Param: { what: '@Param()', tainted: true, apis: [] },
  Body: { what: '@Body()', tainted: true, apis: [] },
  Headers: { what: '@Headers()', tainted: true, apis: [] },
  HostParam: { what: '@HostParam()', tainted: true, apis: [] },
  Payload: { what: '@Payload()', tainted: true, apis: [] },
  MessageBody: { what: '@MessageBody()', tainted: true, apis: [] },
  UploadedFile: { what: '@UploadedFile()', tainted: true, apis: [] },
  Req: { what: '@Req()', tainted: false, apis: ['express.req'] },
  Request: { what: '@Request()', tainted: false, apis: ['express.req'] },
  Res: { what: '@Res()', tainted: false, apis: ['express.res'] },
  Response: { what: '@Response()', tainted: false, apis: ['express.res'] },
};

function decoratorName(decorator: AstNode): string {
  const e = decorator.expression;
  if (e.type === 'CallExpression') return e.callee.type === 'Identifier' ? e.callee.name : e.callee.property?.name ?? '';
  return e.type === 'Identifier' ? e.name : '';
}

function decoratorArg(decorator: AstNode): string | undefined {
  const e = decorator.expression;
  const first = e.type === 'CallExpression' ? e.arguments[0] : undefined;
  return first?.type === 'Literal' && typeof first.value === 'string' ? first.value : undefined;
}

/** Route methods of a class decorated as a NestJS controller (or WebSocket gateway). */
export function decoratedEntries(classNode: AstNode): DecoratedEntry[] {
  const decorators: AstNode[] = classNode.decorators ?? [];
  if (!decorators.some((d) => ['Controller', 'WebSocketGateway', 'Resolver'].includes(decoratorName(d)))) return [];
  const entries: DecoratedEntry[] = [];
  for (const member of classNode.body.body) {
    if (member.type !== 'MethodDefinition' || member.kind !== 'method' || member.key.type !== 'Identifier') continue;
    const methodDecorators: AstNode[] = member.decorators ?? [];
    if (!methodDecorators.some((d) => NEST_ROUTES.has(decoratorName(d)) || ['Query', 'Mutation'].includes(decoratorName(d)))) continue;
    const params = (member.value.params as AstNode[]).map((p) => {
      const node = p.type === 'TSParameterProperty' ? p.parameter : p;
      const decorators: AstNode[] = node.decorators ?? p.decorators ?? [];
      for (const d of decorators) {
        const name = decoratorName(d);
        const spec = own(NEST_PARAMS, name) ?? (name === 'Args' ? { what: '@Args()', tainted: true, apis: [] } : undefined);
        if (!spec) continue;
        const arg = decoratorArg(d);
        return { node, what: arg ? spec.what.replace('()', `('${arg}')`) : spec.what, apis: spec.apis, tainted: spec.tainted };
      }
      return null;
    });
    entries.push({ method: member.key.name, node: member, params });
  }
  return entries;
}

/** Next.js conventions: which exports of a file are request handlers. */
export function nextHandlers(path: string, program: AstNode): Array<{ exportName: string; kind: HandlerKind }> {
  const out: Array<{ exportName: string; kind: HandlerKind }> = [];
  if (/(^|\/)app\/(.*\/)?route\.[cm]?[jt]sx?$/.test(path)) {
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) out.push({ exportName: m, kind: 'next-route' });
  }
  if (/(^|\/)pages\/api\//.test(path)) out.push({ exportName: 'default', kind: 'next-api' });
  const first = program.body[0];
  if (first?.type === 'ExpressionStatement' && first.directive === 'use server') out.push({ exportName: '*', kind: 'server-action' });
  return out;
}

/** A value that is only a container of input (ctx.request): not tainted itself. */
export function containerValue(member: SourceMember): Value {
  return make({ apis: member.apis ?? [] });
}
