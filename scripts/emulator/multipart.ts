/**
 * A strict multipart/form-data reader for the COS POST stand-in: bytes in, fields out, or the
 * reason the body is malformed (COS answers such bodies with MalformedPOSTRequest).
 */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MalformedMultipart extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function boundaryOf(contentType: string | undefined): string {
  const match = /^multipart\/form-data\s*;.*\bboundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) throw new MalformedMultipart('the Content-Type is not multipart/form-data with a boundary');
  return boundary;
}

/** Parts in order. Every part needs a Content-Disposition form-data name; the body must end with the closing boundary. */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  if (!body.subarray(0, delimiter.length).equals(delimiter)) throw new MalformedMultipart('the body does not start with the boundary');
  const parts: FormPart[] = [];
  let offset = delimiter.length;
  for (;;) {
    if (body.subarray(offset, offset + 2).toString('latin1') === '--') return finish(parts);
    if (!body.subarray(offset, offset + 2).equals(CRLF)) throw new MalformedMultipart('a boundary is not followed by CRLF');
    const headersStart = offset + 2;
    const headersEnd = body.indexOf(HEADER_END, headersStart);
    if (headersEnd < 0) throw new MalformedMultipart('a part has no end of headers');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd + HEADER_END.length);
    if (next < 0) throw new MalformedMultipart('the body ends before the closing boundary (truncated upload)');
    parts.push(readPart(body.subarray(headersStart, headersEnd).toString('utf8'), body.subarray(headersEnd + HEADER_END.length, next)));
    offset = next + CRLF.length + delimiter.length;
  }
}

function finish(parts: FormPart[]): FormPart[] {
  if (parts.length === 0) throw new MalformedMultipart('the body has no fields');
  return parts;
}

function readPart(headerText: string, data: Buffer): FormPart {
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedMultipart(`a part header is not "Name: value": ${JSON.stringify(line.slice(0, 60))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  if (!/^form-data\b/i.test(disposition)) throw new MalformedMultipart('a part has no Content-Disposition: form-data');
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined || name === '') throw new MalformedMultipart('a part has no field name');
  const part: FormPart = { name, data };
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  if (filename !== undefined) part.filename = filename;
  const contentType = headers.get('content-type');
  if (contentType !== undefined) part.contentType = contentType;
  return part;
}
