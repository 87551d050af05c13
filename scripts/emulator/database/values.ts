/**
 * The values a stored document holds, and how MongoDB (which CloudBase's database is) compares them.
 * Documents are null-prototype objects, so a field named "__proto__" or "constructor" is just a field.
 */

/** A BSON regular expression value ({$regularExpression: {pattern, options}} on the wire). */
export class RegexValue {
  constructor(
    readonly pattern: string,
    readonly options: string,
  ) {}
}

/** A BSON ObjectId ({$oid: "24 hex digits"} on the wire), e.g. from db.ObjectId({id}). */
export class ObjectIdValue {
  constructor(readonly hex: string) {}
}

export type Value = null | boolean | number | string | Date | RegexValue | ObjectIdValue | Value[] | Doc;

export interface Doc {
  [field: string]: Value;
}

export function newDoc(): Doc {
  return Object.create(null) as Doc;
}

export function isDoc(value: Value | undefined): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegexValue) && !(value instanceof ObjectIdValue);
}

/** An own field of a document (never one inherited: documents have no prototype, but be sure). */
export function field(doc: Doc, name: string): Value | undefined {
  return Object.prototype.hasOwnProperty.call(doc, name) ? doc[name] : undefined;
}

export function clone<T extends Value>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => clone(item)) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isDoc(value)) {
    const copy = newDoc();
    for (const key of Object.keys(value)) copy[key] = clone(value[key] as Value);
    return copy as T;
  }
  return value;
}

/**
 * MongoDB's order of types (null and missing first, then numbers, strings, documents, arrays,
 * ObjectIds, booleans, dates, regular expressions). Values of different types compare by it.
 */
export function typeRank(value: Value | undefined): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (value instanceof ObjectIdValue) return 7;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  if (value instanceof RegexValue) return 11;
  return 4;
}

/** Strings compare by code point (MongoDB's default binary collation), not by UTF-16 unit. */
function compareStrings(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(j) ?? 0;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

function compareNumbers(a: number, b: number): number {
  // NaN sorts before every other number and equals itself.
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative, zero or positive as a sorts before, with or after b (MongoDB's BSON comparison). */
export function compareValues(a: Value | undefined, b: Value | undefined): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  if (a === undefined || a === null || b === undefined || b === null) return 0;
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return compareNumbers(a.getTime(), b.getTime());
  if (a instanceof ObjectIdValue && b instanceof ObjectIdValue) return compareStrings(a.hex, b.hex);
  if (a instanceof RegexValue && b instanceof RegexValue) return compareStrings(a.pattern, b.pattern) || compareStrings(a.options, b.options);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
      const diff = compareValues(a[index], b[index]);
      if (diff !== 0) return diff;
    }
    return a.length - b.length;
  }
  if (isDoc(a) && isDoc(b)) {
    // Field by field, in stored order: the value's type, then the field name, then the value.
    const left = Object.keys(a);
    const right = Object.keys(b);
    for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
      const leftKey = left[index] as string;
      const rightKey = right[index] as string;
      const diff = typeRank(a[leftKey]) - typeRank(b[rightKey]) || compareStrings(leftKey, rightKey) || compareValues(a[leftKey], b[rightKey]);
      if (diff !== 0) return diff;
    }
    return left.length - right.length;
  }
  return 0;
}

/** Equality as MongoDB sees it: 1 equals 1.0, dates by instant, documents field by field in order. */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

/** The name of a value's type, for error messages (never the value: it may be a secret). */
export function typeName(value: Value | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegexValue) return 'regex';
  if (value instanceof ObjectIdValue) return 'objectId';
  if (isDoc(value)) return 'object';
  return typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'double') : typeof value;
}
