/**
 * Updates, compiled once per request (so a bad one is refused before any document is touched) and
 * applied to a copy of each matching document, MongoDB's way:
 * - merge:true (doc.update, where.update, updateAndReturn): update operators — $set, $unset
 *   (_.remove()), $inc, $mul, $min, $max, $rename, $currentDate, $push (with $each, $position,
 *   $slice, $sort; _.unshift), $pull, $pullAll, $pop (_.pop / _.shift), $addToSet, $setOnInsert
 *   (only when an upsert inserts). Plain fields without operators are taken as $set. Two operators
 *   on the same path or on a path and its parent are refused ("would create a conflict"), as is
 *   changing _id; a type clash ($inc on a string, $push on a non-array, a field under a scalar)
 *   answers DATABASE_REQUEST_FAILED and leaves the document as it was.
 * - merge:false (doc.set): the data replaces the whole document, _id kept.
 * Positional paths (a.$, a.$[]) and $bit answer EMULATOR_UNSUPPORTED.
 */
import { invalidParam, requestFailed, unsupported } from './errors';
import { compileElementTest } from './query';
import { getExact, segmentsOf, setExact, unsetExact } from './paths';
import { compileOrder, sortDocuments, type SortKey } from './sort';
import { clone, compareValues, field, isDoc, newDoc, sameValue, typeName, type Doc, type Value } from './values';

export interface CompiledUpdate {
  /** The new document (the input is not changed). `inserting`: the document is being upserted. */
  apply(doc: Doc, now: number, inserting: boolean): Doc;
  /** True when the data replaces the document (doc.set). */
  replaces: boolean;
}

type Step = (doc: Doc, now: number, inserting: boolean) => void;

const OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$currentDate', '$push', '$pull', '$pullAll', '$pop', '$addToSet', '$setOnInsert']);

export function compileUpdate(data: Value, merge: boolean): CompiledUpdate {
  if (!isDoc(data)) return invalidParam('data must be an object');
  const keys = Object.keys(data);
  const operators = keys.filter((key) => key.startsWith('$'));
  if (!merge) {
    if (operators.length > 0) return invalidParam('a replacement document (set) cannot hold update operators');
    return { replaces: true, apply: (doc) => replace(doc, data) };
  }
  if (operators.length > 0 && operators.length < keys.length) return invalidParam('data mixes update operators and plain fields');
  const spec = operators.length === 0 ? wrapInSet(data) : data;
  const steps: Step[] = [];
  const paths: string[] = [];
  for (const operator of Object.keys(spec)) {
    const fields = spec[operator];
    if (!OPERATORS.has(operator)) return operator === '$bit' ? unsupported('the update operator $bit') : invalidParam(`Unknown modifier: ${operator}`);
    if (!isDoc(fields)) return invalidParam(`${operator} needs an object of field paths`);
    for (const path of Object.keys(fields)) {
      const segments = segmentsOf(path);
      if (segments.some((segment) => segment.startsWith('$'))) return unsupported(`the positional update path "${path}"`);
      paths.push(path);
      if (operator === '$rename') {
        const target = fields[path];
        if (typeof target !== 'string' || target === path) return invalidParam(`$rename of ${path} needs another field path as a string`);
        segmentsOf(target);
        paths.push(target);
      }
      steps.push(compileStep(operator, path, fields[path] as Value));
    }
  }
  refuseConflicts(paths);
  return {
    replaces: false,
    apply(doc, now, inserting) {
      const next = clone(doc);
      for (const step of steps) step(next, now, inserting);
      if (!sameValue(field(next, '_id'), field(doc, '_id'))) requestFailed("Performing an update on the path '_id' would modify the immutable field '_id'");
      return next;
    },
  };
}

function wrapInSet(data: Doc): Doc {
  const spec = newDoc();
  spec['$set'] = data;
  return spec;
}

function replace(doc: Doc, data: Doc): Doc {
  const id = field(doc, '_id');
  const given = field(data, '_id');
  if (given !== undefined && !sameValue(given, id)) requestFailed("Performing an update on the path '_id' would modify the immutable field '_id'");
  const next = newDoc();
  if (id !== undefined) next['_id'] = clone(id);
  for (const key of Object.keys(data)) if (key !== '_id') next[key] = clone(data[key] as Value);
  return next;
}

function refuseConflicts(paths: readonly string[]): void {
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) invalidParam(`Updating the path '${path}' would create a conflict at '${path}'`);
    seen.add(path);
  }
  for (const path of paths) {
    const segments = path.split('.');
    for (let length = 1; length < segments.length; length += 1) {
      const prefix = segments.slice(0, length).join('.');
      if (seen.has(prefix)) invalidParam(`Updating the path '${path}' would create a conflict at '${prefix}'`);
    }
  }
}

function numberOperand(operator: string, path: string, operand: Value): number {
  if (typeof operand !== 'number') return invalidParam(`${operator} of ${path} needs a number`);
  return operand;
}

function arrayAt(doc: Doc, path: string, operator: string): Value[] | undefined {
  const current = getExact(doc, path);
  if (current === undefined) return undefined;
  if (!Array.isArray(current)) return requestFailed(`${operator}: the field '${path}' must be an array but is of type ${typeName(current)}`);
  return current;
}

function compileStep(operator: string, path: string, operand: Value): Step {
  switch (operator) {
    case '$set':
      return (doc) => setExact(doc, path, clone(operand));
    case '$setOnInsert':
      return (doc, _now, inserting) => {
        if (inserting) setExact(doc, path, clone(operand));
      };
    case '$unset':
      return (doc) => unsetExact(doc, path);
    case '$inc':
    case '$mul': {
      const amount = numberOperand(operator, path, operand);
      return (doc) => {
        const current = getExact(doc, path);
        if (current !== undefined && typeof current !== 'number') requestFailed(`Cannot apply ${operator} to a value of non-numeric type: the field '${path}' is of type ${typeName(current)}`);
        const base = current ?? 0;
        setExact(doc, path, operator === '$inc' ? base + amount : base * amount);
      };
    }
    case '$min':
    case '$max':
      return (doc) => {
        const current = getExact(doc, path);
        const diff = compareValues(operand, current);
        if (current === undefined || (operator === '$min' ? diff < 0 : diff > 0)) setExact(doc, path, clone(operand));
      };
    case '$rename':
      return (doc) => {
        const current = getExact(doc, path);
        if (current === undefined) return;
        unsetExact(doc, path);
        setExact(doc, operand as string, current);
      };
    case '$currentDate': {
      const type = isDoc(operand) ? operand['$type'] : operand === true ? 'date' : undefined;
      if (type === 'timestamp') return unsupported('$currentDate with $type timestamp');
      if (type !== 'date') return invalidParam(`$currentDate of ${path} needs true or {$type: "date"}`);
      return (doc, now) => setExact(doc, path, new Date(now));
    }
    case '$push':
      return compilePush(path, operand);
    case '$addToSet': {
      const values = isDoc(operand) && Object.keys(operand)[0] === '$each' ? operand['$each'] : [operand];
      if (!Array.isArray(values)) return invalidParam(`$addToSet $each of ${path} needs an array`);
      return (doc) => {
        const current = arrayAt(doc, path, '$addToSet') ?? [];
        const next = [...current];
        for (const value of values) if (!next.some((item) => sameValue(item, value))) next.push(clone(value));
        setExact(doc, path, next);
      };
    }
    case '$pull': {
      const test = compileElementTest(operand);
      return (doc) => {
        const current = arrayAt(doc, path, '$pull');
        if (current !== undefined) setExact(doc, path, current.filter((item) => !test(item)));
      };
    }
    case '$pullAll': {
      if (!Array.isArray(operand)) return invalidParam(`$pullAll of ${path} needs an array`);
      return (doc) => {
        const current = arrayAt(doc, path, '$pullAll');
        if (current !== undefined) setExact(doc, path, current.filter((item) => !operand.some((value) => sameValue(item, value))));
      };
    }
    case '$pop': {
      if (operand !== 1 && operand !== -1) return invalidParam(`$pop of ${path} needs 1 or -1`);
      return (doc) => {
        const current = arrayAt(doc, path, '$pop');
        if (current !== undefined && current.length > 0) setExact(doc, path, operand === 1 ? current.slice(0, -1) : current.slice(1));
      };
    }
    default:
      return invalidParam(`Unknown modifier: ${operator}`);
  }
}

function compilePush(path: string, operand: Value): Step {
  const modifiers = isDoc(operand) && Object.keys(operand).some((key) => key === '$each') ? operand : undefined;
  if (modifiers !== undefined) {
    for (const key of Object.keys(modifiers)) if (!['$each', '$position', '$slice', '$sort'].includes(key)) return invalidParam(`unrecognized clause in $push: ${key}`);
  }
  const values = modifiers === undefined ? [operand] : modifiers['$each'];
  if (!Array.isArray(values)) return invalidParam(`$push $each of ${path} needs an array`);
  const position = modifiers?.['$position'];
  const slice = modifiers?.['$slice'];
  const sort = modifiers?.['$sort'];
  if (position !== undefined && (typeof position !== 'number' || !Number.isInteger(position))) return invalidParam('$position must be an integer');
  if (slice !== undefined && (typeof slice !== 'number' || !Number.isInteger(slice))) return invalidParam('$slice must be an integer');
  let sortKeys: SortKey[] | 1 | -1 | undefined;
  if (sort === 1 || sort === -1) sortKeys = sort;
  else if (sort !== undefined) sortKeys = compileOrder(sort);
  return (doc) => {
    const current = arrayAt(doc, path, '$push') ?? [];
    let at = position ?? current.length;
    if (at < 0) at = Math.max(0, current.length + at);
    let next = [...current.slice(0, at), ...values.map((value) => clone(value)), ...current.slice(at)];
    if (sortKeys === 1 || sortKeys === -1) {
      const direction = sortKeys;
      next = [...next].sort((a, b) => compareValues(a, b) * direction);
    } else if (sortKeys !== undefined) {
      next = sortDocuments(next, sortKeys);
    }
    if (slice !== undefined) next = slice >= 0 ? next.slice(0, slice) : next.slice(slice);
    setExact(doc, path, next);
  };
}
