/**
 * npm run build: one self-contained CommonJS bundle per function (dist/functions/<name>/index.js,
 * exports.main, target node18, no node_modules needed at run time), then cloudbaserc.json brought
 * in line with the function folders. `--check` fails instead of rewriting cloudbaserc.json.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePath, FUNCTIONS_DIR, functionNames } from './function-catalogue';
import { cloudbaseRcInSync, readCloudbaseRc, syncCloudbaseRc, writeCloudbaseRc } from './cloudbaserc';

export async function buildFunctions(names: readonly string[] = functionNames()): Promise<void> {
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [join(FUNCTIONS_DIR, name, 'index.ts')],
        outfile: bundlePath(name),
        bundle: true,
        platform: 'node',
        target: 'node18',
        format: 'cjs',
        minify: true,
        keepNames: true,
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
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
  console.log(`built ${names.length} functions into dist/functions`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
