import type { SinkClass } from '../analysis/value.js';

/**
 * Sinks as data: which API, which arguments, and the condition under which the call is
 * dangerous. API ids are "<module>.<member>" (modules normalised: fs/promises and
 * fs-extra are "fs", mysql2 is "mysql") or an instance type and member
 * ("express.res.sendFile"), see apis.ts.
 */
export interface SinkSpec {
  cls: SinkClass;
  apis: readonly string[];
  /** Dangerous arguments by position. */
  args: readonly number[];
  /**
   * How an argument is checked:
   * - value: the argument itself (default)
   * - url: the argument, or the url/host/hostname/baseURL/uri properties of an options object
   * - sql: the argument, or its `sql`/`text` property
   * - filter: raw request objects anywhere in a query filter, input in `$where` or `$regex`, or operator names chosen by input
   * - where: the same for the `where` property of an ORM options object (Sequelize)
   * - string: the argument unless it is a function (timers)
   */
  check?: 'value' | 'url' | 'sql' | 'filter' | 'where' | 'string';
  /** Extra condition, by name (see conditions in apis.ts). */
  when?: 'shellOption' | 'execaShell' | 'noRootOption' | 'unsafeYaml' | 'noent' | 'vulnerableVersion' | 'htmlString' | 'notObject';
  /** Arguments checked only when `when` holds, in addition to `args` (spawn's argument list with shell: true). */
  argsWhen?: readonly number[];
  /** All arguments from this position on. */
  restFrom?: number;
  /**
   * Arguments that, when a library's caller passes them through whole (and `when`, if any, does
   * not hold), are the function's contract rather than an injection: the program that spawn or
   * execFile runs without a shell is the one its caller named, and no shell parses it; the
   * template a rendering helper compiles is the one its caller wrote.
   */
  callerChoice?: readonly number[];
  /**
   * The program and argument-list positions of a call that runs a program without a shell:
   * when `when` does not hold (no shell), the list is checked for argument injection (arguments.ts).
   */
  argv?: readonly [program: number, list: number];
  /** Human name in messages; defaults to the API id. */
  label?: string;
}

const FS_PATH_FUNCTIONS = [
  'readFile', 'readFileSync', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createReadStream', 'createWriteStream',
  'unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'mkdir', 'mkdirSync', 'readdir', 'readdirSync', 'opendir', 'opendirSync',
  'open', 'openSync', 'truncate', 'truncateSync', 'chmod', 'chmodSync', 'chown', 'chownSync', 'utimes', 'utimesSync', 'readlink', 'readlinkSync',
  'copyFile', 'copyFileSync', 'cp', 'cpSync', 'rename', 'renameSync', 'link', 'linkSync', 'symlink', 'symlinkSync',
  // fs-extra
  'copy', 'copySync', 'move', 'moveSync', 'remove', 'removeSync', 'outputFile', 'outputFileSync', 'readJson', 'readJsonSync', 'readJSON',
  'writeJson', 'writeJsonSync', 'outputJson', 'outputJsonSync', 'ensureDir', 'ensureDirSync', 'ensureFile', 'ensureFileSync', 'emptyDir',
  'emptyDirSync', 'mkdirp', 'mkdirs', 'mkdirsSync',
];
// Not sinks: stat, lstat, access, exists, realpath, watch and pathExists only tell whether a path exists
// (an oracle, not a read or write), and reporting them beside the read that follows doubles every finding.
const FS_TWO_PATHS = new Set(['copyFile', 'copyFileSync', 'cp', 'cpSync', 'rename', 'renameSync', 'link', 'linkSync', 'symlink', 'symlinkSync', 'copy', 'copySync', 'move', 'moveSync']);

const SEQUELIZE_FINDERS = ['find', 'findOne', 'findAll', 'findAndCountAll', 'findAndCount', 'findOrCreate', 'findById', 'count', 'destroy', 'max', 'min', 'sum'];

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];

export const SINKS: readonly SinkSpec[] = [
  // --- OS commands (CWE-78)
  { cls: 'command', apis: ['child_process.exec', 'child_process.execSync', 'child-process-promise.exec', 'shelljs.exec', 'exec-sh', 'node-cmd.run', 'node-cmd.get', 'node-cmd.runSync', 'execa.command', 'execa.commandSync', 'execa.execaCommand', 'execa.execaCommandSync', 'execa.shell', 'execa.shellSync', 'promisify-child-process.exec'], args: [0] },
  { cls: 'command', apis: ['child_process.spawn', 'child_process.spawnSync', 'child_process.execFile', 'child_process.execFileSync', 'cross-spawn', 'cross-spawn.sync', 'cross-spawn.spawn', 'child-process-promise.spawn', 'promisify-child-process.spawn'], args: [0], argsWhen: [1], when: 'shellOption', callerChoice: [0], argv: [0, 1] },
  { cls: 'command', apis: ['execa', 'execa.sync', 'execa.execa', 'execa.execaSync'], args: [], argsWhen: [0, 1], when: 'execaShell', argv: [0, 1] },
  // --- code evaluation (CWE-94)
  { cls: 'code', apis: ['global.eval'], args: [0], label: 'eval()' },
  { cls: 'code', apis: ['global.Function'], args: [], restFrom: 0, label: 'Function()' },
  { cls: 'code', apis: ['vm.runInNewContext', 'vm.runInContext', 'vm.runInThisContext', 'vm.compileFunction', 'vm.Script', 'vm.SourceTextModule', 'vm2.VM.run', 'vm2.NodeVM.run'], args: [0] },
  { cls: 'code', apis: ['lodash.template', 'underscore.template'], args: [0] },
  // Template source (not data): these engines compile templates to JavaScript, and their expressions reach it (SSTI).
  {
    cls: 'code',
    apis: [
      'nunjucks.renderString', 'nunjucks.compile', 'nunjucks.Template', 'nunjucks.env.renderString', 'ejs.render', 'ejs.compile',
      'pug.render', 'pug.compile', 'pug.compileClient', 'jade.render', 'jade.compile', 'dot.template', 'dot.compile',
    ],
    args: [0],
    callerChoice: [0],
  },
  // mathjs before 3.17 let expressions reach the Function constructor.
  { cls: 'code', apis: ['mathjs.eval', 'mathjs.evaluate'], args: [0], when: 'vulnerableVersion' },
  // gray-matter runs `---js` front matter with eval unless its JavaScript engine is replaced.
  { cls: 'code', apis: ['gray-matter', 'gray-matter.default'], args: [0] },
  { cls: 'code', apis: ['global.setTimeout', 'global.setInterval', 'global.setImmediate', 'timers.setTimeout', 'timers.setInterval'], args: [0], check: 'string' },
  // --- file system paths (CWE-22)
  ...FS_PATH_FUNCTIONS.map((name): SinkSpec => ({ cls: 'path', apis: [`fs.${name}`], args: FS_TWO_PATHS.has(name) ? [0, 1] : [0] })),
  // With a `root` option, send() refuses paths that climb out of it with `..` (403).
  { cls: 'path', apis: ['express.res.sendFile', 'express.res.sendfile', 'express.res.download'], args: [0], when: 'noRootOption' },
  { cls: 'path', apis: ['koa-send', 'send'], args: [1] },
  // filed(path) opens a read or write stream on the path (request's file helper).
  { cls: 'path', apis: ['filed'], args: [0] },
  // --- SQL (CWE-89)
  { cls: 'sql', apis: ['mysql.conn.query', 'mysql.conn.execute', 'pg.client.query', 'pgp.db.query', 'pgp.db.any', 'pgp.db.one', 'pgp.db.none', 'pgp.db.many', 'pgp.db.oneOrNone', 'pgp.db.manyOrNone', 'pgp.db.result', 'pgp.db.multi'], args: [0], check: 'sql' },
  { cls: 'sql', apis: ['sqlite.db.run', 'sqlite.db.get', 'sqlite.db.all', 'sqlite.db.each', 'sqlite.db.exec', 'sqlite.db.prepare', 'bsqlite.db.prepare', 'bsqlite.db.exec'], args: [0] },
  { cls: 'sql', apis: ['sequelize.db.query', 'sequelize.literal', 'sequelize.db.literal', 'sequelize.Sequelize.literal'], args: [0], check: 'sql' },
  { cls: 'sql', apis: ['knex.db.raw', 'knex.builder.raw', 'knex.builder.whereRaw', 'knex.builder.orWhereRaw', 'knex.builder.havingRaw', 'knex.builder.orderByRaw', 'knex.builder.groupByRaw', 'knex.builder.joinRaw', 'knex.builder.selectRaw', 'knex.db.whereRaw'], args: [0] },
  { cls: 'sql', apis: ['prisma.client.$queryRawUnsafe', 'prisma.client.$executeRawUnsafe'], args: [0] },
  // --- NoSQL (CWE-943)
  {
    cls: 'nosql',
    apis: ['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndRemove', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'countDocuments', 'count', 'remove', 'update', 'where', 'exists'].flatMap((m) => [`mongo.collection.${m}`, `mongoose.model.${m}`]),
    args: [0],
    check: 'filter',
  },
  // Sequelize before v5 reads string operator aliases ($gt, $ne, $like) in where objects by default.
  { cls: 'nosql', apis: SEQUELIZE_FINDERS.map((m) => `sequelize.model.${m}`), args: [0], check: 'where', when: 'vulnerableVersion' },
  { cls: 'nosql', apis: ['sequelize.model.update'], args: [1], check: 'where', when: 'vulnerableVersion' },
  // --- HTML responses (CWE-79)
  { cls: 'xss', apis: ['express.res.send'], args: [0], when: 'notObject' },
  { cls: 'xss', apis: ['express.res.write', 'express.res.end', 'http.res.write', 'http.res.end', 'hapi.h.response'], args: [0], when: 'htmlString' },
  // --- redirects (CWE-601)
  { cls: 'redirect', apis: ['express.res.redirect', 'express.res.location', 'koa.ctx.redirect', 'koa.response.redirect', 'hapi.h.redirect', 'next.NextResponse.redirect', 'next/server.NextResponse.redirect', 'next/navigation.redirect', 'next/navigation.permanentRedirect', 'global.Response.redirect'], args: [0] },
  { cls: 'redirect', apis: ['fastify.reply.redirect'], args: [0, 1] },
  // --- outgoing requests (CWE-918)
  { cls: 'ssrf', apis: ['http.request', 'http.get', 'https.request', 'https.get', 'global.fetch', 'node-fetch', 'axios', 'got', 'request', 'superagent', 'undici.request', 'undici.fetch', 'undici.stream', 'needle.request'], args: [0], check: 'url' },
  { cls: 'ssrf', apis: ['needle'], args: [1], check: 'url' },
  { cls: 'ssrf', apis: [...HTTP_METHODS.map((m) => `axios.${m}`), ...HTTP_METHODS.map((m) => `got.${m}`), ...HTTP_METHODS.map((m) => `request.${m}`), ...HTTP_METHODS.map((m) => `superagent.${m}`), ...HTTP_METHODS.map((m) => `needle.${m}`)], args: [0], check: 'url' },
  // --- deserialization (CWE-502)
  { cls: 'deserialization', apis: ['node-serialize.unserialize', 'serialize-to-js.deserialize', 'funcster.deepDeserialize', 'cryo.parse'], args: [0] },
  { cls: 'deserialization', apis: ['js-yaml.load', 'js-yaml.loadAll'], args: [0], when: 'unsafeYaml' },
  // --- prototype pollution through libraries (CWE-1321), only in versions before the fix
  { cls: 'prototype', apis: ['lodash.set', 'lodash.setWith', 'dot-prop.set', 'object-path.set', 'set-value'], args: [1], when: 'vulnerableVersion' },
  { cls: 'prototype', apis: ['lodash.zipObjectDeep'], args: [0], when: 'vulnerableVersion' },
  { cls: 'prototype', apis: ['lodash.merge', 'lodash.mergeWith', 'lodash.defaultsDeep', 'deep-extend'], args: [], restFrom: 1, when: 'vulnerableVersion' },
  // --- regular expressions (CWE-1333)
  { cls: 'regex', apis: ['global.RegExp'], args: [0] },
  // --- XML external entities (CWE-611)
  { cls: 'xxe', apis: ['libxmljs.parseXml', 'libxmljs.parseXmlString'], args: [0], when: 'noent' },
  // --- XPath queries (CWE-643)
  { cls: 'xpath', apis: ['xpath.select', 'xpath.select1', 'xpath.evaluate', 'xpath.parse'], args: [0] },
  // --- response headers (CWE-113); Location is a redirect and is handled in apis.ts
  { cls: 'header', apis: ['express.res.set', 'express.res.header', 'express.res.setHeader', 'express.res.append', 'http.res.setHeader', 'koa.ctx.set', 'fastify.reply.header'], args: [1] },
  // --- logs (CWE-117)
  { cls: 'log', apis: ['console.log', 'console.info', 'console.warn', 'console.error', 'console.debug'], args: [], restFrom: 0 },
];

/** Versions that fixed prototype pollution in the library sinks above (first safe version). */
export const FIXED_VERSIONS: Readonly<Record<string, string>> = {
  'lodash.set': '4.17.20',
  'lodash.setWith': '4.17.20',
  'lodash.zipObjectDeep': '4.17.20',
  'lodash.merge': '4.17.12',
  'lodash.mergeWith': '4.17.12',
  'lodash.defaultsDeep': '4.17.12',
  'dot-prop.set': '5.1.1',
  'object-path.set': '0.11.6',
  'set-value': '4.0.1',
  'deep-extend': '0.5.1',
  'mathjs.eval': '3.17.0',
  'mathjs.evaluate': '3.17.0',
  ...Object.fromEntries([...SEQUELIZE_FINDERS, 'update'].map((m) => [`sequelize.model.${m}`, '5.0.0'])),
};

/** Classes reported for library inputs: what a package's caller could not expect the package to do with its arguments. */
export const LIBRARY_CLASSES: ReadonlySet<SinkClass> = new Set<SinkClass>(['command', 'argument', 'code', 'path', 'prototype', 'deserialization']);

const byApi = new Map<string, SinkSpec[]>();
for (const spec of SINKS) {
  for (const api of spec.apis) {
    const list = byApi.get(api) ?? [];
    list.push(spec);
    byApi.set(api, list);
  }
}

export function sinksFor(api: string): readonly SinkSpec[] {
  return byApi.get(api) ?? [];
}
