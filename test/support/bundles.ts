import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type Main = (event: unknown, context?: unknown) => Promise<Record<string, unknown>>;

const DIST = join(__dirname, '..', '..', 'dist', 'functions');

/**
 * Loads a built bundle as a fresh module instance: a cold start, with an empty token cache.
 * Two calls give two independent instances; reuse one to act as a warm instance.
 */
export function loadBundle(name: string): Main {
  const file = join(DIST, name, 'index.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first (npm test does)`);
  let main: Main | undefined;
  jest.isolateModules(() => {
    main = (require(file) as { main: Main }).main;
  });
  if (typeof main !== 'function') throw new Error(`${name}: the bundle does not export main`);
  return main;
}
