/**
 * npm run build: one self-contained CommonJS bundle per function (dist/functions/<name>/index.js,
 * exports.main, target node18, no node_modules needed at run time), then cloudbaserc.json brought
 * in line with the function folders, and the OpenAPI document (dist/openapi.json, scripts/openapi/).
 * `--check` fails instead of rewriting cloudbaserc.json.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundlePath, FUNCTIONS_DIR, functionNames, ROOT } from './function-catalogue';
import { cloudbaseRcInSync, readCloudbaseRc, syncCloudbaseRc, writeCloudbaseRc } from './cloudbaserc';
import { OPENAPI_FILE, writeOpenApi } from './openapi/generate';

/**
 * The database token store bundles @cloudbase/node-sdk (about 1 MB): it is built once as a file of
 * its own and placed beside each bundle that may load it, which it does only on first use
 * (shared/tokens/store/select-store.ts), so the functions' cold start does not carry it.
 */
export const DATABASE_STORE_FILE = 'cloudbase-token-store.js';
const DATABASE_STORE_SOURCE = join(ROOT, 'shared', 'tokens', 'store', 'cloudbase-token-store.ts');

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * Packages of @cloudbase/node-sdk the token store never runs (it only uses database()), replaced
 * by empty modules in the store's build:
 * - @cloudbase/wx-cloud-client-sdk (data-model and MySQL clients): node-sdk's init calls it inside a
 *   try/catch and leaves `models` unset without it; loading it touches globalThis.Headers, which
 *   makes Node load and start undici (about 40 ms and 15 MiB of peak RSS on the first call in
 *   third-party mode, npm run bench);
 * - @cloudbase/ai (81 KiB): only app.ai() uses it;
 * - mime-db (133 KiB of media types, read whole at load by mime-types for form-data): only file
 *   uploads name a file's type (about 35 ms and 3.5 MiB);
 * - xml2js (with sax and xmlbuilder): only cloud storage reads COS's XML answers (about 5 ms).
 * The built store is what the shared-store tests and npm start run, so a node-sdk that needed one
 * of these for its database would fail there.
 */
export const STUBBED_IN_STORE: readonly string[] = ['@cloudbase/wx-cloud-client-sdk', '@cloudbase/ai', 'mime-db', 'xml2js'];
const storeStubs: Plugin = {
  name: 'store-stubs',
  setup(pluginBuild) {
    const filter = new RegExp(`^(${STUBBED_IN_STORE.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
    pluginBuild.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'store-stub' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'store-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const databaseStoreOutside: Plugin = {
  name: 'database-store-outside',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/cloudbase-token-store$/ }, () => ({ path: `./${DATABASE_STORE_FILE}`, external: true }));
  },
};

/** Whether a built bundle may load the database store (it names the file). */
export function loadsDatabaseStore(name: string): boolean {
  return readFileSync(bundlePath(name), 'utf8').includes(`./${DATABASE_STORE_FILE}`);
}

export async function buildFunctions(names: readonly string[] = functionNames()): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'wxopen-build-'));
  const storeFile = join(scratch, DATABASE_STORE_FILE);
  try {
    await Promise.all([
      build({ ...COMMON, entryPoints: [DATABASE_STORE_SOURCE], outfile: storeFile, plugins: [storeStubs] }),
      ...names.map((name) => build({ ...COMMON, entryPoints: [join(FUNCTIONS_DIR, name, 'index.ts')], outfile: bundlePath(name), plugins: [databaseStoreOutside] })),
      // The OpenAPI document, from the functions' own schemas (scripts/openapi/), while esbuild works.
      Promise.resolve().then(() => writeOpenApi()),
    ]);
    for (const name of names) {
      const target = join(dirname(bundlePath(name)), DATABASE_STORE_FILE);
      if (loadsDatabaseStore(name)) copyFileSync(storeFile, target);
      else rmSync(target, { force: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const names = functionNames();
  await buildFunctions(names);
  for (const name of names) {
    const file = bundlePath(name);
    const bytes = statSync(file).size;
    const gz = gzipSync(readFileSync(file)).length;
    console.log(`${name.padEnd(28)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB  (${(gz / 1024).toFixed(1)} KiB gzip)`);
  }
  const current = readCloudbaseRc();
  if (!cloudbaseRcInSync(names, current)) {
    if (check) {
      console.error('cloudbaserc.json does not match the function folders: run npm run build and commit it.');
      process.exit(1);
    }
    writeCloudbaseRc(syncCloudbaseRc(names, current));
    console.log('cloudbaserc.json updated to match functions/');
  }
  console.log(`built ${names.length} functions into dist/functions, and ${OPENAPI_FILE.slice(ROOT.length + 1)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
