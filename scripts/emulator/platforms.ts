import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Emulator } from './server';
import type { TokenRecord } from './tokens';

/** What a third-party platform (开放平台 第三方平台) is registered with. */
export interface PlatformIdentity {
  componentAppId: string;
  secret: string;
  /** The message-check token (消息校验Token) pushes are signed with. */
  token: string;
  /** The EncodingAESKey (43 letters/digits) pushes are encrypted with. */
  aesKey: string;
  name: string;
}

/** The platform every emulator starts with; it has no push URL until one is set. */
export const DEMO_PLATFORM: Readonly<PlatformIdentity> = {
  componentAppId: 'wx0c0c0c0c0c0c0c0c',
  secret: 'demo-component-secret-0001',
  token: 'demoPushToken',
  aesKey: 'DemoEncodingAesKey0123456789abcdefghijklmno',
  name: 'Demo Service Provider',
};

/** WeChat pushes a ticket every 10 minutes (of real time, in the emulator). */
export const DEFAULT_PUSH_INTERVAL_SECONDS = 600;
/** A component_verify_ticket is accepted for 12 hours after it was pushed. */
export const TICKET_LIFETIME_SECONDS = 12 * 3600;
/** Pre-auth codes and authorization codes live 10 minutes (emulator clock). */
export const PRE_AUTH_CODE_TTL_SECONDS = 600;
export const AUTH_CODE_TTL_SECONDS = 600;
/** A replaced component token, authorizer token or refresh token keeps working this long. */
export const REPLACED_GRACE_SECONDS = 300;
/** Permission sets the authorization page ticks by default (and the admin API grants by default). */
export const DEFAULT_PERMISSION_SETS: readonly number[] = [3, 18, 46, 49, 64];
/** Tickets kept per platform (older ones count as never pushed: 61006). */
const MAX_TICKETS = 500;

export interface PushedTicket {
  value: string;
  issuedAt: number;
}

interface OneTimeCode {
  expiresAt: number;
  used: boolean;
}

interface AuthorizationCode extends OneTimeCode {
  authorizerAppId: string;
}

/** A merchant's authorization of a platform. */
export interface Authorization {
  authorizerAppId: string;
  refreshToken: string;
  /** Refresh tokens replaced by a rotation, each usable until `validUntil`. */
  replacedRefreshTokens: Array<{ value: string; validUntil: number }>;
  /** funcscope_category ids granted. */
  permissionSets: number[];
  authTime: number;
}

export interface Platform extends PlatformIdentity {
  pushUrl: string | undefined;
  /** Real-time seconds between ticket pushes (0: no timer). */
  pushIntervalSeconds: number;
  tickets: PushedTicket[];
  preAuthCodes: Map<string, OneTimeCode>;
  authorizationCodes: Map<string, AuthorizationCode>;
  authorizations: Map<string, Authorization>;
}

export type PlatformChanges = Partial<Omit<PlatformIdentity, 'componentAppId'>> & { pushUrl?: string | undefined; pushIntervalSeconds?: number };

/** Why an authorization could not be completed (the page shows it, the admin API answers 400). */
export class AuthorizationRefused extends Error {}

function secretCode(prefix: string): string {
  return `${prefix}@@@${randomBytes(32).toString('base64url')}`;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function fresh(identity: PlatformIdentity): Platform {
  return {
    ...identity,
    pushUrl: undefined,
    pushIntervalSeconds: DEFAULT_PUSH_INTERVAL_SECONDS,
    tickets: [],
    preAuthCodes: new Map(),
    authorizationCodes: new Map(),
    authorizations: new Map(),
  };
}

/**
 * The third-party platforms of one emulator and everything WeChat keeps for them: the tickets it
 * pushed, pre-auth and authorization codes (one-time, 10 minutes), and each merchant's
 * authorization (refresh token, permission sets, time). Tokens stay in the TokenRegistry: a
 * platform's component tokens (kind 'component', appid = component appid) and its authorizer
 * tokens (kind 'access', appid = merchant, component = component appid).
 */
export class PlatformRegistry {
  private readonly platforms = new Map<string, Platform>();

  constructor(private readonly emulator: Emulator) {
    this.reset();
  }

  reset(): void {
    this.platforms.clear();
    this.platforms.set(DEMO_PLATFORM.componentAppId, fresh(DEMO_PLATFORM));
  }

  get(componentAppId: string): Platform | undefined {
    return this.platforms.get(componentAppId);
  }

  list(): Platform[] {
    return [...this.platforms.values()];
  }

  /** Registers a platform (every identity field needed) or changes one; returns it. */
  register(componentAppId: string, changes: PlatformChanges): Platform {
    let platform = this.platforms.get(componentAppId);
    if (platform === undefined) {
      const { secret, token, aesKey } = changes;
      if (secret === undefined || token === undefined || aesKey === undefined) throw new Error('a new platform needs secret, token and aes_key');
      platform = fresh({ componentAppId, secret, token, aesKey, name: changes.name ?? `Platform ${componentAppId}` });
      this.platforms.set(componentAppId, platform);
    }
    if (changes.secret !== undefined) platform.secret = changes.secret;
    if (changes.token !== undefined) platform.token = changes.token;
    if (changes.aesKey !== undefined) platform.aesKey = changes.aesKey;
    if (changes.name !== undefined) platform.name = changes.name;
    if (changes.pushIntervalSeconds !== undefined) platform.pushIntervalSeconds = changes.pushIntervalSeconds;
    // An explicit `pushUrl: undefined` unsets it.
    if ('pushUrl' in changes) platform.pushUrl = changes.pushUrl;
    return platform;
  }

  /** A new ticket, as a push carries it; kept so api_component_token can check it. */
  newTicket(platform: Platform): PushedTicket {
    const ticket = { value: secretCode('ticket'), issuedAt: this.emulator.now() };
    platform.tickets.push(ticket);
    if (platform.tickets.length > MAX_TICKETS) platform.tickets.splice(0, platform.tickets.length - MAX_TICKETS);
    return ticket;
  }

  /** 'valid', 'expired' (pushed over 12 h ago: 61005) or 'unknown' (never pushed to this platform: 61006). */
  ticketStatus(platform: Platform, value: string): 'valid' | 'expired' | 'unknown' {
    const ticket = platform.tickets.find((candidate) => sameSecret(value, candidate.value));
    if (ticket === undefined) return 'unknown';
    return this.emulator.now() - ticket.issuedAt >= TICKET_LIFETIME_SECONDS * 1000 ? 'expired' : 'valid';
  }

  /** A new component token; the platform's earlier ones stay usable 5 more minutes at most. */
  issueComponentToken(platform: Platform): TokenRecord {
    this.emulator.tokens.retireWithin((record) => record.kind === 'component' && record.appid === platform.componentAppId, REPLACED_GRACE_SECONDS);
    return this.emulator.tokens.issue(platform.componentAppId, 'component');
  }

  /** A new authorizer token for a merchant; its earlier ones for this platform stay usable 5 more minutes at most. */
  issueAuthorizerToken(platform: Platform, authorizerAppId: string): TokenRecord {
    this.emulator.tokens.retireWithin((record) => isAuthorizerToken(record, platform, authorizerAppId), REPLACED_GRACE_SECONDS);
    return this.emulator.tokens.issue(authorizerAppId, 'access', undefined, platform.componentAppId);
  }

  newPreAuthCode(platform: Platform): string {
    this.prune(platform.preAuthCodes);
    const code = secretCode('preauthcode');
    platform.preAuthCodes.set(code, { expiresAt: this.emulator.now() + PRE_AUTH_CODE_TTL_SECONDS * 1000, used: false });
    return code;
  }

  /** Why a pre-auth code cannot be used now, or undefined when it can. */
  preAuthCodeProblem(platform: Platform, code: string): string | undefined {
    const entry = platform.preAuthCodes.get(code);
    if (entry === undefined) return 'the pre_auth_code is invalid (not issued to this platform)';
    if (entry.used) return 'the pre_auth_code was already used';
    if (this.emulator.now() >= entry.expiresAt) return 'the pre_auth_code has expired';
    return undefined;
  }

  /**
   * The merchant confirmed on the authorization page: uses up the pre-auth code, creates or
   * replaces the authorization (a re-authorization gets a new refresh token, and the merchant's
   * earlier authorizer tokens for this platform are revoked) and issues an authorization code.
   * Throws AuthorizationRefused when the code or the choice is not acceptable.
   */
  authorize(platform: Platform, preAuthCode: string, authorizerAppId: string, permissionSets: readonly number[]): {
    authorizationCode: string;
    expiresAt: number;
    infoType: 'authorized' | 'updateauthorized';
  } {
    const problem = this.preAuthCodeProblem(platform, preAuthCode);
    if (problem !== undefined) throw new AuthorizationRefused(problem);
    if (!this.emulator.accounts.has(authorizerAppId)) throw new AuthorizationRefused(`${authorizerAppId} is not an account of this emulator`);
    if (permissionSets.length === 0) throw new AuthorizationRefused('at least one permission set must be granted');
    (platform.preAuthCodes.get(preAuthCode) as OneTimeCode).used = true;
    const now = this.emulator.now();
    const existed = platform.authorizations.has(authorizerAppId);
    if (existed) this.emulator.tokens.revokeWhere((record) => isAuthorizerToken(record, platform, authorizerAppId));
    this.dropCodesOf(platform, authorizerAppId);
    platform.authorizations.set(authorizerAppId, {
      authorizerAppId,
      refreshToken: secretCode('refreshtoken'),
      replacedRefreshTokens: [],
      permissionSets: [...new Set(permissionSets)].sort((a, b) => a - b),
      authTime: now,
    });
    this.prune(platform.authorizationCodes);
    const authorizationCode = secretCode('queryauthcode');
    const expiresAt = now + AUTH_CODE_TTL_SECONDS * 1000;
    platform.authorizationCodes.set(authorizationCode, { authorizerAppId, expiresAt, used: false });
    return { authorizationCode, expiresAt, infoType: existed ? 'updateauthorized' : 'authorized' };
  }

  /** Uses up an authorization code: the authorization, or why not (61009 unknown/used, 61010 expired). */
  redeemAuthorizationCode(platform: Platform, code: string): Authorization | 'invalid' | 'expired' {
    const entry = platform.authorizationCodes.get(code);
    if (entry === undefined || entry.used) return 'invalid';
    if (this.emulator.now() >= entry.expiresAt) return 'expired';
    const authorization = platform.authorizations.get(entry.authorizerAppId);
    if (authorization === undefined) return 'invalid';
    entry.used = true;
    return authorization;
  }

  /**
   * Checks a refresh token and rotates it: the new value is answered, the presented one (when it
   * was the current one) stays usable 5 more minutes. Undefined when it is unknown or too old.
   */
  rotateRefreshToken(authorization: Authorization, presented: string): string | undefined {
    const now = this.emulator.now();
    authorization.replacedRefreshTokens = authorization.replacedRefreshTokens.filter((entry) => entry.validUntil > now);
    const current = sameSecret(presented, authorization.refreshToken);
    if (!current && !authorization.replacedRefreshTokens.some((entry) => sameSecret(presented, entry.value))) return undefined;
    authorization.replacedRefreshTokens.push({ value: authorization.refreshToken, validUntil: now + REPLACED_GRACE_SECONDS * 1000 });
    authorization.refreshToken = secretCode('refreshtoken');
    return authorization.refreshToken;
  }

  /** The merchant revoked the authorization: it, its codes and its authorizer tokens are gone. False when there was none. */
  revoke(platform: Platform, authorizerAppId: string): { revokedTokens: number } | undefined {
    if (!platform.authorizations.delete(authorizerAppId)) return undefined;
    this.dropCodesOf(platform, authorizerAppId);
    return { revokedTokens: this.emulator.tokens.revokeWhere((record) => isAuthorizerToken(record, platform, authorizerAppId)) };
  }

  private dropCodesOf(platform: Platform, authorizerAppId: string): void {
    for (const [code, entry] of platform.authorizationCodes) if (entry.authorizerAppId === authorizerAppId) platform.authorizationCodes.delete(code);
  }

  /** Forgets codes that expired over a day ago (a used or expired code still answers its own error until then). */
  private prune(codes: Map<string, OneTimeCode>): void {
    const horizon = this.emulator.now() - 86_400_000;
    for (const [code, entry] of codes) if (entry.expiresAt < horizon) codes.delete(code);
  }
}

function isAuthorizerToken(record: TokenRecord, platform: Platform, authorizerAppId: string): boolean {
  return record.kind === 'access' && record.component === platform.componentAppId && record.appid === authorizerAppId;
}

const registries = new WeakMap<Emulator, PlatformRegistry>();

/** The platforms of one emulator (created on first use; back to the demo platform alone on reset). */
export function platformsOf(emulator: Emulator): PlatformRegistry {
  let registry = registries.get(emulator);
  if (registry === undefined) {
    const created = new PlatformRegistry(emulator);
    emulator.onReset(() => created.reset());
    registries.set(emulator, created);
    registry = created;
  }
  return registry;
}
