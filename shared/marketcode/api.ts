/**
 * The market-code API (intp/marketcode/*, notes/wechat-api.md section 2): one method per endpoint,
 * WeChat's field names. Token: the service account's access_token (an authorizer_access_token when
 * a third-party platform calls for it, permission set 46). application_id goes out as a bigint
 * (bare JSON digits) and comes back as a decimal string (application-id.ts).
 *
 * Idempotency, which decides whether a lost or busy answer is retried:
 *  - applycode is NOT naturally idempotent: each call creates an application. It is safe to repeat
 *    ONLY because isv_application_id is WeChat's idempotency key: the same isv_application_id
 *    always answers the same application_id (and a different code_count under it is an error), so
 *    a repeat can never create a second application. Callers must therefore keep the same
 *    isv_application_id when they retry, and use a new one only for a new application.
 *  - codeactive is an edit of a range: activating the same code_start..code_end again sets the same
 *    fields again (the state is the same however often it is sent), while a range that overlaps a
 *    different activated range is refused. So a repeat is harmless.
 *  - everything else only reads.
 */
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import type { WeChatClient } from '../wechat-client';
import { applicationIdFromAnswer } from './application-id';

const BASE = 'intp/marketcode';

export const API = {
  applyCode: `${BASE}/applycode`,
  applyCodeQuery: `${BASE}/applycodequery`,
  applyCodeDownload: `${BASE}/applycodedownload`,
  codeActive: `${BASE}/codeactive`,
  codeActiveQuery: `${BASE}/codeactivequery`,
  ticketToCode: `${BASE}/tickettocode`,
} as const;

/** The only status WeChat documents; anything else means "not ready yet". */
export const FINISHED = 'FINISH';

export interface CodeSegment {
  /** First code of the segment (inclusive). */
  code_start: number;
  /** Last code of the segment (inclusive). */
  code_end: number;
}

export interface Application {
  /** "FINISH" when every code is generated and downloadable; other values mean still in progress. */
  status: string;
  application_id: string;
  isv_application_id: string;
  /** The generated segments, in order; download each with applycodedownload. */
  code_generate_list: CodeSegment[];
  create_time?: number;
  update_time?: number;
}

export interface ApplicationQuery {
  application_id?: bigint;
  isv_application_id?: string;
}

export interface SegmentRequest {
  application_id: bigint;
  code_start: number;
  code_end: number;
}

export interface Activation {
  application_id: bigint;
  activity_name: string;
  product_brand: string;
  product_title: string;
  product_code: string;
  wxa_appid: string;
  wxa_path: string;
  wxa_type?: 0 | 1 | 2;
  code_start: number;
  code_end: number;
}

export type CodeLookup = { application_id: bigint; code_index: number } | { code: string } | { code_url: string };

/** What codeactivequery and tickettocode tell about one code. Activation fields only once activated. */
export interface CodeInfo {
  /** Added here: whether the code's range has been activated (WeChat then sends the wxa_* fields). */
  activated: boolean;
  code?: string;
  code_url?: string;
  code_index?: number;
  application_id: string;
  isv_application_id?: string;
  activity_name?: string;
  product_brand?: string;
  product_title?: string;
  product_code?: string;
  wxa_appid?: string;
  wxa_path?: string;
  wxa_type?: number;
  code_start?: number;
  code_end?: number;
}

const CODE_INFO_FIELDS = [
  'code',
  'code_url',
  'code_index',
  'isv_application_id',
  'activity_name',
  'product_brand',
  'product_title',
  'product_code',
  'wxa_appid',
  'wxa_path',
  'wxa_type',
  'code_start',
  'code_end',
] as const;

function toCodeInfo(body: Record<string, unknown>, api: string): CodeInfo {
  const info: Record<string, unknown> = { application_id: applicationIdFromAnswer(body['application_id'], api) };
  for (const key of CODE_INFO_FIELDS) if (body[key] !== undefined) info[key] = body[key];
  info['activated'] = typeof body['wxa_appid'] === 'string' && body['wxa_appid'] !== '';
  return info as unknown as CodeInfo;
}

function toSegments(value: unknown, api: string): CodeSegment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw unexpected(api, 'code_generate_list is not a list');
  return value.map((item: unknown) => {
    const segment = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const start = segment['code_start'];
    const end = segment['code_end'];
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw unexpected(api, 'a code_generate_list entry lacks code_start/code_end');
    return { code_start: start as number, code_end: end as number };
  });
}

function unexpected(api: string, what: string): LocalError {
  return new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `${api}: ${what}`);
}

export const marketCode = {
  /** applycode: safe to retry only because isv_application_id is the idempotency key (see above). */
  async apply(client: WeChatClient, request: { code_count: number; isv_application_id: string }): Promise<{ application_id: string }> {
    const body = await client.call({ path: API.applyCode, body: request, token: 'access', idempotent: true });
    return { application_id: applicationIdFromAnswer(body['application_id'], API.applyCode) };
  },

  /** applycodequery, by application_id or isv_application_id. Read-only. */
  async query(client: WeChatClient, query: ApplicationQuery): Promise<Application> {
    const body = await client.call({ path: API.applyCodeQuery, body: query, token: 'access', idempotent: true });
    const status = body['status'];
    if (typeof status !== 'string') throw unexpected(API.applyCodeQuery, 'the answer has no status');
    const application: Application = {
      status,
      application_id: applicationIdFromAnswer(body['application_id'] ?? query.application_id, API.applyCodeQuery),
      isv_application_id: typeof body['isv_application_id'] === 'string' ? body['isv_application_id'] : query.isv_application_id ?? '',
      code_generate_list: toSegments(body['code_generate_list'], API.applyCodeQuery),
    };
    if (typeof body['create_time'] === 'number') application.create_time = body['create_time'];
    if (typeof body['update_time'] === 'number') application.update_time = body['update_time'];
    return application;
  },

  /** applycodedownload: one generated segment's encrypted package (base64). Read-only. */
  async download(client: WeChatClient, segment: SegmentRequest): Promise<string> {
    const body = await client.call({ path: API.applyCodeDownload, body: segment, token: 'access', idempotent: true });
    const buffer = body['buffer'];
    if (typeof buffer !== 'string' || buffer === '') throw unexpected(API.applyCodeDownload, 'the answer has no buffer');
    return buffer;
  },

  /** codeactive: an edit of a range, so a repeat is harmless (see above). */
  async activate(client: WeChatClient, activation: Activation): Promise<void> {
    await client.call({ path: API.codeActive, body: activation, token: 'access', idempotent: true });
  },

  /** codeactivequery: by application_id + code_index, by code or by code_url. Read-only. */
  async lookup(client: WeChatClient, lookup: CodeLookup): Promise<CodeInfo> {
    const body = await client.call({ path: API.codeActiveQuery, body: lookup, token: 'access', idempotent: true });
    return toCodeInfo(body, API.codeActiveQuery);
  },

  /** tickettocode: the code a user scanned, from the code_ticket the Mini Program received. Read-only. */
  async ticketToCode(client: WeChatClient, ticket: { openid: string; code_ticket: string }): Promise<CodeInfo> {
    const body = await client.call({ path: API.ticketToCode, body: ticket, token: 'access', idempotent: true });
    return toCodeInfo(body, API.ticketToCode);
  },
};
