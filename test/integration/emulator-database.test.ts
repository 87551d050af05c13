import net from 'node:net';
import * as tcb from '@cloudbase/node-sdk';
import type { Emulator } from '../../scripts/emulator';
import { databaseServiceUrl, DATABASE_SERVICE_PATH } from '../../scripts/emulator/modules/cloudbase-database';
import { useEmulator } from '../support/emulator';

// The REAL @cloudbase/node-sdk 3.18.3 against the emulator's database stand-in, over 127.0.0.1.
//
// The SDK needs, to run offline:
// - TENCENTCLOUD=true before tcb.init: init() and every request call checkIsInTencentCloud()
//   (src/utils/cloudplatform.ts), which otherwise GETs http://metadata.tencentyun.com/... and, as
//   it caches only a success, does so again on every call;
// - any secretId/secretKey: TcbApiHttpRequester.request() calls prepareCredentials() without
//   awaiting it, so missing keys end in an unhandled rejection (src/utils/tcbapirequester.ts);
// - SILENCE=true: a 3 s "slow request" warning timer is armed per database call and only cleared
//   on an answer, so a dropped connection would log after the test ends.

const ENV = 'demo-env-1a2b3c';
const OTHER_ENV = 'brand-env-4d5e6f';
const SECRET = 'PLANTED-SECRET-3f9a7c1e-token-value';

const current = useEmulator();
let emulator: Emulator;

const saved: Record<string, string | undefined> = {};
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
const hosts: string[] = [];
const connect = net.Socket.prototype.connect;

beforeAll(() => {
  for (const name of ['TENCENTCLOUD', 'SILENCE']) saved[name] = process.env[name];
  process.env['TENCENTCLOUD'] = 'true';
  process.env['SILENCE'] = 'true';
  process.on('unhandledRejection', onUnhandled);
  // Every TCP connection made in this file, to prove nothing leaves 127.0.0.1.
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host = typeof first === 'object' && first !== null ? (first as { host?: string }).host : typeof args[1] === 'string' ? args[1] : undefined;
    hosts.push(String(host ?? 'localhost'));
    return (connect as (...inner: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
});

afterAll(() => {
  net.Socket.prototype.connect = connect;
  process.off('unhandledRejection', onUnhandled);
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  expect(unhandled).toEqual([]);
  expect(hosts.length).toBeGreaterThan(0);
  expect([...new Set(hosts)]).toEqual(['127.0.0.1']);
});

beforeEach(() => {
  emulator = current();
  emulator.reset();
});

function database(env = ENV): ReturnType<ReturnType<typeof tcb.init>['database']> {
  const app = tcb.init({ env, secretId: 'dummy', secretKey: 'dummy', serviceUrl: databaseServiceUrl(emulator.url), timeout: 5000 });
  return app.database();
}

/** The rejection of a promise (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; message?: string };
  }
  throw new Error('expected a rejection');
}

async function adminDatabase(query = ''): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/__emulator/database${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('the database through the real @cloudbase/node-sdk', () => {
  it('lands on the service path, creates collections once and refuses a second time', async () => {
    expect(databaseServiceUrl(`${emulator.url}/`)).toBe(`${emulator.url}${DATABASE_SERVICE_PATH}`);
    const db = database();
    await db.createCollection('tokens');
    const again = await rejection(db.createCollection('tokens'));
    expect(again).toMatchObject({ code: 'DATABASE_COLLECTION_ALREADY_EXIST' });
    expect(typeof again.message).toBe('string');
    expect(emulator.callsTo('tcb/database.addCollection')).toHaveLength(2);
  });

  it('adds documents with and without _id, refuses duplicates, gets by id', async () => {
    const db = database();
    await db.createCollection('tokens');
    const tokens = db.collection('tokens');
    const generated = await tokens.add({ value: 'a' });
    expect(generated.id).toMatch(/^[0-9a-f]{32}$/);
    expect(await tokens.add({ _id: 'component_access_token', value: 'b', version: 1 })).toMatchObject({ id: 'component_access_token' });
    expect(await rejection(tokens.add({ _id: 'component_access_token', value: 'c' }))).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
    // A batch is all-or-nothing.
    expect(await rejection(tokens.add([{ _id: 'fresh' }, { _id: 'component_access_token' }]))).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
    expect((await tokens.doc('fresh').get()).data).toEqual([]);
    expect(await tokens.add([{ _id: 'b1' }, { _id: 'b2' }])).toMatchObject({ ids: ['b1', 'b2'] });
    // doc(id).create exists at runtime in @cloudbase/database 1.4.3 (hidden from its typings).
    const ref = tokens.doc('created') as unknown as { create(data: object): Promise<{ id: string }> };
    expect(await ref.create({ v: 1 })).toMatchObject({ id: 'created' });
    expect(await rejection(ref.create({ v: 2 }))).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });

    const found = await tokens.doc('component_access_token').get();
    expect(found.data).toEqual([{ _id: 'component_access_token', value: 'b', version: 1 }]);
    expect((await tokens.doc('missing').get()).data).toEqual([]);
    expect((await tokens.doc(generated.id as string).get()).data).toEqual([{ _id: generated.id, value: 'a' }]);
  });

  it('queries with operators, nested paths, order, skip, limit and field', async () => {
    const db = database();
    const _ = db.command;
    await db.createCollection('items');
    const items = db.collection('items');
    await items.add([
      { _id: 'a', n: 1, tag: 'x', o: { p: 1 }, list: [1, 2] },
      { _id: 'b', n: 2, tag: 'y', o: { p: 2 }, list: [3] },
      { _id: 'c', n: 3, tag: 'x', o: { p: 3 } },
      { _id: 'd', n: 4, tag: 'z', o: { p: 2 }, extra: null },
      { _id: 'e', n: '5', tag: 'x' },
    ]);
    const ids = async (query: object): Promise<string[]> => ((await items.where(query).get()).data as Array<{ _id: string }>).map((doc) => doc._id);
    expect(await ids({ tag: 'x' })).toEqual(['a', 'c', 'e']);
    expect(await ids({ 'o.p': 2 })).toEqual(['b', 'd']);
    expect(await ids({ o: { p: 2 } })).toEqual(['b', 'd']);
    expect(await ids({ n: _.lt(3) })).toEqual(['a', 'b']); // '5' is a string: never less than 3
    expect(await ids({ n: _.gte(3) })).toEqual(['c', 'd']);
    expect(await ids({ n: _.gt(1).and(_.lte(3)) })).toEqual(['b', 'c']);
    expect(await ids({ n: _.eq(2) })).toEqual(['b']);
    expect(await ids({ tag: _.neq('x') })).toEqual(['b', 'd']);
    expect(await ids({ tag: _.in(['y', 'z']) })).toEqual(['b', 'd']);
    expect(await ids({ tag: _.nin(['x', 'y']) })).toEqual(['d']);
    expect(await ids({ list: _.exists(true) })).toEqual(['a', 'b']);
    expect(await ids({ extra: _.exists(false), o: _.exists(true) })).toEqual(['a', 'b', 'c']);
    expect(await ids({ list: 2 })).toEqual(['a']); // an array holds the value
    expect(await ids({ extra: null })).toEqual(['a', 'b', 'c', 'd', 'e']); // null matches missing too
    expect(await ids(_.or([{ tag: 'y' }, { n: _.gte(4) }]))).toEqual(['b', 'd']);
    expect(await ids(_.and([{ tag: 'x' }, { n: _.gt(1) }]))).toEqual(['c']);
    expect(await ids({ n: _.or(_.eq(1), _.eq(4)) })).toEqual(['a', 'd']);
    expect(await ids({ n: _.not(_.lt(3)) })).toEqual(['c', 'd', 'e']);
    expect(await ids({ tag: db.RegExp({ regexp: '^[XY]$', options: 'i' }) })).toEqual(['a', 'b', 'c', 'e']);
    expect(await ids({ tag: /^z/ })).toEqual(['d']);
    expect(await ids({ list: _.size(2) })).toEqual(['a']);

    const page = await items.where({ tag: _.in(['x', 'y', 'z']), n: _.exists(true) }).orderBy('o.p', 'desc').orderBy('n', 'asc').skip(1).limit(2).field({ n: true, tag: true }).get();
    // o.p descending: c (3), then b, d (2) by n; e has no o.p (null) and sorts last.
    expect(page.data).toEqual([
      { _id: 'b', n: 2, tag: 'y' },
      { _id: 'd', n: 4, tag: 'z' },
    ]);
    expect((await items.where({ _id: 'a' }).field({ list: false, o: false, _id: false }).get()).data).toEqual([{ n: 1, tag: 'x' }]);
    expect((await items.where({ tag: 'x' }).count()).total).toBe(3);
    expect((await items.count()).total).toBe(5);
    expect((await items.limit(1000).get()).data).toHaveLength(5);
  });

  it('updates: compare-and-set via where().update, doc.update, doc.set upsert, _.remove and friends', async () => {
    const db = database();
    const _ = db.command;
    await db.createCollection('tokens');
    const tokens = db.collection('tokens');
    await tokens.add({ _id: 'tok', value: 'old', version: 1 });

    const first = await tokens.where({ _id: 'tok', version: 1 }).update({ value: 'x', version: _.inc(1) });
    expect(first).toMatchObject({ updated: 1 });
    const stale = await tokens.where({ _id: 'tok', version: 1 }).update({ value: 'y', version: _.inc(1) });
    expect(stale).toMatchObject({ updated: 0 });
    expect((await tokens.doc('tok').get()).data).toEqual([{ _id: 'tok', value: 'x', version: 2 }]);

    expect(await tokens.doc('tok').update({ meta: { by: 'me' }, count: _.inc(5), list: _.push(1, 2) })).toMatchObject({ updated: 1 });
    expect(await tokens.doc('nope').update({ value: 'z' })).toMatchObject({ updated: 0 });
    expect(await tokens.doc('tok').update({ value: _.remove(), count: _.mul(3), 'meta.at': _.max(7), list: _.pull(1) })).toMatchObject({ updated: 1 });
    expect((await tokens.doc('tok').get()).data).toEqual([{ _id: 'tok', version: 2, meta: { by: 'me', at: 7 }, count: 15, list: [2] }]);

    const created = await tokens.doc('set-me').set({ a: 1 });
    expect(created).toMatchObject({ updated: 0, upsertedId: 'set-me' });
    const replaced = await tokens.doc('set-me').set({ b: 2 });
    expect(replaced).toMatchObject({ updated: 1 });
    expect(replaced.upsertedId).toBeUndefined();
    expect((await tokens.doc('set-me').get()).data).toEqual([{ _id: 'set-me', b: 2 }]);

    const returned = await tokens.where({ _id: 'tok' }).updateAndReturn({ version: _.inc(1) });
    expect(returned).toMatchObject({ updated: 1, doc: { _id: 'tok', version: 3 } });
    expect(await tokens.where({ _id: 'none' }).updateAndReturn({ version: _.inc(1) })).toMatchObject({ updated: 0, doc: null });

    // A type clash is refused and leaves the document as it was.
    expect(await rejection(tokens.doc('set-me').update({ b: _.push(3) }))).toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    expect((await tokens.doc('set-me').get()).data).toEqual([{ _id: 'set-me', b: 2 }]);
  });

  it('removes by id and by where; a missing collection answers DATABASE_COLLECTION_NOT_EXIST', async () => {
    const db = database();
    const _ = db.command;
    await db.createCollection('items');
    const items = db.collection('items');
    await items.add([{ _id: 1, kind: 'old' }, { _id: 2, kind: 'old' }, { _id: 3, kind: 'new' }]);
    expect(await items.doc(3).remove()).toMatchObject({ deleted: 1 });
    expect(await items.doc(3).remove()).toMatchObject({ deleted: 0 });
    expect(await items.where({ kind: 'old', _id: _.gt(0) }).remove()).toMatchObject({ deleted: 2 });
    expect((await items.count()).total).toBe(0);

    const missing = db.collection('nope');
    for (const attempt of [missing.add({ a: 1 }), missing.doc('x').get(), missing.where({}).get(), missing.count(), missing.doc('x').set({ a: 1 }), missing.where({ a: 1 }).remove()]) {
      expect(await rejection(attempt)).toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' });
    }
  });

  it('keeps dates as dates, and db.serverDate() on the emulator clock', async () => {
    const db = database();
    const _ = db.command;
    await db.createCollection('dated');
    const dated = db.collection('dated');
    const at = new Date('2024-05-06T07:08:09.123Z');
    await dated.add({ _id: 'd', at, list: [at], nested: { at } });
    const [doc] = (await dated.doc('d').get()).data as Array<{ at: Date; list: Date[]; nested: { at: Date } }>;
    expect(doc?.at).toBeInstanceOf(Date);
    expect(doc?.at.getTime()).toBe(at.getTime());
    expect(doc?.list[0]?.getTime()).toBe(at.getTime());
    expect(doc?.nested.at.getTime()).toBe(at.getTime());
    expect((await dated.where({ at: _.gt(new Date('2024-01-01')) }).count()).total).toBe(1);
    expect((await dated.where({ at: _.lt(new Date('2024-01-01')) }).count()).total).toBe(0);

    emulator.advanceClock(3600);
    await dated.doc('d').update({ touched: db.serverDate() });
    const [touched] = (await dated.doc('d').get()).data as Array<{ touched: Date }>;
    expect(touched?.touched).toBeInstanceOf(Date);
    expect(Math.abs((touched?.touched.getTime() ?? 0) - emulator.now())).toBeLessThan(5000);
  });

  it('keeps envs apart, clears everything on reset and lists state through the admin API', async () => {
    const one = database(ENV);
    const two = database(OTHER_ENV);
    await one.createCollection('shared');
    await two.createCollection('shared');
    await one.collection('shared').add({ _id: 'k', from: 'one' });
    expect((await two.collection('shared').doc('k').get()).data).toEqual([]);
    await two.collection('shared').add({ _id: 'k', from: 'two' });
    expect((await one.collection('shared').doc('k').get()).data).toEqual([{ _id: 'k', from: 'one' }]);

    expect(await adminDatabase()).toEqual({
      envs: [
        { env: ENV, collections: [{ name: 'shared', documents: 1 }] },
        { env: OTHER_ENV, collections: [{ name: 'shared', documents: 1 }] },
      ],
    });
    expect(await adminDatabase(`?env=${ENV}&collection=shared`)).toEqual({ env: ENV, collection: 'shared', documents: [{ _id: 'k', from: 'one' }] });
    expect((await fetch(`${emulator.url}/__emulator/database?env=${ENV}&collection=none`)).status).toBe(400);

    emulator.reset();
    expect(await adminDatabase()).toEqual({ envs: [] });
    expect(await rejection(one.collection('shared').doc('k').get())).toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' });
  });

  it('records action, env, collection and DOC ids only: never values', async () => {
    const db = database();
    const _ = db.command;
    await db.createCollection('tokens');
    const tokens = db.collection('tokens');
    await tokens.add({ _id: 'component_access_token', value: SECRET, version: 1 });
    await tokens.where({ value: SECRET }).get();
    await tokens.where({ _id: 'component_access_token', version: 1 }).update({ value: `${SECRET}-2`, version: _.inc(1) });
    await tokens.doc('component_access_token').set({ value: SECRET });
    await tokens.doc('component_access_token').get();
    await rejection(tokens.add({ _id: 'component_access_token', value: SECRET }));

    const calls = emulator.calls.filter((call) => call.path.startsWith('tcb/'));
    expect(calls.map((call) => call.path)).toEqual([
      'tcb/database.addCollection',
      'tcb/database.insertDocument',
      'tcb/database.getDocument',
      'tcb/database.modifyDocument',
      'tcb/database.modifyDocument',
      'tcb/database.getDocument',
      'tcb/database.insertDocument',
    ]);
    expect(calls[3]?.body).toEqual({ env: ENV, collection: 'tokens' });
    expect(calls[5]?.body).toEqual({ env: ENV, collection: 'tokens', ids: ['component_access_token'] });
    expect(calls[6]?.body).toEqual({ env: ENV, collection: 'tokens', code: 'DATABASE_DUPLICATE_WRITE' });
    expect(JSON.stringify(emulator.calls)).not.toContain('PLANTED-SECRET');
  });

  it('surfaces injected faults as errors thrown by the SDK', async () => {
    const db = database();
    await db.createCollection('tokens');
    const tokens = db.collection('tokens');

    emulator.faults.add({ path: 'tcb/database.getDocument', type: 'drop' });
    // A dropped connection: the plain Node error (socket hang up, code ECONNRESET), no TcbError.
    expect(await rejection(tokens.doc('a').get())).toMatchObject({ code: 'ECONNRESET' });

    emulator.faults.add({ path: 'tcb/database.modifyDocument', type: 'errcode', errcode: -1, errmsg: 'DATABASE_TIMEOUT' });
    expect(await rejection(tokens.doc('a').set({ v: 1 }))).toMatchObject({ code: 'DATABASE_TIMEOUT' });
    emulator.faults.add({ path: 'tcb/database.modifyDocument', type: 'errcode', errcode: -1 });
    expect(await rejection(tokens.doc('a').set({ v: 1 }))).toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    expect((await tokens.count()).total).toBe(0); // an errcode fault does nothing

    emulator.faults.add({ path: 'tcb/database.insertDocument', type: 'drop_after' });
    expect(await rejection(tokens.add({ _id: 'lost-reply' }))).toMatchObject({ code: 'ECONNRESET' });
    expect((await tokens.doc('lost-reply').get()).data).toEqual([{ _id: 'lost-reply' }]); // applied, reply lost

    // A gateway error page: the SDK parses every body as JSON before it looks at the status, so
    // an HTML page surfaces as a SyntaxError, not as a TcbError with the status as code.
    emulator.faults.add({ path: 'tcb/database.calculateDocument', type: 'http_error', status: 503 });
    expect(await rejection(tokens.count())).toMatchObject({ name: 'SyntaxError' });

    emulator.faults.add({ path: 'tcb/database.calculateDocument', type: 'delay', delay_ms: 50 });
    expect((await tokens.count()).total).toBe(1);
    expect(emulator.callsTo('tcb/database.calculateDocument').map((call) => call.fault)).toEqual([undefined, 'http_error', 'delay']);
  });

  it('runs transactions: commit, rollback, and a conflicting write', async () => {
    const db = database();
    const _ = db.command;
    await db.createCollection('accounts');
    const accounts = db.collection('accounts');
    await accounts.add([{ _id: 'a', balance: 10 }, { _id: 'b', balance: 0 }]);

    const result = await db.runTransaction(async (transaction: { collection(name: string): typeof accounts }) => {
      const from = (await transaction.collection('accounts').doc('a').get()) as unknown as { data: { balance: number } };
      await transaction.collection('accounts').doc('a').update({ balance: _.inc(-from.data.balance) });
      await transaction.collection('accounts').doc('b').update({ balance: _.inc(from.data.balance) });
      return from.data.balance;
    });
    expect(result).toBe(10);
    expect(((await accounts.where({}).orderBy('_id', 'asc').get()).data as Array<{ balance: number }>).map((doc) => doc.balance)).toEqual([0, 10]);

    const rolledBack = await db.startTransaction();
    await rolledBack.collection('accounts').add({ _id: 'c', balance: 1 });
    expect((await accounts.doc('c').get()).data).toEqual([]); // not visible before commit
    await rolledBack.rollback(undefined);
    expect((await accounts.doc('c').get()).data).toEqual([]);

    const conflicted = await db.startTransaction();
    await conflicted.collection('accounts').doc('a').update({ balance: 99 });
    await accounts.doc('a').update({ balance: 1 }); // a plain write slips in
    expect(await rejection(conflicted.commit())).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect((await accounts.doc('a').get()).data).toEqual([{ _id: 'a', balance: 1 }]);
  });

  it('answers malformed or unknown requests with a code, never a 500', async () => {
    const post = async (body: string): Promise<{ status: number; json: Record<string, unknown> }> => {
      const response = await fetch(`${databaseServiceUrl(emulator.url)}?env=${ENV}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    expect(await post(JSON.stringify({ action: 'database.nope', envName: ENV }))).toMatchObject({ status: 200, json: { code: 'INVALID_ACTION', requestId: expect.any(String) } });
    expect(await post(JSON.stringify({ action: 'functions.invokeFunction', envName: ENV }))).toMatchObject({ status: 200, json: { code: 'INVALID_ACTION' } });
    await post(JSON.stringify({ action: 'database.addCollection', envName: ENV, collectionName: 'c' }));
    const bad = [
      '[]',
      '{',
      JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 'c', query: '{"a":{"$bogus":1}}' }),
      JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 'c', query: 'not json' }),
      JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 'c', query: '{"a":{"$numberInt":"x"}}' }),
      JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 'c', query: '[' + '['.repeat(500) + ']'.repeat(501) }),
      JSON.stringify({ action: 'database.insertDocument', envName: ENV, collectionName: 'c', data: ['{"$set":1}'] }),
      JSON.stringify({ action: 'database.insertDocument', envName: ENV, collectionName: 'c', data: 'x' }),
      JSON.stringify({ action: 'database.modifyDocument', envName: ENV, collectionName: 'c', query: '{}', data: '{"$set":{"a":1},"$inc":{"a":1}}' }),
      JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 7 }),
      JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 'c', limit: -1 }),
      JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 'c', projection: '{"a":1,"b":0}' }),
      JSON.stringify({ action: 'database.commitTransaction', envName: ENV, transactionId: 'nope' }),
    ];
    for (const body of bad) {
      const { status, json } = await post(body);
      expect({ body, status, code: typeof json['code'] }).toEqual({ body, status: 200, code: 'string' });
    }
    expect((await post(JSON.stringify({ action: 'database.getDocument', envName: ENV, collectionName: 'c', query: '{"a":{"$near":{}}}' }))).json).toMatchObject({ code: 'EMULATOR_UNSUPPORTED' });
  });
});
