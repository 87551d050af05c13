/**
 * Writes the OpenAPI document (dist/openapi.json); `npm run build` does it after the bundles.
 * `npx tsx scripts/openapi/generate.ts [file]` writes it alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildOpenApiDocument, type OpenApiDocument } from './document';
import { OPENAPI_FILE } from './serve-docs';

export { OPENAPI_FILE };

export function writeOpenApi(file: string = OPENAPI_FILE): OpenApiDocument {
  const document = buildOpenApiDocument();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return document;
}

if (require.main === module) {
  const file = process.argv[2] ?? OPENAPI_FILE;
  const document = writeOpenApi(file);
  console.log(`wrote ${file}: ${Object.keys(document.paths).length} paths`);
}
