import { createHash } from 'node:crypto';
import { contentTypeFor } from '../static-hosting/content-type';
import type { DeploySiteInput } from './schemas';

/** Where a file's bytes come from: given in the call, or a file staged in the env's cloud storage. */
export type FileSource =
  | { kind: 'bytes'; bytes: Uint8Array<ArrayBuffer>; md5: string }
  | { kind: 'fileid'; fileid: string; /** the caller's MD5 of it, when known (lets an unchanged file go unread) */ md5?: string };

/** One file the site must have: its path in the hosting (prefix + filename), its bytes' source and its type. */
export interface SiteFile {
  key: string;
  source: FileSource;
  contentType: string;
  /** Its index in the input's `files`; undefined for the verification file the chain adds. */
  input?: number;
}

export function md5Of(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

export function bytesSource(bytes: Uint8Array<ArrayBuffer>): FileSource {
  return { kind: 'bytes', bytes, md5: md5Of(bytes) };
}

/** The input's files as the hosting will hold them (keys under `prefix`, types from the extension unless given). */
export function siteFilesOf(input: Pick<DeploySiteInput, 'files' | 'prefix'>): SiteFile[] {
  return input.files.map((file, index) => {
    const key = `${input.prefix}${file.filename}`;
    let source: FileSource;
    if (file.fileid !== undefined) source = { kind: 'fileid', fileid: file.fileid, ...(file.md5 === undefined ? {} : { md5: file.md5.toLowerCase() }) };
    else if (file.content !== undefined) source = bytesSource(new TextEncoder().encode(file.content));
    else source = bytesSource(new Uint8Array(Buffer.from(file.content_base64 ?? '', 'base64')));
    return { key, source, contentType: file.content_type ?? contentTypeFor(key), input: index };
  });
}
