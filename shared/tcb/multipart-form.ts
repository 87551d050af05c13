/**
 * A multipart/form-data body (RFC 7578) as bytes, for the COS PostObject upload: text fields in
 * order, then one file. Written out here because the platform's FormData can only be serialised by
 * fetch (undici), which a cold start should not load for one upload. The encoding is the one
 * undici's FormData uses: names and the filename with CR, LF and '"' percent-encoded, line breaks
 * in text values normalised to CRLF, each part's bytes between CRLF-delimited boundaries.
 */
import { randomBytes } from 'node:crypto';

export interface FormFile {
  name: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

export interface MultipartBody {
  /** The Content-Type header, boundary included. */
  contentType: string;
  body: Buffer;
}

function escapeName(name: string): string {
  return name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

function normaliseLineBreaks(value: string): string {
  return value.replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n');
}

export function multipartBody(fields: ReadonlyArray<readonly [name: string, value: string]>, file: FormFile): MultipartBody {
  const boundary = `----wxopen-${randomBytes(16).toString('hex')}`;
  const head = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${normaliseLineBreaks(value)}\r\n`).join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.name)}"; filename="${escapeName(file.filename)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head + fileHead, 'utf8'), file.data, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}
