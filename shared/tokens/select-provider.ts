import { existsSync } from 'node:fs';
import type { Config } from '../config';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { CloudbaseTokenProvider } from './cloudbase-token-provider';
import { FixedTokenProvider } from './fixed-token-provider';
import { StableTokenProvider } from './stable-token-provider';
import type { TokenKind, TokenProvider } from './token-provider';

type Env = Readonly<Record<string, string | undefined>>;

function cloudbaseTokenAvailable(config: Config, env: Env): boolean {
  return (env['WX_CLOUDBASE_ACCESSTOKEN'] ?? '').trim() !== '' || existsSync(config.cloudbaseTokenFile);
}

/**
 * Picks where tokens of the given kind come from, in this order:
 * - access:    WXOPEN_APPID + WXOPEN_APPSECRET (stable_token), else the runtime's cloudbase_access_token;
 * - component: WXOPEN_COMPONENT_ACCESS_TOKEN, else the runtime's cloudbase_access_token.
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
