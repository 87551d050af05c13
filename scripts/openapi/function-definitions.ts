/**
 * Each callable function's definition (its name, input schema and whether it acts for a merchant),
 * read from the function's own module: `defineFunction` hangs the definition on the `main` it
 * returns (a non-enumerable `definition`), so the generator sees exactly what the function
 * validates with. The push receiver (PUSH_RECEIVERS) has no definition and is described apart.
 */
import { join } from 'node:path';
import type * as v from 'valibot';
import { callableFunctionNames, FUNCTIONS_DIR } from '../function-catalogue';

export interface FunctionEntry {
  name: string;
  input: v.GenericSchema;
  /** Whether the input may name `authorizer_appid` (third-party mode). */
  actsForMerchant: boolean;
  /** The doc comment above `export const main` in functions/<name>/index.ts, as plain text. */
  summary: string;
  file: string;
}

interface Defined {
  definition?: { name?: unknown; input?: unknown; actsForMerchant?: unknown };
}

function isSchema(value: unknown): value is v.GenericSchema {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'schema';
}

/**
 * The doc comment of `export const main`: the last doc comment before it that documents no other
 * declaration (one followed by code, such as a constant's, is skipped).
 */
export function docCommentOf(source: string): string {
  const at = source.indexOf('export const main');
  const before = at < 0 ? source : source.slice(0, at);
  const blocks = [...before.matchAll(/\/\*\*([\s\S]*?)\*\//g)];
  let text: string | undefined;
  for (let index = blocks.length - 1; index >= 0 && text === undefined; index--) {
    const block = blocks[index] as RegExpMatchArray;
    const after = (block.index ?? 0) + block[0].length;
    const next = blocks[index + 1]?.index ?? before.length;
    if (before.slice(after, next).trim() === '') text = block[1] as string;
  }
  if (text === undefined) return '';
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Loads functions/<name>/index.ts (TypeScript: run under tsx or jest) and reads its definition. */
export function loadFunction(name: string, readSource: (file: string) => string): FunctionEntry {
  const file = join(FUNCTIONS_DIR, name, 'index.ts');
  const module = require(file) as { main?: Defined };
  const definition = module.main?.definition;
  if (definition === undefined || !isSchema(definition.input)) {
    throw new Error(`functions/${name}/index.ts: main carries no definition with an input schema (is it made by defineFunction?)`);
  }
  if (definition.name !== name) throw new Error(`functions/${name}/index.ts: defineFunction names it "${String(definition.name)}"`);
  return { name, input: definition.input, actsForMerchant: definition.actsForMerchant !== false, summary: docCommentOf(readSource(file)), file };
}

export function loadFunctions(readSource: (file: string) => string): FunctionEntry[] {
  return callableFunctionNames().map((name) => loadFunction(name, readSource));
}
