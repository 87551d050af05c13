import tcb from '@cloudbase/node-sdk';
import { LOCAL } from '../../error-codes';
import { LocalError } from '../../errors';
import type { CollectionName, Expected, StoredDoc, StoreRecord, TokenStore } from './token-store';

/** The part of @cloudbase/node-sdk's database API this store uses (its own types are loose). */
interface Command {
  inc(by: number): unknown;
  lt(value: number): unknown;
}
interface Query {
  update(data: Record<string, unknown>): Promise<{ updated?: number }>;
  remove(): Promise<{ deleted?: number }>;
}
interface Collection {
  doc(id: string): { get(): Promise<{ data?: Array<Record<string, unknown>> }> };
  add(data: Record<string, unknown>): Promise<unknown>;
  where(query: Record<string, unknown>): Query;
}
interface Database {
  command: Command;
  collection(name: string): Collection;
  createCollection(name: string): Promise<unknown>;
}

export interface CloudbaseTokenStoreOptions {
  /** The environment whose database holds the store; undefined: the function's own. */
  envId: string | undefined;
  /** Another endpoint for the SDK (the emulator's); undefined in production. */
  serviceUrl: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Upper bound of one database request. */
  timeoutMs?: number;
}

const VERSION = 'version';
const NOT_EXIST = 'DATABASE_COLLECTION_NOT_EXIST';
const DUPLICATE = 'DATABASE_DUPLICATE_WRITE';

/** The query that finds the document only while it is as `expected` says. */
function matching(key: string, expected: Expected): Record<string, unknown> {
  return { ...expected.fields, _id: key, ...(expected.version === undefined ? {} : { [VERSION]: expected.version }) };
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : typeof code === 'number' ? String(code) : undefined;
}

/**
 * The token store on the CloudBase environment's own database, through @cloudbase/node-sdk: one
 * document per key (`_id` = key, so `_id`'s uniqueness is the lock: a create only one instance
 * can win), a `version` field raised by every write, compare-and-set by `where({_id, version})` or on the fields named.
 * Collections are created on first use. Inside SCF the SDK signs with the runtime's credentials;
 * for the emulator (WXOPEN_TCB_SERVICE_URL) placeholder credentials are given, as nothing checks them.
 */
export class CloudbaseTokenStore implements TokenStore {
  readonly name: string;
  private database: Database | undefined;

  constructor(private readonly options: CloudbaseTokenStoreOptions) {
    this.name = `cloudbase:${options.envId ?? 'current env'}`;
  }

  private db(): Database {
    if (this.database !== undefined) return this.database;
    const { envId, serviceUrl, env } = this.options;
    const config: Record<string, unknown> = { env: envId ?? tcb.SYMBOL_CURRENT_ENV, timeout: this.options.timeoutMs ?? 5000 };
    if (serviceUrl !== undefined) {
      config['serviceUrl'] = serviceUrl;
      // Without credentials the SDK leaves an unhandled rejection behind; the emulator checks none.
      config['secretId'] = env['TENCENTCLOUD_SECRETID'] ?? 'emulator';
      config['secretKey'] = env['TENCENTCLOUD_SECRETKEY'] ?? 'emulator';
      // Outside Tencent Cloud the SDK probes http://metadata.tencentyun.com before every request
      // unless told it runs there, and arms a 3 s "slow request" warning on each: neither belongs
      // to a local run against the emulator (node-sdk 3.18.3, utils/cloudplatform and tcbapirequester).
      process.env['TENCENTCLOUD'] ??= 'true';
      process.env['SILENCE'] ??= 'true';
    }
    this.database = tcb.init(config).database() as unknown as Database;
    return this.database;
  }

  /** Runs one operation; a missing collection is created and the operation tried once more. */
  private async run<T>(collection: CollectionName, what: string, work: (coll: Collection) => Promise<T>): Promise<T> {
    const db = this.db();
    try {
      try {
        return await work(db.collection(collection));
      } catch (error) {
        if (codeOf(error) !== NOT_EXIST) throw error;
        await db.createCollection(collection).catch(() => undefined);
        return await work(db.collection(collection));
      }
    } catch (error) {
      if (error instanceof LocalError) throw error;
      // The SDK's messages may quote the request: only the code travels on.
      throw new LocalError(LOCAL.TOKEN_STORE_UNAVAILABLE, `token store (${this.name}): ${what} in ${collection} failed (${codeOf(error) ?? 'no code'})`, { cause: error });
    }
  }

  async get(collection: CollectionName, key: string): Promise<StoredDoc | undefined> {
    return this.run(collection, 'read', async (coll) => {
      const found = (await coll.doc(key).get()).data?.[0];
      if (found === undefined) return undefined;
      const { _id: _key, [VERSION]: version, ...fields } = found;
      return { fields: fields as StoreRecord, version: typeof version === 'number' ? version : 0 };
    });
  }

  async create(collection: CollectionName, key: string, fields: StoreRecord): Promise<boolean> {
    return this.run(collection, 'create', async (coll) => {
      try {
        await coll.add({ ...fields, _id: key, [VERSION]: 1 });
        return true;
      } catch (error) {
        if (codeOf(error) === DUPLICATE) return false;
        throw error;
      }
    });
  }

  async replace(collection: CollectionName, key: string, expected: Expected, fields: StoreRecord): Promise<boolean> {
    return this.run(collection, 'compare-and-set', async (coll) => {
      const result = await coll.where(matching(key, expected)).update({ ...fields, [VERSION]: this.db().command.inc(1) });
      return (result.updated ?? 0) > 0;
    });
  }

  async put(collection: CollectionName, key: string, fields: StoreRecord): Promise<void> {
    await this.run(collection, 'write', async (coll) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await coll.where({ _id: key }).update({ ...fields, [VERSION]: this.db().command.inc(1) });
        if ((result.updated ?? 0) > 0) return;
        try {
          await coll.add({ ...fields, _id: key, [VERSION]: 1 });
          return;
        } catch (error) {
          if (codeOf(error) !== DUPLICATE) throw error;
        }
      }
      throw new LocalError(LOCAL.TOKEN_STORE_UNAVAILABLE, `token store (${this.name}): write in ${collection} kept colliding`);
    });
  }

  async remove(collection: CollectionName, key: string, expected: Expected = {}): Promise<boolean> {
    return this.run(collection, 'delete', async (coll) => ((await coll.where(matching(key, expected)).remove()).deleted ?? 0) > 0);
  }

  async removeIfBelow(collection: CollectionName, key: string, field: string, limit: number): Promise<boolean> {
    return this.run(collection, 'delete', async (coll) => ((await coll.where({ _id: key, [field]: this.db().command.lt(limit) }).remove()).deleted ?? 0) > 0);
  }

  async increment(collection: CollectionName, key: string, field: string, initial: StoreRecord = {}): Promise<number> {
    return this.run(collection, 'count', async (coll) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await coll.where({ _id: key }).update({ [field]: this.db().command.inc(1), [VERSION]: this.db().command.inc(1) });
        if ((result.updated ?? 0) > 0) {
          const count = (await coll.doc(key).get()).data?.[0]?.[field];
          return typeof count === 'number' ? count : 1;
        }
        try {
          await coll.add({ ...initial, [field]: 1, _id: key, [VERSION]: 1 });
          return 1;
        } catch (error) {
          if (codeOf(error) !== DUPLICATE) throw error;
        }
      }
      throw new LocalError(LOCAL.TOKEN_STORE_UNAVAILABLE, `token store (${this.name}): counter in ${collection} kept colliding`);
    });
  }

  async removeAllBelow(collection: CollectionName, field: string, limit: number): Promise<number> {
    return this.run(collection, 'delete', async (coll) => (await coll.where({ [field]: this.db().command.lt(limit) }).remove()).deleted ?? 0);
  }
}
