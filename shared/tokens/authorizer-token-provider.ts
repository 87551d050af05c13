import { authorizerTokenId, platformState } from '../component/platform-state';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
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

  async fetch(deadline: Deadline): Promise<IssuedToken> {
    const { componentAppId, authorizerAppId, store } = this.options;
    const authorization = await platformState.readAuthorization(store, componentAppId, authorizerAppId);
    if (authorization === undefined) {
      throw new LocalError(LOCAL.AUTHORIZER_UNKNOWN, `authorizer_appid: ${authorizerAppId} has not authorized the platform ${componentAppId} (no refresh token in the ${store.name} token store)`, { field: 'authorizer_appid' });
    }
    if (deadline.expired()) throw new LocalError(LOCAL.DEADLINE_EXCEEDED, 'authorizer token: no time left to fetch it');
    const body = await this.options.callComponent({
      path: 'cgi-bin/component/api_authorizer_token',
      token: 'component',
      tokenParam: 'component_access_token',
      body: { component_appid: componentAppId, authorizer_appid: authorizerAppId, authorizer_refresh_token: authorization.refreshToken },
      idempotent: true,
    });
    const value = body['authorizer_access_token'];
    const expiresIn = body['expires_in'];
    if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, 'cgi-bin/component/api_authorizer_token: answer has no authorizer_access_token and positive expires_in');
    }
    const rotated = body['authorizer_refresh_token'];
    if (typeof rotated === 'string' && rotated !== '' && rotated !== authorization.refreshToken) {
      const stored = await platformState.rotateRefreshToken(store, componentAppId, authorization, rotated);
      log(stored ? 'info' : 'warn', stored ? 'stored the rotated refresh token' : 'rotated refresh token not stored: the authorization changed meanwhile', { authorizer: authorizerAppId });
    }
    return { value, refreshAt: (this.options.now ?? Date.now)() + keepForSeconds(expiresIn) * 1000 };
  }
}
