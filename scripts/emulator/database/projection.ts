/**
 * field(): the `projection` of getDocument, {path: 1 | 0} (the SDK turns true/false into 1/0).
 * Inclusion keeps only the listed paths plus _id (unless {_id: 0}); exclusion drops the listed
 * paths. Mixing both (other than _id) is refused as MongoDB refuses it, and so are colliding paths
 * ("a" with "a.b"). Nested paths reach into arrays of documents. Fields keep the document's order.
 * Operator projections ($slice, $elemMatch, db.command.project.*) answer EMULATOR_UNSUPPORTED.
 */
import { invalidParam, unsupported } from './errors';
import { segmentsOf } from './paths';
import { clone, field, isDoc, newDoc, type Doc, type Value } from './values';

type Tree = Map<string, Tree | true>;

export interface Projection {
  mode: 'include' | 'exclude';
  tree: Tree;
  keepId: boolean;
}

export function compileProjection(projection: Value): Projection | undefined {
  if (!isDoc(projection)) return invalidParam('projection must be an object such as {"name": 1}');
  const include: string[] = [];
  const exclude: string[] = [];
  let keepId = true;
  for (const path of Object.keys(projection)) {
    const value = projection[path];
    if (isDoc(value) || Array.isArray(value)) return unsupported(`the projection operator on ${path}`);
    if (typeof value !== 'number' && typeof value !== 'boolean') return invalidParam(`the projection of ${path} must be 1 or 0`);
    const wanted = value === true || (typeof value === 'number' && value !== 0);
    if (path === '_id') keepId = wanted;
    else (wanted ? include : exclude).push(path);
  }
  if (include.length > 0 && exclude.length > 0) return invalidParam(`Cannot do exclusion on field ${exclude[0] ?? ''} in inclusion projection`);
  if (include.length === 0 && exclude.length === 0) {
    if (!Object.prototype.hasOwnProperty.call(projection, '_id')) return undefined;
    // {_id: 1} alone keeps only _id; {_id: 0} alone drops only _id.
    return keepId ? { mode: 'include', tree: new Map(), keepId } : { mode: 'exclude', tree: treeOf(['_id']), keepId };
  }
  if (include.length > 0) return { mode: 'include', tree: treeOf(include), keepId };
  return { mode: 'exclude', tree: treeOf(keepId ? exclude : ['_id', ...exclude]), keepId };
}

function treeOf(paths: readonly string[]): Tree {
  const root: Tree = new Map();
  for (const path of paths) {
    const segments = segmentsOf(path);
    let node = root;
    segments.forEach((segment, index) => {
      const existing = node.get(segment);
      if (index === segments.length - 1) {
        if (existing !== undefined) invalidParam(`Path collision at ${path}`);
        node.set(segment, true);
        return;
      }
      if (existing === true) invalidParam(`Path collision at ${path}`);
      const child: Tree = existing ?? new Map();
      node.set(segment, child);
      node = child;
    });
  }
  return root;
}

export function project(doc: Doc, projection: Projection | undefined): Doc {
  if (projection === undefined) return clone(doc);
  if (projection.mode === 'exclude') return omit(doc, projection.tree) as Doc;
  const picked = pick(doc, projection.tree) as Doc;
  const id = field(doc, '_id');
  if (!projection.keepId || id === undefined) return picked;
  const out = newDoc();
  out['_id'] = clone(id);
  for (const key of Object.keys(picked)) out[key] = picked[key] as Value;
  return out;
}

function pick(value: Value, tree: Tree): Value | undefined {
  if (Array.isArray(value)) return value.filter((item) => isDoc(item) || Array.isArray(item)).map((item) => pick(item, tree) as Value);
  if (!isDoc(value)) return undefined;
  const out = newDoc();
  for (const key of Object.keys(value)) {
    const sub = tree.get(key);
    if (sub === undefined) continue;
    const inner = value[key] as Value;
    if (sub === true) out[key] = clone(inner);
    else if (isDoc(inner) || Array.isArray(inner)) out[key] = pick(inner, sub) as Value;
  }
  return out;
}

function omit(value: Value, tree: Tree): Value {
  if (Array.isArray(value)) return value.map((item) => (isDoc(item) || Array.isArray(item) ? omit(item, tree) : clone(item)));
  if (!isDoc(value)) return clone(value);
  const out = newDoc();
  for (const key of Object.keys(value)) {
    const sub = tree.get(key);
    if (sub === true) continue;
    const inner = value[key] as Value;
    out[key] = sub === undefined ? clone(inner) : omit(inner, sub);
  }
  return out;
}
