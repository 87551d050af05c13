/**
 * orderBy: the `order` field of getDocument is {field: 1 | -1, ...} in priority order (the SDK
 * merges successive orderBy calls into one object). Values compare in MongoDB's type order; an
 * array sorts by its smallest element ascending and its largest descending; a missing field sorts
 * as null. Ties keep the collection's natural (insertion) order.
 */
import { invalidParam } from './errors';
import { reach, segmentsOf } from './paths';
import { compareValues, isDoc, type Value } from './values';

export interface SortKey {
  segments: string[];
  direction: 1 | -1;
}

export function compileOrder(order: Value): SortKey[] {
  // The legacy form, [{field, direction: 'asc' | 'desc'}], is taken too.
  if (Array.isArray(order)) {
    return order.map((item) => {
      const name = isDoc(item) ? item['field'] : undefined;
      const direction = isDoc(item) ? item['direction'] : undefined;
      if (typeof name !== 'string' || (direction !== 'asc' && direction !== 'desc')) return invalidParam('order entries must be {field, direction: "asc" | "desc"}');
      return { segments: segmentsOf(name), direction: direction === 'desc' ? -1 : 1 };
    });
  }
  if (!isDoc(order)) return invalidParam('order must be an object such as {"createdAt": -1}');
  return Object.keys(order).map((name) => {
    const direction = order[name];
    if (direction !== 1 && direction !== -1) return invalidParam(`the sort direction of ${name} must be 1 or -1`);
    return { segments: segmentsOf(name), direction };
  });
}

function sortValue(doc: Value, key: SortKey): Value | undefined {
  const values: Array<Value | undefined> = [];
  for (const reached of reach(doc, key.segments)) {
    if (Array.isArray(reached)) values.push(...(reached.length === 0 ? [undefined] : reached));
    else values.push(reached);
  }
  let best = values[0];
  for (const value of values.slice(1)) if (compareValues(value, best) * key.direction < 0) best = value;
  return best;
}

/** Sorts documents (or any values: $push's $sort sorts array elements by their fields). */
export function sortDocuments<T extends Value>(docs: T[], keys: readonly SortKey[]): T[] {
  if (keys.length === 0) return docs;
  const decorated = docs.map((doc) => ({ doc, values: keys.map((key) => sortValue(doc, key)) }));
  decorated.sort((a, b) => {
    for (let index = 0; index < keys.length; index += 1) {
      const diff = compareValues(a.values[index], b.values[index]) * (keys[index] as SortKey).direction;
      if (diff !== 0) return diff;
    }
    return 0;
  });
  return decorated.map((entry) => entry.doc);
}
