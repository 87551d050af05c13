import { isEncodingAesKey } from '../../shared/component/message-crypto';
import { completeAuthorization, httpUrl, redirectWithCode } from './component-authorize';
import type { PlatformPusher } from './component-push';
import { AUTH_CODE_TTL_SECONDS, AuthorizationRefused, type Platform, type PlatformChanges, type PlatformRegistry } from './platforms';
import type { Emulator } from './server';

/** Longest ticket interval the control API takes (a day). */
const MAX_PUSH_INTERVAL_SECONDS = 86_400;
const MIN_PUSH_INTERVAL_SECONDS = 0.1;
export const APPID_PATTERN = /^wx[0-9A-Za-z]{16}$/;

function componentAppIdOf(body: Record<string, unknown>): string {
  const appid = body['component_appid'];
  if (typeof appid !== 'string' || !APPID_PATTERN.test(appid)) throw new Error('component_appid must be an appid (wx + 16 letters/digits)');
  return appid;
}

function platformOf(registry: PlatformRegistry, body: Record<string, unknown>): Platform {
  const appid = componentAppIdOf(body);
  const platform = registry.get(appid);
  if (platform === undefined) throw new Error(`${appid} is not a registered platform`);
  return platform;
}

function optionalText(body: Record<string, unknown>, name: string, pattern: RegExp, rule: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw new Error(`${name} must be ${rule}`);
  return value;
}

/** The fields of a platforms POST, all checked before any is applied. */
function changesOf(body: Record<string, unknown>): PlatformChanges {
  const changes: PlatformChanges = {};
  const secret = optionalText(body, 'secret', /^[\x21-\x7e]{1,128}$/, '1 to 128 printable ASCII characters');
  if (secret !== undefined) changes.secret = secret;
  const token = optionalText(body, 'token', /^[A-Za-z0-9]{3,32}$/, '3 to 32 letters or digits (WeChat\'s rule for the message-check token)');
  if (token !== undefined) changes.token = token;
  const aesKey = body['aes_key'];
  if (aesKey !== undefined) {
    if (typeof aesKey !== 'string' || !isEncodingAesKey(aesKey)) throw new Error('aes_key must be 43 letters or digits (an EncodingAESKey)');
    changes.aesKey = aesKey;
  }
  const name = optionalText(body, 'name', /^[^\u0000-\u001f]{1,64}$/, '1 to 64 characters');
  if (name !== undefined) changes.name = name;
  const pushUrl = body['push_url'];
  if (pushUrl === null || pushUrl === '') changes.pushUrl = undefined;
  else if (pushUrl !== undefined) {
    const url = httpUrl(pushUrl);
    if (url === undefined) throw new Error('push_url must be an absolute http(s) URL (null or "" unsets it)');
    changes.pushUrl = url;
  }
  const interval = body['push_interval_seconds'];
  if (interval !== undefined) {
    if (typeof interval !== 'number' || !(interval === 0 || (interval >= MIN_PUSH_INTERVAL_SECONDS && interval <= MAX_PUSH_INTERVAL_SECONDS))) {
      throw new Error(`push_interval_seconds must be 0 (no timer) or a number from ${MIN_PUSH_INTERVAL_SECONDS} to ${MAX_PUSH_INTERVAL_SECONDS}`);
    }
    changes.pushIntervalSeconds = interval;
  }
  return changes;
}

function permissionSetsOf(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > 100 || value.some((id) => !Number.isInteger(id) || (id as number) < 1 || (id as number) > 999)) {
    throw new Error('permission_sets must be a non-empty list of permission-set ids (whole numbers from 1 to 999)');
  }
  return value as number[];
}

/** A platform as the control API shows it: no secret, token, AES key, ticket or refresh token. */
function describe(platform: Platform): Record<string, unknown> {
  return {
    component_appid: platform.componentAppId,
    name: platform.name,
    push_url: platform.pushUrl ?? null,
    push_interval_seconds: platform.pushIntervalSeconds,
    tickets_pushed: platform.tickets.length,
    authorizations: [...platform.authorizations.values()].map((authorization) => ({
      authorizer_appid: authorization.authorizerAppId,
      permission_sets: authorization.permissionSets,
      auth_time: Math.floor(authorization.authTime / 1000),
    })),
  };
}

/**
 * The control API of third-party platforms, under /__emulator/:
 * GET  platforms                       the platforms (no secrets)
 * POST platforms {component_appid, secret, token, aes_key, name?, push_url?, push_interval_seconds?}
 *                                      register one (secret, token, aes_key needed) or change one
 *                                      (any subset; push_url null unsets it; interval 0 stops the timer)
 * POST authorize {component_appid, pre_auth_code, authorizer_appid, permission_sets?, redirect_uri?}
 *                                      what the merchant's "authorize" click does → {auth_code, expires_in,
 *                                      info_type, push, redirect?}
 * POST revoke-authorization {component_appid, authorizer_appid}
 *                                      the merchant revokes: tokens revoked, `unauthorized` pushed
 * POST push-ticket {component_appid}   push a ticket now → the push's outcome
 * GET  pushes[?component_appid=]       the push log (no tickets, codes or ciphertext)
 */
export function installPlatformAdmin(emulator: Emulator, registry: PlatformRegistry, pusher: PlatformPusher): void {
  emulator.admin('platforms', (body) => {
    if (Object.keys(body).length > 0) {
      const appid = componentAppIdOf(body);
      if (emulator.accounts.has(appid)) throw new Error(`${appid} is an account of this emulator, not a platform`);
      const platform = registry.register(appid, changesOf(body));
      pusher.schedule(platform);
    }
    return { platforms: registry.list().map(describe) };
  });

  emulator.admin('authorize', async (body) => {
    const platform = platformOf(registry, body);
    const preAuthCode = body['pre_auth_code'];
    if (typeof preAuthCode !== 'string' || preAuthCode === '') throw new Error('pre_auth_code is required');
    const authorizerAppId = body['authorizer_appid'];
    if (typeof authorizerAppId !== 'string' || authorizerAppId === '') throw new Error('authorizer_appid is required');
    const redirectUri = body['redirect_uri'] === undefined ? undefined : httpUrl(body['redirect_uri']);
    if (body['redirect_uri'] !== undefined && redirectUri === undefined) throw new Error('redirect_uri must be an absolute http(s) URL');
    const permissionSets = permissionSetsOf(body['permission_sets']);
    try {
      const done = await completeAuthorization(registry, pusher, platform, { preAuthCode, authorizerAppId, permissionSets });
      return {
        auth_code: done.authorizationCode,
        expires_in: AUTH_CODE_TTL_SECONDS,
        info_type: done.infoType,
        push: done.push ?? null,
        ...(redirectUri === undefined ? {} : { redirect: redirectWithCode(redirectUri, done.authorizationCode) }),
      };
    } catch (error) {
      if (error instanceof AuthorizationRefused) throw new Error(error.message);
      throw error;
    }
  });

  emulator.admin('revoke-authorization', async (body) => {
    const platform = platformOf(registry, body);
    const authorizerAppId = body['authorizer_appid'];
    if (typeof authorizerAppId !== 'string' || authorizerAppId === '') throw new Error('authorizer_appid is required');
    const revoked = registry.revoke(platform, authorizerAppId);
    if (revoked === undefined) throw new Error(`${authorizerAppId} has not authorized ${platform.componentAppId}`);
    const push = await pusher.push(platform, 'unauthorized', { AuthorizerAppid: authorizerAppId });
    return { revoked_tokens: revoked.revokedTokens, push: push ?? null };
  });

  emulator.admin('push-ticket', async (body) => {
    const platform = platformOf(registry, body);
    const push = await pusher.pushTicket(platform);
    if (push === undefined) throw new Error(`${platform.componentAppId} has no push_url (set one with POST /__emulator/platforms)`);
    return { push };
  });

  emulator.admin('pushes', (body, query) => {
    const filter = query.get('component_appid') ?? (typeof body['component_appid'] === 'string' ? body['component_appid'] : null);
    return { pushes: filter === null ? pusher.log : pusher.log.filter((entry) => entry.component_appid === filter) };
  });
}
