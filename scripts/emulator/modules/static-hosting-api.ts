import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { checkStaticFilename, checkStaticPrefix } from '../../../shared/static-hosting/filename';
import { envForCaller } from '../cloud-env-access';
import { sendCosError } from '../cos-reply';
import type { Emulator } from '../server';
import { decodePath, encodePath, UrlSigner } from '../signed-links';
import { envByHostingBucket, hostingBucketOf, hostingDomainOf, HOSTING_REGION, staticSitesOf } from '../static-sites';
import { COMMON } from '../wechat-reply';

/** Signed upload URLs live this long (the sample in WeChat's doc signs a 60 s window). */
export const UPLOAD_URL_TTL_SECONDS = 60;
/** Keys per staticfilelist page (COS ListObjects' default max-keys). */
export const LIST_PAGE_SIZE = 1000;
export const COS_ROUTE = '/__cos-static/';
/** The call log's path for the PUTs (and the fault path that reaches them). */
export const COS_CALL = '__cos-static';

/** Set through POST /__emulator/static-upload-faults; cleared on reset. */
interface UploadFaults {
  /** answer signed URLs on this origin instead of the emulator's (a host outside the allowlist) */
  urlBase?: string;
  /** signed URLs live this long instead of 60 s (0: already expired) */
  ttlSeconds?: number;
  /** answer a token other than the one the PUT is checked against */
  wrongToken?: boolean;
}

/** One PUT as the call log keeps it. */
interface WireRecord {
  bucket: string;
  key: string | null;
  size: number;
  content_type: string | null;
  has_token: boolean;
  outcome: string;
}

interface PendingUpload {
  envId: string;
  path: string;
  token: string;
  signTime: string;
  expiresAt: number;
  used: boolean;
}

function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') COMMON.invalidArgs(`${name} must be a string`);
  return value;
}

/**
 * componenttcb/{staticuploadfile, staticfilelist, describestaticstore} (component token, or the
 * cloudbase token standing in for it) and the COS stand-in that takes the uploads.
 * - staticuploadfile {env, filename}: env checked as in cloud-env-access.ts; filename missing →
 *   40101; a filename with "..", a leading "/", a backslash or control characters → 40097 (the
 *   emulator refuses what would escape the site); answers `signed_url` on the emulator
 *   (/__cos-static/<bucket>/<key>?q-sign-algorithm=sha1&…&q-signature=<HMAC>&x-upload-id=…) and
 *   `token`. The URL expires after 60 s of the emulator clock and takes exactly one PUT carrying
 *   `x-cos-security-token: <token>`; a forged signature, an expired URL, a wrong or missing token
 *   and a second PUT each get 403 with a COS-style XML error, and nothing is stored. The bytes are
 *   stored with the request's Content-Type (application/octet-stream when none, as COS does).
 * - staticfilelist {env, prefix?, delimiter?, marker?}: `contents[{key, last_modified, md5, size}]`,
 *   `is_truncated`, `next_marker` (pages of 1000), `common_prefixes` when a delimiter groups keys.
 * - describestaticstore {env}: `data[{env, domain, bucket, regoin (sic), status: "online"}]` with the
 *   domain `<envId>-<tencentAppId>.tcloudbaseapp.com` (served by static-hosting-serve.ts).
 * - staticdeletefile {env, filename}: removes one file (filename checked as for staticuploadfile);
 *   a file that is not there answers ok too (same final state). WeChat documents no static-hosting
 *   delete for third-party platforms (notes/wechat-api.md 4.2: `staticdeletefile` was not found in
 *   any doc or SDK): this route is the emulator's stand-in for it, name and shape invented.
 * Uploads and deletes change the listing at once and what the hosting serves after the setting
 * `hostingPropagationMs` (static-sites.ts).
 * Fault injection: POST /__emulator/static-upload-faults {url_base?, ttl_seconds?, wrong_token?}
 * makes staticuploadfile answer URLs on another origin, with another lifetime, or with a token the
 * PUT will not match ({} clears them); faults on path `__cos-static` reach the PUT (drop before
 * storing, drop_after storing, delay, http_error / errcode: 503 ServiceUnavailable).
 */
export function staticHostingApiModule(emulator: Emulator): void {
  const signer = new UrlSigner();
  const pending = new Map<string, PendingUpload>();
  let faults: UploadFaults = {};
  emulator.onReset(() => {
    pending.clear();
    faults = {};
  });

  emulator.admin('static-upload-faults', (body) => {
    const next: UploadFaults = {};
    const base = body['url_base'];
    if (base !== undefined && base !== null) {
      if (typeof base !== 'string' || !/^https?:\/\/[^/\s]+$/.test(base)) throw new Error('url_base must be an origin such as https://evil.example.com');
      next.urlBase = base;
    }
    const ttl = body['ttl_seconds'];
    if (ttl !== undefined && ttl !== null) {
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) throw new Error('ttl_seconds must be a whole number >= 0');
      next.ttlSeconds = ttl;
    }
    if (body['wrong_token'] === true) next.wrongToken = true;
    faults = next;
    return { faults };
  });
  const sites = (): ReturnType<typeof staticSitesOf> => staticSitesOf(emulator);

  emulator.route('componenttcb/staticuploadfile', { token: 'component' }, ({ body, account, token: caller }) => {
    const env = envForCaller(emulator, account, body, caller);
    const raw = body['filename'];
    if (raw === undefined || raw === null || raw === '') COMMON.missingParameter('filename');
    if (typeof raw !== 'string') COMMON.invalidArgs('filename must be a string');
    const checked = checkStaticFilename(raw);
    if (!checked.ok) COMMON.invalidArgs(`filename ${checked.problem}`);
    const id = randomBytes(8).toString('hex');
    const start = Math.floor(emulator.now() / 1000);
    const ttl = faults.ttlSeconds ?? UPLOAD_URL_TTL_SECONDS;
    const signTime = `${start};${start + ttl}`;
    const token = `Ct${randomBytes(48).toString('base64url')}`;
    pending.set(id, { envId: env.envId, path: checked.filename, token, signTime, expiresAt: (start + ttl) * 1000, used: false });
    const query = new URLSearchParams({
      'q-sign-algorithm': 'sha1',
      'q-ak': 'AKIDemulator',
      'q-sign-time': signTime,
      'q-key-time': signTime,
      'q-header-list': '',
      'q-url-param-list': '',
      'q-signature': signer.sign(id, env.envId, checked.filename, signTime),
      'x-upload-id': id,
    });
    const answeredToken = faults.wrongToken === true ? `Ct${randomBytes(48).toString('base64url')}` : token;
    return { token: answeredToken, signed_url: `${faults.urlBase ?? emulator.url}${COS_ROUTE}${hostingBucketOf(env)}/${encodePath(checked.filename)}?${query.toString()}` };
  });

  emulator.route('componenttcb/staticfilelist', { token: 'component' }, ({ body, account, token }) => {
    const env = envForCaller(emulator, account, body, token);
    const prefix = optionalText(body, 'prefix') ?? '';
    if (!checkStaticPrefix(prefix).ok) COMMON.invalidArgs('prefix is not a path inside the site');
    const delimiter = optionalText(body, 'delimiter');
    const marker = optionalText(body, 'marker') ?? '';
    const contents: Array<Record<string, string>> = [];
    const commonPrefixes = new Set<string>();
    let lastKey = '';
    let truncated = false;
    for (const key of sites().keys(env.envId)) {
      if (!key.startsWith(prefix) || key <= marker) continue;
      const rest = key.slice(prefix.length);
      const cut = delimiter === undefined ? -1 : rest.indexOf(delimiter);
      const group = cut < 0 ? undefined : prefix + rest.slice(0, cut + (delimiter as string).length);
      if (contents.length + commonPrefixes.size >= LIST_PAGE_SIZE && (group === undefined || !commonPrefixes.has(group))) {
        truncated = true;
        break;
      }
      lastKey = key;
      if (group !== undefined) {
        commonPrefixes.add(group);
        continue;
      }
      const file = sites().get(env.envId, key);
      if (file === undefined) continue;
      contents.push({ key, last_modified: new Date(file.lastModified).toISOString(), md5: file.md5, size: String(file.bytes.length) });
    }
    return {
      contents,
      is_truncated: truncated,
      ...(truncated ? { next_marker: lastKey } : {}),
      ...(commonPrefixes.size > 0 ? { common_prefixes: [...commonPrefixes] } : {}),
    };
  });

  emulator.route('componenttcb/staticdeletefile', { token: 'component' }, ({ body, account, token }) => {
    const env = envForCaller(emulator, account, body, token);
    const raw = body['filename'];
    if (raw === undefined || raw === null || raw === '') COMMON.missingParameter('filename');
    if (typeof raw !== 'string') COMMON.invalidArgs('filename must be a string');
    const checked = checkStaticFilename(raw);
    if (!checked.ok) COMMON.invalidArgs(`filename ${checked.problem}`);
    sites().remove(env.envId, checked.filename, emulator.now());
    return {};
  });

  emulator.route('componenttcb/describestaticstore', { token: 'component' }, ({ body, account, token }) => {
    const env = envForCaller(emulator, account, body, token);
    return { data: [{ env: env.envId, domain: hostingDomainOf(env), bucket: hostingBucketOf(env), regoin: HOSTING_REGION, status: 'online' }] };
  });

  function refuse(response: ServerResponse, wire: WireRecord, status: number, code: string, message: string): true {
    wire.outcome = code;
    sendCosError(response, status, code, message);
    return true;
  }

  emulator.raw(async (request, response, url, body) => {
    if (!url.pathname.startsWith(COS_ROUTE)) return false;
    const rest = url.pathname.slice(COS_ROUTE.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? undefined : decodePath(rest.slice(slash + 1));
    // What crossed the wire, without the signature or the token; `outcome` is "stored" or COS's error code.
    const wire: WireRecord = {
      bucket,
      key: key ?? null,
      size: body.length,
      content_type: request.headers['content-type'] ?? null,
      has_token: request.headers['x-cos-security-token'] !== undefined,
      outcome: 'pending',
    };
    const call = emulator.record({ method: request.method ?? 'GET', path: COS_CALL, body: wire });
    const fault = await emulator.takeFault(COS_CALL, call, request);
    if (fault === 'dropped') {
      wire.outcome = 'dropped';
      return true;
    }
    if (fault?.type === 'http_error' || fault?.type === 'errcode') return refuse(response, wire, fault.status ?? 503, 'ServiceUnavailable', 'Please reduce your request rate.');
    if (request.method !== 'PUT') return refuse(response, wire, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    const env = envByHostingBucket(emulator, bucket);
    if (env === undefined) return refuse(response, wire, 404, 'NoSuchBucket', 'The specified bucket does not exist.');
    const id = url.searchParams.get('x-upload-id') ?? '';
    const upload = pending.get(id);
    const signTime = url.searchParams.get('q-sign-time') ?? '';
    if (
      key === undefined ||
      upload === undefined ||
      upload.envId !== env.envId ||
      upload.path !== key ||
      upload.signTime !== signTime ||
      !signer.verify(url.searchParams.get('q-signature'), id, env.envId, key, signTime)
    ) {
      return refuse(response, wire, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (emulator.now() >= upload.expiresAt) return refuse(response, wire, 403, 'AccessDenied', 'Request has expired');
    if (request.headers['x-cos-security-token'] !== upload.token) return refuse(response, wire, 403, 'InvalidAccessKeyId', 'The x-cos-security-token you provided is invalid.');
    if (upload.used) return refuse(response, wire, 403, 'AccessDenied', 'This upload URL was already used (the emulator takes one PUT per signed URL).');
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) !== body.length) return refuse(response, wire, 400, 'IncompleteBody', 'The Content-Length does not match the body.');
    upload.used = true;
    wire.outcome = 'stored';
    const contentType = request.headers['content-type'] ?? 'application/octet-stream';
    const stored = sites().put(env.envId, key, body, contentType, emulator.now());
    if (fault?.type === 'drop_after') {
      request.socket.destroy();
      return true;
    }
    response.writeHead(200, { etag: `"${stored.md5}"`, 'content-length': 0 });
    response.end();
    return true;
  });
}
