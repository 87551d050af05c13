/**
 * The database actions of the CloudBase admin API, as node-sdk 3.18.3 / @cloudbase/database 1.4.3
 * send them (body fields beside `action` and `envName`), and the `data` they answer:
 *
 * | action                       | fields                                                        | answer                                   |
 * |------------------------------|---------------------------------------------------------------|------------------------------------------|
 * | database.addCollection       | collectionName                                                | data: {}                                 |
 * | database.insertDocument      | collectionName, data: EJSON string[], transactionId?          | data: {insertedIds}                      |
 * | database.getDocument         | collectionName, queryType DOC|WHERE, query?, order?, offset?, limit? (default 100, at most 1000), projection?, transactionId? | data: {list: EJSON string[]} |
 * | database.calculateDocument   | collectionName, queryType WHERE, query?                       | data: {total}                            |
 * | database.modifyDocument      | collectionName, queryType, query?, data, multi, merge, upsert, transactionId? | data: {updated, matched, upsert_id?} |
 * | database.modifyAndReturnDoc  | collectionName, queryType WHERE, query?, data                 | data: {updated, doc: EJSON string|null}  |
 * | database.removeDocument      | collectionName, queryType, query?, multi, transactionId?      | data: {deleted}                          |
 * | database.startTransaction    | —                                                             | transactionId (top level)                |
 * | database.commitTransaction / database.abortTransaction | transactionId                       | (requestId only)                         |
 *
 * `updated` counts the documents actually changed (MongoDB's nModified: an update that writes the
 * values already there counts 0), `matched` those the query found. DOC queries are {_id} and touch
 * at most one document; WHERE ones take `multi` (the SDK sends true by default for where().update
 * and where().remove; absent means false). An insert batch is all-or-nothing: a duplicate _id
 * (against the collection or within the batch) answers DATABASE_DUPLICATE_WRITE and stores none.
 * A multi update is all-or-nothing too (every document is computed before any is written). Each
 * action runs in one synchronous turn, so every single-document update is atomic.
 */
import { idForLog, idKey, generateId, validateStored } from './documents';
import { parseEjson, toEjsonString } from './ejson';
import { DatabaseError, DB_ERRORS, invalidParam, unsupported } from './errors';
import { compileProjection, project, type Projection } from './projection';
import { compileQuery, isOperatorDoc } from './query';
import { compileOrder, sortDocuments } from './sort';
import { checkCollectionName, type CollectionData, type DatabaseStore } from './store';
import type { Transaction, Transactions } from './transactions';
import { compileUpdate, type CompiledUpdate } from './update';
import { setExact } from './paths';
import { field, isDoc, newDoc, sameValue, type Doc, type Value } from './values';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface DatabaseState {
  store: DatabaseStore;
  transactions: Transactions;
}

export interface ActionRequest {
  action: string;
  env: string;
  body: Record<string, unknown>;
  now: number;
}

/** What the call log may keep of a request: never values, only the ids of DOC queries. */
export interface ActionTrace {
  ids?: Array<string | number>;
}

export type ActionAnswer = Record<string, unknown>;

type Handler = (state: DatabaseState, request: ActionRequest, trace: ActionTrace) => ActionAnswer;

/** Real database actions the emulator does not serve (answered EMULATOR_UNSUPPORTED, not INVALID_ACTION). */
const NOT_EMULATED = new Set(['database.aggregateDocuments', 'database.aggregate', 'database.getInTransaction', 'database.updateDocInTransaction', 'database.updateAndReturnDocInTransaction', 'database.deleteDocInTransaction', 'database.insertDocInTransaction']);

const HANDLERS: Record<string, Handler> = {
  'database.addCollection': (state, { env, body }) => {
    state.store.create(env, checkCollectionName(body['collectionName']));
    return { data: {} };
  },
  'database.insertDocument': insertDocument,
  'database.getDocument': getDocument,
  'database.calculateDocument': (state, request) => {
    const { collection } = target(state, request, undefined);
    const predicate = compileQuery(queryOf(request));
    let total = 0;
    for (const { doc } of collection.docs.values()) if (predicate(doc)) total += 1;
    return { data: { total } };
  },
  'database.modifyDocument': modifyDocument,
  'database.modifyAndReturnDoc': modifyAndReturnDoc,
  'database.removeDocument': removeDocument,
  'database.startTransaction': (state, { env }) => ({ transactionId: state.transactions.start(env).id }),
  'database.commitTransaction': (state, request) => {
    state.transactions.commit(requiredTransaction(state, request));
    return {};
  },
  'database.abortTransaction': (state, request) => {
    state.transactions.abort(requiredTransaction(state, request));
    return {};
  },
};

export const SERVED_ACTIONS: readonly string[] = Object.keys(HANDLERS);

/** Runs one action; throws DatabaseError for an answer with a code. */
export function runAction(state: DatabaseState, request: ActionRequest, trace: ActionTrace): ActionAnswer {
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, request.action) ? HANDLERS[request.action] : undefined;
  if (handler === undefined) {
    if (NOT_EMULATED.has(request.action)) return unsupported(`the action ${request.action}`);
    throw new DatabaseError(DB_ERRORS.INVALID_ACTION, `the emulator does not serve the action ${JSON.stringify(request.action.slice(0, 100))}; it serves ${SERVED_ACTIONS.join(', ')}`);
  }
  return handler(state, request, trace);
}

function queryOf({ body, now }: ActionRequest): Doc {
  const raw = body['query'];
  if (raw === undefined || raw === null || raw === '') return newDoc();
  const query = parseEjson(raw, 'query', now);
  if (!isDoc(query)) return invalidParam('query must be an object');
  return query;
}

function queryTypeOf(body: Record<string, unknown>): 'DOC' | 'WHERE' {
  const type = body['queryType'] ?? 'WHERE';
  if (type !== 'DOC' && type !== 'WHERE') return invalidParam('queryType must be "DOC" or "WHERE"');
  return type;
}

function flag(body: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') return invalidParam(`${name} must be true or false`);
  return value;
}

function count(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return invalidParam(`${name} must be a non-negative integer`);
  return value;
}

function transactionOf(state: DatabaseState, { env, body }: ActionRequest): Transaction | undefined {
  const id = body['transactionId'];
  if (id === undefined || id === null || id === '') return undefined;
  if (typeof id !== 'string') return invalidParam('transactionId must be a string');
  return state.transactions.get(env, id);
}

function requiredTransaction(state: DatabaseState, request: ActionRequest): Transaction {
  return transactionOf(state, request) ?? invalidParam('transactionId is required');
}

interface Target {
  name: string;
  collection: CollectionData;
  transaction: Transaction | undefined;
}

/** The collection (which must exist) and the transaction of a request. */
function target(state: DatabaseState, request: ActionRequest, transaction: Transaction | undefined): Target {
  const name = checkCollectionName(request.body['collectionName']);
  return { name, collection: state.store.require(request.env, name), transaction };
}

/** The documents a query selects, in natural order, as [key, document] (transaction writes seen). */
function select(target: BoundTarget, query: Doc, type: 'DOC' | 'WHERE', trace: ActionTrace): Array<[string, Doc]> {
  const predicate = compileQuery(query);
  if (type === 'DOC') {
    const id = field(query, '_id');
    if (id === undefined || isOperatorDoc(id)) return invalidParam('a DOC query must be {_id: <id>}');
    const key = idKey(id);
    const logged = idForLog(id);
    if (logged !== undefined) trace.ids = [logged];
    const doc = target.read(key);
    return doc !== undefined && predicate(doc) ? [[key, doc]] : [];
  }
  if (target.transaction !== undefined) return invalidParam('a transaction takes single-document operations (doc(id)) only, not queries');
  const found: Array<[string, Doc]> = [];
  for (const [key, { doc }] of target.collection.docs) if (predicate(doc)) found.push([key, doc]);
  return found;
}

function insertDocument(state: DatabaseState, request: ActionRequest): ActionAnswer {
  const transaction = transactionOf(state, request);
  const data = request.body['data'];
  if (!Array.isArray(data) || data.length === 0) return invalidParam('data must be a non-empty array of EJSON documents');
  const docs = data.map((text: unknown) => {
    const parsed = parseEjson(text, 'data', request.now);
    if (!isDoc(parsed)) return invalidParam('each document of data must be an object');
    return parsed;
  });
  const where = bind(state, target(state, request, transaction));
  const keys = new Set<string>();
  const prepared = docs.map((parsed) => {
    const doc = newDoc();
    doc['_id'] = field(parsed, '_id') ?? generateId(request.now);
    for (const key of Object.keys(parsed)) if (key !== '_id') doc[key] = parsed[key] as Value;
    validateStored(doc);
    const key = idKey(doc['_id']);
    if (keys.has(key) || where.read(key) !== undefined) duplicate(request, where.name, doc['_id']);
    keys.add(key);
    return { key, doc };
  });
  for (const { key, doc } of prepared) where.write(key, doc);
  return { data: { insertedIds: prepared.map(({ doc }) => idForLog(doc['_id'])) } };
}

function duplicate(request: ActionRequest, collection: string, id: Value | undefined): never {
  throw new DatabaseError(DB_ERRORS.DUPLICATE_WRITE, `E11000 duplicate key error collection: ${request.env}.${collection} index: _id_ dup key: { _id: ${JSON.stringify(idForLog(id))} }`);
}

function getDocument(state: DatabaseState, request: ActionRequest, trace: ActionTrace): ActionAnswer {
  const { body, now } = request;
  const transaction = transactionOf(state, request);
  const type = queryTypeOf(body);
  const query = queryOf(request);
  const projection: Projection | undefined = body['projection'] === undefined || body['projection'] === null ? undefined : compileProjection(parseEjson(body['projection'], 'projection', now));
  const order = body['order'] === undefined || body['order'] === null ? [] : compileOrder(parseEjson(body['order'], 'order', now));
  const offset = count(body, 'offset') ?? 0;
  const limit = Math.min(count(body, 'limit') || DEFAULT_LIMIT, MAX_LIMIT);
  const where = bind(state, target(state, request, transaction));
  let docs = select(where, query, type, trace).map(([, doc]) => doc);
  docs = sortDocuments(docs, order).slice(offset, offset + limit);
  return { data: { list: docs.map((doc) => toEjsonString(project(doc, projection))) } };
}

interface Change {
  key: string;
  before: Doc;
  after: Doc;
}

function computeChanges(selected: ReadonlyArray<[string, Doc]>, update: CompiledUpdate, now: number): Change[] {
  return selected.map(([key, before]) => {
    const after = update.apply(before, now, false);
    validateStored(after);
    return { key, before, after };
  });
}

function modifyDocument(state: DatabaseState, request: ActionRequest, trace: ActionTrace): ActionAnswer {
  const { body, now } = request;
  const transaction = transactionOf(state, request);
  const type = queryTypeOf(body);
  const query = queryOf(request);
  const merge = flag(body, 'merge', true);
  const upsert = flag(body, 'upsert', false);
  const multi = flag(body, 'multi', false);
  const update = compileUpdate(parseEjson(body['data'], 'data', now), merge);
  if (update.replaces && multi) return invalidParam('multi update is not supported for a replacement-style update (set)');
  const where = bind(state, target(state, request, transaction));
  let selected = select(where, query, type, trace);
  if (!multi) selected = selected.slice(0, 1);
  const changes = computeChanges(selected, update, now).filter(({ before, after }) => !sameValue(before, after));
  for (const { key, after } of changes) where.write(key, after);
  if (selected.length > 0 || !upsert) return { data: { updated: changes.length, matched: selected.length } };
  // Upsert: the new document starts from the query's equalities (its _id for a DOC query).
  const base = newDoc();
  for (const name of Object.keys(query)) {
    const condition = query[name] as Value;
    if (!name.startsWith('$') && !isOperatorDoc(condition)) setExact(base, name, condition);
  }
  if (field(base, '_id') === undefined) base['_id'] = generateId(now);
  const inserted = update.apply(base, now, true);
  const ordered = newDoc();
  ordered['_id'] = base['_id'] as Value;
  for (const name of Object.keys(inserted)) if (name !== '_id') ordered[name] = inserted[name] as Value;
  validateStored(ordered);
  const key = idKey(ordered['_id']);
  if (where.read(key) !== undefined) duplicate(request, where.name, ordered['_id']);
  where.write(key, ordered);
  return { data: { updated: 0, matched: 0, upsert_id: idForLog(ordered['_id']) } };
}

function modifyAndReturnDoc(state: DatabaseState, request: ActionRequest, trace: ActionTrace): ActionAnswer {
  const { body, now } = request;
  const transaction = transactionOf(state, request);
  const update = compileUpdate(parseEjson(body['data'], 'data', now), true);
  const where = bind(state, target(state, request, transaction));
  const selected = select(where, queryOf(request), queryTypeOf(body), trace).slice(0, 1);
  const [change] = computeChanges(selected, update, now);
  if (change === undefined) return { data: { updated: 0, doc: null } };
  const changed = !sameValue(change.before, change.after);
  if (changed) where.write(change.key, change.after);
  return { data: { updated: changed ? 1 : 0, doc: toEjsonString(change.after) } };
}

function removeDocument(state: DatabaseState, request: ActionRequest, trace: ActionTrace): ActionAnswer {
  const transaction = transactionOf(state, request);
  const type = queryTypeOf(request.body);
  const query = queryOf(request);
  const multi = flag(request.body, 'multi', false);
  const where = bind(state, target(state, request, transaction));
  let selected = select(where, query, type, trace);
  if (!multi) selected = selected.slice(0, 1);
  for (const [key] of selected) where.write(key, null);
  return { data: { deleted: selected.length } };
}

interface BoundTarget extends Target {
  /** The document under a key as this request sees it (its transaction's writes included). */
  read(key: string): Doc | undefined;
  /** Writes (null: removes) through the transaction, or commits at once. */
  write(key: string, doc: Doc | null): void;
}

function bind(state: DatabaseState, base: Target): BoundTarget {
  const { store, transactions } = state;
  const { collection, transaction } = base;
  return {
    ...base,
    read: (key) => (transaction === undefined ? collection.docs.get(key)?.doc : transactions.read(transaction, collection, key)),
    write(key, doc) {
      if (transaction !== undefined) transactions.write(transaction, collection, key, doc);
      else if (doc === null) store.delete(collection, key, transactions.anyOpen());
      else store.put(collection, key, doc);
    },
  };
}
