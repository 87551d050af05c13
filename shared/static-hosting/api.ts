import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import type { WeChatClient } from '../wechat-client';

/** Signed upload link from componenttcb/staticuploadfile: PUT the bytes to `signed_url` with header x-cos-security-token: `token`. */
export interface StaticUploadLink {
  signed_url: string;
  token: string;
}

export interface StaticFile {
  key: string;
  last_modified: string;
  md5: string;
  /** WeChat sends it as a string. */
  size: string;
}

export interface StaticFileList {
  contents: StaticFile[];
  is_truncated: boolean;
  /** Pass as `marker` for the next page, when WeChat gives it. */
  next_marker?: string;
  /** With a `delimiter`: the "folders" grouped out of `contents`, when WeChat gives them. */
  common_prefixes?: string[];
}

export interface StaticFileQuery {
  prefix?: string;
  delimiter?: string;
  marker?: string;
}

export interface StaticStore {
  env: string;
  domain: string;
  bucket: string;
  region: string;
  status: string;
}

const BASE = 'componenttcb';
/** See staticHosting.deleteFile: not a documented WeChat API. */
export const STATIC_DELETE_API = `${BASE}/staticdeletefile`;

function text(item: Record<string, unknown>, keys: readonly string[]): string {
  for (const key of keys) {
    const value = item[key];
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
  }
  return '';
}

/**
 * describestaticstore's entries. Its doc table says `data`, its example `Data`; the region field is
 * spelt `regoin` (and `Regoin` in the Tencent Cloud API): every spelling is read.
 */
export function parseStaticStores(body: Record<string, unknown>): StaticStore[] {
  const list = body['data'] ?? body['Data'];
  if (!Array.isArray(list)) return [];
  return list
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .map((item) => ({
      env: text(item, ['env', 'Env', 'EnvId', 'env_id']),
      domain: text(item, ['domain', 'Domain', 'CdnDomain', 'cdn_domain']),
      bucket: text(item, ['bucket', 'Bucket']),
      region: text(item, ['region', 'regoin', 'Region', 'Regoin']),
      status: text(item, ['status', 'Status']),
    }));
}

function parseFiles(list: unknown): StaticFile[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .map((item) => ({
      key: text(item, ['key', 'Key']),
      last_modified: text(item, ['last_modified', 'LastModified']),
      md5: text(item, ['md5', 'ETag', 'etag']).replace(/^"|"$/g, ''),
      size: text(item, ['size', 'Size']),
    }));
}

/**
 * The third-party platform's static-hosting API (componenttcb/*), component_access_token (or the
 * cloudbase_access_token standing in for it). All three calls are safe to repeat: a signed link
 * is only a permission, nothing is written until the bytes are PUT.
 */
export const staticHosting = {
  async uploadLink(client: WeChatClient, env: string, filename: string): Promise<StaticUploadLink> {
    const body = await client.call({ path: `${BASE}/staticuploadfile`, body: { env, filename }, token: 'component', idempotent: true });
    const signedUrl = body['signed_url'];
    const token = body['token'];
    if (typeof signedUrl !== 'string' || signedUrl === '' || typeof token !== 'string' || token === '') {
      throw new LocalError(LOCAL.UPLOAD_URL_INVALID, `${BASE}/staticuploadfile: the answer has no ${typeof signedUrl === 'string' && signedUrl !== '' ? 'token' : 'signed_url'}`);
    }
    return { signed_url: signedUrl, token };
  },

  async list(client: WeChatClient, env: string, query: StaticFileQuery = {}): Promise<StaticFileList> {
    const body = await client.call({ path: `${BASE}/staticfilelist`, body: { env, ...query }, token: 'component', idempotent: true });
    const answer: StaticFileList = { contents: parseFiles(body['contents']), is_truncated: body['is_truncated'] === true || body['is_truncated'] === 'true' };
    const next = body['next_marker'];
    if (typeof next === 'string' && next !== '') answer.next_marker = next;
    const groups = body['common_prefixes'];
    if (Array.isArray(groups)) answer.common_prefixes = groups.filter((group): group is string => typeof group === 'string');
    return answer;
  },

  /**
   * Deletes one file of the site. [UNCERTAIN] WeChat documents no static-hosting delete for
   * third-party platforms (notes/wechat-api.md 4.2: `staticdeletefile` is in no stored doc or SDK);
   * this is the name and shape the emulator serves (`{env, filename}`), kept in this one place.
   * Against WeChat an unknown API answers an error, which the caller reports per file (deleting
   * then needs `tcb hosting delete` or the console). Deleting twice ends in the same state.
   */
  async deleteFile(client: WeChatClient, env: string, filename: string): Promise<void> {
    await client.call({ path: STATIC_DELETE_API, body: { env, filename }, token: 'component', idempotent: true });
  },

  /** The env's hosting entry; STATIC_HOSTING_NOT_FOUND when WeChat lists none for it. */
  async describe(client: WeChatClient, env: string): Promise<StaticStore> {
    const body = await client.call({ path: `${BASE}/describestaticstore`, body: { env }, token: 'component', idempotent: true });
    const stores = parseStaticStores(body);
    const store = stores.find((entry) => entry.env === env) ?? (stores.length === 1 && stores[0]?.env === '' ? stores[0] : undefined);
    if (store === undefined || store.domain === '') {
      throw new LocalError(LOCAL.STATIC_HOSTING_NOT_FOUND, `env ${env}: describestaticstore lists no static hosting for this environment`, { field: 'env' });
    }
    return { ...store, env };
  },
};
