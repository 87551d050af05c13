/**
 * Where tickets, refresh tokens and cached tokens live: a small document store with the few atomic
 * operations the refresh protocol needs (shared-tokens.ts). Two implementations behind this one
 * interface: MemoryTokenStore (this instance only; the default) and CloudbaseTokenStore (the
 * environment's database through @cloudbase/node-sdk, shared by every instance of every function).
 */

export type StoreValue = string | number | boolean | null | readonly string[] | readonly number[] | readonly StoreRecord[];
export interface StoreRecord {
  readonly [field: string]: StoreValue;
}

/** A stored document: its fields and a version that each write raises by one. */
export interface StoredDoc {
  readonly fields: StoreRecord;
  readonly version: number;
}

/** The collections the store uses (created on first use). */
export const COLLECTIONS = {
  /** cached component and authorizer tokens, and each token's fetch counter per day */
  tokens: 'wxopen_tokens',
  /** refresh leases: which instance is fetching which token, until when */
  leases: 'wxopen_token_leases',
  /** the platform's durable state: the newest ticket, each merchant's authorization */
  platform: 'wxopen_platform',
  /** nonces of pushes already taken (replay guard), kept as long as a push is accepted */
  nonces: 'wxopen_push_nonces',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

export interface TokenStore {
  /** A short name for logs: "memory" or "cloudbase:<env>". */
  readonly name: string;
  get(collection: CollectionName, key: string): Promise<StoredDoc | undefined>;
  /** Creates the document at version 1; false (and nothing written) when the key exists. */
  create(collection: CollectionName, key: string, fields: StoreRecord): Promise<boolean>;
  /** Writes `fields` (other fields are kept) if the document's version is still `version` (compare-and-set). */
  replace(collection: CollectionName, key: string, version: number, fields: StoreRecord): Promise<boolean>;
  /** Writes `fields` (other fields are kept) whatever the version; creates the document when missing. */
  put(collection: CollectionName, key: string, fields: StoreRecord): Promise<void>;
  /** Deletes the document; with `version`, only if it is still that version. True when deleted. */
  remove(collection: CollectionName, key: string, version?: number): Promise<boolean>;
  /** Deletes the document if its numeric field `field` is below `limit` (an expired lease). */
  removeIfBelow(collection: CollectionName, key: string, field: string, limit: number): Promise<boolean>;
  /** Adds one to the numeric field `field` of the document, atomically; a missing document is created with 1 and `initial`. The new count. */
  increment(collection: CollectionName, key: string, field: string, initial?: StoreRecord): Promise<number>;
  /** Deletes every document whose numeric field `field` is below `limit`; how many went. */
  removeAllBelow(collection: CollectionName, field: string, limit: number): Promise<number>;
}
