/**
 * Rules for stored documents: the _id (a string, a number or an ObjectId; generated as 32
 * hexadecimal digits, like CloudBase's, when absent), field names (none may start with "$" or
 * hold a "."), nesting (at most 100 levels) and size (at most 16 MiB as BSON, MongoDB's limit).
 */
import { randomBytes } from 'node:crypto';
import { MAX_DEPTH } from './ejson';
import { invalidParam, requestFailed, unsupported } from './errors';
import { isDoc, ObjectIdValue, RegexValue, type Doc, type Value } from './values';

export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** A fresh _id as CloudBase makes them: 32 hex digits, the first 8 the time in seconds. */
export function generateId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8);
  return seconds + randomBytes(12).toString('hex');
}

/** The key a document is stored under: its _id, typed ("1" and 1 are different ids). */
export function idKey(id: Value | undefined): string {
  if (typeof id === 'string') return `s:${id}`;
  if (typeof id === 'number') {
    if (!Number.isFinite(id)) return invalidParam('_id must be a finite number');
    return `n:${Object.is(id, -0) ? 0 : id}`;
  }
  if (id instanceof ObjectIdValue) return `o:${id.hex}`;
  if (id === undefined) return invalidParam('_id is required');
  if (Array.isArray(id)) return invalidParam('_id cannot be an array');
  return unsupported('an _id that is not a string, a number or an ObjectId');
}

/** The _id as the call log shows it (ids are keys, never document contents). */
export function idForLog(id: Value | undefined): string | number | undefined {
  if (typeof id === 'string' || typeof id === 'number') return id;
  if (id instanceof ObjectIdValue) return id.hex;
  return undefined;
}

/** Refuses a document MongoDB would not store. */
export function validateStored(doc: Doc): void {
  const bytes = check(doc, 0, true);
  if (bytes > MAX_DOCUMENT_BYTES) requestFailed(`the document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
}

/** Checks names and depth; returns the value's approximate BSON size. */
function check(value: Value, depth: number, topLevel: boolean): number {
  if (depth > MAX_DEPTH) return invalidParam(`a document nests deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'number' || value instanceof Date) return 8;
  if (typeof value === 'string') return Buffer.byteLength(value) + 5;
  if (value instanceof ObjectIdValue) return 12;
  if (value instanceof RegexValue) return Buffer.byteLength(value.pattern) + value.options.length + 2;
  let size = 5;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      size += String(index).length + 2 + check(item, depth + 1, false);
    });
    return size;
  }
  if (!isDoc(value)) return size;
  for (const key of Object.keys(value)) {
    if (key.startsWith('$')) invalidParam(`the field name ${JSON.stringify(key.slice(0, 64))} must not start with "$"`);
    if (key.includes('.')) invalidParam(`the field name ${JSON.stringify(key.slice(0, 64))} must not contain "."`);
    if (topLevel && key === '_id') idKey(value[key]);
    size += Buffer.byteLength(key) + 2 + check(value[key] as Value, depth + 1, false);
  }
  return size;
}
