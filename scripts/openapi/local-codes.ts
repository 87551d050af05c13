/**
 * The local error codes (990000-990999) a function can answer, derived from its source: every
 * module its index.ts reaches through imports (type-only imports aside, the lazily required token
 * store included) is searched for `LOCAL.<NAME>`. An upper bound: a module's code may sit on a
 * path this function never takes. error-codes.ts itself (the table) is not searched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LOCAL } from '../../shared/error-codes';
import { FUNCTIONS_DIR, ROOT } from '../function-catalogue';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?[\w*\s{},$]*?\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
const LOCAL_USE = /\bLOCAL\.([A-Z0-9_]+)/g;
const TABLE_FILE = join(ROOT, 'shared', 'error-codes.ts');

function resolveModule(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined; // a package: not our code
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  return undefined;
}

/** Every source file `entry` reaches through value imports, itself included. */
export function reachableModules(entry: string, read: (file: string) => string = (file) => readFileSync(file, 'utf8')): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of read(file).matchAll(IMPORT)) {
      if (match[1] !== undefined) continue; // import type / export type
      const specifier = match[2] ?? match[3] ?? match[4];
      const target = specifier === undefined ? undefined : resolveModule(file, specifier);
      if (target !== undefined && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}

const CODE_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(LOCAL));

/** The local codes a function's modules raise, ascending. */
export function localCodesOf(name: string, read: (file: string) => string = (file) => readFileSync(file, 'utf8')): number[] {
  const codes = new Set<number>();
  for (const file of reachableModules(join(FUNCTIONS_DIR, name, 'index.ts'), read)) {
    if (file === TABLE_FILE) continue;
    for (const match of read(file).matchAll(LOCAL_USE)) {
      const code = CODE_BY_NAME.get(match[1] as string);
      if (code !== undefined) codes.add(code);
    }
  }
  return [...codes].sort((a, b) => a - b);
}
