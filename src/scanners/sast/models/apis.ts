import semver from 'semver';
import type { Analyzer, CallSite } from '../analysis/analyzer.js';
import type { AstNode } from '../source/parse.js';
import {
  ALL_CLASSES, EMPTY, NUMERIC, apiValue, classMask, isEmptyValue, isTainted, join, make, passedThrough, sanitize, taintOnly,
  withoutStringFacts, type Value,
} from '../analysis/value.js';
import {
  CALL_RETURNS, CHAINING_TYPES, EVENT_REGISTRATIONS, GRAPHQL_SCHEMAS, HEADERS_API, REGISTRATIONS, SOURCE_CALLS, SOURCE_MEMBERS, TYPE_MEMBERS, containerValue,
  type HandlerKind,
} from './frameworks.js';
import { FIXED_VERSIONS, sinksFor, type SinkSpec } from './sinks.js';
import { checkArguments } from './arguments.js';
import { BUILTIN_CALLS, defaultMethodCall, invokeCallbacks } from './builtins.js';
import { renderSink } from '../templates/views.js';
import { own } from './table.js';
import { callStore, storeApi } from './stores.js';
import { chainedResponse, noteTypeSetter, storeType } from './content-type.js';

/**
 * Library and runtime APIs. A value of a module or of an object a library returned is
 * an "api id": "mod:fs" for the module, "fs.readFile" for its member, "express.res"
 * for a response object. Sinks, sources, sanitisers and handler registration are
 * looked up by these ids.
 */

const MODULE_ALIASES: Readonly<Record<string, string>> = {
  'fs/promises': 'fs', 'fs-extra': 'fs', 'graceful-fs': 'fs', 'mz/fs': 'fs', 'fs-promise': 'fs', 'original-fs': 'fs', 'fs-extra/esm': 'fs',
  mysql2: 'mysql', 'mysql2/promise': 'mysql', 'promise-mysql': 'mysql',
  'path/posix': 'path', 'path/win32': 'path', upath: 'path', pathe: 'path',
  'mz/child_process': 'child_process',
  'isomorphic-fetch': 'node-fetch', 'cross-fetch': 'node-fetch', 'isomorphic-unfetch': 'node-fetch',
  'lodash-es': 'lodash',
  '@koa/router': 'koa-router',
  '@hapi/hapi': 'hapi',
  libxmljs2: 'libxmljs',
  'request-promise': 'request', 'request-promise-native': 'request',
  'util/types': 'util',
  '@redis/client': 'redis',
  'vm2': 'vm2',
};

/** lodash 3's per-method modules sit in category directories ("lodash/object/forOwn"). */
const LODASH_CATEGORY = '(?:array|chain|collection|date|function|lang|math|number|object|string|utility)';
const LODASH_METHOD = new RegExp(`^lodash(?:-es)?(?:[./]|/${LODASH_CATEGORY}/)([A-Za-z]+)$`);

/** "node:fs/promises" -> "mod:fs"; "lodash/set", "lodash.set" and "lodash/object/set" -> the function "lodash.set". */
export function normaliseModuleName(spec: string): string {
  let name = spec.startsWith('node:') ? spec.slice(5) : spec;
  name = own(MODULE_ALIASES, name) ?? name;
  const lodash = LODASH_METHOD.exec(name);
  if (lodash) return `lodash.${lodash[1]}`;
  return `mod:${name}`;
}

const GLOBALS: Readonly<Record<string, string>> = {
  process: 'process', Buffer: 'Buffer', JSON: 'JSON', Math: 'Math', Object: 'Object', Array: 'Array', String: 'global.String',
  Number: 'global.Number', Boolean: 'global.Boolean', Promise: 'Promise', console: 'console', eval: 'global.eval', Function: 'global.Function',
  setTimeout: 'global.setTimeout', setInterval: 'global.setInterval', setImmediate: 'global.setImmediate', fetch: 'global.fetch', URL: 'global.URL',
  URLSearchParams: 'global.URLSearchParams', RegExp: 'global.RegExp', parseInt: 'global.parseInt', parseFloat: 'global.parseFloat',
  isNaN: 'global.isNaN', isFinite: 'global.isFinite', encodeURIComponent: 'global.encodeURIComponent', encodeURI: 'global.encodeURI',
  escape: 'global.escape', decodeURIComponent: 'global.decodeURIComponent', decodeURI: 'global.decodeURI', unescape: 'global.unescape',
  Date: 'global.Date', Symbol: 'global.Symbol', Map: 'global.Map', Set: 'global.Set', WeakMap: 'global.WeakMap', Reflect: 'Reflect',
  structuredClone: 'global.structuredClone', queueMicrotask: 'global.queueMicrotask', Request: 'global.Request', Response: 'global.Response',
  Error: 'global.Error', TypeError: 'global.Error', RangeError: 'global.Error', BigInt: 'global.Number',
};

export function globalApi(name: string): Value | undefined {
  const api = own(GLOBALS, name);
  return api ? apiValue(api) : undefined;
}

/** Strips the "mod:" prefix: the id a call of the module itself has. */
function callId(api: string): string {
  return api.startsWith('mod:') ? api.slice(4) : api;
}

/**
 * A request header read by name (req.get(name), req.headers[name]). The Referer is the page the
 * browser came from: sending the user back there (Express 5's replacement for redirect('back'))
 * takes them nowhere they were not already.
 */
export function readHeader(input: Value, name: string | null | undefined): Value {
  return /^referr?er$/i.test(name ?? '') ? sanitize(input, classMask('redirect')) : input;
}

/** Members of an api value: request input, sub-objects, or the member's own api id. */
export function memberOfApi(an: Analyzer, api: string, key: string | null, node: AstNode | null): Value | undefined {
  // The headers are input themselves; readProp reads their members (see readHeader).
  if (api === HEADERS_API) return undefined;
  const sources = own(SOURCE_MEMBERS, api);
  if (sources) {
    const member = own(sources, key ?? '*');
    if (member) {
      if (member.container) return containerValue(member);
      if (!node) return undefined;
      return an.source(node, describeSource(an, api, key, node), member.raw, member.apis ?? []);
    }
  }
  if (key === null) return undefined;
  const typed = own(own(TYPE_MEMBERS, api), key);
  if (typed) return apiValue(typed);
  if (key === 'default' && api.startsWith('mod:')) return apiValue(api);
  if (api === 'process') {
    if (key === 'env' || key === 'argv' || key === 'platform' || key === 'cwd') return EMPTY;
  }
  const base = callId(api);
  if (base.split('.').length > 4) return undefined;
  return apiValue(`${base}.${key}`);
}

function describeSource(an: Analyzer, api: string, key: string | null, node: AstNode): string {
  const text = an.text(node, 50);
  if (text && !text.includes('\n')) return text;
  return `${api.split('.').pop()}.${key ?? '*'}`;
}

/** Assignments to api objects that matter: Koa's ctx.body (an HTML response). */
export function storeOnApi(an: Analyzer, api: string, key: string | null, value: Value, node: AstNode, base: Value): void {
  storeType(api, key, value, node);
  if ((api === 'koa.ctx' || api === 'koa.response') && key === 'body' && (value.html || base.markup) && !base.plain) an.sink('xss', value, node, 'ctx.body');
  if ((api === 'express.res' || api === 'http.res') && key === 'statusMessage') an.sink('header', value, node, 'res.statusMessage');
}

export interface ApiCall {
  an: Analyzer;
  api: string;
  thisValue: Value;
  args: Value[];
  site: CallSite;
  isNew: boolean;
}

/** `new X(...)` on an api value. */
export function constructApi(an: Analyzer, api: string, args: Value[], site: CallSite): Value {
  const result = callApi(an, api, EMPTY, args, site, false, true) ?? EMPTY;
  if (result.objs.length > 0 || result.taint.length > 0) return result;
  // `new X()` of a library class is still an object the code can store into (an EventEmitter, a client).
  return make({ ...result, objs: [an.newObj(site.node, false)] });
}

/**
 * A call of an api value: sinks are checked, then sources, registrations, specific
 * behaviour and return types. Undefined means "not modelled": the caller applies the
 * default rule (taint flows from arguments to the result).
 */
export function callApi(an: Analyzer, api: string, thisValue: Value, args: Value[], site: CallSite, _tagged: boolean, isNew = false): Value | undefined {
  const id = callId(api);
  const stored = callStore(an, id, thisValue, args, site, isNew);
  if (stored !== undefined) return stored;
  const c: ApiCall = { an, api: id, thisValue, args, site, isNew };
  for (const spec of sinksFor(id)) checkSink(c, spec);
  const typeSet = noteTypeSetter(id, args, site.node);
  checkSpecialSinks(c);

  // Array.prototype.slice.call(arguments, 1), [].forEach.call(list, f), String.prototype.trim.apply(s)
  const borrowed = /^(?:Array|String|Object|Function)\.prototype\.([A-Za-z]+)\.(call|apply)$/.exec(id);
  if (borrowed) {
    const receiver = args[0] ?? EMPTY;
    const rest = borrowed[2] === 'call' ? args.slice(1) : [an.elementsOf(args[1] ?? EMPTY, false, site.node)];
    return defaultMethodCall(an, EMPTY, receiver, rest, { ...site, name: borrowed[1]!, recvNode: site.argNodes[0] ?? null, argNodes: site.argNodes.slice(1) }, true);
  }

  const named = namedStore(id, args[0]);
  if (named) return named;

  const sourceCall = own(SOURCE_CALLS, id);
  if (sourceCall) {
    return readHeader(an.source(site.node, an.text(site.node, 50), sourceCall.raw), args[0]?.str);
  }

  const kind = own(REGISTRATIONS, id);
  if (kind) {
    registerHandlers(c, kind);
    return apiValue(own(CALL_RETURNS, id) ?? id.slice(0, id.lastIndexOf('.')));
  }
  const name = site.name;
  // socket.io's catch-all listener: socket.onAny((event, ...args) => ...), every event's name and data.
  if (name === 'onAny' || name === 'prependAny') {
    const receiverType = id.slice(0, id.lastIndexOf('.'));
    const anyEvent = own(own(EVENT_REGISTRATIONS, receiverType) ?? {}, '*');
    if (anyEvent) {
      for (const f of args) if (f.fns.length > 0) an.enterHandler(anyEvent, f, site.node);
      return apiValue(receiverType);
    }
  }
  if (name === 'on' || name === 'once' || name === 'addListener' || name === 'addEventListener') {
    const receiverType = id.slice(0, id.lastIndexOf('.'));
    const events = own(EVENT_REGISTRATIONS, receiverType);
    if (events) {
      const event = args[0]?.str;
      const handlerKind = event !== undefined ? own(events, event) ?? (event !== 'disconnect' && event !== 'error' && event !== 'close' ? own(events, '*') : undefined) : undefined;
      if (handlerKind) {
        for (const f of args.slice(1)) if (f.fns.length > 0) an.enterHandler(handlerKind, f, site.node);
        return apiValue(receiverType);
      }
      invokeCallbacks(an, args, EMPTY, site);
      return apiValue(receiverType);
    }
  }
  const graphql = own(GRAPHQL_SCHEMAS, id);
  if (graphql) {
    const options = optionsArg(c, 0);
    if (options) registerResolvers(an, an.readProp(options, graphql.option, null, null), graphql.kind, graphql.kind === 'graphql-resolver' ? 2 : 1, site);
  }
  if (id === 'fastify.app.route' || id === 'hapi.server.route') {
    for (const cfg of args) registerRouteConfigs(an, cfg, id.startsWith('fastify') ? 'fastify' : 'hapi', site);
    return EMPTY;
  }
  if (id === 'fastify.app.register') {
    for (const plugin of args) if (plugin.fns.length > 0) an.callValue(plugin, EMPTY, [apiValue('fastify.app'), EMPTY, EMPTY], site);
    return apiValue('fastify.app');
  }
  if (id === 'express.res.render' || id === 'koa.ctx.render') {
    renderSink(an, args, site);
    invokeCallbacks(an, args, EMPTY, site);
    return EMPTY;
  }

  const sanitized = sanitizerResult(id, args[0]);
  if (sanitized) return sanitized;

  const builtin = own(BUILTIN_CALLS, id);
  if (builtin) return builtin(c);

  const receiverType = id.slice(0, id.lastIndexOf('.'));
  // A client the model already holds as the value its promise settles to (MongoClient.connect(url)):
  // `.then(cb)` hands it to cb, `.catch()` and `.finally()` settle to it.
  if ((site.name === 'then' || site.name === 'catch' || site.name === 'finally') && thisValue.apis.includes(receiverType) && !CHAINING_TYPES.has(receiverType)) {
    const self = apiValue(receiverType);
    if (site.name !== 'then') {
      invokeCallbacks(an, args, EMPTY, site);
      return self;
    }
    return args[0]?.fns.length ? an.callValue(args[0], EMPTY, [self], site) : self;
  }
  const returns = own(CALL_RETURNS, id);
  if (returns) {
    invokeCallbacks(an, args, apiValue(...(own(CALLBACK_VALUES, id) ?? [])), site);
    return chainedResponse(id, thisValue, typeSet, apiValue(returns));
  }
  if (CHAINING_TYPES.has(receiverType)) return apiValue('knex.builder');
  if (isModelledModule(id)) {
    const content = fileContent(id, args[0]);
    invokeCallbacks(an, args, content, site);
    return content.taint.length > 0 ? content : cleanResult(id);
  }
  return undefined;
}

/** Collections and models named by a constant: their value also names the store (stored input). */
const NAMED_STORES: Readonly<Record<string, { type: string; kind: string }>> = {
  'mongo.db.collection': { type: 'mongo.collection', kind: 'mongo' },
  'mongo.client.collection': { type: 'mongo.collection', kind: 'mongo' },
  'mongoose.connection.collection': { type: 'mongo.collection', kind: 'mongo' },
  'marsdb.Collection': { type: 'mongo.collection', kind: 'mongo' },
  'mongoose.model': { type: 'mongoose.model', kind: 'model' },
  'sequelize.db.define': { type: 'sequelize.model', kind: 'model' },
};

function namedStore(id: string, name: Value | undefined): Value | undefined {
  const spec = own(NAMED_STORES, id);
  if (!spec || name?.str === undefined || name.taint.length > 0) return undefined;
  return apiValue(spec.type, storeApi(spec.kind, name.str));
}

/** What the callback of a factory receives (connect(url, (err, db) => ...)). */
const CALLBACK_VALUES: Readonly<Record<string, string[]>> = {
  'mysql.conn.getConnection': ['mysql.conn'],
  'pg.client.connect': ['pg.client'],
  // mongodb 2.x passed a Db, later versions a MongoClient.
  'mongodb.MongoClient.connect': ['mongo.client', 'mongo.db'],
  'mongodb.connect': ['mongo.client', 'mongo.db'],
  'mongo.client.connect': ['mongo.client', 'mongo.db'],
};

/** Modules whose functions return data the attacker does not control (file contents, command output, query rows). */
const CLEAN_MODULES = new Set([
  'fs', 'child_process', 'crypto', 'os', 'dns', 'net', 'tls', 'zlib', 'vm', 'http', 'https', 'http2', 'mysql', 'pg', 'pgp', 'sqlite3', 'sqlite',
  'bsqlite', 'mongodb', 'mongo', 'mongoose', 'marsdb', 'axios', 'got', 'node-fetch', 'request', 'needle', 'superagent', 'undici', 'shelljs', 'execa',
  'cross-spawn', 'express', 'koa', 'fastify', 'hapi', 'ws', 'socketio', 'socket.io', 'sequelize', 'knex', 'prisma', 'libxmljs', 'console',
  'node-serialize', 'js-yaml', 'timers', 'stream', 'events', 'readline', 'worker_threads', 'cluster', 'assert', 'bcrypt', 'bcryptjs', 'jsonwebtoken',
  'child-process-promise', 'exec-sh', 'node-cmd', 'glob', 'rimraf', 'mkdirp',
  // Key-value stores: a read returns what is stored under the key, not the key.
  'redis', 'memcached',
]);

function isModelledModule(id: string): boolean {
  const root = id.split('.')[0] ?? id;
  return CLEAN_MODULES.has(root);
}

const FILE_READERS = new Set(['fs.readFile', 'fs.readFileSync', 'fs.readJson', 'fs.readJsonSync', 'fs.readJSON', 'fs.createReadStream']);

/**
 * A library that reads a file its caller names is parsing input from that caller
 * (an INI or config parser): the content carries the caller's label. A web user
 * naming a file does not write it, so request input stays a path problem only.
 */
function fileContent(id: string, path: Value | undefined): Value {
  if (!path || !FILE_READERS.has(id)) return EMPTY;
  const library = path.taint.filter((t) => t.label.kind === 'library').map((t) => ({ ...t, raw: false }));
  return library.length > 0 ? make({ taint: library }) : EMPTY;
}

function cleanResult(id: string): Value {
  if (id.startsWith('fs.') && /Sync$/.test(id) && /exists|access/.test(id)) return NUMERIC;
  return EMPTY;
}

/** Route middleware that validates the request against a schema: validate(schema), celebrate({ body }). */
const SCHEMA_VALIDATOR = /^(validate|validateRequest|validateBody|validateQuery|validateParams|validateSchema|validation|validator|celebrate)$/i;

function validatesRequest(node: AstNode | undefined): boolean {
  if (node?.type !== 'CallExpression') return false;
  const callee = node.callee.type === 'MemberExpression' && !node.callee.computed ? node.callee.property : node.callee;
  return callee.type === 'Identifier' && SCHEMA_VALIDATOR.test(callee.name);
}

function registerHandlers(c: ApiCall, kind: HandlerKind): void {
  for (const [i, arg] of c.args.entries()) {
    if (arg.fns.length > 0) c.an.enterHandler(kind, arg, c.site.node);
    // Arrays of middleware: app.get('/x', [auth, handler])
    for (const o of arg.objs) if (o.isArray) for (const v of o.props.values()) if (v.fns.length > 0) c.an.enterHandler(kind, v, c.site.node);
    // Handlers after a schema validation middleware get input of the schema's shape, not any object.
    if (kind === 'express' && validatesRequest(c.site.argNodes[i])) kind = 'express-validated';
  }
}

/** Resolver functions of a resolver map (type, then field) or root value (field), in arrays of them too; `{ resolve, subscribe }` fields. */
function registerResolvers(an: Analyzer, v: Value, kind: HandlerKind, levels: number, site: CallSite): void {
  for (const o of v.objs) {
    if (o.isArray) {
      for (const e of o.props.values()) registerResolvers(an, e, kind, levels, site);
      continue;
    }
    for (const field of o.props.values()) {
      if (levels === 1) {
        const fns = field.fns.length > 0 ? [field] : ['resolve', 'subscribe'].map((key) => an.readProp(field, key, null, null));
        for (const fn of fns) if (fn.fns.length > 0) an.enterHandler(kind, fn, site.node);
      } else {
        registerResolvers(an, field, kind, levels - 1, site);
      }
    }
  }
}

function registerRouteConfigs(an: Analyzer, cfg: Value, kind: HandlerKind, site: CallSite): void {
  for (const o of cfg.objs) {
    if (o.isArray) {
      for (const v of o.props.values()) registerRouteConfigs(an, v, kind, site);
      continue;
    }
    const handlers = [o.get('handler'), o.get('options')?.objs.map((x) => x.get('handler')), o.get('config')?.objs.map((x) => x.get('handler'))]
      .flat()
      .filter((v): v is Value => !!v);
    for (const h of handlers) if (h.fns.length > 0) an.enterHandler(kind, h, site.node);
    if (kind === 'fastify') {
      for (const hook of ['preHandler', 'onRequest', 'preValidation']) {
        const h = o.get(hook);
        if (h && h.fns.length > 0) an.enterHandler(kind, h, site.node);
      }
    }
  }
}

// ------------------------------------------------------------------ sink checks

function sinkLabel(c: ApiCall): string {
  const callee = c.site.node.callee ?? c.site.node.tag ?? c.site.node;
  const text = c.an.text(callee, 40);
  return `${text || c.api}()`;
}

function optionsArg(c: ApiCall, from: number): Value | undefined {
  for (let i = from; i < c.args.length; i++) {
    const v = c.args[i]!;
    if (v.objs.some((o) => !o.isArray && !o.fn)) return v;
  }
  return undefined;
}

/** The option may be set: a truthy constant on some path (`win ? true : false`), an object or an api. */
function truthyProp(an: Analyzer, v: Value | undefined, key: string): boolean {
  if (!v) return false;
  const p = an.readProp(withoutTaint(v), key, null, null);
  const truthy = (s: string) => s !== 'false' && s !== '' && s !== '0';
  if (p.str !== undefined) return truthy(p.str);
  return p.objs.length > 0 || p.apis.length > 0 || (p.alts ?? []).some(truthy);
}

function withoutTaint(v: Value): Value {
  return v.taint.length === 0 ? v : make({ ...v, taint: [] });
}

function withoutLibraryTaint(v: Value): Value {
  return v.taint.some((t) => t.label.kind === 'library') ? make({ ...v, taint: v.taint.filter((t) => t.label.kind !== 'library') }) : v;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', '/bin/sh', '/bin/bash', '/bin/zsh', '/usr/bin/bash', 'cmd', 'cmd.exe', 'powershell', 'powershell.exe', 'pwsh']);

function dependencyRange(an: Analyzer, name: string): string | undefined {
  const manifest = an.packageOf(an.currentModule());
  return manifest?.dependencies[name];
}

function versionBefore(range: string | undefined, fixed: string): boolean {
  if (!range) return false;
  try {
    const min = semver.minVersion(range);
    return !!min && semver.lt(min, fixed);
  } catch {
    return false;
  }
}

const CONDITIONS: Readonly<Record<NonNullable<SinkSpec['when']>, (c: ApiCall) => boolean>> = {
  shellOption: (c) => truthyProp(c.an, optionsArg(c, 1), 'shell') || SHELLS.has(c.args[0]?.str ?? ''),
  execaShell: (c) => truthyProp(c.an, optionsArg(c, 1), 'shell') || SHELLS.has(c.args[0]?.str ?? ''),
  noRootOption: (c) => !truthyProp(c.an, optionsArg(c, 1), 'root'),
  unsafeYaml: (c) => {
    const options = optionsArg(c, 1);
    if (options) {
      const schema = c.an.readProp(withoutTaint(options), 'schema', null, null);
      if (schema.apis.some((a) => /DEFAULT_FULL_SCHEMA|js-yaml-js-types/.test(a))) return true;
    }
    return versionBefore(dependencyRange(c.an, 'js-yaml'), '4.0.0');
  },
  noent: (c) => truthyProp(c.an, optionsArg(c, 1), 'noent'),
  vulnerableVersion: (c) => {
    const fixed = own(FIXED_VERSIONS, c.api);
    if (!fixed) return false;
    const root = c.api.split('.')[0]!;
    if (root === 'lodash') {
      if (dependencyRange(c.an, `lodash.${c.api.split('.')[1]!.toLowerCase()}`) !== undefined) return true;
      return versionBefore(dependencyRange(c.an, 'lodash') ?? dependencyRange(c.an, 'lodash-es'), fixed);
    }
    return versionBefore(dependencyRange(c.an, root), fixed);
  },
  htmlString: () => true,
  notObject: () => true,
};

/** The part of an argument a sink actually uses. */
function checkedValue(c: ApiCall, spec: SinkSpec, v: Value): Value | null {
  const an = c.an;
  switch (spec.check ?? 'value') {
    case 'string':
      // setTimeout(f): a function is not code; a library's own callback parameter is most likely a function too.
      if (v.fns.length > 0) return null;
      return v.built || v.str !== undefined ? v : make({ ...v, taint: v.taint.filter((t) => t.label.kind === 'web') });
    case 'url': {
      let result = fixedOrigin(v) ? make({ ...v, taint: [] }) : v;
      if (v.objs.length > 0) {
        for (const key of ['url', 'uri', 'host', 'hostname', 'baseURL', 'origin']) {
          const p = an.readProp(withoutTaint(v), key, null, null);
          if (!fixedOrigin(p)) result = join(result, p);
        }
      }
      return result;
    }
    case 'sql': {
      let result = v;
      if (v.objs.length > 0) for (const key of ['sql', 'text']) result = join(result, an.readProp(withoutTaint(v), key, null, null));
      return result;
    }
    default:
      return v;
  }
}

/** A URL whose scheme and host are constant: the attacker controls at most the path. */
function fixedOrigin(v: Value): boolean {
  return v.prefix !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+[/?#]/i.test(v.prefix);
}

/** A redirect target that stays on this site: a constant "/x..." start (not "//"). */
function localRedirect(v: Value): boolean {
  return v.prefix !== undefined && (/^\/[^/\\]/.test(v.prefix) || fixedOrigin(v));
}

function checkSink(c: ApiCall, spec: SinkSpec): void {
  const holds = spec.when ? CONDITIONS[spec.when](c) : true;
  if (spec.when && !holds && !spec.argsWhen) return;
  const positions = new Set<number>(spec.args);
  if (holds && spec.argsWhen) for (const i of spec.argsWhen) positions.add(i);
  if (spec.restFrom !== undefined) for (let i = spec.restFrom; i < c.args.length; i++) positions.add(i);
  const label = spec.label ?? sinkLabel(c);
  if (!holds && spec.argv) checkArguments(c, spec.argv, label);
  for (const i of [...positions].sort((a, b) => a - b)) {
    let v = c.args[i];
    if (!v) continue;
    if (spec.check === 'filter' || spec.check === 'where') {
      if (spec.check === 'where') checkFilter(c, c.an.readProp(withoutTaint(v), 'where', null, null), label, false);
      else checkFilter(c, v, label, true);
      continue;
    }
    if (spec.argsWhen?.includes(i) && !spec.args.includes(i)) v = join(v, c.an.elementsOf(v, false, c.site.argNodes[i] ?? null));
    if (spec.cls === 'redirect' && localRedirect(v)) continue;
    // A response whose type is text/plain or JSON is not rendered as HTML (content-type.ts).
    if (spec.cls === 'xss' && c.thisValue.plain) continue;
    // Text that does not look like markup is still HTML in a response declared text/html.
    if (spec.when === 'htmlString' && !v.html && !c.thisValue.markup) continue;
    if (spec.when === 'notObject' && (v.objs.length > 0 || v.numeric)) continue;
    if ((!spec.when || !holds) && spec.callerChoice?.includes(i) && passedThrough(v)) v = withoutLibraryTaint(v);
    const checked = checkedValue(c, spec, v);
    if (!checked) continue;
    const node = c.site.argNodes[i] ?? c.site.node;
    c.an.sink(spec.cls, checked, sinkNode(c, node), label);
  }
}

/** Findings point at the call (the line a reviewer looks for), not at one argument on a later line. */
function sinkNode(c: ApiCall, _arg: AstNode): AstNode {
  return c.site.node;
}

/**
 * Query filters (MongoDB drivers, Mongoose, Sequelize `where`): a request value that may be
 * an object (it can carry operators like {"$ne": null}), input in `$where` (code) or
 * `$regex` (a pattern: `.*` matches every document), or a key chosen by input (it can name
 * an operator).
 */
function checkFilter(c: ApiCall, filter: Value, label: string, mongo: boolean): void {
  const found: Array<{ value: Value; note?: string }> = [];
  const visit = (v: Value, depth: number, key: string | null) => {
    if (key === '$where' && isTainted(v, 'nosql')) found.push({ value: v, note: 'it reaches $where, JavaScript the database runs' });
    if (mongo && key !== null && LITERAL_OPERANDS.has(key)) return;
    if (key === '$regex') {
      const pattern = v.taint.filter((t) => (t.clean & classMask('nosql', 'regex')) === 0);
      if (pattern.length > 0) found.push({ value: make({ taint: pattern }), note: 'it is a $regex pattern' });
    }
    const rawTaints = v.taint.filter((t) => t.raw);
    if (rawTaints.length > 0) found.push({ value: make({ taint: rawTaints }), note: 'it may be an object carrying query operators' });
    if (depth >= 3) return;
    for (const o of v.objs) {
      if (isTainted(o.dynKeys, 'nosql')) found.push({ value: o.dynKeys, note: 'it names a filter key, which can be a query operator' });
      for (const [k, p] of o.props) visit(p, depth + 1, k);
      if (!isEmptyValue(o.dyn)) visit(o.dyn, depth + 1, null);
    }
  };
  visit(filter, 0, null);
  for (const { value, note } of found) c.an.sink('nosql', value, c.site.node, label, note);
}

/** MongoDB comparison operators whose operand is a value, never a filter: {$eq: {"$ne": null}} matches that object literally. */
const LITERAL_OPERANDS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

/** Sinks that need more than an argument position: Location headers, writeHead header objects. */
function checkSpecialSinks(c: ApiCall): void {
  const { api, args, an, site } = c;
  const setsHeader = /^(express\.res\.(set|header|setHeader|append)|http\.res\.setHeader|koa\.ctx\.set|fastify\.reply\.header)$/.test(api);
  if (setsHeader) {
    const name = args[0];
    if (name?.str !== undefined && name.str.toLowerCase() === 'location' && args[1] && !localRedirect(args[1])) {
      an.sink('redirect', args[1], site.node, sinkLabel(c));
    }
    if (name && name.objs.length > 0) {
      for (const o of name.objs) {
        for (const [k, v] of o.props) {
          if (k.toLowerCase() === 'location') {
            if (!localRedirect(v)) an.sink('redirect', v, site.node, sinkLabel(c));
          } else an.sink('header', v, site.node, sinkLabel(c));
        }
      }
    }
  }
  if (api === 'http.res.writeHead' || api === 'express.res.writeHead') {
    for (const h of args.slice(1)) {
      for (const o of h.objs) {
        for (const [k, v] of o.props) {
          if (k.toLowerCase() === 'location') {
            if (!localRedirect(v)) an.sink('redirect', v, site.node, sinkLabel(c));
          } else an.sink('header', v, site.node, sinkLabel(c));
        }
      }
    }
  }
  if (api === 'express.res.redirect' && args.length >= 2 && args[0]?.numeric) {
    const target = args[1]!;
    if (!localRedirect(target)) an.sink('redirect', target, site.node, sinkLabel(c));
  }
}

// ------------------------------------------------------------------ sanitisers

/** Functions whose result is safe for some classes (their argument, cleaned). */
export const SANITIZERS: Readonly<Record<string, number>> = {
  'global.encodeURIComponent': classMask('xss', 'command', 'path', 'ssrf', 'header', 'log', 'redirect', 'nosql'),
  'global.escape': classMask('xss', 'command', 'path', 'ssrf', 'header', 'log', 'redirect', 'nosql', 'xpath'),
  'global.encodeURI': classMask('xss', 'header', 'log', 'nosql'),
  'querystring.escape': classMask('xss', 'command', 'path', 'ssrf', 'header', 'log', 'redirect', 'nosql'),
  'path.basename': classMask('path'),
  'escape-html': classMask('xss'),
  'he.encode': classMask('xss'),
  'he.escape': classMask('xss'),
  'lodash.escape': classMask('xss'),
  'validator.escape': classMask('xss'),
  'xss': classMask('xss'),
  'sanitize-html': classMask('xss'),
  'dompurify.sanitize': classMask('xss'),
  'isomorphic-dompurify.sanitize': classMask('xss'),
  'xss.filterXSS': classMask('xss'),
  'shell-quote.quote': classMask('command'),
  'shell-escape': classMask('command'),
  'shescape.quote': classMask('command'),
  'shescape.escape': classMask('command'),
  'sqlstring.escape': classMask('sql'),
  'sqlstring.escapeId': classMask('sql'),
  'mysql.escape': classMask('sql'),
  'mysql.escapeId': classMask('sql'),
  'mysql.conn.escape': classMask('sql'),
  'mysql.conn.escapeId': classMask('sql'),
  'pg.escapeLiteral': classMask('sql'),
  'pg.client.escapeLiteral': classMask('sql'),
  'pg-format': classMask('sql'),
  'sanitize-filename': classMask('path', 'command'),
  'mongo-sanitize': classMask('nosql'),
  'escape-string-regexp': classMask('regex'),
  'lodash.escapeRegExp': classMask('regex'),
  'validator.whitelist': ALL_CLASSES & ~classMask('prototype'),
  'validator.toInt': ALL_CLASSES,
  'validator.toFloat': ALL_CLASSES,
  'validator.toBoolean': ALL_CLASSES,
  'validator.toDate': ALL_CLASSES,
  'validator.blacklist': 0,
  'uuid.validate': ALL_CLASSES,
};

export function sanitizerResult(api: string, arg: Value | undefined): Value | undefined {
  const mask = own(SANITIZERS, api);
  if (mask === undefined) return undefined;
  if (!arg) return EMPTY;
  if (mask === ALL_CLASSES) return NUMERIC;
  return sanitize(withoutStringFacts(taintOnly(arg)), mask);
}

