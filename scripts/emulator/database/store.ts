/**
 * The database state: env id → collection name → documents by _id, in insertion order (MongoDB's
 * natural order; a replaced document keeps its place). Every committed write stamps the document
 * with a store-wide sequence number, which transactions use to detect conflicting writes.
 * Collections exist only once created (db.createCollection); the emulator does not create them on
 * first write, as the real service does not.
 */
import { DatabaseError, DB_ERRORS, invalidParam } from './errors';
import type { Doc } from './values';

export interface StoredDoc {
  doc: Doc;
  /** The sequence number of the last committed write to it. */
  seq: number;
}

export class CollectionData {
  readonly docs = new Map<string, StoredDoc>();
  /** Keys removed while some transaction was open, with the sequence of the removal. */
  readonly removed = new Map<string, number>();
}

/** MongoDB's rules for a collection name (no "$", no NUL, not system.*, at most 255 bytes). */
export function checkCollectionName(name: unknown): string {
  if (typeof name !== 'string' || name === '') return invalidParam('collectionName must be a non-empty string');
  if (name.includes('$') || name.includes('\0') || name.startsWith('system.') || Buffer.byteLength(name) > 255) {
    return invalidParam('collectionName must not hold "$" or NUL, start with "system." or exceed 255 bytes');
  }
  return name;
}

export class DatabaseStore {
  private readonly envs = new Map<string, Map<string, CollectionData>>();
  private sequence = 0;

  /** The sequence number of the last committed write. */
  get seq(): number {
    return this.sequence;
  }

  find(env: string, name: string): CollectionData | undefined {
    return this.envs.get(env)?.get(name);
  }

  /** The collection, or DATABASE_COLLECTION_NOT_EXIST (for reads as for writes, as the real service). */
  require(env: string, name: string): CollectionData {
    const collection = this.find(env, name);
    if (collection === undefined) throw new DatabaseError(DB_ERRORS.COLLECTION_NOT_EXIST, `Db or Table not exist: collection "${name}" does not exist in env ${env} (create it with db.createCollection)`);
    return collection;
  }

  create(env: string, name: string): void {
    let collections = this.envs.get(env);
    if (collections === undefined) {
      collections = new Map();
      this.envs.set(env, collections);
    }
    if (collections.has(name)) throw new DatabaseError(DB_ERRORS.COLLECTION_ALREADY_EXIST, `Table exist: collection "${name}" already exists in env ${env}`);
    collections.set(name, new CollectionData());
  }

  put(collection: CollectionData, key: string, doc: Doc): void {
    this.sequence += 1;
    collection.docs.set(key, { doc, seq: this.sequence });
    collection.removed.delete(key);
  }

  /** Removes a document; `remember` keeps its removal for open transactions' conflict checks. */
  delete(collection: CollectionData, key: string, remember: boolean): void {
    if (!collection.docs.delete(key)) return;
    this.sequence += 1;
    if (remember) collection.removed.set(key, this.sequence);
  }

  /** The sequence of the last committed write to a key (its removal included), 0 if none. */
  lastWrite(collection: CollectionData, key: string): number {
    return collection.docs.get(key)?.seq ?? collection.removed.get(key) ?? 0;
  }

  /** Forgets removals no transaction needs any more. */
  forgetRemovals(): void {
    for (const collections of this.envs.values()) for (const collection of collections.values()) collection.removed.clear();
  }

  envIds(): string[] {
    return [...this.envs.keys()];
  }

  collections(env: string): Array<[string, CollectionData]> {
    return [...(this.envs.get(env)?.entries() ?? [])];
  }

  clear(): void {
    this.envs.clear();
    this.sequence = 0;
  }
}
