import { createHash } from 'node:crypto';
import { permissionRequirementOf } from '../../../shared/component/permission-sets';
import type { Account } from '../accounts';
import { installPlatformAdmin } from '../component-admin';
import { installAuthorizationPages } from '../component-pages';
import { PlatformPusher } from '../component-push';
import { PRE_AUTH_CODE_TTL_SECONDS, platformsOf, sameSecret, type Authorization, type Platform } from '../platforms';
import type { Emulator, RouteContext } from '../server';
import type { TokenRecord } from '../tokens';
import { COMMON, fail } from '../wechat-reply';

/** get_authorizer_list pages hold 1 to 500 entries. */
export const MAX_AUTHORIZER_LIST_COUNT = 500;

type ReplyName =
  | 'appidMissing'
  | 'invalidComponent'
  | 'secretMissing'
  | 'invalidSecret'
  | 'ticketInvalid'
  | 'ticketExpired'
  | 'codeInvalid'
  | 'codeExpired'
  | 'refreshTokenInvalid'
  | 'notAuthorized'
  | 'apiUnauthorized';

/** WeChat's codes and wording for the third-party platform APIs. */
const REPLIES: Readonly<Record<ReplyName, () => never>> = {
  appidMissing: () => fail(41002, 'appid missing'),
  invalidComponent: () => fail(61011, 'invalid component'),
  secretMissing: () => fail(41004, 'appsecret missing'),
  invalidSecret: () => fail(40125, 'invalid appsecret'),
  ticketInvalid: () => fail(61006, 'component verify ticket is invalid'),
  ticketExpired: () => fail(61005, 'component verify ticket is expired'),
  codeInvalid: () => fail(61009, 'code is invalid'),
  codeExpired: () => fail(61010, 'code is expired'),
  refreshTokenInvalid: () => fail(61023, 'refresh_token is invalid'),
  notAuthorized: () => fail(61003, 'component is not authorized by this account'),
  apiUnauthorized: () => fail(61007, 'api is unauthorized to component'),
};

/** A string field: another type → 47001; missing or empty → `missing()`. */
function text(body: Record<string, unknown>, name: string, missing: () => never): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') return missing();
  if (typeof value !== 'string') return COMMON.badFormat();
  return value;
}

/** A whole number field (40097 when it is missing, not a number or out of range). */
function wholeNumber(body: Record<string, unknown>, name: string, min: number, max: number): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) return COMMON.invalidArgs(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** The deterministic gh_ id WeChat gives an account. */
function userNameOf(appid: string): string {
  return `gh_${createHash('sha256').update(`user-name:${appid}`).digest('hex').slice(0, 12)}`;
}

function funcInfo(authorization: Authorization): Array<{ funcscope_category: { id: number } }> {
  return authorization.permissionSets.map((id) => ({ funcscope_category: { id } }));
}

/** The modest authorizer_info of api_get_authorizer_info. */
function authorizerInfo(account: Account): Record<string, unknown> {
  const miniProgram = account.type !== 'service';
  const personal = account.type === 'personal-miniprogram';
  const info: Record<string, unknown> = {
    nick_name: `${miniProgram ? 'Demo Mini Program' : 'Demo Service Account'} ${account.appid.slice(-4)}`,
    head_img: '',
    service_type_info: { id: miniProgram ? 0 : 2 },
    verify_type_info: { id: personal ? -1 : 0 },
    user_name: userNameOf(account.appid),
    alias: '',
    principal_name: personal ? '个人' : `Demo Company ${account.appid.slice(-4)}`,
    account_status: 1,
    business_info: { open_store: 0, open_scan: 0, open_pay: 0, open_card: 0, open_shake: 0 },
    qrcode_url: '',
  };
  if (miniProgram) {
    info['MiniProgramInfo'] = {
      network: { RequestDomain: [], WsRequestDomain: [], UploadDomain: [], DownloadDomain: [], BizDomain: [], UDPDomain: [] },
      categories: [],
      visit_status: 0,
    };
  }
  return info;
}

/**
 * The third-party platform (开放平台 第三方平台) side of WeChat, with state in platforms.ts:
 * - cgi-bin/component/api_component_token {component_appid, component_appsecret,
 *   component_verify_ticket} (no token) → {component_access_token, expires_in}; 41002/61011 appid
 *   missing/unknown, 41004/40125 secret missing/wrong, 61006 a ticket never pushed to this
 *   platform, 61005 one pushed over 12 h ago. The platform's earlier component tokens stay valid
 *   5 more minutes, then answer 40001.
 * - api_create_preauthcode {component_appid} → {pre_auth_code, expires_in: 600};
 * - api_query_auth {component_appid, authorization_code} → authorization_info with a new
 *   authorizer token and the refresh token; 61009 unknown or used code, 61010 expired;
 * - api_authorizer_token {component_appid, authorizer_appid, authorizer_refresh_token} → a new
 *   authorizer token and a rotated refresh token (the presented one works 5 more minutes);
 *   61003 not authorized (never, or revoked), 61023 unknown or too old refresh token;
 * - api_get_authorizer_info {component_appid, authorizer_appid}, api_get_authorizer_list
 *   {component_appid, offset, count (1..500, else 40097)};
 * - api_start_push_ticket {component_appid, component_secret} (no token) → ok, and a ticket
 *   pushed at once when a push URL is set.
 * The component routes take the platform's token as ?component_access_token= or ?access_token=; a
 * component_appid other than the token's platform is 61011. Authorizer tokens (token.component
 * set) on an API that needs a permission set (shared/component/permission-sets.ts) the merchant
 * did not grant: 61007. The call log keeps secrets, tickets, codes and refresh tokens as "[redacted]".
 * The authorization pages are in component-pages.ts, the control API in component-admin.ts.
 */
export function componentModule(emulator: Emulator): void {
  const registry = platformsOf(emulator);
  const pusher = new PlatformPusher(emulator, registry);
  emulator.onReset(() => {
    pusher.stopAll();
    pusher.clearLog();
  });
  emulator.onClose(() => pusher.stopAll());
  installAuthorizationPages(emulator, registry, pusher);
  installPlatformAdmin(emulator, registry, pusher);

  emulator.addTokenCheck((path: string, token: TokenRecord) => {
    if (token.kind === 'component') return registry.get(token.appid) !== undefined;
    if (token.component === undefined) return false;
    const requirement = permissionRequirementOf(path);
    if (requirement === undefined) return false;
    const authorization = registry.get(token.component)?.authorizations.get(token.appid);
    // Revoking an authorization revokes its tokens; this is a second line of defence.
    if (authorization === undefined) return COMMON.invalidToken();
    if (!requirement.sets.some((id) => authorization.permissionSets.includes(id))) REPLIES.apiUnauthorized();
    return false;
  });

  /** The platform whose component token the call carries, checked against the body's component_appid. */
  function callingPlatform({ body, token }: RouteContext): Platform {
    const platform = token === undefined ? undefined : registry.get(token.appid);
    // A component token the admin API issued for an account is not a platform's.
    if (platform === undefined) return COMMON.invalidToken();
    if (text(body, 'component_appid', REPLIES.appidMissing) !== platform.componentAppId) REPLIES.invalidComponent();
    return platform;
  }

  function authorizationOf(platform: Platform, body: Record<string, unknown>): Authorization {
    const authorizerAppId = text(body, 'authorizer_appid', REPLIES.appidMissing);
    return platform.authorizations.get(authorizerAppId) ?? REPLIES.notAuthorized();
  }

  /** A platform named in a token-less call, with its secret checked. */
  function platformWithSecret(body: Record<string, unknown>, secretField: string): Platform {
    const platform = registry.get(text(body, 'component_appid', REPLIES.appidMissing)) ?? REPLIES.invalidComponent();
    if (!sameSecret(text(body, secretField, REPLIES.secretMissing), platform.secret)) REPLIES.invalidSecret();
    return platform;
  }

  /** The life of a token just issued (not its remaining life: a millisecond may have passed). */
  const expiresIn = (record: TokenRecord) => Math.round((record.expiresAt - record.issuedAt) / 1000);

  emulator.route('cgi-bin/component/api_component_token', { token: 'none', redact: ['component_appsecret', 'component_verify_ticket'] }, ({ body }) => {
    const platform = platformWithSecret(body, 'component_appsecret');
    const status = registry.ticketStatus(platform, text(body, 'component_verify_ticket', REPLIES.ticketInvalid));
    if (status === 'unknown') REPLIES.ticketInvalid();
    if (status === 'expired') REPLIES.ticketExpired();
    const record = registry.issueComponentToken(platform);
    // Token endpoints answer without errcode on success.
    return { component_access_token: record.value, expires_in: expiresIn(record), errcode: undefined, errmsg: undefined };
  });

  emulator.route('cgi-bin/component/api_start_push_ticket', { token: 'none', redact: ['component_secret'] }, ({ body }) => {
    const platform = platformWithSecret(body, 'component_secret');
    // WeChat answers at once and pushes on its own; a push never throws.
    void pusher.pushTicket(platform);
    return {};
  });

  emulator.route('cgi-bin/component/api_create_preauthcode', { token: 'component' }, (context) => {
    const platform = callingPlatform(context);
    return { pre_auth_code: registry.newPreAuthCode(platform), expires_in: PRE_AUTH_CODE_TTL_SECONDS, errcode: undefined, errmsg: undefined };
  });

  emulator.route('cgi-bin/component/api_query_auth', { token: 'component', redact: ['authorization_code'] }, (context) => {
    const platform = callingPlatform(context);
    const redeemed = registry.redeemAuthorizationCode(platform, text(context.body, 'authorization_code', REPLIES.codeInvalid));
    if (redeemed === 'invalid') return REPLIES.codeInvalid();
    if (redeemed === 'expired') return REPLIES.codeExpired();
    const record = registry.issueAuthorizerToken(platform, redeemed.authorizerAppId);
    return {
      authorization_info: {
        authorizer_appid: redeemed.authorizerAppId,
        authorizer_access_token: record.value,
        expires_in: expiresIn(record),
        authorizer_refresh_token: redeemed.refreshToken,
        func_info: funcInfo(redeemed),
      },
      errcode: undefined,
      errmsg: undefined,
    };
  });

  emulator.route('cgi-bin/component/api_authorizer_token', { token: 'component', redact: ['authorizer_refresh_token'] }, (context) => {
    const platform = callingPlatform(context);
    const authorization = authorizationOf(platform, context.body);
    const refreshToken = registry.rotateRefreshToken(authorization, text(context.body, 'authorizer_refresh_token', REPLIES.refreshTokenInvalid)) ?? REPLIES.refreshTokenInvalid();
    const record = registry.issueAuthorizerToken(platform, authorization.authorizerAppId);
    return { authorizer_access_token: record.value, expires_in: expiresIn(record), authorizer_refresh_token: refreshToken, errcode: undefined, errmsg: undefined };
  });

  emulator.route('cgi-bin/component/api_get_authorizer_info', { token: 'component' }, (context) => {
    const platform = callingPlatform(context);
    const authorization = authorizationOf(platform, context.body);
    const account = emulator.accounts.get(authorization.authorizerAppId) ?? REPLIES.notAuthorized();
    return {
      authorizer_info: authorizerInfo(account),
      authorization_info: { authorizer_appid: account.appid, authorizer_refresh_token: authorization.refreshToken, func_info: funcInfo(authorization) },
    };
  });

  emulator.route('cgi-bin/component/api_get_authorizer_list', { token: 'component' }, (context) => {
    const platform = callingPlatform(context);
    const offset = wholeNumber(context.body, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const count = wholeNumber(context.body, 'count', 1, MAX_AUTHORIZER_LIST_COUNT);
    const all = [...platform.authorizations.values()].sort((a, b) => a.authTime - b.authTime || a.authorizerAppId.localeCompare(b.authorizerAppId));
    return {
      total_count: all.length,
      list: all.slice(offset, offset + count).map((authorization) => ({
        authorizer_appid: authorization.authorizerAppId,
        refresh_token: authorization.refreshToken,
        auth_time: Math.floor(authorization.authTime / 1000),
      })),
    };
  });
}
