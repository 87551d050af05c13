/**
 * Dotted field paths ("a.b.0.c"), the two ways MongoDB walks them:
 * - for reading in queries, sorts and projections, arrays along the way are traversed (a.b on
 *   [{b: 1}, {b: 2}] gives 1 and 2), and a numeric segment also indexes an array;
 * - for writing in updates, the path is exact: documents are created as needed, a numeric segment
 *   indexes an array (padding it with nulls), and writing through a scalar is an error.
 */
import { requestFailed, invalidParam, unsupported } from './errors';
import { field, isDoc, newDoc, typeName, type Doc, type Value } from './values';

/** The longest path taken (the depth of a stored document is limited anyway). */
const MAX_SEGMENTS = 100;

export function segmentsOf(path: string): string[] {
  const segments = path.split('.');
  if (path === '' || segments.some((segment) => segment === '')) return invalidParam(`the field path "${path}" is not valid`);
  if (segments.length > MAX_SEGMENTS) return invalidParam(`the field path has more than ${MAX_SEGMENTS} segments`);
  return segments;
}

function arrayIndex(segment: string): number | undefined {
  return /^(0|[1-9]\d{0,8})$/.test(segment) ? Number(segment) : undefined;
}

/**
 * Every value a query path reaches in `value` (undefined where it reaches nothing), traversing
 * arrays of documents as MongoDB does.
 */
export function reach(value: Value | undefined, segments: readonly string[], from = 0): Array<Value | undefined> {
  if (from === segments.length) return [value];
  const segment = segments[from] as string;
  if (isDoc(value)) return reach(field(value, segment), segments, from + 1);
  if (!Array.isArray(value)) return [undefined];
  const found: Array<Value | undefined> = [];
  const index = arrayIndex(segment);
  if (index !== undefined && index < value.length) found.push(...reach(value[index], segments, from + 1));
  for (const item of value) if (isDoc(item)) found.push(...reach(item, segments, from));
  return found.length === 0 ? [undefined] : found;
}

/** True when some branch of `value` has something at the path (null counts). */
export function exists(value: Value | undefined, segments: readonly string[]): boolean {
  return reach(value, segments).some((found) => found !== undefined);
}

function refuseOperatorSegments(path: string, segments: readonly string[]): void {
  if (segments.some((segment) => segment.startsWith('$'))) unsupported(`the positional update path "${path}"`);
}

/** The value exactly at `path` in a document (no array traversal), or undefined. */
export function getExact(doc: Doc, path: string): Value | undefined {
  let current: Value | undefined = doc;
  for (const segment of segmentsOf(path)) {
    if (isDoc(current)) current = field(current, segment);
    else if (Array.isArray(current) && arrayIndex(segment) !== undefined) current = current[arrayIndex(segment) as number];
    else return undefined;
  }
  return current;
}

/** Sets `path` in `doc`, creating documents on the way, as $set does. */
export function setExact(doc: Doc, path: string, value: Value): void {
  const segments = segmentsOf(path);
  refuseOperatorSegments(path, segments);
  let current: Value = doc;
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as string;
    const last = index === segments.length - 1;
    if (isDoc(current)) {
      if (last) {
        current[segment] = value;
        return;
      }
      let next: Value | undefined = field(current, segment);
      if (next === undefined) {
        next = newDoc();
        current[segment] = next;
      }
      if (!isDoc(next) && !Array.isArray(next)) cannotCreate(segments, index + 1, next);
      current = next;
    } else if (Array.isArray(current)) {
      const position = arrayIndex(segment);
      if (position === undefined) return requestFailed(`Cannot create field '${segment}' in an array (path '${path}')`);
      while (current.length < position) current.push(null);
      if (last) {
        current[position] = value;
        return;
      }
      let next: Value | undefined = current[position];
      if (next === undefined || next === null) {
        next = newDoc();
        current[position] = next;
      }
      if (!isDoc(next) && !Array.isArray(next)) cannotCreate(segments, index + 1, next);
      current = next;
    }
  }
}

function cannotCreate(segments: readonly string[], at: number, found: Value): never {
  return requestFailed(`Cannot create field '${segments[at] ?? ''}' in element {${segments[at - 1] ?? ''}: <${typeName(found)}>}`);
}

/** Removes `path` from `doc` as $unset does (an array element becomes null); absent paths are fine. */
export function unsetExact(doc: Doc, path: string): void {
  const segments = segmentsOf(path);
  refuseOperatorSegments(path, segments);
  const parent = segments.length === 1 ? doc : getExact(doc, segments.slice(0, -1).join('.'));
  const last = segments[segments.length - 1] as string;
  if (isDoc(parent)) {
    if (Object.prototype.hasOwnProperty.call(parent, last)) delete parent[last];
  } else if (Array.isArray(parent)) {
    const position = arrayIndex(last);
    if (position !== undefined && position < parent.length) parent[position] = null;
  }
}
