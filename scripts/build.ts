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
import { pureSchemas } from './pure-schemas';

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
  supported: {
    // `await import(x)` becomes a require of x: a side file (below) is CommonJS, and Node's import()
    // of a CommonJS file would hand back module.exports as `default` (and start the ES module loader).
    'dynamic-import': false,
    // Node 18 has \p{...} in regular expressions (since Node 10). esbuild's table says node18 lacks it
    // and turns such literals into `new RegExp(...)` calls it cannot drop: valibot's unused
    // EMOJI_REGEX then cost every cold start 0.1 ms (Unicode property tables loaded).
    'regexp-unicode-property-escapes': true,
  },
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

/**
 * Code a call needs only off its usual path, kept out of the function bundles: each is built once as
 * a file of its own, placed beside every bundle that names it, and required where it is first
 * needed (`require(...)` or `await import(...)` in shared/), so a cold start neither parses nor runs
 * it. Bundled in, lossless-json cost getJumpQRCode's load about 0.4 ms and p-retry about 0.15 ms
 * (each cold start, measured on the built bundle).
 */
interface SideFile {
  /** What shared/ code requires or imports. */
  specifier: string;
  /** The file beside the bundle. */
  file: string;
  /** How the file is built. */
  options: BuildOptions;
}

/** A side file's entry: the package re-exported whole (`export *` leaves out a default export, named apart). */
function packageEntry(name: string, { withDefault }: { withDefault: boolean }): BuildOptions {
  const contents = `export * from '${name}';${withDefault ? ` export { default } from '${name}';` : ''}`;
  return { stdin: { contents, resolveDir: ROOT, loader: 'js' } };
}

export const SIDE_FILES: readonly SideFile[] = [
  // The database token store (@cloudbase/node-sdk, about 1 MB): the shared store of third-party mode.
  { specifier: './cloudbase-token-store', file: DATABASE_STORE_FILE, options: { entryPoints: [DATABASE_STORE_SOURCE], plugins: [storeStubs] } },
  // Only for an answer with an integer past 2^53, or a bigint in a request body (shared/json.ts).
  { specifier: 'lossless-json', file: 'lossless-json.js', options: packageEntry('lossless-json', { withDefault: false }) },
  // Only after a failed attempt (shared/http/retry.ts).
  { specifier: 'p-retry', file: 'p-retry.js', options: packageEntry('p-retry', { withDefault: true }) },
];

/** Requires of the side files' specifiers resolve to the files beside the bundle. A static import would bundle the code as usual. */
const sideFilesOutside: Plugin = {
  name: 'side-files-outside',
  setup(pluginBuild) {
    for (const side of SIDE_FILES) {
      const filter = new RegExp(`^${side.specifier.replace(/[./]/g, '\\$&')}$`);
      pluginBuild.onResolve({ filter }, (args) => (args.kind === 'require-call' || args.kind === 'dynamic-import' ? { path: `./${side.file}`, external: true } : undefined));
    }
  },
};

/** Whether a bundle's text may load a side file (it names the file). */
function namesSideFile(bundleText: string, file: string): boolean {
  return bundleText.includes(`"./${file}"`);
}

/** Whether a built bundle may load a side file. */
export function loadsSideFile(name: string, file: string): boolean {
  return namesSideFile(readFileSync(bundlePath(name), 'utf8'), file);
}

export async function buildFunctions(names: readonly string[] = functionNames()): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'wxopen-build-'));
  try {
    await Promise.all([
      ...SIDE_FILES.map((side) => build({ ...COMMON, ...side.options, outfile: join(scratch, side.file) })),
      ...names.map((name) => build({ ...COMMON, entryPoints: [join(FUNCTIONS_DIR, name, 'index.ts')], outfile: bundlePath(name), plugins: [sideFilesOutside, pureSchemas] })),
      // The OpenAPI document, from the functions' own schemas (scripts/openapi/), while esbuild works.
      Promise.resolve().then(() => writeOpenApi()),
    ]);
    for (const name of names) {
      const bundleText = readFileSync(bundlePath(name), 'utf8');
      for (const side of SIDE_FILES) {
        const target = join(dirname(bundlePath(name)), side.file);
        if (namesSideFile(bundleText, side.file)) copyFileSync(join(scratch, side.file), target);
        else rmSync(target, { force: true });
      }
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
