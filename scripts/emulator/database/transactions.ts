/**
 * Transactions (db.startTransaction / db.runTransaction): database.startTransaction answers a
 * top-level transactionId; single-document operations (doc(id).get/set/update/remove, add) then
 * carry it, and database.commitTransaction / database.abortTransaction end it.
 *
 * Writes are kept aside until commit (all-or-nothing); reads in the transaction see its own
 * writes over the committed data (read-your-writes, not a full snapshot). A write conflicts
 * (DATABASE_TRANSACTION_CONFLICT, the transaction is aborted as MongoDB aborts it, which is what
 * lets runTransaction's retry start afresh) when another open transaction has written the same
 * document, or when the document was committed to after this transaction started — also checked
 * again at commit, so a plain write that slipped in between fails the commit. Query (WHERE)
 * operations in a transaction are refused (INVALID_PARAM), as the real service only takes
 * single-document ones. A transaction left open expires after 60 s of the emulator's clock
 * (MongoDB's default lifetime) and then answers INVALID_PARAM like an unknown transactionId.
 */
import { randomBytes } from 'node:crypto';
import { DatabaseError, DB_ERRORS, invalidParam } from './errors';
import type { CollectionData, DatabaseStore } from './store';
import type { Doc } from './values';

export const TRANSACTION_LIFETIME_MS = 60_000;

interface PendingWrite {
  collection: CollectionData;
  key: string;
  /** The document as the transaction left it; null when it removed it. */
  doc: Doc | null;
}

export interface Transaction {
  id: string;
  env: string;
  startSeq: number;
  startedAt: number;
  writes: Map<CollectionData, Map<string, PendingWrite>>;
}

export class Transactions {
  private readonly open = new Map<string, Transaction>();

  constructor(
    private readonly store: DatabaseStore,
    private readonly now: () => number,
  ) {}

  start(env: string): Transaction {
    this.sweep();
    const transaction: Transaction = { id: randomBytes(16).toString('hex'), env, startSeq: this.store.seq, startedAt: this.now(), writes: new Map() };
    this.open.set(transaction.id, transaction);
    return transaction;
  }

  /** The open transaction with this id in this env, or INVALID_PARAM. */
  get(env: string, id: string): Transaction {
    this.sweep();
    const transaction = this.open.get(id);
    if (transaction === undefined || transaction.env !== env) return invalidParam(`transaction ${id.slice(0, 64)} does not exist or has ended (committed, aborted, conflicted or expired)`);
    return transaction;
  }

  /** True while any transaction is open: removals must then be remembered for conflict checks. */
  anyOpen(): boolean {
    this.sweep();
    return this.open.size > 0;
  }

  /** The document as the transaction sees it: its own write if any, else the committed one. */
  read(transaction: Transaction, collection: CollectionData, key: string): Doc | undefined {
    const pending = transaction.writes.get(collection)?.get(key);
    if (pending !== undefined) return pending.doc ?? undefined;
    return collection.docs.get(key)?.doc;
  }

  write(transaction: Transaction, collection: CollectionData, key: string, doc: Doc | null): void {
    this.checkConflict(transaction, collection, key);
    let writes = transaction.writes.get(collection);
    if (writes === undefined) {
      writes = new Map();
      transaction.writes.set(collection, writes);
    }
    writes.set(key, { collection, key, doc });
  }

  commit(transaction: Transaction): void {
    for (const writes of transaction.writes.values()) for (const write of writes.values()) this.checkConflict(transaction, write.collection, write.key);
    this.open.delete(transaction.id);
    const remember = this.open.size > 0;
    for (const writes of transaction.writes.values()) {
      for (const write of writes.values()) {
        if (write.doc === null) this.store.delete(write.collection, write.key, remember);
        else this.store.put(write.collection, write.key, write.doc);
      }
    }
    if (!remember) this.store.forgetRemovals();
  }

  abort(transaction: Transaction): void {
    this.open.delete(transaction.id);
    if (this.open.size === 0) this.store.forgetRemovals();
  }

  clear(): void {
    this.open.clear();
  }

  private checkConflict(transaction: Transaction, collection: CollectionData, key: string): void {
    const otherWriter = [...this.open.values()].some((other) => other !== transaction && other.writes.get(collection)?.has(key) === true);
    if (!otherWriter && this.store.lastWrite(collection, key) <= transaction.startSeq) return;
    this.abort(transaction);
    throw new DatabaseError(DB_ERRORS.TRANSACTION_CONFLICT, 'WriteConflict: the document was written by another operation during the transaction; the transaction was aborted');
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, transaction] of this.open) if (now - transaction.startedAt > TRANSACTION_LIFETIME_MS) this.open.delete(id);
    if (this.open.size === 0) this.store.forgetRemovals();
  }
}
