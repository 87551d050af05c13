/**
 * What the gateway answers at GET /openapi.json (the built document, with this gateway as its
 * first server, so that an OpenAPI tool's requests go where the document came from) and GET /docs
 * (the readable page, docs-page.ts). The document is read from dist/ at each request: a new build
 * is served at once. Not built yet: 503 saying to build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL } from '../../shared/error-codes';
import { LocalError } from '../../shared/errors';
import { ROOT } from '../function-catalogue';
import { errorReply, type HttpReply } from '../local-runtime/http-reply';
import type { OpenApiDocument } from './document';
import { renderDocsPage } from './docs-page';

/** Where the build writes the document. */
export const OPENAPI_FILE = join(ROOT, 'dist', 'openapi.json');

export const DOCS_PATHS: readonly string[] = ['/openapi.json', '/docs'];

/** A Host header fit to be written into a URL (anything else: the document's own servers only). */
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

function servedDocument(file: string, host: string | undefined): OpenApiDocument {
  const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  if (host === undefined || !HOST.test(host)) return document;
  const url = `http://${host}`;
  const others = Array.isArray(document['servers']) ? document['servers'].filter((server) => typeof server !== 'object' || server === null || Array.isArray(server) || server['url'] !== url) : [];
  return { ...document, servers: [{ url, description: 'this gateway' }, ...others] };
}

/** The reply for a docs path, or undefined for every other request (a function call). */
export function docsReply(method: string | undefined, pathname: string, host: string | undefined, file: string = OPENAPI_FILE): HttpReply | undefined {
  if ((method !== 'GET' && method !== 'HEAD') || !DOCS_PATHS.includes(pathname)) return undefined;
  if (!existsSync(file)) {
    const error = new LocalError(LOCAL.GATEWAY_NOT_BUILT, `${pathname}: ${file} is missing`, { hint: 'Build first: npm run build (npm start builds) writes dist/openapi.json.' });
    return errorReply(error.httpStatus, error.toAnswer());
  }
  const document = servedDocument(file, host);
  const headers = { 'cache-control': 'no-store' };
  if (pathname === '/openapi.json') return { status: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(document, null, 2)) };
  return { status: 200, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(renderDocsPage(document)) };
}
