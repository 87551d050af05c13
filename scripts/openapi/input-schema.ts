/**
 * A function's input schema as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), converted
 * from the very valibot schema the function validates with, by @valibot/to-json-schema. What the
 * converter cannot say is handled here, and anything it does not know fails the build instead of
 * being dropped:
 * - `v.lazy` at the top (a schema chosen by which keys the input has) becomes `anyOf` of every
 *   branch, found by asking the getter with probe objects that record the keys it looks for;
 * - a regex with the `i` flag becomes an equivalent pattern without flags; a second pattern on the
 *   same value goes into `allOf`;
 * - `v.check`, `v.rawCheck` and `v.rawTransform` (rules across fields, computed messages,
 *   normalisation) are listed in `x-checks` on the node they apply to: the function checks them,
 *   the schema does not;
 * - a `v.transform` (e.g. a 64-bit id turned into a bigint after its checks) is marked
 *   `x-transformed`.
 * The messages the schema gives (its rules in words) become the node's `description`.
 */
import { toJsonSchema, type ConversionConfig, type JsonSchema, type OverrideActionContext, type OverrideSchemaContext } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { caselessPattern } from './caseless-pattern';

/** A JSON Schema node with this generator's `x-` notes. */
export type SchemaNode = JsonSchema & { 'x-checks'?: string[]; 'x-transformed'?: boolean; 'x-chosen-by'?: string };

type AnySchema = v.GenericSchema;
type LazySchema = v.LazySchema<AnySchema>;

/** The note for a rule JSON Schema cannot express, in the schema's own words when it has them. */
function checkNote(action: OverrideActionContext['valibotAction']): string {
  const message = (action as { message?: unknown }).message;
  switch (action.type) {
    case 'check':
      return typeof message === 'string' ? message : 'a further rule on this value, checked by the function (its errmsg names the rule)';
    case 'raw_check':
      return 'a rule across fields, checked by the function (its errmsg names the field and the rule)';
    case 'raw_transform':
      return 'normalised and checked by the function (its errmsg names the rule)';
    default:
      return action.type;
  }
}

const NOT_EXPRESSIBLE = new Set(['check', 'raw_check', 'raw_transform']);
const PATTERN_ACTIONS = new Set(['regex', 'starts_with', 'ends_with', 'includes']);
const ESCAPE = /[.*+?^${}()|[\]\\]/g;

function patternOf(action: OverrideActionContext['valibotAction']): string {
  const requirement = (action as unknown as { requirement: unknown }).requirement;
  if (action.type === 'regex') {
    const regex = requirement as RegExp;
    const flags = regex.flags.replace('u', '');
    if (flags === '') return regex.source;
    if (flags === 'i') return caselessPattern(regex.source);
    throw new Error(`the regex /${regex.source}/${regex.flags} has flags JSON Schema cannot express`);
  }
  const text = String(requirement).replace(ESCAPE, '\\$&');
  return action.type === 'starts_with' ? `^${text}` : action.type === 'ends_with' ? `${text}$` : text;
}

function withDescription(node: SchemaNode, message: unknown): SchemaNode {
  if (typeof message !== 'string' || message === '') return node;
  const parts = node.description === undefined ? [] : node.description.split('; ');
  if (parts.includes(message)) return node;
  return { ...node, description: [...parts, message].join('; ') };
}

function overrideAction(context: OverrideActionContext): JsonSchema | undefined {
  const { valibotAction: action, errors } = context;
  let node = context.jsonSchema as SchemaNode;
  if (node['x-transformed'] === true && action.kind === 'validation') {
    throw new Error(`a "${action.type}" action after a transformation: its meaning depends on the transformed value, which JSON Schema does not see`);
  }
  if (action.type === 'transform') return { ...node, 'x-transformed': true } as SchemaNode;
  if (NOT_EXPRESSIBLE.has(action.type)) {
    const note = checkNote(action);
    return { ...node, 'x-checks': [...(node['x-checks'] ?? []), note] } as SchemaNode;
  }
  if (PATTERN_ACTIONS.has(action.type)) {
    const pattern = patternOf(action);
    new RegExp(pattern, 'u'); // JSON Schema patterns are ECMA-262 with Unicode semantics: must compile so
    const combined = errors?.some((error) => error.includes('in combination with another regex action')) === true;
    node = combined ? { ...node, allOf: [...(node.allOf ?? []), { pattern }] } : { ...node, pattern };
    return withDescription(node, (action as { message?: unknown }).message);
  }
  if (errors !== undefined) return undefined; // anything else the converter refused: it throws
  return withDescription(node, (action as { message?: unknown }).message);
}

/** Schema kinds whose message states a rule (picklists, unions); a bare type's "must be a string" adds nothing. */
const RULE_SCHEMAS = new Set(['picklist', 'enum', 'union', 'literal', 'variant']);

function overrideSchema(context: OverrideSchemaContext): JsonSchema | undefined {
  const schema = context.valibotSchema as AnySchema & { message?: unknown };
  if (schema.type === 'lazy') throw new Error('v.lazy below the top of an input schema: the generator only expands a top-level lazy');
  if (context.errors !== undefined) return undefined;
  return RULE_SCHEMAS.has(schema.type) ? withDescription(context.jsonSchema as SchemaNode, schema.message) : undefined;
}

const CONFIG: ConversionConfig = {
  target: 'draft-2020-12',
  // 'ignore': every action of a pipe reaches overrideAction (a transformation included), so that
  // nothing is skipped unseen; anything not handled there throws.
  typeMode: 'ignore',
  errorMode: 'throw',
  overrideAction,
  overrideSchema,
};

/**
 * The branches of a top-level `v.lazy` that picks its schema by which keys the input has: the
 * getter is asked with probe objects whose `in` checks are recorded; each key it asks about is
 * then tried present. Returns each distinct branch with the keys present when it was chosen.
 */
export function lazyBranches(schema: LazySchema): Array<{ schema: AnySchema; keys: string[] }> {
  const branches = new Map<AnySchema, string[]>();
  const asked = new Set<string>();
  const explore = (present: readonly string[]): void => {
    const fresh: string[] = [];
    const probe = new Proxy({} as Record<string, unknown>, {
      has(_target, key) {
        if (typeof key !== 'string') return false;
        if (!asked.has(key)) {
          asked.add(key);
          fresh.push(key);
        }
        return present.includes(key);
      },
    });
    const branch = schema.getter(probe);
    if (!branches.has(branch)) branches.set(branch, [...present]);
    for (const key of fresh) explore([...present, key]);
  };
  explore([]);
  return [...branches].map(([branch, keys]) => ({ schema: branch, keys }));
}

function convertOne(schema: AnySchema): SchemaNode {
  const { $schema: _dialect, ...node } = toJsonSchema(schema, CONFIG) as SchemaNode;
  return node;
}

/** The JSON Schema of an input schema (see the module's comment for what is added). */
export function inputJsonSchema(schema: AnySchema): SchemaNode {
  if (schema.type !== 'lazy') return convertOne(schema);
  const branches = lazyBranches(schema as LazySchema);
  const keys = [...new Set(branches.flatMap((branch) => branch.keys))];
  return {
    anyOf: branches.map((branch) => convertOne(branch.schema)),
    'x-chosen-by': `the function picks one of these by which of ${keys.map((key) => `"${key}"`).join(', ')} the input has`,
  };
}

/** Every object node of an input (the root, or each branch of an `anyOf` root). */
export function objectNodes(node: SchemaNode): SchemaNode[] {
  if (node.type === 'object') return [node];
  return (node.anyOf ?? []).flatMap((branch) => (typeof branch === 'object' ? objectNodes(branch as SchemaNode) : []));
}

/** Adds an optional property (e.g. `authorizer_appid`) to every object node of an input. */
export function withOptionalProperty(node: SchemaNode, name: string, property: SchemaNode): SchemaNode {
  const copy = structuredClone(node);
  for (const object of objectNodes(copy)) object.properties = { ...(object.properties ?? {}), [name]: property };
  return copy;
}
