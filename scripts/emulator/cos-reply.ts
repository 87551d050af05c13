import type { ServerResponse } from 'node:http';

/** An error the way COS answers: an XML body with Code and Message, no WeChat errcode. */
export function sendCosError(response: ServerResponse, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${Date.now().toString(16)}</RequestId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  response.end(xml);
}

/** Serves stored bytes with their content type (HEAD gets the headers only). */
export function sendObject(response: ServerResponse, method: string | undefined, bytes: Buffer, contentType: string): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
  response.end(method === 'HEAD' ? undefined : bytes);
}
