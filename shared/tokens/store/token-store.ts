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

/** A stored document: its fields and a version that each write raises by one (and a new document starts again at 1). */
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

/**
 * What a conditional write or delete requires of the stored document; all that is given must hold.
 * A version alone cannot tell a document from one deleted and created again (both may be at 1):
 * where that can happen, name the content instead (the token that failed, the lease's owner).
 */
export interface Expected {
  readonly version?: number;
  readonly fields?: Readonly<Record<string, string | number | boolean>>;
}

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

export interface TokenStore {
  /** A short name for logs: "memory" or "cloudbase:<env>". */
  readonly name: string;
  get(collection: CollectionName, key: string): Promise<StoredDoc | undefined>;
  /** Creates the document at version 1; false (and nothing written) when the key exists. */
  create(collection: CollectionName, key: string, fields: StoreRecord): Promise<boolean>;
  /** Writes `fields` (other fields are kept) if the document is still as `expected` says (compare-and-set). */
  replace(collection: CollectionName, key: string, expected: Expected, fields: StoreRecord): Promise<boolean>;
  /** Writes `fields` (other fields are kept) whatever the version; creates the document when missing. */
  put(collection: CollectionName, key: string, fields: StoreRecord): Promise<void>;
  /** Deletes the document; with `expected`, only if it is still as that says. True when deleted. */
  remove(collection: CollectionName, key: string, expected?: Expected): Promise<boolean>;
  /** Deletes the document if its numeric field `field` is below `limit` (an expired lease). */
  removeIfBelow(collection: CollectionName, key: string, field: string, limit: number): Promise<boolean>;
  /** Adds one to the numeric field `field` of the document, atomically; a missing document is created with 1 and `initial`. The new count. */
  increment(collection: CollectionName, key: string, field: string, initial?: StoreRecord): Promise<number>;
  /** Deletes every document whose numeric field `field` is below `limit`; how many went. */
  removeAllBelow(collection: CollectionName, field: string, limit: number): Promise<number>;
}
