import * as v from 'valibot';
import { invalidInput } from '../errors';

function fieldPath(issue: v.BaseIssue<unknown>): string {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? String(key) : `.${String(key)}`;
  }
  return path === '' ? 'input' : path;
}

/**
 * Validates input against an operation's schema. The first failure becomes an INVALID_INPUT error
 * whose message is `<field>: <rule>`, e.g. `debug_url[5]: at most 5 test links`.
 */
export function validateInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = fieldPath(issue);
  let rule = issue.message;
  if (issue.kind === 'schema' && issue.input === undefined && issue.type !== 'strict_object') rule = 'is required';
  // A key missing from a strict object: valibot reports it on the object with the key as `expected`.
  if (issue.type === 'strict_object' && issue.expected !== 'never' && issue.input === undefined) rule = 'is required';
  if (issue.type === 'strict_object' && issue.expected === 'never') rule = 'is not a field of this operation';
  throw invalidInput(field, rule);
}
