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

export function bundlePath(name: string): string {
  return join(DIST_FUNCTIONS_DIR, name, 'index.js');
}
