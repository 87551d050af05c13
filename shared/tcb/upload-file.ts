/**
 * Uploading one file to a CloudBase environment's cloud storage over WeChat's HTTP API:
 * tcb/uploadfile {env, path} answers a one-file grant {url, token, authorization, file_id,
 * cos_file_id}; the bytes then go to `url` as a COS POST (multipart/form-data) with the fields
 * key = path, Signature = authorization, x-cos-security-token = token, x-cos-meta-fileid =
 * cos_file_id, and the file last (notes/wechat-api.md 3.2).
 *
 * The POST goes only to the URL WeChat returned, and only when upload-host-policy.ts allows its host
 * (COS / CloudBase storage domains, or the configured API base when it is not WeChat's, i.e. the
 * emulator); redirects are not followed. The grant (authorization, token) never appears in an error,
 * a log line or an answer. COS stores an object whole or not at all, and writing the same key with
 * the same bytes twice changes nothing, so the POST is retried on network failures and 5xx within
 * the time budget.
 */
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { withRetry } from '../http/retry';
import { uploadUrlProblem } from '../static-hosting/upload-host-policy';
import { multipartBody, type MultipartBody } from './multipart-form';
import { sendToStorage } from './storage-request';
import type { WeChatClient } from '../wechat-client';

export interface CloudUpload {
  env: string;
  /** Path inside the environment's storage, e.g. "marketcode/581865877/0-49999.txt". */
  path: string;
  content: Buffer;
  contentType?: string;
}

interface UploadGrant {
  url: string;
  token: string;
  authorization: string;
  file_id: string;
  cos_file_id: string;
}

const GRANT_FIELDS = ['url', 'token', 'authorization', 'file_id', 'cos_file_id'] as const;
const API = 'tcb/uploadfile';

/** tcb/uploadfile: a grant to upload one path. Asking again only issues another grant, so it is retried. */
export async function requestUploadGrant(client: WeChatClient, env: string, path: string): Promise<UploadGrant> {
  const body = await client.call({ path: API, body: { env, path }, token: 'access', idempotent: true });
  const missing = GRANT_FIELDS.filter((field) => typeof body[field] !== 'string' || body[field] === '');
  if (missing.length > 0) {
    throw new LocalError(LOCAL.UPLOAD_URL_INVALID, `${API}: the answer for ${path} lacks ${missing.join(', ')}`);
  }
  return body as unknown as UploadGrant;
}

/** Uploads `content` to `path` in `env`; answers the cloud:// file id. */
export async function uploadToCloudStorage(client: WeChatClient, upload: CloudUpload): Promise<{ fileid: string }> {
  const grant = await requestUploadGrant(client, upload.env, upload.path);
  const problem = uploadUrlProblem(grant.url, client.apiBase);
  if (problem !== undefined) throw new LocalError(LOCAL.UPLOAD_HOST_NOT_ALLOWED, `${upload.path}: not uploaded: ${problem}`);
  const deadline = client.deadline;
  await withRetry(() => postObject(grant, upload, deadline), { api: 'COS PostObject', idempotent: true, deadline });
  return { fileid: grant.file_id };
}

/** The PostObject form: COS reads every field before the file, so the file comes last. */
function formFor(grant: UploadGrant, upload: CloudUpload): MultipartBody {
  const type = upload.contentType ?? 'application/octet-stream';
  const fields: Array<[string, string]> = [
    ['key', upload.path],
    ['Signature', grant.authorization],
    ['x-cos-security-token', grant.token],
    ['x-cos-meta-fileid', grant.cos_file_id],
  ];
  if (upload.contentType !== undefined) fields.push(['Content-Type', type]);
  return multipartBody(fields, { name: 'file', filename: upload.path.split('/').pop() ?? 'file', contentType: type, data: upload.content });
}

async function postObject(grant: UploadGrant, upload: CloudUpload, deadline: Deadline): Promise<void> {
  const form = formFor(grant, upload);
  await sendToStorage({ url: grant.url, method: 'POST', headers: { 'content-type': form.contentType }, body: form.body, label: upload.path, deadline });
}
