import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const FUNCTIONS_DIR = join(ROOT, 'functions');
export const DIST_FUNCTIONS_DIR = join(ROOT, 'dist', 'functions');
export const CLOUDBASERC = join(ROOT, 'cloudbaserc.json');

/** Every cloud function: a folder under functions/ holding an index.ts. */
export function functionNames(): string[] {
  return readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(FUNCTIONS_DIR, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Functions that WeChat itself calls (the platform's push receiver): they take WeChat's signed
 * XML over HTTP, answer plain text, and have no JSON input, bearer key or admin caller.
 */
export const PUSH_RECEIVERS: ReadonlySet<string> = new Set(['componentEvents']);

/** The functions people and programs call: JSON input, one of the three caller kinds. */
export function callableFunctionNames(): string[] {
  return functionNames().filter((name) => !PUSH_RECEIVERS.has(name));
}

export function bundlePath(name: string): string {
  return join(DIST_FUNCTIONS_DIR, name, 'index.js');
}
