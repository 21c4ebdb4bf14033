import type { Analyzer, CallSite } from '../analysis/analyzer.js';
import { awaited } from '../analysis/promises.js';
import type { AstNode } from '../source/parse.js';
import {
  ALL_CLASSES, EMPTY, NUMERIC, Obj, apiValue, classMask, fnValue, isEmptyValue, join, make, newFnId, objValue, sanitize, strValue,
  joinAll, leadingTaints, taintOnly, trailingTaints, withoutStringFacts, type Builtin, type SinkClass, type Taint, type Value,
} from '../analysis/value.js';
import type { ApiCall } from './apis.js';
import { dedupeTaint } from '../analysis/literals.js';
import { own } from './table.js';
import { captureCleaning } from './regex-groups.js';
import { callStore, isStoreMethod, storeApi } from './stores.js';

/**
 * The JavaScript runtime and common helpers: what flows through Object, Array,
 * Promise, JSON, path, util and string methods, and the default rule for calls nobody
 * modelled (taint flows from arguments and receiver to the result, and callbacks run
 * with it).
 */

function stringOf(v: Value): Value {
  return make({ taint: v.taint.map((t) => ({ ...t, raw: false })) });
}

function propagate(values: readonly Value[], raw = false): Value {
  const taint: Taint[] = [];
  for (const v of values) for (const t of v.taint) if (!taint.some((x) => x.label === t.label)) taint.push({ ...t, raw });
  return taint.length ? make({ taint: taint.slice(0, 6) }) : EMPTY;
}

/** Taint of a value and of the values inside it (JSON.stringify, String(obj)). */
function deepTaint(an: Analyzer, v: Value, depth = 0): Value {
  let result = taintOnly(v);
  if (depth >= 3) return result;
  for (const o of v.objs) result = join(result, deepTaint(an, o.all(), depth + 1));
  return result;
}

function newArray(an: Analyzer, site: CallSite, elements: Value): Value {
  const arr = an.newObj(site.node, true);
  arr.setDyn(elements);
  return objValue(arr);
}

/**
 * The array a non-global `match` or `exec` returns: the whole match at 0, then each capture
 * group, each clean for what its characters cannot express (regex-groups.ts).
 */
function matchArray(an: Analyzer, site: CallSite, regex: { pattern: string; flags: string }, input: Value): Value | undefined {
  if (regex.flags.includes('g') || input.taint.length === 0) return undefined;
  const cleaning = captureCleaning(`(${regex.pattern})`);
  if (!cleaning) return undefined;
  const arr = an.newObj(site.node, true);
  const text = stringOf(input);
  cleaning.slice(1).forEach((mask, i) => arr.set(String(i), mask === 0 ? text : sanitize(text, mask)));
  arr.set('index', NUMERIC);
  arr.set('input', text);
  return objValue(arr);
}

/** Calls every function among the arguments with the given parameter value. */
export function invokeCallbacks(an: Analyzer, args: readonly Value[], param: Value, site: CallSite): Value {
  let result = EMPTY;
  for (const a of args) {
    if (a.fns.length > 0) result = join(result, an.callValue(a, EMPTY, [param, param, param], site));
    // Task lists and maps of functions (async.parallel([...]), async.auto({...})).
    else for (const o of a.objs) for (const v of o.props.values()) if (v.fns.length > 0) an.callValue(v, EMPTY, [param, param, param], site);
  }
  return result;
}

function pathJoin(c: ApiCall): Value {
  const first = c.args[0];
  const taint = make({ taint: dedupeTaint([...(first ? leadingTaints(first) : []), ...c.args.slice(1).flatMap(trailingTaints)].map((t) => ({ ...t, raw: false }))) });
  const prefix = first?.str !== undefined && c.args.length > 1 && c.args.slice(1).some((a) => a.str === undefined) ? first.str : undefined;
  const allConstant = c.args.every((a) => a.str !== undefined && a.taint.length === 0);
  if (allConstant) return make({ str: c.args.map((a) => a.str).join('/'), norm: true });
  return make({ taint: taint.taint, norm: true, built: true, ...(prefix !== undefined ? { prefix } : {}) });
}

function promiseConstruct(c: ApiCall): Value {
  const { an, site } = c;
  const promise = an.newObj(site.node, false);
  promise.settled ??= EMPTY;
  const resolve: Builtin = {
    kind: 'builtin',
    id: newFnId(),
    name: 'resolve',
    impl: (call: { args: Value[] }) => {
      promise.settled = join(promise.settled ?? EMPTY, awaited(call.args[0] ?? EMPTY));
      return EMPTY;
    },
  };
  const reject: Builtin = { kind: 'builtin', id: newFnId(), name: 'reject', impl: () => EMPTY };
  const executor = c.args[0];
  if (executor) an.callValue(executor, EMPTY, [fnValue(resolve), fnValue(reject)], site);
  return objValue(promise);
}

function objectAssign(c: ApiCall): Value {
  const [target, ...sources] = c.args;
  if (!target) return EMPTY;
  for (const o of target.objs) {
    for (const src of sources) {
      for (const so of src.objs) {
        for (const [k, v] of so.props) o.set(k, v);
        if (!isEmptyValue(so.dyn)) o.setDyn(so.dyn);
      }
      if (src.taint.length > 0) o.setDyn(taintOnly(src));
    }
  }
  return join(target, propagate(sources, true));
}

function objectEntries(c: ApiCall): Value {
  const { an, site } = c;
  const src = c.args[0] ?? EMPTY;
  const pair = an.newObj(site.node.arguments?.[0] ?? site.node, true);
  pair.set('0', an.keysOf(src));
  pair.set('1', an.elementsOf(src, false, site.node));
  return newArray(an, site, objValue(pair));
}

function collectionCall(c: ApiCall, collectionIndex: number, callbackIndex: number, method: string): Value {
  const collection = c.args[collectionIndex] ?? EMPTY;
  const callback = c.args[callbackIndex];
  return arrayMethod(c.an, method, collection, callback ? [callback, ...c.args.slice(callbackIndex + 1)] : [], c.site);
}

/**
 * lodash's object iteration (forOwn, forIn, and forEach or mapValues over an object): the
 * iteratee gets (value, key, object), and the key is a property name of the collection,
 * attacker-chosen when the collection is.
 */
function objectIteration(c: ApiCall, mapsValues: boolean): Value {
  const collection = c.args[0] ?? EMPTY;
  const callback = c.args[1];
  if (!callback) return mapsValues ? newObjectLike(c, EMPTY) : collection;
  const element = c.an.elementsOf(collection, false, c.site.node);
  // An array of the package's own is iterated by index.
  const arrayOnly = collection.taint.length === 0 && collection.objs.length > 0 && collection.objs.every((o) => o.isArray);
  const key = arrayOnly ? NUMERIC : c.an.keysOf(collection);
  const result = c.an.callRepeatedly(callback, c.args[2] ?? EMPTY, [element, key, collection], c.site);
  return mapsValues ? newObjectLike(c, result) : collection;
}

function newObjectLike(c: ApiCall, values: Value): Value {
  const o = c.an.newObj(c.site.node, false);
  o.setDyn(values);
  return objValue(o);
}

/** Builtin behaviour by api id. */
export const BUILTIN_CALLS: Readonly<Record<string, (c: ApiCall) => Value>> = {
  'global.require': (c) => {
    const spec = c.args[0]?.str;
    if (spec !== undefined && c.args[0]!.taint.length === 0) return c.an.require(c.an.currentModule(), spec);
    // require(x) with x from a request loads and runs a module the attacker names. (Libraries routinely
    // require files under directories their callers pass: not reported for library input.)
    const spec0 = c.args[0];
    if (spec0) c.an.sink('code', make({ taint: spec0.taint.filter((t) => t.label.kind === 'web') }), c.site.node, 'require()');
    return EMPTY;
  },
  'global.String': (c) => (c.args[0] ? make({ ...withoutStringFacts(c.args[0]), taint: deepTaint(c.an, c.args[0]).taint.map((t) => ({ ...t, raw: false })), objs: [] }) : strValue('')),
  'global.Number': () => NUMERIC,
  'global.Boolean': () => NUMERIC,
  'global.parseInt': () => NUMERIC,
  'global.parseFloat': () => NUMERIC,
  'global.isNaN': () => NUMERIC,
  'global.isFinite': () => NUMERIC,
  'global.Date': () => EMPTY,
  'global.Symbol': () => EMPTY,
  'global.decodeURIComponent': (c) => stringOf(c.args[0] ?? EMPTY),
  'global.decodeURI': (c) => stringOf(c.args[0] ?? EMPTY),
  'global.unescape': (c) => stringOf(c.args[0] ?? EMPTY),
  'global.structuredClone': (c) => c.args[0] ?? EMPTY,
  'global.eval': () => EMPTY,
  'global.Function': () => EMPTY,
  'global.RegExp': (c) => (c.args[0]?.regex ? c.args[0] : EMPTY),
  'global.Error': (c) => {
    const err = c.an.newObj(c.site.node, false);
    if (c.args[0]) err.set('message', c.args[0]);
    return objValue(err);
  },
  'global.URL': (c) => propagate(c.args),
  'global.URLSearchParams': (c) => propagate(c.args),
  'global.Request': (c) => propagate(c.args),
  'global.Response': () => EMPTY,
  'global.Map': (c) => newArray(c.an, c.site, c.args[0] ? c.an.elementsOf(c.args[0], false, c.site.node) : EMPTY),
  'global.Set': (c) => newArray(c.an, c.site, c.args[0] ? c.an.elementsOf(c.args[0], false, c.site.node) : EMPTY),
  'global.WeakMap': (c) => newArray(c.an, c.site, EMPTY),
  'global.setTimeout': (c) => {
    if (c.args[0]?.fns.length) c.an.callValue(c.args[0], EMPTY, c.args.slice(2), c.site);
    return NUMERIC;
  },
  'global.setInterval': (c) => {
    if (c.args[0]?.fns.length) c.an.callValue(c.args[0], EMPTY, c.args.slice(2), c.site);
    return NUMERIC;
  },
  'global.setImmediate': (c) => {
    if (c.args[0]?.fns.length) c.an.callValue(c.args[0], EMPTY, c.args.slice(1), c.site);
    return NUMERIC;
  },
  'global.queueMicrotask': (c) => invokeCallbacks(c.an, c.args, EMPTY, c.site),
  'process.nextTick': (c) => {
    if (c.args[0]?.fns.length) c.an.callValue(c.args[0], EMPTY, c.args.slice(1), c.site);
    return EMPTY;
  },
  'JSON.parse': (c) => propagate([c.args[0] ?? EMPTY], true),
  'JSON.stringify': (c) => sanitize(stringOf(deepTaint(c.an, c.args[0] ?? EMPTY)), classMask('nosql', 'log', 'header')),
  'Object.keys': (c) => newArray(c.an, c.site, c.an.keysOf(c.args[0] ?? EMPTY)),
  'Object.getOwnPropertyNames': (c) => newArray(c.an, c.site, c.an.keysOf(c.args[0] ?? EMPTY)),
  'Object.values': (c) => newArray(c.an, c.site, c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node)),
  'Object.entries': objectEntries,
  'Object.assign': objectAssign,
  'Object.freeze': (c) => c.args[0] ?? EMPTY,
  'Object.seal': (c) => c.args[0] ?? EMPTY,
  'Object.preventExtensions': (c) => c.args[0] ?? EMPTY,
  'Object.fromEntries': (c) => {
    const o = c.an.newObj(c.site.node, false);
    const entries = c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node);
    o.setDyn(c.an.elementsOf(entries, false, c.site.node));
    return objValue(o);
  },
  'Object.create': (c) => {
    const o = c.an.newObj(c.site.node, false);
    const proto = c.args[0]?.objs[0];
    if (proto && proto !== o) o.proto = proto;
    return objValue(o);
  },
  'Object.setPrototypeOf': (c) => {
    const proto = c.args[1]?.objs[0];
    for (const o of c.args[0]?.objs ?? []) if (proto && proto !== o) o.proto = proto;
    return c.args[0] ?? EMPTY;
  },
  'Object.getPrototypeOf': (c) => {
    const proto = c.args[0]?.objs[0]?.proto;
    return proto ? objValue(proto) : EMPTY;
  },
  'Object.defineProperty': (c) => {
    const [target, key, desc] = c.args;
    if (!target || !desc) return target ?? EMPTY;
    let value = c.an.readProp(desc, 'value', null, null);
    const getter = c.an.readProp(desc, 'get', null, null);
    if (getter.fns.length > 0) value = join(value, c.an.callValue(getter, target, [], c.site));
    c.an.storeProp(target, key?.str ?? null, key ?? null, value, c.site.node, null);
    return target;
  },
  'Object.hasOwn': () => NUMERIC,
  'Object.is': () => NUMERIC,
  // Array(n) and new Array(n) make an empty array of that length; Array(a, b) and new Array(a, b) hold a and b.
  'Array': (c) => newArray(c.an, c.site, c.args.length === 1 && c.args[0]!.numeric ? EMPTY : joinAll(c.args)),
  'Array.isArray': () => NUMERIC,
  'Array.from': (c) => {
    const elements = c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node);
    const mapped = c.args[1]?.fns.length ? c.an.callValue(c.args[1], EMPTY, [elements, NUMERIC], c.site) : elements;
    return newArray(c.an, c.site, mapped);
  },
  'Array.of': (c) => newArray(c.an, c.site, propagate(c.args)),
  Promise: promiseConstruct,
  'Promise.resolve': (c) => c.args[0] ?? EMPTY,
  'Promise.reject': () => EMPTY,
  'Promise.all': (c) => newArray(c.an, c.site, awaited(c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node))),
  'Promise.allSettled': (c) => newArray(c.an, c.site, awaited(c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node))),
  'Promise.race': (c) => awaited(c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node)),
  'Promise.any': (c) => awaited(c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node)),
  'Buffer.from': (c) => stringOf(c.args[0] ?? EMPTY),
  // The deprecated constructor: `new Buffer(input, 'base64')` decodes like Buffer.from.
  Buffer: (c) => stringOf(c.args[0] ?? EMPTY),
  'Buffer.concat': (c) => stringOf(c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node)),
  'Buffer.alloc': () => EMPTY,
  'Buffer.isBuffer': () => NUMERIC,
  'Buffer.byteLength': () => NUMERIC,
  'Reflect.apply': (c) => c.an.callValue(c.args[0] ?? EMPTY, c.args[1] ?? EMPTY, [c.an.elementsOf(c.args[2] ?? EMPTY, false, c.site.node)], c.site),
  'Reflect.get': (c) => c.an.readProp(c.args[0] ?? EMPTY, c.args[1]?.str ?? null, c.args[1] ?? null, c.site.node),
  'Reflect.set': (c) => {
    c.an.storeProp(c.args[0] ?? EMPTY, c.args[1]?.str ?? null, c.args[1] ?? null, c.args[2] ?? EMPTY, c.site.node, null);
    return NUMERIC;
  },
  'Reflect.construct': (c) => c.an.construct(c.args[0] ?? EMPTY, [c.an.elementsOf(c.args[1] ?? EMPTY, false, c.site.node)], c.site.node, c.site),
  'path.join': pathJoin,
  'path.resolve': pathJoin,
  // The normalised form of the caller's whole path is still the path the caller chose (`dir = path.normalize(dir)`).
  'path.normalize': (c) => {
    const arg = c.args[0] ?? EMPTY;
    return make({ ...withoutStringFacts(arg), taint: leadingTaints(arg), norm: true });
  },
  'path.dirname': (c) => stringOf(c.args[0] ?? EMPTY),
  'path.extname': (c) => stringOf(c.args[0] ?? EMPTY),
  'path.relative': (c) => stringOf(propagate(c.args)),
  'path.format': (c) => stringOf(deepTaint(c.an, c.args[0] ?? EMPTY)),
  'path.toNamespacedPath': (c) => c.args[0] ?? EMPTY,
  'path.isAbsolute': () => NUMERIC,
  'path.parse': (c) => {
    const o = c.an.newObj(c.site.node, false);
    o.setDyn(stringOf(c.args[0] ?? EMPTY));
    return objValue(o);
  },
  'url.parse': (c) => {
    const o = c.an.newObj(c.site.node, false);
    const t = stringOf(c.args[0] ?? EMPTY);
    o.setDyn(t);
    if (c.args[1]?.str === 'true' && t.taint.length > 0) o.set('query', propagate([t], true));
    return make({ objs: [o], taint: t.taint });
  },
  'url.format': (c) => stringOf(deepTaint(c.an, c.args[0] ?? EMPTY)),
  'url.fileURLToPath': (c) => stringOf(c.args[0] ?? EMPTY),
  'querystring.parse': (c) => propagate([c.args[0] ?? EMPTY], true),
  'querystring.stringify': (c) => stringOf(deepTaint(c.an, c.args[0] ?? EMPTY)),
  'qs.parse': (c) => propagate([c.args[0] ?? EMPTY], true),
  'util.promisify': (c) => c.args[0] ?? EMPTY,
  'util.callbackify': (c) => c.args[0] ?? EMPTY,
  'util.format': (c) => stringOf(propagate(c.args.map((a) => deepTaint(c.an, a)))),
  'util.inspect': (c) => stringOf(deepTaint(c.an, c.args[0] ?? EMPTY)),
  'util.inherits': (c) => {
    const [child, parent] = c.args;
    for (const co of child?.objs ?? []) {
      if (!co.fn) continue;
      const childProto = c.an.prototypeOf(co);
      for (const po of parent?.objs ?? []) if (po.fn) childProto.proto = c.an.prototypeOf(po);
    }
    return EMPTY;
  },
  'bluebird.promisify': (c) => c.args[0] ?? EMPTY,
  'bluebird.promisifyAll': (c) => c.args[0] ?? EMPTY,
  pify: (c) => c.args[0] ?? EMPTY,
  'lodash.get': (c) => {
    const path = c.args[1]?.str;
    const base = c.args[0] ?? EMPTY;
    let v = base;
    if (path !== undefined) for (const part of path.split('.')) v = c.an.readProp(v, part, null, c.site.node);
    else v = c.an.readProp(base, null, c.args[1] ?? null, c.site.node);
    return join(v, c.args[2] ?? EMPTY);
  },
  'lodash.assignIn': objectAssign,
  'lodash.assignWith': objectAssign,
  'lodash.assignInWith': objectAssign,
  'lodash.extendWith': objectAssign,
  'underscore.extend': objectAssign,
  'underscore.extendOwn': objectAssign,
  'underscore.defaults': objectAssign,
  'object-assign': objectAssign,
  'util._extend': objectAssign,
  // extend([deep,] target, ...sources) (jQuery style) and xtend(...sources) -> new object
  extend: (c) => objectAssign({ ...c, args: c.args[0]?.numeric ? c.args.slice(1) : c.args }),
  xtend: (c) => objectAssign({ ...c, args: [objValue(c.an.newObj(c.site.node, false)), ...c.args] }),
  'lodash.merge': objectAssign,
  'lodash.mergeWith': objectAssign,
  'lodash.assign': objectAssign,
  'lodash.extend': objectAssign,
  'lodash.defaults': objectAssign,
  'lodash.defaultsDeep': objectAssign,
  'lodash.clone': (c) => c.args[0] ?? EMPTY,
  'lodash.cloneDeep': (c) => c.args[0] ?? EMPTY,
  'lodash.forEach': (c) => objectIteration(c, false),
  'lodash.each': (c) => objectIteration(c, false),
  'lodash.forOwn': (c) => objectIteration(c, false),
  'lodash.forIn': (c) => objectIteration(c, false),
  'lodash.forOwnRight': (c) => objectIteration(c, false),
  'lodash.forInRight': (c) => objectIteration(c, false),
  'lodash.map': (c) => collectionCall(c, 0, 1, 'map'),
  'lodash.mapValues': (c) => objectIteration(c, true),
  'lodash.filter': (c) => collectionCall(c, 0, 1, 'filter'),
  'lodash.find': (c) => collectionCall(c, 0, 1, 'find'),
  'lodash.reduce': (c) => collectionCall(c, 0, 1, 'reduce'),
  'lodash.some': (c) => collectionCall(c, 0, 1, 'some'),
  'lodash.every': (c) => collectionCall(c, 0, 1, 'every'),
  'lodash.keys': (c) => newArray(c.an, c.site, c.an.keysOf(c.args[0] ?? EMPTY)),
  'lodash.values': (c) => newArray(c.an, c.site, c.an.elementsOf(c.args[0] ?? EMPTY, false, c.site.node)),
  'async.each': (c) => collectionCall(c, 0, 1, 'forEach'),
  'async.eachSeries': (c) => collectionCall(c, 0, 1, 'forEach'),
  'async.map': (c) => collectionCall(c, 0, 1, 'map'),
  'async.mapSeries': (c) => collectionCall(c, 0, 1, 'map'),
  'async.forEachOf': (c) => collectionCall(c, 0, 1, 'forEach'),
};

// ------------------------------------------------------------------ methods

/** Methods whose result is a number or boolean whatever the receiver holds. */
const CLEAN_METHODS = new Set([
  'indexOf', 'lastIndexOf', 'includes', 'startsWith', 'endsWith', 'search', 'localeCompare', 'charCodeAt', 'codePointAt', 'test',
  'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'equals', 'compare', 'has', 'delete', 'findIndex', 'findLastIndex', 'some',
  'every', 'getTime', 'valueOf', 'isArray', 'toFixed', 'push', 'unshift', 'size', 'isFile', 'isDirectory', 'isSymbolicLink', 'write', 'end',
  'send', 'json', 'status', 'sendStatus', 'setHeader', 'removeHeader', 'getHeader', 'emit', 'listen', 'close', 'destroy', 'clear',
]);

const ARRAY_CALLBACKS = new Set(['forEach', 'map', 'filter', 'find', 'findLast', 'findIndex', 'findLastIndex', 'some', 'every', 'flatMap', 'reduce', 'reduceRight', 'sort', 'toSorted']);
const ARRAY_COPIES = new Set(['slice', 'concat', 'reverse', 'flat', 'toReversed', 'splice', 'copyWithin', 'fill', 'filter', 'sort', 'toSorted', 'values', 'entries', 'toSpliced', 'with']);

/** Array and collection methods (for project arrays and for tainted values alike). */
function arrayMethod(an: Analyzer, name: string, receiver: Value, args: Value[], site: CallSite): Value {
  const element = an.elementsOf(receiver, false, site.node);
  if (ARRAY_CALLBACKS.has(name)) {
    const callback = args[0] ?? EMPTY;
    if (name === 'reduce' || name === 'reduceRight') {
      // Without an initial value the first element is the accumulator.
      let acc = args.length > 1 ? args[1]! : element;
      for (let i = 0; i < 2; i++) acc = join(acc, an.callValue(callback, EMPTY, [acc, element, NUMERIC, receiver], site));
      return acc;
    }
    const result = name === 'sort' || name === 'toSorted' ? EMPTY : an.callRepeatedly(callback, args[1] ?? EMPTY, [element, NUMERIC, receiver], site);
    if (name === 'map' || name === 'flatMap') return newArray(an, site, name === 'flatMap' ? join(result, an.elementsOf(result, false, site.node)) : result);
    if (name === 'find' || name === 'findLast') return element;
    if (name === 'filter' || name === 'sort' || name === 'toSorted') return newArray(an, site, element);
    return name === 'forEach' ? EMPTY : NUMERIC;
  }
  if (ARRAY_COPIES.has(name)) {
    let elements = element;
    if (name === 'concat') for (const a of args) elements = join(elements, join(an.elementsOf(a, false, site.node), taintOnly(a)));
    return newArray(an, site, elements);
  }
  switch (name) {
    case 'pop':
    case 'shift':
    case 'at':
    case 'get':
    case 'next':
      return element;
    case 'keys':
      return newArray(an, site, an.keysOf(receiver));
    case 'join':
    case 'toString':
    case 'toLocaleString':
      return make({ taint: join(taintOnly(receiver), taintOnly(element)).taint.map((t) => ({ ...t, raw: false })), built: true });
    default:
      return EMPTY;
  }
}

function storeInto(receiver: Value, values: readonly Value[]): void {
  for (const o of receiver.objs) for (const v of values) o.setDyn(v);
}

/**
 * `.replace(pattern, replacement)`: a global allow-list replacement or an escaping one sanitises.
 * `replaced` is what a replacer function returned: when none of it comes from the match
 * (`c => MAP[c]`, `m => '&#' + m.charCodeAt(0) + ';'`), every matched character is gone.
 */
function replaceResult(receiver: Value, args: Value[], replaced?: Value, all = false): Value {
  const [pattern, replacement] = args;
  let result = stringOf(join(receiver, replacement && replacement.fns.length === 0 ? taintOnly(replacement) : EMPTY));
  if (receiver.built) result = make({ ...result, built: true, prefix: receiver.prefix, html: receiver.html, norm: receiver.norm });
  const regex = pattern?.regex;
  if (replaced) {
    const fromMatch = replaced.taint.some((t) => receiver.taint.some((r) => r.label === t.label));
    const mask = regex && !fromMatch ? removedCharactersSanitise(regex.pattern, all ? `${regex.flags}g` : regex.flags) : 0;
    const cleaned = mask ? sanitize(result, mask) : result;
    return replaced.taint.length > 0 ? make({ ...cleaned, taint: join(cleaned, stringOf(replaced)).taint }) : cleaned;
  }
  if (!regex || replacement?.str === undefined) return result;
  const mask = replacementSanitises(regex.pattern, regex.flags, replacement.str);
  return mask ? sanitize(result, mask) : result;
}

/** Character classes whose characters let input break out of each sink's context. */
const DANGEROUS: Readonly<Record<string, SinkClass[]>> = {
  '/': ['path', 'ssrf', 'redirect'],
  '\\': ['path', 'ssrf', 'redirect', 'sql', 'command', 'code', 'regex'],
  ';': ['command', 'sql', 'code'],
  '|': ['command', 'regex'],
  '&': ['command', 'xss'],
  $: ['command', 'regex', 'nosql'],
  '`': ['command', 'code'],
  "'": ['command', 'sql', 'code', 'xss', 'xpath'],
  '"': ['command', 'sql', 'code', 'xss', 'xpath'],
  '<': ['xss', 'command'],
  '>': ['xss', 'command'],
  '(': ['command', 'code', 'regex'],
  ')': ['command', 'code', 'regex'],
  '{': ['code', 'regex'],
  '}': ['code', 'regex'],
  '\n': ['header', 'log', 'command'],
  '\r': ['header', 'log'],
  ':': ['ssrf', 'redirect'],
  '.': ['regex'],
  '*': ['regex'],
  '+': ['regex', 'code'],
  '?': ['regex'],
  '[': ['regex', 'code'],
  ']': ['regex', 'code'],
  '^': ['regex'],
  _: ['prototype'],
  ' ': ['command'],
  '-': ['argument'],
};

/**
 * A whitelist replacement `/[^a-z0-9]/g -> ''` keeps only its allowed characters: the
 * classes none of whose dangerous characters are allowed become clean. Escaping
 * replacements (`'\\$&'`, HTML entities) clean their own class.
 */
export function replacementSanitises(pattern: string, flags: string, replacement: string): number {
  if (!flags.includes('g')) return 0;
  if (replacement === '\\$&' || replacement === '\\\\$&') return classMask('regex');
  if (/^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);$/i.test(replacement)) return classMask('xss');
  if (/^(\\r|\\n|\[\\r\\n\]|\[\\n\\r\]|\\r\?\\n|\\n\|\\r|\\r\|\\n)\+?$/.test(pattern) && !/[\r\n]/.test(replacement)) return classMask('log', 'header');
  const negated = /^\[\^((?:\\.|[^\]\\])*)\][+*]?$/.exec(pattern);
  if (!negated || /[^A-Za-z0-9_ .-]/.test(replacement)) return 0;
  const allowed = allowedChars(negated[1]!);
  if (!allowed) return 0;
  let unsafe = 0;
  for (const [ch, classes] of Object.entries(DANGEROUS)) {
    if (allowed.has(ch) || replacement.includes(ch)) unsafe |= classMask(...classes);
  }
  return ALL_CLASSES & ~unsafe;
}

/** Classes the base64 alphabet cannot harm: no quotes, spaces, markup, line breaks or dots (a slash still shapes paths and URLs). */
const BASE64_SAFE = classMask('command', 'code', 'sql', 'nosql', 'xss', 'header', 'log', 'xpath');

/** Classes some characters are dangerous for (the others do not depend on characters). */
const RESTRICTABLE = Object.values(DANGEROUS).reduce((mask, classes) => mask | classMask(...classes), 0);

/**
 * Classes made safe by replacing every match of `pattern` (a character class or an
 * alternation of single characters) with text that is not the match: those whose
 * dangerous characters are all matched; HTML once `<`, `>` and `&` are.
 */
export function removedCharactersSanitise(pattern: string, flags: string): number {
  if (!flags.includes('g')) return 0;
  const cls = /^\[((?:\\.|[^\]\\])*)\][+]?$/.exec(pattern);
  let removed: Set<string> | null;
  if (cls) removed = cls[1]!.startsWith('^') ? null : allowedChars(cls[1]!);
  else {
    const alternatives = pattern.split('|');
    removed = alternatives.every((a) => /^(\\.|[^\\[\](){}*+?.^$])$/.test(a)) ? new Set(alternatives.map((a) => (a.length === 2 ? a[1]! : a))) : null;
  }
  if (!removed || removed.size === 0) return 0;
  let unsafe = 0;
  for (const [ch, classes] of Object.entries(DANGEROUS)) if (!removed.has(ch)) unsafe |= classMask(...classes);
  let mask = RESTRICTABLE & ~unsafe;
  if (removed.has('<') && removed.has('>') && removed.has('&')) mask |= classMask('xss');
  return mask;
}

function allowedChars(body: string): Set<string> | null {
  const out = new Set<string>();
  const add = (from: number, to: number) => {
    for (let c = from; c <= to && c - from < 300; c++) out.add(String.fromCharCode(c));
  };
  for (let i = 0; i < body.length; i++) {
    let ch = body[i]!;
    if (ch === '\\') {
      const next = body[++i];
      if (next === undefined) return null;
      if (next === 'w') {
        add(48, 57);
        add(65, 90);
        add(97, 122);
        out.add('_');
        continue;
      }
      if (next === 'd') {
        add(48, 57);
        continue;
      }
      if (next === 's') {
        for (const c of ' \t\n\r\f\v') out.add(c);
        continue;
      }
      if (next === 'n') ch = '\n';
      else if (next === 'r') ch = '\r';
      else if (next === 't') ch = '\t';
      else if (/[WDSbBpPux]/.test(next)) return null;
      else ch = next;
    }
    if (body[i + 1] === '-' && body[i + 2] !== undefined && body[i + 2] !== ']') {
      let end = body[i + 2]!;
      i += 2;
      if (end === '\\') end = body[++i] ?? end;
      add(ch.charCodeAt(0), end.charCodeAt(0));
      continue;
    }
    out.add(ch);
  }
  return out;
}

const LOG_METHODS = new Set(['info', 'warn', 'error', 'debug', 'trace', 'log', 'fatal', 'verbose', 'silly', 'notice', 'critical']);
const DB_RECEIVER = /(^|[^a-z])(db|database|conn|connection|pool|client|mysql|pg|postgres|sql|sqlite|sequelize|knex|trx|tx|transaction|manager|datasource|repository|queryrunner)$/i;
const SQL_KEYWORDS = /^\s*\(?\s*(select|insert|update|delete|create|drop|alter|replace|pragma|with|merge|truncate|exec|call)\b/i;
const RESPONSE_TYPES: Readonly<Record<string, string>> = { res: 'express.res', response: 'express.res', resp: 'express.res', reply: 'fastify.reply', h: 'hapi.h' };
const REQUEST_TYPES: Readonly<Record<string, string>> = { req: 'express.req', request: 'express.req' };
const NOSQL_METHODS = new Set(['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndRemove', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'countDocuments', 'remove', 'where', 'exists']);
const VERBS = new Set(['get', 'post', 'put', 'delete', 'del', 'patch', 'all', 'use', 'options', 'head']);

/** The last name of a receiver expression: `db` in db.query, `conn` in this.conn.query. */
export function receiverName(node: AstNode | null): string {
  if (!node) return '';
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed) return node.property.name ?? '';
  if (node.type === 'ThisExpression') return 'this';
  if (node.type === 'CallExpression') return receiverName(node.callee);
  if (node.type === 'AwaitExpression' || node.type === 'TSNonNullExpression' || node.type === 'TSAsExpression' || node.type === 'ChainExpression') return receiverName(node.expression ?? node.argument);
  return '';
}

/** Handler-shaped functions registered on an object we could not identify (an app passed from another module). */
function heuristicRegistration(an: Analyzer, name: string, args: readonly Value[], site: CallSite): boolean {
  if (!VERBS.has(name) && name !== 'route') return false;
  let found = false;
  for (const a of args) {
    for (const f of a.fns) {
      if (f.kind !== 'closure') continue;
      const params: AstNode[] = f.node.params;
      const p = params.map((x) => (x.type === 'Identifier' ? x.name : x.type === 'AssignmentPattern' && x.left.type === 'Identifier' ? x.left.name : ''));
      let kind: 'express' | 'koa' | 'fastify' | 'hapi' | null = null;
      if (/^_?(req|request)$/.test(p[0] ?? '') && /^_?(res|response|resp)$/.test(p[1] ?? '')) kind = 'express';
      else if (/^_?(err|error)$/.test(p[0] ?? '') && /^_?(req|request)$/.test(p[1] ?? '')) kind = 'express';
      else if (/^(request|req)$/.test(p[0] ?? '') && p[1] === 'reply') kind = 'fastify';
      else if (/^(request|req)$/.test(p[0] ?? '') && p[1] === 'h') kind = 'hapi';
      else if (p[0] === 'ctx' && (p.length === 1 || p[1] === 'next')) kind = 'koa';
      if (kind) {
        an.enterHandler(kind, fnValue(f, f.obj), site.node);
        found = true;
      }
    }
  }
  return found;
}

/**
 * Reads of Prisma, Sequelize, TypeORM and Mongoose models on a receiver the analysis does not
 * know (`prisma.link.findUnique({ where: { slug } })`). Not `find`: lodash's and arrays' find
 * return an element of their argument.
 */
const ORM_READS = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'findOne', 'findOneBy', 'findOneByOrFail', 'findOneOrFail',
  'findBy', 'findById', 'findByPk', 'findAll', 'findAndCountAll', 'findAndCount',
]);

/**
 * Calls nothing else explains: array and string methods, event emitters of project
 * objects, sinks and handlers recognised by receiver names, and the default
 * propagation from arguments and receiver to the result.
 */
export function defaultMethodCall(an: Analyzer, _fnV: Value, thisValue: Value, args: Value[], site: CallSite, isMethod: boolean): Value {
  const name = site.name;
  if (isMethod && name) {
    if (heuristicRegistration(an, name, args, site)) return thisValue;
    const recv = receiverName(site.recvNode);
    // No model matched (else we would not be here): recognise the receiver by its name.
    if (thisValue.objs.length === 0) {
      const responseType = own(RESPONSE_TYPES, recv);
      if (responseType) return an.invoke(apiValue(`${responseType}.${name}`), apiValue(responseType), args, site, false);
      const requestType = own(REQUEST_TYPES, recv);
      if (requestType && thisValue.taint.length === 0 && (name === 'get' || name === 'header' || name === 'param')) {
        return EMPTY;
      }
      const stored = modelCall(an, recv, name, thisValue, args, site);
      if (stored) {
        // Unchanged otherwise: a NoSQL filter is still checked, other calls still pass their arguments' taint on.
        if (heuristicSinks(an, recv, name, args, site)) return stored;
        return join(stored, propagate(args));
      }
      if (heuristicSinks(an, recv, name, args, site)) return EMPTY;
    }
    if (thisValue.fns.length > 0) {
      if (name === 'call') return an.callValue(thisValue, args[0] ?? EMPTY, args.slice(1), site);
      if (name === 'apply') return an.callValue(thisValue, args[0] ?? EMPTY, spreadArgs(an, args[1], site), site);
      if (name === 'bind') {
        const bound = thisValue.fns.map((target) => ({ kind: 'bound' as const, id: newFnId(), target, thisValue: args[0] ?? EMPTY, args: args.slice(1) }));
        return make({ fns: bound });
      }
    }
    if (name === 'then' || name === 'catch' || name === 'finally') {
      const settled = name === 'then' ? awaited(thisValue) : EMPTY;
      let result = name === 'then' ? EMPTY : thisValue;
      if (args[0]?.fns.length) result = join(result, awaited(an.callValue(args[0], EMPTY, [settled], site)));
      if (name === 'then' && args[1]?.fns.length) an.callValue(args[1], EMPTY, [EMPTY], site);
      return result;
    }
    if (thisValue.objs.length > 0) {
      const emitter = eventEmitter(an, name, thisValue, args, site);
      if (emitter) return emitter;
      if (name === 'push' || name === 'unshift' || name === 'add') {
        storeInto(thisValue, args);
        return name === 'add' ? thisValue : NUMERIC;
      }
      if (name === 'set' && args.length >= 2) {
        storeInto(thisValue, [args[1]!]);
        return thisValue;
      }
    }
    const arrayLike = ARRAY_CALLBACKS.has(name) || ARRAY_COPIES.has(name) || ['pop', 'shift', 'at', 'get', 'keys', 'join', 'next'].includes(name);
    // Project arrays and collections; for strings only the callback methods matter (s.split(',').map(f)).
    if (arrayLike && (thisValue.objs.length > 0 || (ARRAY_CALLBACKS.has(name) && args.some((a) => a.fns.length > 0)))) {
      let r = arrayMethod(an, name, thisValue, args, site);
      if (name === 'join' || name === 'concat') r = join(r, propagate(args));
      if (ARRAY_COPIES.has(name) && thisValue.taint.length > 0) r = join(r, stringOf(thisValue));
      return r;
    }
    if (CLEAN_METHODS.has(name)) {
      invokeCallbacks(an, args, EMPTY, site);
      return NUMERIC;
    }
    if (name === 'replace' || name === 'replaceAll') {
      // A replacer function receives the match and its groups.
      let replaced: Value | undefined;
      if (args[1]?.fns.length) {
        const piece = stringOf(thisValue);
        replaced = an.callValue(args[1], EMPTY, [piece, piece, piece, piece, NUMERIC, piece], site);
      }
      return replaceResult(thisValue, args, replaced, name === 'replaceAll');
    }
    if (name === 'split' || name === 'match' || name === 'matchAll' || name === 'exec') {
      const src = name === 'exec' ? join(thisValue, args[0] ?? EMPTY) : thisValue;
      const pattern = name === 'exec' ? thisValue.regex : name === 'match' ? args[0]?.regex : undefined;
      return (pattern && matchArray(an, site, pattern, taintOnly(src))) ?? stringOf(taintOnly(src));
    }
    if (name === 'concat') return make({ ...stringOf(propagate([thisValue, ...args])), built: true, prefix: thisValue.str ?? thisValue.prefix });
    if (name === 'toString' && thisValue.taint.length === 0 && thisValue.objs.length > 0) return EMPTY;
    // A buffer's hex or base64 text (buffers are modelled as strings): digits and letters, `+/=` at most.
    if (name === 'toString' && args[0]?.str === 'hex') return NUMERIC;
    if (name === 'toString' && args[0]?.str === 'base64') return sanitize(stringOf(taintOnly(thisValue)), BASE64_SAFE);
  }
  // An ORM's read gives rows of the database, not its query: the slug a link is looked up by is not the link's stored URL.
  if (isMethod && name && ORM_READS.has(name) && thisValue.objs.length === 0 && thisValue.fns.length === 0) {
    const rows = propagate([thisValue]);
    invokeCallbacks(an, args, rows, site);
    return rows;
  }
  const taint = propagate(isMethod ? [thisValue, ...args] : args);
  invokeCallbacks(an, args, taint, site);
  if (isMethod && name && /^(trim|trimStart|trimEnd|toLowerCase|toUpperCase|toLocaleLowerCase|toLocaleUpperCase|normalize|padStart|padEnd|slice|substring|substr|toString)$/.test(name)) {
    if (thisValue.norm || thisValue.built) return make({ ...taint, built: thisValue.built, norm: thisValue.norm, prefix: name === 'slice' || name === 'substring' || name === 'substr' ? undefined : thisValue.prefix });
  }
  return taint;
}

function spreadArgs(an: Analyzer, list: Value | undefined, site: CallSite): Value[] {
  if (!list) return [];
  const known = list.objs.find((o) => o.isArray && o.props.size > 0);
  if (known && list.objs.length === 1) {
    const out: Value[] = [];
    for (let i = 0; known.props.has(String(i)); i++) out.push(known.props.get(String(i))!);
    if (!isEmptyValue(known.dyn)) out.push(known.dyn);
    return out;
  }
  const e = join(an.elementsOf(list, false, site.node), taintOnly(list));
  return [e, e, e, e];
}

/**
 * Reads and writes on a receiver named like a model or collection whose value is unknown
 * (`db.Product.findAll()`, with models loaded dynamically): the receiver's name names the store.
 */
function modelCall(an: Analyzer, recv: string, name: string, thisValue: Value, args: Value[], site: CallSite): Value | undefined {
  if (thisValue.fns.length > 0 || thisValue.apis.length > 0 || thisValue.taint.length > 0 || !isStoreMethod(name)) return undefined;
  if (!/^[A-Z][a-z][A-Za-z0-9]*$/.test(recv) && !/[a-z](collection|coll|model)$/i.test(recv)) return undefined;
  return callStore(an, `${storeApi('model', recv)}.${name}`, thisValue, args, site, false);
}

/** Sinks recognised by the receiver's name when its type is unknown (a connection passed in from elsewhere). */
function heuristicSinks(an: Analyzer, recv: string, name: string, args: readonly Value[], site: CallSite): boolean {
  const first = args[0];
  if (!first) return false;
  // Most calls match no sink here: the callee's text is read only for one that does.
  const label = () => `${an.text(site.node.callee, 40)}()`;
  if ((name === 'query' || name === 'execute') && DB_RECEIVER.test(recv)) {
    const sql = first.objs.length > 0 ? join(first, join(an.readProp(make({ objs: first.objs }), 'sql', null, null), an.readProp(make({ objs: first.objs }), 'text', null, null))) : first;
    an.sink('sql', sql, site.node, label());
    return true;
  }
  if (/^(raw|whereRaw|orWhereRaw|havingRaw|orderByRaw|groupByRaw|joinRaw|\$queryRawUnsafe|\$executeRawUnsafe)$/.test(name)) {
    an.sink('sql', first, site.node, label());
    return true;
  }
  if (/^(run|all|get|each|exec|prepare)$/.test(name) && /^(db|database|sqlite|conn|connection)$/i.test(recv)) {
    if (first.built && SQL_KEYWORDS.test(first.prefix ?? '')) {
      an.sink('sql', first, site.node, label());
      return true;
    }
  }
  if (NOSQL_METHODS.has(name) && (/^[A-Z][A-Za-z0-9]*$/.test(recv) || /(collection|coll|model)$/i.test(recv))) {
    an.invoke(apiValue(`mongoose.model.${name}`), apiValue('mongoose.model'), [...args], site, false);
    return true;
  }
  if (LOG_METHODS.has(name) && /^(logger|log|winston|pino|bunyan|logging)$/i.test(recv)) {
    for (const a of args) an.sink('log', a, site.node, label());
    return false;
  }
  return false;
}

/** `on(event, handler)` / `emit(event, ...args)` on project objects: handlers run with what was emitted. */
function eventEmitter(an: Analyzer, name: string, receiver: Value, args: Value[], site: CallSite): Value | undefined {
  const event = args[0]?.str;
  if (event === undefined) return undefined;
  if (name === 'on' || name === 'once' || name === 'addListener' || name === 'prependListener') {
    const handler = args[1];
    if (!handler || handler.fns.length === 0) return undefined;
    const emitted: Value[] = [];
    for (const o of receiver.objs) {
      o.set(`@on:${event}`, handler);
      for (let i = 0; i < 4; i++) {
        const v = o.props.get(`@emit:${event}:${i}`);
        if (v) emitted[i] = join(emitted[i] ?? EMPTY, v);
      }
    }
    an.callValue(handler, receiver, emitted.map((v) => v ?? EMPTY), site);
    return receiver;
  }
  if (name === 'emit') {
    let handlers = EMPTY;
    for (const o of receiver.objs) {
      args.slice(1, 5).forEach((a, i) => o.set(`@emit:${event}:${i}`, a));
      const h = o.get(`@on:${event}`);
      if (h) handlers = join(handlers, h);
    }
    if (handlers.fns.length > 0) an.callValue(handlers, receiver, args.slice(1), site);
    return NUMERIC;
  }
  return undefined;
}

export { Obj };
