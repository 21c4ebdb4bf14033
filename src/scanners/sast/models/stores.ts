import type { Analyzer, CallSite } from '../analysis/analyzer.js';
import {
  ALL_CLASSES, CLASS_BIT, EMPTY, apiValue, isEmptyValue, join, make, newLabel, objValue, taintOnly, withStep, type Loc, type Taint, type Value,
} from '../analysis/value.js';
import { own } from './table.js';

/**
 * Stored data (second-order flows): request input written to a database collection or
 * model and read back later. A store is named by what the code names it with: a MongoDB
 * collection name (`db.collection("memos")`), a mongoose model name, or the receiver of
 * model-style calls (`Product.findAll()`). Writes record which fields got request input;
 * reads give documents whose fields carry that input again, live for XSS only (stored
 * XSS is the class where a later reader is the victim; re-used stored values in queries
 * and commands would need a model of what the schema accepts).
 *
 * Reads can be analysed before the writes that feed them, so the analysis runs again
 * with the first run's writes as the seed (see analyseProject). A project analysed in
 * independent parts gives each part that reads a store another part wrote one more
 * analysis, seeded with its own writes and the other parts' (see crossPartStores in ../index.ts).
 */

/** Store key -> field ("*" for a whole document) -> taints written there. */
export type StoredData = Map<string, Map<string, Taint[]>>;

const STORE = 'store:';
const DOC = '#doc';

/** Methods that write their data argument: which argument positions carry documents. */
const WRITES: Readonly<Record<string, 'doc' | 'docs' | 'update'>> = {
  insert: 'doc', insertOne: 'doc', save: 'doc', create: 'doc', build: 'doc', upsert: 'doc',
  insertMany: 'docs', bulkCreate: 'docs',
  update: 'update', updateOne: 'update', updateMany: 'update', replaceOne: 'update', findOneAndUpdate: 'update',
  findOneAndReplace: 'update', findByIdAndUpdate: 'update', findAndModify: 'update',
};

/** Methods that return documents (directly, through a promise, a cursor or a callback). */
const READS = new Set([
  'find', 'findOne', 'findAll', 'findById', 'findByPk', 'findOrCreate', 'findAndCountAll', 'findOneAndUpdate', 'findOneAndReplace',
  'findByIdAndUpdate', 'findAndModify', 'aggregate', 'distinct',
]);

/** Reads that give one document, and reads that give a list; others (find, then, exec) may give either. */
const SINGLE = new Set(['findOne', 'findById', 'findByPk', 'findOneAndUpdate', 'findOneAndReplace', 'findByIdAndUpdate', 'findAndModify', 'next']);
const MANY = new Set(['findAll', 'aggregate', 'distinct', 'toArray', 'sort', 'limit', 'skip', 'bulkCreate', 'insertMany']);

/** Cursor and query methods that keep the documents (chaining) or hand them over. */
const CURSOR = new Set(['sort', 'limit', 'skip', 'project', 'select', 'lean', 'populate', 'where', 'toArray', 'exec', 'next', 'then', 'all', 'stream']);

const UPDATE_OPERATORS = ['$set', '$setOnInsert', '$push', '$addToSet'];

/** The api id of a store (the value of a collection or model): "store:mongo/memos". */
export function storeApi(kind: string, name: string): string {
  return `${STORE}${kind}/${name.replace(/[^\w$-]/g, '_')}`;
}

/** A method name that reads or writes a model-like receiver. */
export function isStoreMethod(name: string): boolean {
  return own(WRITES, name) !== undefined || READS.has(name);
}

/** At most this many taints per stored field (first come, first kept). */
const MAX_PER_FIELD = 4;

/** Stored data of one analysis: the seed it reads from, the writes it records and the stores it reads. */
export class StoreModel {
  readonly written: StoredData = new Map();
  /** Keys of the stores the analysis reads documents from. */
  readonly read = new Set<string>();

  constructor(readonly seed: StoredData = new Map()) {}

  record(key: string, field: string, value: Value, at: Loc): void {
    const web = value.taint.filter((t) => t.label.kind === 'web' && !t.label.stored && (t.clean & CLASS_BIT.xss) === 0);
    if (web.length === 0) return;
    let fields = this.written.get(key);
    if (!fields) {
      fields = new Map();
      this.written.set(key, fields);
    }
    const list = fields.get(field) ?? [];
    for (const t of withStep(make({ taint: web }), at, `stored in ${key.slice(key.indexOf('/') + 1)}${field === '*' ? '' : `.${field}`}`).taint) {
      if (list.length < MAX_PER_FIELD && !list.some((x) => x.label === t.label)) list.push(t);
    }
    fields.set(field, list);
  }
}

/**
 * The union of stored data, in the order given (the first taints of a field are kept, as
 * in one analysis), restricted to the store keys `keys` when given. Taints are compared by
 * label id: data that crossed from a worker thread has copies of the labels, not the labels.
 */
export function mergeStored(sources: readonly StoredData[], keys?: ReadonlySet<string>): StoredData {
  const out: StoredData = new Map();
  for (const source of sources) {
    for (const [key, fields] of source) {
      if (keys && !keys.has(key)) continue;
      let into = out.get(key);
      if (!into) {
        into = new Map();
        out.set(key, into);
      }
      for (const [field, taints] of fields) {
        const list = into.get(field) ?? [];
        for (const t of taints) if (list.length < MAX_PER_FIELD && !list.some((x) => x.label.id === t.label.id)) list.push(t);
        into.set(field, list);
      }
    }
  }
  return out;
}

/** Runs a call on a store api; undefined when the id is not one. */
export function callStore(an: Analyzer, id: string, thisValue: Value, args: readonly Value[], site: CallSite, isNew: boolean): Value | undefined {
  if (!id.startsWith(STORE)) return undefined;
  const dot = id.lastIndexOf('.');
  const head = dot < 0 ? id : id.slice(0, dot);
  // A query or cursor remembers whether it gives one document or a list: "store:mongo/users~one".
  const shapeMark = /~(one|many)$/.exec(head);
  const key = head.replace(/~(one|many)$/, '').replace(DOC, '').slice(STORE.length);
  if (isNew) {
    // new Model(doc): an unsaved document of that model.
    const doc = documentOf(an, key, site, 'one');
    for (const o of doc.objs) for (const src of args[0]?.objs ?? []) for (const [k, v] of src.props) o.set(k, v);
    return doc;
  }
  // Members of stored values (doc.tags.find(...)) are not the store's methods.
  if (dot < 0 || id.indexOf('.') !== dot) return undefined;
  const method = id.slice(dot + 1);
  const onDocument = id.slice(0, dot).endsWith(DOC);
  if (onDocument) {
    // doc.save() / doc.update(values): the document's own fields are written.
    if (method === 'save' || method === 'update' || method === 'set') {
      recordDocument(an, key, thisValue, site);
      for (const a of args) recordDocument(an, key, a, site);
    }
    return undefined;
  }
  const write = own(WRITES, method);
  if (write) recordWrite(an, key, write, args, site);
  if (READS.has(method) || CURSOR.has(method)) {
    an.stores.read.add(key);
    const shape = SINGLE.has(method) ? 'one' : MANY.has(method) ? 'many' : ((shapeMark?.[1] as 'one' | 'many' | undefined) ?? 'either');
    const docs = documentOf(an, key, site, shape);
    for (const a of args) if (a.fns.length > 0) an.callValue(a, EMPTY, [docs, docs, docs], site);
    return method === 'then' ? EMPTY : join(docs, apiValue(`${STORE}${key}${shape === 'either' ? '' : `~${shape}`}`));
  }
  return undefined;
}

function recordWrite(an: Analyzer, key: string, write: 'doc' | 'docs' | 'update', args: readonly Value[], site: CallSite): void {
  if (write === 'doc') return recordDocument(an, key, args[0] ?? EMPTY, site);
  if (write === 'docs') return recordDocument(an, key, an.elementsOf(args[0] ?? EMPTY, false, site.node), site);
  // update(filter, update) (MongoDB, mongoose) or update(values, { where }) (Sequelize).
  const second = args[1];
  const sequelizeStyle = !!second && second.objs.some((o) => o.props.has('where'));
  const data = sequelizeStyle ? args[0] : second;
  if (!data) return;
  let operators = false;
  for (const o of data.objs) {
    for (const op of UPDATE_OPERATORS) {
      const v = o.props.get(op);
      if (v) {
        operators = true;
        recordDocument(an, key, v, site);
      }
    }
  }
  if (!operators) recordDocument(an, key, data, site);
}

function recordDocument(an: Analyzer, key: string, doc: Value, site: CallSite): void {
  const stores = an.stores;
  const at = an.loc(site.node);
  if (doc.taint.length > 0) stores.record(key, '*', taintOnly(doc), at);
  for (const o of doc.objs) {
    if (o.fn) continue;
    for (const [field, v] of o.props) if (!field.startsWith('@')) stores.record(key, field, deepTaint(v), at);
    // Values under computed keys (doc[k] = v) may be any field; the documents of a list are recorded with their own fields.
    if (!isEmptyValue(o.dyn)) stores.record(key, '*', taintOnly(o.dyn), at);
  }
}

function deepTaint(v: Value, depth = 0): Value {
  let result = taintOnly(v);
  if (depth >= 2) return result;
  for (const o of v.objs) {
    if (o.fn) continue;
    for (const p of o.props.values()) result = join(result, deepTaint(p, depth + 1));
    result = join(result, deepTaint(o.dyn, depth + 1));
  }
  return result;
}

/**
 * What a read gives: one document of the store (fields with their stored input) and a
 * list of such documents, so `doc.name` and `docs[i].name` / `docs.forEach` both work.
 * The document is a store document: `doc.x = input; doc.save()` writes to the store.
 */
function documentOf(an: Analyzer, key: string, site: CallSite, shape: 'one' | 'many' | 'either'): Value {
  const doc = an.newObj(site.node, false);
  const fields = an.stores.seed.get(key);
  const at = an.loc(site.node);
  const name = key.slice(key.indexOf('/') + 1);
  if (fields) {
    for (const [field, taints] of fields) {
      const stored = withStep(make({ taint: taints.map(storedTaint) }), at, `read from ${name}`);
      if (field === '*') doc.setDyn(stored);
      else doc.set(field, stored);
    }
  }
  const docValue = join(objValue(doc), apiValue(`${STORE}${key}${DOC}`));
  if (shape === 'one') return docValue;
  const list = an.newObj(site.node.callee ?? site.node, true);
  list.setDyn(docValue);
  return shape === 'many' ? objValue(list) : join(docValue, objValue(list));
}

const storedLabels = new WeakMap<object, Taint['label']>();

/** The stored copy of a written taint: its own label (reported as stored), live for XSS only. */
function storedTaint(t: Taint): Taint {
  let label = storedLabels.get(t.label);
  if (!label) {
    label = { ...newLabel(`stored:${t.label.id}`, 'web', t.label.what), stored: true };
    storedLabels.set(t.label, label);
  }
  return { label, step: t.step, clean: ALL_CLASSES & ~CLASS_BIT.xss, raw: false };
}
