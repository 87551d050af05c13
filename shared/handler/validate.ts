import * as v from 'valibot';
import { invalidFields, type FieldProblem } from '../errors';

function fieldPath(issue: v.BaseIssue<unknown>): string {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? String(key) : `.${String(key)}`;
  }
  return path === '' ? 'input' : path;
}

/** The rule an issue broke, in the words the answer uses. */
function ruleOf(issue: v.BaseIssue<unknown>): string {
  // A key missing from a strict object: valibot reports it on the object with the key as `expected`.
  if (issue.type === 'strict_object') return issue.expected === 'never' ? 'is not a field of this operation' : issue.input === undefined ? 'is required' : issue.message;
  if (issue.kind === 'schema' && issue.input === undefined) return 'is required';
  return issue.message;
}

/** One problem per field, in the schema's order: the first rule each field breaks. */
export function fieldProblems(issues: readonly v.BaseIssue<unknown>[]): FieldProblem[] {
  const problems = new Map<string, string>();
  for (const issue of issues) {
    const field = fieldPath(issue);
    if (!problems.has(field)) problems.set(field, ruleOf(issue));
  }
  return [...problems].map(([field, rule]) => ({ field, rule }));
}

/**
 * Validates input against an operation's schema. Every failing field is reported at once, each
 * with the first rule it breaks (`abortPipeEarly`: one rule per field; not `abortEarly`: every
 * field, every unknown key, every item of an array such as `debug_url[2]`). Rules that span fields
 * (a pipe's check after the object: debug_url under the prefix, code_end >= code_start, exactly
 * one of two fields) run once the fields themselves pass, so they never judge a broken value.
 * The error's message is `<field>: <rule>` for each, e.g. `debug_url[5]: at most 5 test links`.
 */
export function validateInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: false, abortPipeEarly: true });
  if (result.success) return result.output;
  throw invalidFields(fieldProblems(result.issues));
}
