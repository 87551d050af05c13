/**
 * Queries, compiled once per request into a predicate (so a bad operator is refused even on an empty
 * collection), with MongoDB's matching rules as db.command encodes them:
 * - {a: v} / {"a.b": v} equality (an array field matches when it equals v or holds v; {a: null}
 *   also matches a missing field; regex values match strings);
 * - $eq, $ne, $gt, $gte, $lt, $lte (only values of the same type bracket compare: 5 is never less
 *   than "6"), $in, $nin, $exists, $not, $regex/$options, $all, $size, $elemMatch, $mod;
 * - top level $and, $or, $nor (non-empty arrays of queries), $comment.
 * Geo operators, $expr, $where, $text, $jsonSchema and $type answer EMULATOR_UNSUPPORTED; anything
 * else starting with "$" answers INVALID_PARAM, as an unknown operator does on the real service.
 */
import { invalidParam, unsupported } from './errors';
import { reach, segmentsOf } from './paths';
import { compareValues, isDoc, RegexValue, sameValue, typeRank, type Doc, type Value } from './values';

export type DocPredicate = (doc: Doc) => boolean;
/** Tests the values a field path reached in one document. */
type ReachedPredicate = (reached: ReadonlyArray<Value | undefined>) => boolean;

const UNSUPPORTED_FIELD_OPERATORS = new Set(['$type', '$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$within', '$box', '$center', '$centerSphere', '$polygon', '$geometry', '$maxDistance', '$minDistance', '$bitsAllSet', '$bitsAnySet', '$bitsAllClear', '$bitsAnyClear']);
const UNSUPPORTED_TOP_OPERATORS = new Set(['$expr', '$where', '$text', '$jsonSchema']);

export function compileQuery(query: Doc, depth = 0): DocPredicate {
  if (depth > 100) return invalidParam('the query nests too deep');
  const parts: DocPredicate[] = [];
  for (const key of Object.keys(query)) {
    const condition = query[key] as Value;
    if (key.startsWith('$')) {
      parts.push(compileTopLevel(key, condition, depth));
    } else {
      const segments = segmentsOf(key);
      const test = compileCondition(condition, depth);
      parts.push((doc) => test(reach(doc, segments)));
    }
  }
  return (doc) => parts.every((part) => part(doc));
}

function compileTopLevel(operator: string, condition: Value, depth: number): DocPredicate {
  switch (operator) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(condition) || condition.length === 0) return invalidParam(`${operator} must be a nonempty array`);
      const subqueries = condition.map((sub) => (isDoc(sub) ? compileQuery(sub, depth + 1) : invalidParam(`${operator} takes an array of objects`)));
      if (operator === '$and') return (doc) => subqueries.every((sub) => sub(doc));
      if (operator === '$or') return (doc) => subqueries.some((sub) => sub(doc));
      return (doc) => !subqueries.some((sub) => sub(doc));
    }
    case '$comment':
      return () => true;
    default:
      if (UNSUPPORTED_TOP_OPERATORS.has(operator)) return unsupported(`the query operator ${operator}`);
      return invalidParam(`unknown top level operator: ${operator}`);
  }
}

export function isOperatorDoc(value: Value | undefined): value is Doc {
  if (!isDoc(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

/**
 * The test for one field's condition: a value to equal, a regular expression, or a document of
 * operators ({$gt: 1, $lt: 5}).
 */
export function compileCondition(condition: Value, depth: number): ReachedPredicate {
  if (condition instanceof RegexValue) return regexTest(condition);
  if (!isOperatorDoc(condition)) return equalTest(condition);
  const keys = Object.keys(condition);
  const tests: ReachedPredicate[] = [];
  for (const operator of keys) {
    if (!operator.startsWith('$')) return invalidParam(`unknown operator: ${operator} (a condition mixes operators and fields)`);
    if (operator === '$options') {
      if (!keys.includes('$regex')) return invalidParam('$options needs a $regex');
      continue;
    }
    tests.push(compileOperator(operator, condition[operator] as Value, condition, depth));
  }
  return (reached) => tests.every((test) => test(reached));
}

function compileOperator(operator: string, operand: Value, all: Doc, depth: number): ReachedPredicate {
  switch (operator) {
    case '$eq':
      return equalTest(operand);
    case '$ne': {
      const equal = equalTest(operand);
      return (reached) => !equal(reached);
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return comparisonTest(operator, operand);
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) return invalidParam(`${operator} needs an array`);
      const tests = operand.map((item) => (item instanceof RegexValue ? regexTest(item) : equalTest(item)));
      const within: ReachedPredicate = (reached) => tests.some((test) => test(reached));
      return operator === '$in' ? within : (reached) => !within(reached);
    }
    case '$exists': {
      const wanted = operand !== false && operand !== 0 && operand !== null;
      return (reached) => reached.some((value) => value !== undefined) === wanted;
    }
    case '$not': {
      if (!(operand instanceof RegexValue) && !isOperatorDoc(operand)) return invalidParam('$not needs a regex or a document of operators');
      const inner = compileCondition(operand, depth + 1);
      return (reached) => !inner(reached);
    }
    case '$regex': {
      const options = all['$options'];
      if (options !== undefined && typeof options !== 'string') return invalidParam('$options must be a string');
      if (operand instanceof RegexValue) return regexTest(options === undefined ? operand : new RegexValue(operand.pattern, options));
      if (typeof operand !== 'string') return invalidParam('$regex needs a string');
      return regexTest(new RegexValue(operand, options ?? ''));
    }
    case '$all': {
      if (!Array.isArray(operand)) return invalidParam('$all needs an array');
      const tests = operand.map((item) => (isDoc(item) && isDoc(item['$elemMatch']) ? elemMatchTest(item['$elemMatch'], depth) : equalTest(item)));
      return (reached) => tests.length > 0 && tests.every((test) => test(reached));
    }
    case '$size': {
      if (typeof operand !== 'number' || !Number.isInteger(operand) || operand < 0) return invalidParam('$size needs a non-negative integer');
      return (reached) => reached.some((value) => Array.isArray(value) && value.length === operand);
    }
    case '$elemMatch':
      if (!isDoc(operand)) return invalidParam('$elemMatch needs an object');
      return elemMatchTest(operand, depth);
    case '$mod': {
      const [divisor, remainder] = Array.isArray(operand) ? operand : [];
      if (!Array.isArray(operand) || operand.length !== 2 || typeof divisor !== 'number' || typeof remainder !== 'number' || Math.trunc(divisor) === 0) {
        return invalidParam('$mod needs [divisor, remainder] with a divisor other than 0');
      }
      const test = (value: Value): boolean => typeof value === 'number' && Number.isFinite(value) && Math.trunc(value) % Math.trunc(divisor) === Math.trunc(remainder);
      return anyValue(test);
    }
    default:
      if (UNSUPPORTED_FIELD_OPERATORS.has(operator)) return unsupported(`the query operator ${operator}`);
      return invalidParam(`unknown operator: ${operator}`);
  }
}

/** True when some reached value, or some element of a reached array, passes. */
function anyValue(test: (value: Value) => boolean): ReachedPredicate {
  return (reached) => reached.some((value) => value !== undefined && (test(value) || (Array.isArray(value) && value.some(test))));
}

function equalTest(target: Value): ReachedPredicate {
  const same = anyValue((value) => sameValue(value, target));
  if (target !== null) return same;
  return (reached) => reached.some((value) => value === undefined) || same(reached);
}

function comparisonTest(operator: '$gt' | '$gte' | '$lt' | '$lte', target: Value): ReachedPredicate {
  if (target === null) return operator === '$gte' || operator === '$lte' ? equalTest(null) : () => false;
  const rank = typeRank(target);
  const accept = (diff: number): boolean => (operator === '$gt' ? diff > 0 : operator === '$gte' ? diff >= 0 : operator === '$lt' ? diff < 0 : diff <= 0);
  return anyValue((value) => typeRank(value) === rank && accept(compareValues(value, target)));
}

function elemMatchTest(condition: Doc, depth: number): ReachedPredicate {
  const element: (value: Value) => boolean = isOperatorDoc(condition)
    ? ((test) => (value: Value) => test([value]))(compileCondition(condition, depth + 1))
    : ((query) => (value: Value) => isDoc(value) && query(value))(compileQuery(condition, depth + 1));
  return (reached) => reached.some((value) => Array.isArray(value) && value.some(element));
}

/** A RegExp for a BSON regex: options i, m, s map to JavaScript's; l and u change nothing here. */
export function toRegExp(regex: RegexValue): RegExp {
  if (regex.options.includes('x')) return unsupported('the regular expression option x');
  const flags = [...regex.options].filter((option) => option === 'i' || option === 'm' || option === 's').join('');
  try {
    return new RegExp(regex.pattern, flags);
  } catch {
    return invalidParam('the regular expression is not valid (the emulator reads it as a JavaScript one)');
  }
}

function regexTest(regex: RegexValue): ReachedPredicate {
  const compiled = toRegExp(regex);
  return anyValue((value) => (typeof value === 'string' ? compiled.test(value) : value instanceof RegexValue && sameValue(value, regex)));
}

/** Whether one array element matches a $pull condition (a value, a regex, operators or a query). */
export function compileElementTest(condition: Value): (element: Value) => boolean {
  if (condition instanceof RegexValue) {
    const compiled = toRegExp(condition);
    return (element) => typeof element === 'string' && compiled.test(element);
  }
  if (isOperatorDoc(condition)) {
    const test = compileCondition(condition, 1);
    return (element) => test([element]);
  }
  if (isDoc(condition)) {
    const query = compileQuery(condition, 1);
    return (element) => isDoc(element) && query(element);
  }
  return (element) => sameValue(element, condition);
}
