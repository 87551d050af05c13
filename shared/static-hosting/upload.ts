import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { log } from '../log';
import type { WeChatClient } from '../wechat-client';
import { staticHosting } from './api';
import { sendToStorage } from '../tcb/storage-request';
import { uploadUrlProblem, withoutQuery } from './upload-host-policy';

export interface StaticUpload {
  env: string;
  /** Normalised path inside the site (see filename.ts). */
  filename: string;
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
}

export interface StaticUploadResult {
  env: string;
  filename: string;
  size: number;
  content_type: string;
  /** The storage's ETag (the MD5 of the bytes for a simple PUT), when it sent one. */
  etag?: string;
}

export interface UploadSettings {
  /** WXOPEN_API_BASE: decides which hosts besides COS/CloudBase may receive the bytes. */
  apiBase: string;
  deadline: Deadline;
}

/**
 * Uploads one file to the environment's static hosting: a signed URL from
 * componenttcb/staticuploadfile, then one PUT of the bytes with x-cos-security-token, Content-Type
 * and Content-Length. The PUT goes only where upload-host-policy.ts allows, redirects are not
 * followed, and neither the signature nor the security token appears in an error, a log line or
 * the answer (errors name the host and path only).
 */
export async function uploadStaticFile(client: WeChatClient, settings: UploadSettings, upload: StaticUpload): Promise<StaticUploadResult> {
  const link = await staticHosting.uploadLink(client, upload.env, upload.filename);
  const problem = uploadUrlProblem(link.signed_url, settings.apiBase);
  if (problem !== undefined) {
    throw new LocalError(LOCAL.UPLOAD_HOST_NOT_ALLOWED, `${upload.filename}: not uploaded: ${problem}`);
  }
  const where = withoutQuery(link.signed_url);
  const response = await sendToStorage({
    url: link.signed_url,
    method: 'PUT',
    headers: {
      'content-type': upload.contentType,
      'content-length': String(upload.bytes.byteLength),
      'x-cos-security-token': link.token,
    },
    body: upload.bytes,
    label: upload.filename,
    deadline: settings.deadline,
  });
  const result: StaticUploadResult = { env: upload.env, filename: upload.filename, size: upload.bytes.byteLength, content_type: upload.contentType };
  const etag = response.header('etag')?.replace(/^"|"$/g, '');
  if (etag !== undefined && etag !== '') result.etag = etag;
  log('info', 'static file uploaded', { env: upload.env, filename: upload.filename, size: result.size, host: new URL(where).host });
  return result;
}
