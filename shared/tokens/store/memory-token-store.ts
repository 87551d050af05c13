import type { CollectionName, Expected, StoredDoc, StoreRecord, TokenStore } from './token-store';

function meets(doc: StoredDoc | undefined, expected: Expected): doc is StoredDoc {
  if (doc === undefined || (expected.version !== undefined && doc.version !== expected.version)) return false;
  return Object.entries(expected.fields ?? {}).every(([field, value]) => doc.fields[field] === value);
}

/**
 * The store of one instance: what a single process (a local run, the tests, one warm function
 * instance) shares between its calls. Each operation completes in one turn, so each is atomic.
 */
export class MemoryTokenStore implements TokenStore {
  readonly name = 'memory';
  private readonly collections = new Map<CollectionName, Map<string, StoredDoc>>();

  private collection(name: CollectionName): Map<string, StoredDoc> {
    let docs = this.collections.get(name);
    if (docs === undefined) {
      docs = new Map();
      this.collections.set(name, docs);
    }
    return docs;
  }

  async get(collection: CollectionName, key: string): Promise<StoredDoc | undefined> {
    return this.collection(collection).get(key);
  }

  async create(collection: CollectionName, key: string, fields: StoreRecord): Promise<boolean> {
    const docs = this.collection(collection);
    if (docs.has(key)) return false;
    docs.set(key, { fields: { ...fields }, version: 1 });
    return true;
  }

  async replace(collection: CollectionName, key: string, expected: Expected, fields: StoreRecord): Promise<boolean> {
    const docs = this.collection(collection);
    const doc = docs.get(key);
    if (!meets(doc, expected)) return false;
    docs.set(key, { fields: { ...doc.fields, ...fields }, version: doc.version + 1 });
    return true;
  }

  async put(collection: CollectionName, key: string, fields: StoreRecord): Promise<void> {
    const docs = this.collection(collection);
    const doc = docs.get(key);
    docs.set(key, { fields: { ...doc?.fields, ...fields }, version: (doc?.version ?? 0) + 1 });
  }

  async remove(collection: CollectionName, key: string, expected: Expected = {}): Promise<boolean> {
    const docs = this.collection(collection);
    if (!meets(docs.get(key), expected)) return false;
    return docs.delete(key);
  }

  async removeIfBelow(collection: CollectionName, key: string, field: string, limit: number): Promise<boolean> {
    const docs = this.collection(collection);
    const value = docs.get(key)?.fields[field];
    if (typeof value !== 'number' || !(value < limit)) return false;
    return docs.delete(key);
  }

  async increment(collection: CollectionName, key: string, field: string, initial: StoreRecord = {}): Promise<number> {
    const docs = this.collection(collection);
    const doc = docs.get(key);
    const current = doc?.fields[field];
    const next = (typeof current === 'number' ? current : 0) + 1;
    docs.set(key, { fields: { ...(doc?.fields ?? initial), [field]: next }, version: (doc?.version ?? 0) + 1 });
    return next;
  }

  async removeAllBelow(collection: CollectionName, field: string, limit: number): Promise<number> {
    const docs = this.collection(collection);
    let removed = 0;
    for (const [key, doc] of docs) {
      const value = doc.fields[field];
      if (typeof value === 'number' && value < limit) {
        docs.delete(key);
        removed++;
      }
    }
    return removed;
  }
}
