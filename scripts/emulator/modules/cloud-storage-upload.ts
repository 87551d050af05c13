import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { envForCaller } from '../cloud-env-access';
import { cloudOf, fileIdOf, storageBucketOf, type CloudEnv } from '../cloud-envs';
import { sendCosError } from '../cos-reply';
import { MalformedMultipart, parseMultipart, type FormPart } from '../multipart';
import type { Emulator } from '../server';
import { encodePath, UrlSigner } from '../signed-links';
import { COMMON } from '../wechat-reply';

/** Where the emulator's COS stand-in takes uploads: /__cos/<bucket>/<path>. */
export const COS_ROUTE = '/__cos/';
/** The name COS POSTs are recorded under: emulator.callsTo(COS_POST). */
export const COS_POST = 'cos/PostObject';
/** How long an upload grant from tcb/uploadfile stays usable (emulator clock). */
export const UPLOAD_GRANT_SECONDS = 900;

interface UploadGrant {
  env: CloudEnv;
  path: string;
  authorization: string;
  cosFileId: string;
  expiresAt: number;
}

/**
 * The upload side of cloud storage.
 * tcb/uploadfile {env, path} → {url, token, authorization, file_id, cos_file_id}: a grant to upload
 * exactly `path` into the env's bucket for 15 minutes. The env must be the caller's
 * (cloud-env-access.ts); `path` is required (40101) and must name a file (40097 for "", a trailing
 * "/" or a ".." segment).
 *
 * The COS POST (PostObject) stand-in at `url` takes multipart/form-data with the fields WeChat
 * documents — key (= path), Signature (= authorization), x-cos-security-token (= token),
 * x-cos-meta-fileid (= cos_file_id), an optional Content-Type — and `file` last. It answers like
 * COS: 204 with an ETag when stored; XML errors otherwise: MalformedPOSTRequest (400) for a body
 * that is not well-formed multipart, has no file or fields after the file, InvalidArgument (400)
 * for a missing field, AccessDenied (403) for an unknown token, an expired grant, a key or fileid
 * other than the grant's, SignatureDoesNotMatch (403), NoSuchBucket (404). The object is stored
 * only after the whole body has arrived and every check passed, so an interrupted upload stores
 * nothing (as COS: an object appears whole or not at all). Faults for path COS_POST apply:
 * drop (nothing stored), drop_after (stored, no answer), delay, http_error.
 */
export function cloudStorageUploadModule(emulator: Emulator): void {
  const signer = new UrlSigner();
  const grants = new Map<string, UploadGrant>();
  emulator.onReset(() => grants.clear());

  emulator.route('tcb/uploadfile', { token: 'access' }, ({ body, account }) => {
    const env = envForCaller(emulator, account, body);
    const raw = body['path'];
    if (raw === undefined || raw === null || raw === '') COMMON.missingParameter('path');
    if (typeof raw !== 'string') COMMON.invalidArgs('path must be a string');
    const path = raw.replace(/^\/+/, '');
    if (path === '' || path.endsWith('/') || path.split('/').includes('..')) COMMON.invalidArgs('path must name a file, such as images/a.png');
    const token = `emu-cos-${randomBytes(24).toString('base64url')}`;
    const start = Math.floor(emulator.now() / 1000);
    const end = start + UPLOAD_GRANT_SECONDS;
    const authorization =
      `q-sign-algorithm=sha1&q-ak=AKIDemulator&q-sign-time=${start};${end}&q-key-time=${start};${end}` +
      `&q-header-list=&q-url-param-list=&q-signature=${signer.sign(env.envId, path, token, String(end))}`;
    const cosFileId = randomBytes(36).toString('base64');
    grants.set(token, { env, path, authorization, cosFileId, expiresAt: end * 1000 });
    return {
      url: `${emulator.url}${COS_ROUTE}${storageBucketOf(env)}/${encodePath(path)}`,
      token,
      authorization,
      file_id: fileIdOf(env, path),
      cos_file_id: cosFileId,
    };
  });

  emulator.raw(async (request, response, url, body) => {
    if (!url.pathname.startsWith(COS_ROUTE)) return false;
    const call = emulator.record({ method: request.method ?? 'GET', path: COS_POST, body: { bytes: body.length } });
    const fault = await emulator.takeFault(COS_POST, call, request);
    if (fault === 'dropped') return true;
    if (fault !== undefined) {
      if (fault.type === 'http_error' || fault.type === 'errcode') {
        sendCosError(response, fault.status ?? 503, 'ServiceUnavailable', 'Please reduce your request rate.');
        return true;
      }
    }
    const stored = postObject(request, response, url, body);
    if (stored === undefined) return true;
    call.body = { key: stored.key, bytes: body.length };
    if (fault?.type === 'drop_after') {
      request.socket.destroy();
      return true;
    }
    response.writeHead(204, { etag: `"${stored.etag}"` });
    response.end();
    return true;
  });

  function bucketEnv(url: URL): CloudEnv | undefined {
    const bucket = url.pathname.slice(COS_ROUTE.length).split('/')[0];
    return [...cloudOf(emulator).envs.values()].find((env) => storageBucketOf(env) === bucket);
  }

  /** Checks and stores one upload; the stored key and its ETag, or undefined after answering an error. */
  function postObject(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer): { key: string; etag: string } | undefined {
    if (request.method !== 'POST') {
      sendCosError(response, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      return undefined;
    }
    const env = bucketEnv(url);
    if (env === undefined) {
      sendCosError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist.');
      return undefined;
    }
    let parts: FormPart[];
    try {
      parts = parseMultipart(body, request.headers['content-type']);
    } catch (error) {
      if (!(error instanceof MalformedMultipart)) throw error;
      sendCosError(response, 400, 'MalformedPOSTRequest', `The body of your POST request is not well-formed multipart/form-data: ${error.message}.`);
      return undefined;
    }
    const fileIndex = parts.findIndex((part) => part.name === 'file');
    if (fileIndex < 0 || fileIndex !== parts.length - 1) {
      sendCosError(response, 400, 'MalformedPOSTRequest', fileIndex < 0 ? 'The body of your POST request has no file field.' : 'The file field must be the last field of the form.');
      return undefined;
    }
    const field = (name: string): string | undefined => parts.find((part) => part.name.toLowerCase() === name.toLowerCase())?.data.toString('utf8');
    for (const name of ['key', 'Signature', 'x-cos-security-token', 'x-cos-meta-fileid']) {
      if (field(name) === undefined || field(name) === '') {
        sendCosError(response, 400, 'InvalidArgument', `The form field ${name} is required.`);
        return undefined;
      }
    }
    const grant = grants.get(field('x-cos-security-token') as string);
    if (grant === undefined || grant.env.envId !== env.envId) {
      sendCosError(response, 403, 'AccessDenied', 'The security token is not valid for this bucket.');
      return undefined;
    }
    if (grant.expiresAt <= emulator.now()) {
      sendCosError(response, 403, 'AccessDenied', 'Request has expired.');
      return undefined;
    }
    if (!sameText(field('Signature') as string, grant.authorization)) {
      sendCosError(response, 403, 'SignatureDoesNotMatch', 'The Signature you specified does not match what was issued.');
      return undefined;
    }
    if (field('key') !== grant.path) {
      sendCosError(response, 403, 'AccessDenied', 'The key is not the path this upload was granted for.');
      return undefined;
    }
    if (field('x-cos-meta-fileid') !== grant.cosFileId) {
      sendCosError(response, 403, 'AccessDenied', 'x-cos-meta-fileid is not the cos_file_id of this upload.');
      return undefined;
    }
    const file = parts[fileIndex] as FormPart;
    const contentType = field('Content-Type') ?? file.contentType ?? 'application/octet-stream';
    const bytes = Buffer.from(file.data);
    cloudOf(emulator).storage.put(env.envId, grant.path, { bytes, contentType, uploadedAt: emulator.now() });
    return { key: grant.path, etag: createHash('md5').update(bytes).digest('hex') };
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
