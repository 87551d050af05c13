import type { ComponentConfig, Config } from '../config';
import type { Deadline } from '../deadline';
import { requestJson } from '../http/request-json';
import { withRetry } from '../http/retry';
import { redactValues } from '../redact';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import type { WeChatClient } from '../wechat-client';

const BASE = 'cgi-bin/component';

/** What api_query_auth / api_get_authorizer_info answer about one authorization. */
export interface AuthorizationInfo {
  authorizer_appid: string;
  authorizer_refresh_token: string;
  /** api_query_auth also answers the merchant's first token. */
  authorizer_access_token?: { value: string; expires_in: number };
  /** The permission sets (funcscope_category ids) granted. */
  permission_sets: number[];
}

export interface AuthorizerListEntry {
  authorizer_appid: string;
  refresh_token: string;
  auth_time: number;
}

function text(body: Record<string, unknown>, name: string, api: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `${BASE}/${api}: answer has no ${name}`);
  return value;
}

/** func_info: [{funcscope_category: {id}}] → the ids. */
export function permissionSetsOf(funcInfo: unknown): number[] {
  if (!Array.isArray(funcInfo)) return [];
  const ids = new Set<number>();
  for (const entry of funcInfo) {
    const id = (entry as { funcscope_category?: { id?: unknown } } | null)?.funcscope_category?.id;
    if (typeof id === 'number' && Number.isInteger(id)) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

function authorizationInfoOf(body: Record<string, unknown>, api: string): AuthorizationInfo {
  const info = body['authorization_info'];
  if (typeof info !== 'object' || info === null) throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `${BASE}/${api}: answer has no authorization_info`);
  const fields = info as Record<string, unknown>;
  const result: AuthorizationInfo = {
    authorizer_appid: text(fields, 'authorizer_appid', api),
    authorizer_refresh_token: text(fields, 'authorizer_refresh_token', api),
    permission_sets: permissionSetsOf(fields['func_info']),
  };
  const token = fields['authorizer_access_token'];
  const expiresIn = fields['expires_in'];
  if (typeof token === 'string' && token !== '' && typeof expiresIn === 'number' && expiresIn > 0) result.authorizer_access_token = { value: token, expires_in: expiresIn };
  return result;
}

/**
 * The platform's own API (cgi-bin/component/*), called with its component_access_token (the
 * client's 'component' token, sent as ?component_access_token=). One method per endpoint.
 */
export const componentApi = {
  /** api_create_preauthcode: a one-time code for the authorization page. Not idempotent (each call a new code), harmless to repeat. */
  async createPreAuthCode(client: WeChatClient, component: ComponentConfig): Promise<{ pre_auth_code: string; expires_in: number }> {
    const body = await client.forPlatform().call({ path: `${BASE}/api_create_preauthcode`, token: 'component', tokenParam: 'component_access_token', body: { component_appid: component.appId }, idempotent: true });
    const expires = body['expires_in'];
    return { pre_auth_code: text(body, 'pre_auth_code', 'api_create_preauthcode'), expires_in: typeof expires === 'number' ? expires : 600 };
  },

  /** api_query_auth: exchanges an authorization code (single use: never repeated blindly). */
  async queryAuth(client: WeChatClient, component: ComponentConfig, authorizationCode: string): Promise<AuthorizationInfo> {
    const body = await client.forPlatform().call({
      path: `${BASE}/api_query_auth`,
      token: 'component',
      tokenParam: 'component_access_token',
      body: { component_appid: component.appId, authorization_code: authorizationCode },
      idempotent: false,
    });
    return authorizationInfoOf(body, 'api_query_auth');
  },

  /** api_get_authorizer_info: the merchant's account and authorization. Read-only. */
  async authorizerInfo(client: WeChatClient, component: ComponentConfig, authorizerAppId: string): Promise<{ authorization: AuthorizationInfo; account: Record<string, unknown> }> {
    const body = await client.forPlatform().call({
      path: `${BASE}/api_get_authorizer_info`,
      token: 'component',
      tokenParam: 'component_access_token',
      body: { component_appid: component.appId, authorizer_appid: authorizerAppId },
      idempotent: true,
    });
    const account = body['authorizer_info'];
    return { authorization: authorizationInfoOf(body, 'api_get_authorizer_info'), account: typeof account === 'object' && account !== null ? (account as Record<string, unknown>) : {} };
  },

  /** api_get_authorizer_list: one page (count ≤ 500) of the merchants and their refresh tokens. Read-only. */
  async authorizerList(client: WeChatClient, component: ComponentConfig, offset: number, count: number): Promise<{ total_count: number; list: AuthorizerListEntry[] }> {
    const body = await client.forPlatform().call({
      path: `${BASE}/api_get_authorizer_list`,
      token: 'component',
      tokenParam: 'component_access_token',
      body: { component_appid: component.appId, offset, count },
      idempotent: true,
    });
    const list = Array.isArray(body['list']) ? (body['list'] as unknown[]) : [];
    const entries: AuthorizerListEntry[] = [];
    for (const item of list) {
      const fields = (item ?? {}) as Record<string, unknown>;
      const appid = fields['authorizer_appid'];
      const refresh = fields['refresh_token'];
      if (typeof appid === 'string' && typeof refresh === 'string') entries.push({ authorizer_appid: appid, refresh_token: refresh, auth_time: typeof fields['auth_time'] === 'number' ? fields['auth_time'] : 0 });
    }
    return { total_count: typeof body['total_count'] === 'number' ? body['total_count'] : entries.length, list: entries };
  },
};

/**
 * api_start_push_ticket: asks WeChat to (re)start pushing the ticket to the authorization event
 * URL; also a health check ("in a normal state"). Takes the secret, no token.
 */
export async function startPushTicket(config: Config, component: ComponentConfig, deadline: Deadline): Promise<string> {
  const api = `${BASE}/api_start_push_ticket`;
  try {
    const body = await withRetry(
      () => requestJson({ api, url: `${config.apiBase}/${api}`, body: { component_appid: component.appId, component_secret: component.appSecret }, deadline, timeoutMs: config.requestTimeoutMs }),
      { api, idempotent: true, deadline },
    );
    return typeof body['errmsg'] === 'string' ? body['errmsg'] : 'ok';
  } catch (error) {
    // WeChat may echo what it was sent.
    if (error instanceof Error) error.message = redactValues(error.message, [component.appSecret]);
    throw error;
  }
}
