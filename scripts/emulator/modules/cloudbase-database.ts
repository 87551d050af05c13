import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { runAction, type ActionTrace, type DatabaseState } from '../database/actions';
import { toRelaxed } from '../database/ejson';
import { DatabaseError, DB_ERRORS } from '../database/errors';
import { DatabaseStore } from '../database/store';
import { Transactions } from '../database/transactions';
import { sendJson, type CallRecord, type Emulator } from '../server';

/** Where the CloudBase admin API stand-in listens (node-sdk's `serviceUrl` points here). */
export const DATABASE_SERVICE_PATH = '/__tcb/admin';
/** Calls are recorded, and faults taken, under `tcb/<action>`, e.g. tcb/database.modifyDocument. */
export const DATABASE_CALL_PREFIX = 'tcb/';

/**
 * The `serviceUrl` to give `tcb.init` so that the SDK's requests land on DATABASE_SERVICE_PATH.
 * The SDK (src/utils/tcbapiendpoint.ts buildUrl) uses serviceUrl as the whole endpoint and appends
 * `?env=<env>&seqId=<seq>` — or, when the URL already holds a "?", the same without the "?" (so a
 * serviceUrl with its own query would run into it): a plain path is the safe form.
 */
export function databaseServiceUrl(emulatorUrl: string): string {
  return `${emulatorUrl.replace(/\/+$/, '')}${DATABASE_SERVICE_PATH}`;
}

/**
 * The CloudBase database as @cloudbase/node-sdk 3.18.3 (with @cloudbase/database 1.4.3) speaks to
 * it: POST DATABASE_SERVICE_PATH?env=…&seqId=… with a JSON body {action, envName, …fields} whose
 * queries, documents and updates are EJSON strings (database/ejson.ts). Initialise the real SDK with
 * `serviceUrl: databaseServiceUrl(emulator.url)`, any secretId/secretKey (signatures are not
 * checked; without them the SDK itself raises an unhandled rejection) and, outside Tencent Cloud,
 * TENCENTCLOUD=true in the environment (else the SDK first probes metadata.tencentyun.com).
 *
 * Answers are HTTP 200 JSON: {requestId, data: {…}} (startTransaction: {requestId, transactionId}),
 * or {requestId, code, message}, which the SDK throws as a TcbError with that code. The actions,
 * their fields and answers are in database/actions.ts; queries in database/query.ts, updates in
 * database/update.ts, transactions in database/transactions.ts, error codes in database/errors.ts.
 * A missing collection answers DATABASE_COLLECTION_NOT_EXIST for reads and writes alike (as the
 * real service does: collections are created with db.createCollection, never implicitly).
 *
 * State is kept per env id (the body's envName, else the `env` query parameter; any id is taken)
 * → collection → documents, and cleared on reset. Each request is recorded as
 * {method: 'POST', path: 'tcb/<action>', body: {env, collection, ids?, code?}}: never a document, a
 * query value or an update (they hold secrets such as tokens), only the _id of DOC queries and the
 * error code answered, if any. Faults for
 * path 'tcb/<action>' apply before the action runs: delay (then handled), drop (no answer, nothing
 * done), drop_after (done, no answer), http_error (status, default 502), errcode (answered
 * {code: errmsg or DATABASE_REQUEST_FAILED, message}, nothing done).
 *
 * Admin (read-only): /__emulator/database with {env, collection} (body or query) lists that
 * collection's documents (relaxed EJSON: dates as {$date: ISO}); with {env} that env's
 * collections; with {} every env and its collections with document counts.
 */
export function cloudbaseDatabaseModule(emulator: Emulator): void {
  const store = new DatabaseStore();
  const state: DatabaseState = { store, transactions: new Transactions(store, () => emulator.now()) };
  emulator.onReset(() => {
    state.transactions.clear();
    store.clear();
  });

  emulator.raw(async (request, response, url, raw) => {
    if (url.pathname.replace(/\/+$/, '') !== DATABASE_SERVICE_PATH) return false;
    const body = parseBody(raw);
    const action = typeof body?.['action'] === 'string' ? body['action'] : '';
    const envName = body?.['envName'];
    const env = typeof envName === 'string' && envName !== '' ? envName : (url.searchParams.get('env') ?? '');
    const collection = body?.['collectionName'];
    const logged: { env: string; collection?: string; ids?: Array<string | number> } = { env };
    if (typeof collection === 'string') logged.collection = collection.slice(0, 255);
    const path = `${DATABASE_CALL_PREFIX}${action.slice(0, 200) || '(none)'}`;
    const call = emulator.record({ method: request.method ?? 'GET', path, body: logged });
    const fault = await emulator.takeFault(path, call, request);
    if (fault === 'dropped') return true;
    if (fault !== undefined) {
      if (fault.type === 'http_error') {
        const status = fault.status ?? 502;
        response.writeHead(status, { 'content-type': 'text/html' });
        response.end(`<html><body>${status} Bad Gateway</body></html>`);
        return true;
      }
      if (fault.type === 'errcode') {
        answer(call, response, { code: fault.errmsg ?? DB_ERRORS.REQUEST_FAILED, message: `fault injected by the emulator (errcode ${fault.errcode ?? -1})` });
        return true;
      }
    }
    const reply = handle(request, body, action, env, (trace) => {
      if (trace.ids !== undefined) logged.ids = trace.ids;
    });
    if (fault?.type === 'drop_after') {
      request.socket.destroy();
      return true;
    }
    answer(call, response, reply);
    return true;
  });

  function handle(request: IncomingMessage, body: Record<string, unknown> | undefined, action: string, env: string, traced: (trace: ActionTrace) => void): Record<string, unknown> {
    const trace: ActionTrace = {};
    try {
      if (request.method !== 'POST') throw new DatabaseError(DB_ERRORS.INVALID_PARAM, 'the admin API takes POST with a JSON body');
      if (body === undefined) throw new DatabaseError(DB_ERRORS.INVALID_PARAM, 'the body must be a JSON object');
      if (action === '') throw new DatabaseError(DB_ERRORS.INVALID_PARAM, 'action is required');
      if (env === '') throw new DatabaseError(DB_ERRORS.INVALID_PARAM, 'the env id is required (tcb.init({env}) or db config env)');
      return runAction(state, { action, env, body, now: emulator.now() }, trace);
    } catch (error) {
      if (!(error instanceof DatabaseError)) throw error;
      return { code: error.code, message: error.message };
    } finally {
      traced(trace);
    }
  }

  emulator.admin('database', (body, query) => {
    const env = adminText(body, query, 'env');
    const collection = adminText(body, query, 'collection');
    if (env === undefined) {
      if (collection !== undefined) throw new Error('env is required with collection');
      return { envs: store.envIds().map((id) => ({ env: id, collections: collectionsOf(id) })) };
    }
    if (collection === undefined) return { env, collections: collectionsOf(env) };
    const found = store.find(env, collection);
    if (found === undefined) throw new Error(`no collection ${collection.slice(0, 100)} in env ${env.slice(0, 100)}`);
    return { env, collection, documents: [...found.docs.values()].map(({ doc }) => toRelaxed(doc)) };
  });

  function collectionsOf(env: string): Array<{ name: string; documents: number }> {
    return store.collections(env).map(([name, data]) => ({ name, documents: data.docs.size }));
  }
}

function answer(call: CallRecord, response: ServerResponse, reply: Record<string, unknown>): void {
  if (typeof reply['code'] === 'string') call.body = { ...(call.body as object), code: reply['code'] };
  sendJson(response, 200, { requestId: randomUUID(), ...reply });
}

function parseBody(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function adminText(body: Record<string, unknown>, query: URLSearchParams, name: string): string | undefined {
  const value = body[name] ?? query.get(name) ?? undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`${name} must be a non-empty string`);
  return value;
}
