/**
 * The subset of MongoDB Extended JSON the SDK speaks. @cloudbase/database 1.4.3 sends every query,
 * document, update, order and projection as `EJSON.stringify(value, {relaxed: false})` (bson 4.x):
 * {"$numberInt":"1"}, {"$numberLong":"…"}, {"$numberDouble":"1.5" | "NaN" | "Infinity"},
 * {"$date":{"$numberLong":"<ms>"}}, {"$oid":"<24 hex>"}, {"$regularExpression":{pattern, options}},
 * plus CloudBase's own {"$tcb_server_date":{"offset":…}} for db.serverDate() (the server's clock,
 * here the emulator's). Plain JSON numbers (relaxed form) are taken as they are; $date also takes
 * an ISO string or a number. Other EJSON types (Decimal128, binary, timestamps, min/max keys) are
 * refused with EMULATOR_UNSUPPORTED rather than approximated.
 *
 * Answers go back canonical (relaxed:false) too; the SDK reads them with EJSON.parse (relaxed), so
 * numbers come back as numbers and dates as Date objects.
 */
import { invalidParam, unsupported } from './errors';
import { isDoc, newDoc, ObjectIdValue, RegexValue, type Value } from './values';

/** Documents nest at most this deep (MongoDB's own limit is 100 levels). */
export const MAX_DEPTH = 100;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** The regular expression options bson accepts (it refuses the whole answer for any other). */
const REGEX_OPTIONS = /^[imxlsu]*$/;
const UNSUPPORTED_TYPES = new Set(['$numberDecimal', '$binary', '$uuid', '$timestamp', '$minKey', '$maxKey', '$symbol', '$code', '$dbPointer', '$undefined']);

/** Parses one EJSON string from the request (`label` names the field in error messages). */
export function parseEjson(text: unknown, label: string, now: number): Value {
  if (typeof text !== 'string') return invalidParam(`${label} must be an EJSON string`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalidParam(`${label} is not valid JSON`);
  }
  return revive(raw, 0, label, now);
}

function revive(raw: unknown, depth: number, label: string, now: number): Value {
  if (depth > MAX_DEPTH) return invalidParam(`${label} nests deeper than ${MAX_DEPTH} levels`);
  if (raw === null || typeof raw === 'boolean' || typeof raw === 'string' || typeof raw === 'number') return raw;
  if (Array.isArray(raw)) return raw.map((item) => revive(item, depth + 1, label, now));
  const object = raw as Record<string, unknown>;
  const keys = Object.keys(object);
  const only = keys.length === 1 ? (keys[0] as string) : undefined;
  if (only !== undefined && only.startsWith('$')) {
    const wrapped = wrapper(only, object[only], label, now);
    if (wrapped !== undefined) return wrapped;
  }
  const doc = newDoc();
  for (const key of keys) doc[key] = revive(object[key], depth + 1, label, now);
  return doc;
}

/** The value an EJSON type wrapper stands for; undefined when `key` is no type wrapper (an operator). */
function wrapper(key: string, inner: unknown, label: string, now: number): Value | undefined {
  switch (key) {
    case '$numberInt': {
      const value = typeof inner === 'string' && /^-?\d{1,10}$/.test(inner) ? Number(inner) : NaN;
      if (!(value >= INT32_MIN && value <= INT32_MAX)) return invalidParam(`${label}: $numberInt must be a 32-bit integer in a string`);
      return value;
    }
    case '$numberLong': {
      if (typeof inner !== 'string' || !/^-?\d{1,19}$/.test(inner) || BigInt(inner) < INT64_MIN || BigInt(inner) > INT64_MAX) {
        return invalidParam(`${label}: $numberLong must be a 64-bit integer in a string`);
      }
      // Past 2^53 the value is rounded to the nearest double, as the SDK itself reads it back.
      return Number(inner);
    }
    case '$numberDouble': {
      if (typeof inner !== 'string') return invalidParam(`${label}: $numberDouble must be a string`);
      if (inner === 'NaN') return NaN;
      const value = inner.trim() === '' ? NaN : Number(inner);
      if (Number.isNaN(value)) return invalidParam(`${label}: $numberDouble must be a number in a string`);
      return value;
    }
    case '$date':
      return dateOf(inner, label);
    case '$oid': {
      if (typeof inner !== 'string' || !/^[0-9a-fA-F]{24}$/.test(inner)) return invalidParam(`${label}: $oid must be 24 hexadecimal digits`);
      return new ObjectIdValue(inner.toLowerCase());
    }
    case '$regularExpression': {
      const spec = inner as Record<string, unknown> | null;
      if (typeof spec !== 'object' || spec === null || typeof spec['pattern'] !== 'string' || typeof spec['options'] !== 'string' || Object.keys(spec).length !== 2) {
        return invalidParam(`${label}: $regularExpression must be {pattern, options} strings`);
      }
      if (!REGEX_OPTIONS.test(spec['options'])) return invalidParam(`${label}: regular expression options must be among i, m, x, l, s, u`);
      return new RegexValue(spec['pattern'], [...spec['options']].sort().join(''));
    }
    case '$tcb_server_date': {
      const spec = inner as Record<string, unknown> | null;
      const offset = typeof spec === 'object' && spec !== null ? revive(spec['offset'] ?? 0, 1, label, now) : undefined;
      if (typeof offset !== 'number' || !Number.isFinite(offset)) return invalidParam(`${label}: $tcb_server_date must be {offset: milliseconds}`);
      return checkedDate(now + offset, label);
    }
    default:
      return UNSUPPORTED_TYPES.has(key) ? unsupported(`the EJSON type ${key}`) : undefined;
  }
}

function dateOf(inner: unknown, label: string): Date {
  if (typeof inner === 'number') return checkedDate(inner, label);
  if (typeof inner === 'string') return checkedDate(Date.parse(inner), label);
  const long = typeof inner === 'object' && inner !== null && Object.keys(inner).length === 1 ? (inner as Record<string, unknown>)['$numberLong'] : undefined;
  if (typeof long === 'string' && /^-?\d{1,19}$/.test(long)) return checkedDate(Number(long), label);
  return invalidParam(`${label}: $date must be {"$numberLong": "<milliseconds>"}, an ISO date string or a number`);
}

function checkedDate(ms: number, label: string): Date {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return invalidParam(`${label}: the date is out of range`);
  return date;
}

/** A value as canonical EJSON (relaxed:false), ready for JSON.stringify. */
export function toCanonical(value: Value): unknown {
  if (typeof value === 'number') return numberOf(value);
  if (value instanceof Date) return { $date: { $numberLong: String(value.getTime()) } };
  if (value instanceof RegexValue) return { $regularExpression: { pattern: value.pattern, options: value.options } };
  if (value instanceof ObjectIdValue) return { $oid: value.hex };
  if (Array.isArray(value)) return value.map(toCanonical);
  if (isDoc(value)) return mapFields(value, toCanonical);
  return value;
}

function numberOf(value: number): unknown {
  if (Number.isInteger(value) && !Object.is(value, -0)) {
    if (value >= INT32_MIN && value <= INT32_MAX) return { $numberInt: String(value) };
    const big = BigInt(value);
    if (big >= INT64_MIN && big <= INT64_MAX) return { $numberLong: big.toString() };
  }
  if (Number.isNaN(value)) return { $numberDouble: 'NaN' };
  if (Object.is(value, -0)) return { $numberDouble: '-0.0' };
  return { $numberDouble: String(value) };
}

/** One document as the EJSON string the SDK expects in data.list / data.doc. */
export function toEjsonString(value: Value): string {
  return JSON.stringify(toCanonical(value));
}

/** A value as relaxed EJSON for people (the admin API): plain numbers, {$date: ISO string}. */
export function toRelaxed(value: Value): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : numberOf(value);
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof RegexValue || value instanceof ObjectIdValue) return toCanonical(value);
  if (Array.isArray(value)) return value.map(toRelaxed);
  if (isDoc(value)) return mapFields(value, toRelaxed);
  return value;
}

function mapFields(doc: Record<string, Value>, convert: (value: Value) => unknown): Record<string, unknown> {
  // defineProperty, not assignment: a field named "__proto__" must stay a field.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) Object.defineProperty(out, key, { value: convert(doc[key] as Value), enumerable: true, writable: true, configurable: true });
  return out;
}
