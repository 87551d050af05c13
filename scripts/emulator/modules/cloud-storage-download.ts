import { parseCloudFileId } from '../../../shared/tcb/file-id';
import { envForCaller } from '../cloud-env-access';
import { cloudOf, fileIdOf, storageBucketOf, type CloudEnv } from '../cloud-envs';
import { sendCosError, sendObject } from '../cos-reply';
import type { Emulator } from '../server';
import { decodePath, encodePath, UrlSigner } from '../signed-links';
import { COMMON, fail } from '../wechat-reply';

/** WeChat answers at most 50 files per batchdownloadfile call. */
export const DOWNLOAD_BATCH_LIMIT = 50;
export const DOWNLOAD_ROUTE = '/__tcb-download/';

/**
 * tcb/batchdownloadfile over the emulator's cloud storage (cloudOf(emulator).storage):
 * - the env must be the caller's (see cloud-env-access.ts: 40101 / 85088 / -501007);
 * - `file_list` missing → 40101, not a list of {fileid, max_age > 0} → 40097, more than 50 files →
 *   -501007 (the SDKs document the 50 limit; WeChat's exact answer is not, CloudBase's parameter
 *   error is the closest code);
 * - each file answers on its own: an unknown id (not this env's bucket, or no such object) gets
 *   status -503003 "storage file not exists" and no link, while the call itself succeeds;
 * - a known file gets `download_url` on the emulator: /__tcb-download/<env>/<path>?t=<expiry>&sign=
 *   <HMAC>, valid for max_age seconds of the emulator clock; it serves exactly the stored bytes
 *   with the stored content type; an expired or forged link gets 403 (COS-style XML), a deleted
 *   object 404.
 * Admin: POST /__emulator/storage-put {env, path, content_base64, content_type?} seeds a file
 * and answers its fileid.
 */
export function cloudStorageDownloadModule(emulator: Emulator): void {
  const signer = new UrlSigner();
  const storage = (): ReturnType<typeof cloudOf>['storage'] => cloudOf(emulator).storage;

  function linkFor(env: CloudEnv, path: string, maxAge: number): string {
    const expiry = String(Math.floor(emulator.now() / 1000) + maxAge);
    return `${emulator.url}${DOWNLOAD_ROUTE}${env.envId}/${encodePath(path)}?t=${expiry}&sign=${signer.sign(env.envId, path, expiry)}`;
  }

  emulator.route('tcb/batchdownloadfile', { token: 'access' }, ({ body, account }) => {
    const env = envForCaller(emulator, account, body);
    const list = body['file_list'];
    if (list === undefined || list === null) COMMON.missingParameter('file_list');
    if (!Array.isArray(list) || list.length === 0) COMMON.invalidArgs('file_list must be a non-empty list');
    if (list.length > DOWNLOAD_BATCH_LIMIT) fail(-501007, `[InvalidParameter] file_list exceeds the limit of ${DOWNLOAD_BATCH_LIMIT} files`);
    const fileList = list.map((item: unknown) => {
      const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const { fileid, max_age: maxAge } = entry;
      if (typeof fileid !== 'string' || fileid === '') COMMON.invalidArgs('each file needs a fileid');
      if (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge <= 0) COMMON.invalidArgs('max_age must be a positive whole number');
      const parsed = parseCloudFileId(fileid);
      const known = parsed !== undefined && parsed.envId === env.envId && parsed.bucket === storageBucketOf(env) && storage().get(env.envId, parsed.path) !== undefined;
      if (!known) return { fileid, download_url: '', status: -503003, errmsg: 'storage file not exists' };
      return { fileid, download_url: linkFor(env, parsed.path, maxAge), status: 0, errmsg: 'ok' };
    });
    return { file_list: fileList };
  });

  emulator.raw(async (request, response, url) => {
    if (!url.pathname.startsWith(DOWNLOAD_ROUTE)) return false;
    emulator.record({ method: request.method ?? 'GET', path: DOWNLOAD_ROUTE.slice(1, -1), body: undefined });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendCosError(response, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      return true;
    }
    const rest = url.pathname.slice(DOWNLOAD_ROUTE.length);
    const slash = rest.indexOf('/');
    const envId = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? undefined : decodePath(rest.slice(slash + 1));
    const expiry = url.searchParams.get('t') ?? '';
    if (path === undefined || !/^\d{1,12}$/.test(expiry) || !signer.verify(url.searchParams.get('sign'), envId, path, expiry)) {
      sendCosError(response, 403, 'AccessDenied', 'Request has invalid signature.');
      return true;
    }
    if (Number(expiry) * 1000 <= emulator.now()) {
      sendCosError(response, 403, 'AccessDenied', 'Request has expired.');
      return true;
    }
    const object = storage().get(envId, path);
    if (object === undefined) {
      sendCosError(response, 404, 'NoSuchKey', 'The specified key does not exist.');
      return true;
    }
    sendObject(response, request.method, object.bytes, object.contentType);
    return true;
  });

  emulator.admin('storage-put', (body) => {
    const envId = body['env'];
    const env = typeof envId === 'string' ? cloudOf(emulator).envs.get(envId) : undefined;
    if (env === undefined) throw new Error(`env must be one of ${[...cloudOf(emulator).envs.keys()].join(', ')}`);
    const path = typeof body['path'] === 'string' ? body['path'].replace(/^\/+/, '') : '';
    if (path === '' || path.endsWith('/') || path.split('/').includes('..')) throw new Error('path must be a file path such as images/a.png');
    const content = body['content_base64'];
    if (typeof content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content.length % 4 !== 0) throw new Error('content_base64 must be base64');
    const contentType = typeof body['content_type'] === 'string' && body['content_type'] !== '' ? body['content_type'] : 'application/octet-stream';
    const bytes = Buffer.from(content, 'base64');
    storage().put(env.envId, path, { bytes, contentType, uploadedAt: emulator.now() });
    return { fileid: fileIdOf(env, path), size: bytes.length };
  });
}
