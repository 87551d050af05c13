import { DEFAULT_API_BASE, type ComponentConfig, type Config } from '../config';
import { sharedTokenCacheFor } from '../tokens/shared-tokens';
import { keepForSeconds } from '../tokens/stable-token-provider';
import type { WeChatClient } from '../wechat-client';
import { componentApi, type AuthorizationInfo } from './component-api';
import { PERMISSION_REQUIREMENTS } from './permission-sets';
import { authorizerTokenId, platformState } from './platform-state';

export interface LinkOptions {
  redirect_uri: string;
  auth_type?: 1 | 2 | 3 | undefined;
  biz_appid?: string | undefined;
}

/**
 * The merchant authorization pages (授权页): PC (scan a QR code) and mobile (inside WeChat). Against
 * WeChat they are WeChat's hosts; against the emulator (any other WXOPEN_API_BASE) the emulator
 * serves the same paths. The PC page must be opened from a page on the platform's configured
 * authorization domain, and redirect_uri must be on that domain.
 */
export function authorizationLinks(apiBase: string, component: ComponentConfig, preAuthCode: string, options: LinkOptions): { pc_url: string; mobile_url: string } {
  const real = apiBase === DEFAULT_API_BASE;
  const params = new URLSearchParams({ component_appid: component.appId, pre_auth_code: preAuthCode, redirect_uri: options.redirect_uri });
  if (options.auth_type !== undefined) params.set('auth_type', String(options.auth_type));
  if (options.biz_appid !== undefined) params.set('biz_appid', options.biz_appid);
  const mobile = new URLSearchParams({ action: 'bindcomponent', no_scan: '1', ...Object.fromEntries(params) });
  return {
    pc_url: `${real ? 'https://mp.weixin.qq.com' : apiBase}/cgi-bin/componentloginpage?${params.toString()}`,
    mobile_url: `${real ? 'https://open.weixin.qq.com' : apiBase}/wxaopen/safe/bindcomponent?${mobile.toString()}#wechat_redirect`,
  };
}

/** The capabilities a merchant's grant leaves out, each with the sets that would cover it. */
export function missingCapabilities(granted: readonly number[]): Array<{ capability: string; permission_sets: number[] }> {
  return PERMISSION_REQUIREMENTS.filter((requirement) => !requirement.sets.some((set) => granted.includes(set))).map((requirement) => ({
    capability: requirement.capability,
    permission_sets: [...requirement.sets],
  }));
}

/**
 * Exchanges an authorization code (from the redirect or the `authorized` push) and stores the
 * merchant's refresh token and permission sets; the merchant's earlier tokens are forgotten (a
 * new authorization invalidates them).
 */
export async function exchangeAuthorizationCode(client: WeChatClient, config: Config, component: ComponentConfig, code: string, now: number = Date.now()): Promise<AuthorizationInfo> {
  const info = await componentApi.queryAuth(client, component, code);
  const tokens = sharedTokenCacheFor(config);
  await platformState.saveAuthorization(tokens.store, component.appId, {
    authorizerAppId: info.authorizer_appid,
    refreshToken: info.authorizer_refresh_token,
    permissionSets: info.permission_sets,
    authorizedAt: now,
  });
  // The new authorization invalidated the merchant's earlier tokens: its first one replaces them.
  const id = authorizerTokenId(component.appId, info.authorizer_appid);
  if (info.authorizer_access_token === undefined) await tokens.forget(id);
  else await tokens.seed(id, { value: info.authorizer_access_token.value, refreshAt: now + keepForSeconds(info.authorizer_access_token.expires_in) * 1000 });
  return info;
}
