import { authorizerTokenId, platformState, type Authorization } from '../component/platform-state';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, WeChatApiError } from '../errors';
import { log } from '../log';
import type { ApiCall } from '../wechat-client';
import { keepForSeconds } from './stable-token-provider';
import type { TokenStore } from './store/token-store';
import type { IssuedToken, TokenProvider } from './token-provider';

export interface AuthorizerTokenOptions {
  componentAppId: string;
  authorizerAppId: string;
  store: TokenStore;
  /** Calls a cgi-bin/component API with the platform's component token (refreshed as needed). */
  callComponent: (call: ApiCall) => Promise<Record<string, unknown>>;
  now?: () => number;
}

/**
 * One merchant's authorizer_access_token, from POST cgi-bin/component/api_authorizer_token with the
 * refresh token stored at authorization. When WeChat answers a new refresh token (it rotates them;
 * the old one lasts 5 more minutes) it is stored at once. Shared through the token store.
 */
export class AuthorizerTokenProvider implements TokenProvider {
  readonly param = 'access_token' as const;
  readonly refreshable = true;
  readonly scope = 'shared' as const;
  readonly secrets: readonly string[] = [];
  readonly id: string;

  constructor(private readonly options: AuthorizerTokenOptions) {
    this.id = authorizerTokenId(options.componentAppId, options.authorizerAppId);
  }

  async prepare(): Promise<(deadline: Deadline) => Promise<IssuedToken>> {
    const authorization = await this.storedAuthorization();
    return (deadline) => this.fetchWith(authorization, deadline);
  }

  private async storedAuthorization(): Promise<Authorization> {
    const { componentAppId, authorizerAppId, store } = this.options;
    const authorization = await platformState.readAuthorization(store, componentAppId, authorizerAppId);
    if (authorization === undefined) {
      throw new LocalError(LOCAL.AUTHORIZER_UNKNOWN, `authorizer_appid: ${authorizerAppId} has not authorized the platform ${componentAppId} (no refresh token in the ${store.name} token store)`, { field: 'authorizer_appid' });
    }
    return authorization;
  }

  async fetch(deadline: Deadline): Promise<IssuedToken> {
    return this.fetchWith(await this.storedAuthorization(), deadline);
  }

  private async fetchWith(stored: Authorization, deadline: Deadline): Promise<IssuedToken> {
    const { componentAppId, authorizerAppId, store } = this.options;
    let refreshToken = stored.refreshToken;
    if (deadline.expired()) throw new LocalError(LOCAL.DEADLINE_EXCEEDED, 'authorizer token: no time left to fetch it');
    let body: Record<string, unknown>;
    try {
      body = await this.exchange(refreshToken);
    } catch (error) {
      // 61023: the stored refresh token is no longer valid (rotated elsewhere, a restored backup).
      // WeChat's list of authorizers holds the current one: take it from there once.
      if (!(error instanceof WeChatApiError) || error.errcode !== 61023) throw error;
      const current = await this.listedRefreshToken();
      if (current === undefined || current === refreshToken) throw error;
      log('warn', 'refresh token refused (61023); recovered the current one from api_get_authorizer_list', { authorizer: authorizerAppId });
      await platformState.rotateRefreshToken(store, componentAppId, authorizerAppId, refreshToken, current);
      refreshToken = current;
      body = await this.exchange(current);
    }
    const value = body['authorizer_access_token'];
    const expiresIn = body['expires_in'];
    if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, 'cgi-bin/component/api_authorizer_token: answer has no authorizer_access_token and positive expires_in');
    }
    const rotated = body['authorizer_refresh_token'];
    if (typeof rotated === 'string' && rotated !== '' && rotated !== refreshToken) {
      const stored = await platformState.rotateRefreshToken(store, componentAppId, authorizerAppId, refreshToken, rotated);
      log(stored ? 'info' : 'warn', stored ? 'stored the rotated refresh token' : 'rotated refresh token not stored: the authorization changed meanwhile', { authorizer: authorizerAppId });
    }
    return { value, refreshAt: (this.options.now ?? Date.now)() + keepForSeconds(expiresIn) * 1000 };
  }

  private exchange(refreshToken: string): Promise<Record<string, unknown>> {
    const { componentAppId, authorizerAppId } = this.options;
    return this.options.callComponent({
      path: 'cgi-bin/component/api_authorizer_token',
      token: 'component',
      tokenParam: 'component_access_token',
      body: { component_appid: componentAppId, authorizer_appid: authorizerAppId, authorizer_refresh_token: refreshToken },
      idempotent: true,
    });
  }

  /** The merchant's refresh token as api_get_authorizer_list gives it (pages of 500), if listed. */
  private async listedRefreshToken(): Promise<string | undefined> {
    const { componentAppId, authorizerAppId } = this.options;
    for (let offset = 0; offset < 100_000; offset += LIST_PAGE) {
      const page = await this.options.callComponent({
        path: 'cgi-bin/component/api_get_authorizer_list',
        token: 'component',
        tokenParam: 'component_access_token',
        body: { component_appid: componentAppId, offset, count: LIST_PAGE },
        idempotent: true,
      });
      const list = Array.isArray(page['list']) ? (page['list'] as Array<Record<string, unknown> | null>) : [];
      const entry = list.find((item) => item?.['authorizer_appid'] === authorizerAppId);
      if (entry !== undefined) return typeof entry?.['refresh_token'] === 'string' ? entry['refresh_token'] : undefined;
      const total = typeof page['total_count'] === 'number' ? page['total_count'] : 0;
      if (list.length < LIST_PAGE || offset + LIST_PAGE >= total) return undefined;
    }
    return undefined;
  }
}

const LIST_PAGE = 500;
