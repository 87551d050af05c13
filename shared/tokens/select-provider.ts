import { existsSync } from 'node:fs';
import type { Config } from '../config';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { CloudbaseTokenProvider } from './cloudbase-token-provider';
import { ComponentTokenProvider } from './component-token-provider';
import { FixedTokenProvider } from './fixed-token-provider';
import { requireComponent } from './shared-tokens';
import { selectTokenStore } from './store/select-store';
import { StableTokenProvider } from './stable-token-provider';
import type { TokenKind, TokenProvider } from './token-provider';

type Env = Readonly<Record<string, string | undefined>>;

function cloudbaseTokenAvailable(config: Config, env: Env): boolean {
  return (env['WX_CLOUDBASE_ACCESSTOKEN'] ?? '').trim() !== '' || existsSync(config.cloudbaseTokenFile);
}

/**
 * Picks where tokens of the given kind come from, in this order:
 * - access:    WXOPEN_APPID + WXOPEN_APPSECRET (stable_token), else the runtime's cloudbase_access_token;
 * - component: WXOPEN_COMPONENT_ACCESS_TOKEN, else the platform's own (WXOPEN_COMPONENT_APPID +
 *   _APPSECRET, with the pushed ticket), else the runtime's cloudbase_access_token. Calls for a
 *   merchant and the platform's own calls always take the platform's own (see WeChatClient).
 */
export function selectTokenProvider(kind: TokenKind, config: Config, env: Env = process.env): TokenProvider {
  if (kind === 'access') {
    if (config.credentials !== undefined) {
      return new StableTokenProvider({ apiBase: config.apiBase, requestTimeoutMs: config.requestTimeoutMs, ...config.credentials });
    }
    if (cloudbaseTokenAvailable(config, env)) return new CloudbaseTokenProvider(config.cloudbaseTokenFile, env);
    throw new LocalError(
      LOCAL.TOKEN_UNAVAILABLE,
      'WXOPEN_APPID: no access token source: set WXOPEN_APPID and WXOPEN_APPSECRET, or run inside CloudBase with the cloudbase_access_token',
      { field: 'WXOPEN_APPID' },
    );
  }
  if (config.componentAccessToken !== undefined) {
    return new FixedTokenProvider(config.componentAccessToken, 'access_token', 'WXOPEN_COMPONENT_ACCESS_TOKEN');
  }
  if (config.component !== undefined) return platformTokenProvider(config, env);
  if (cloudbaseTokenAvailable(config, env)) return new CloudbaseTokenProvider(config.cloudbaseTokenFile, env);
  throw new LocalError(
    LOCAL.TOKEN_UNAVAILABLE,
    'WXOPEN_COMPONENT_ACCESS_TOKEN: no component token source: set it, or run inside the platform\'s CloudBase environment with the cloudbase_access_token',
    {
      field: 'WXOPEN_COMPONENT_ACCESS_TOKEN',
      hint: 'Static-hosting APIs take a third-party platform\'s component_access_token: set WXOPEN_COMPONENT_ACCESS_TOKEN (kept fresh by your platform\'s token service), or run in the platform\'s CloudBase environment, where the runtime provides the cloudbase_access_token.',
    },
  );
}

/** The platform's own component_access_token (from the stored ticket), shared through the token store. */
export function platformTokenProvider(config: Config, env: Env = process.env): TokenProvider {
  return new ComponentTokenProvider({
    apiBase: config.apiBase,
    requestTimeoutMs: config.requestTimeoutMs,
    component: requireComponent(config),
    store: selectTokenStore(config.tokenStore, env),
  });
}
