import { AUTH_CODE_TTL_SECONDS, DEFAULT_PERMISSION_SETS, type Platform, type PlatformRegistry } from './platforms';
import type { PlatformPusher, PushRecord } from './component-push';

export interface CompletedAuthorization {
  authorizationCode: string;
  infoType: 'authorized' | 'updateauthorized';
  /** The push of the event; undefined when the platform has no push URL. */
  push: PushRecord | undefined;
}

/**
 * What happens when the merchant confirms on the authorization page (and what the admin API
 * `authorize` does for tests): the authorization is made (see PlatformRegistry.authorize; throws
 * AuthorizationRefused) and an `authorized` event (`updateauthorized` for an account that had
 * already authorized) is pushed with AuthorizerAppid, AuthorizationCode,
 * AuthorizationCodeExpiredTime (epoch seconds) and PreAuthCode. Resolves once the push is answered.
 */
export async function completeAuthorization(
  registry: PlatformRegistry,
  pusher: PlatformPusher,
  platform: Platform,
  choice: { preAuthCode: string; authorizerAppId: string; permissionSets?: readonly number[] | undefined },
): Promise<CompletedAuthorization> {
  const made = registry.authorize(platform, choice.preAuthCode, choice.authorizerAppId, choice.permissionSets ?? DEFAULT_PERMISSION_SETS);
  const push = await pusher.push(platform, made.infoType, {
    AuthorizerAppid: choice.authorizerAppId,
    AuthorizationCode: made.authorizationCode,
    AuthorizationCodeExpiredTime: Math.floor(made.expiresAt / 1000),
    PreAuthCode: choice.preAuthCode,
  });
  return { authorizationCode: made.authorizationCode, infoType: made.infoType, push };
}

/** redirect_uri with auth_code and expires_in added, as WeChat redirects the merchant's browser. */
export function redirectWithCode(redirectUri: string, authorizationCode: string): string {
  const target = new URL(redirectUri);
  target.searchParams.set('auth_code', authorizationCode);
  target.searchParams.set('expires_in', String(AUTH_CODE_TTL_SECONDS));
  return target.toString();
}

/** An absolute http(s) URL of at most 2048 characters, or undefined. */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
