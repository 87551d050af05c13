import type { IncomingMessage } from 'node:http';

/** The event the TCB HTTP access service gives an event function ("integrated request"). */
export interface HttpAccessEvent {
  path: string;
  httpMethod: string;
  /** Lower-cased names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string>;
  requestContext: { requestId: string; envId: string };
  /** The raw body: UTF-8 text as is, anything else base64 with isBase64Encoded true. */
  body: string;
  isBase64Encoded: boolean;
}

const BINARY_TYPES = /^(application\/(octet-stream|zip|gzip|pdf|x-protobuf)|image\/|audio\/|video\/|font\/)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A body goes as text when it is valid UTF-8 and not declared binary; otherwise base64. */
function encodeBody(body: Buffer, contentType: string | undefined): { body: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { body: '', isBase64Encoded: false };
  if (!BINARY_TYPES.test(contentType ?? '')) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // not UTF-8: falls through to base64
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** Builds the integrated-request event for one HTTP request, as the HTTP access service does. */
export function toHttpAccessEvent(request: IncomingMessage, body: Buffer, requestContext: { requestId: string; envId: string }): HttpAccessEvent {
  const url = new URL(request.url ?? '/', 'http://gateway.local');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (values === undefined) continue;
    const key = name.toLowerCase();
    multiValueHeaders[key] = [...values];
    headers[key] = values.join(', ');
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) queryStringParameters[key] = value;
  return {
    path: url.pathname,
    httpMethod: (request.method ?? 'GET').toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters,
    requestContext,
    ...encodeBody(body, headers['content-type']),
  };
}
