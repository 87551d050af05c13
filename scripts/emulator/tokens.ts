import { randomBytes } from 'node:crypto';

/** How long a cgi-bin/token token stays usable after the next call replaced it (notes/wechat-api.md 5.1). */
export const PLAIN_GRACE_SECONDS = 300;

export type TokenKind = 'access' | 'component' | 'cloudbase';

export interface TokenRecord {
  value: string;
  appid: string;
  kind: TokenKind;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  /**
   * Authorizer tokens (kind 'access', appid = the merchant): the third-party platform (component
   * appid) they were issued to. Unset for an account's own tokens.
   */
  component?: string;
  /**
   * Set when a newer token of the same holder replaced this one: from then on it is "not latest"
   * (40001), even if it has not expired yet.
   */
  retiresAt?: number;
}

/**
 * Tokens the emulator has issued. stable_token semantics: a plain call returns the current token
 * and its remaining life; the platform rotates 5 minutes before expiry (the old one stays valid
 * until it expires); force_refresh revokes the old one at once, at most 20 a day, 30 s apart.
 * cgi-bin/token semantics: every call issues a new token, and the one it replaces stays valid
 * 5 more minutes (then 40001). The two endpoints' tokens are isolated: neither retires the other's.
 */
export class TokenRegistry {
  private readonly byValue = new Map<string, TokenRecord>();
  private readonly currentStable = new Map<string, TokenRecord>();
  private readonly forceRefreshes = new Map<string, number[]>();
  private readonly currentPlain = new Map<string, TokenRecord>();

  constructor(
    private readonly now: () => number,
    public ttlSeconds = 7200,
  ) {}

  issue(appid: string, kind: TokenKind, ttlSeconds = this.ttlSeconds, component?: string): TokenRecord {
    const record: TokenRecord = {
      value: `${kind === 'access' ? 'AT' : kind === 'component' ? 'CT' : 'CB'}_${randomBytes(24).toString('base64url')}`,
      appid,
      kind,
      issuedAt: this.now(),
      expiresAt: this.now() + ttlSeconds * 1000,
      revoked: false,
      ...(component === undefined ? {} : { component }),
    };
    this.byValue.set(record.value, record);
    return record;
  }

  /** Answers a stable_token call: the token and its remaining life in whole seconds. */
  stable(appid: string, forceRefresh: boolean): { record: TokenRecord; expiresIn: number } {
    const now = this.now();
    let current = this.currentStable.get(appid);
    if (forceRefresh && current !== undefined && this.mayForceRefresh(appid, now)) {
      current.revoked = true;
      current = undefined;
    }
    if (current === undefined || current.revoked || current.expiresAt - now <= 300_000) {
      current = this.issue(appid, 'access');
      this.currentStable.set(appid, current);
    }
    return { record: current, expiresIn: Math.floor((current.expiresAt - now) / 1000) };
  }

  /** Answers a cgi-bin/token call: a new token; the previous one of this endpoint stays valid PLAIN_GRACE_SECONDS longer. */
  plain(appid: string): { record: TokenRecord; expiresIn: number } {
    const previous = this.currentPlain.get(appid);
    const record = this.issue(appid, 'access');
    if (previous !== undefined) this.retireWithin((candidate) => candidate === previous, PLAIN_GRACE_SECONDS);
    this.currentPlain.set(appid, record);
    return { record, expiresIn: Math.floor((record.expiresAt - record.issuedAt) / 1000) };
  }

  private mayForceRefresh(appid: string, now: number): boolean {
    const recent = (this.forceRefreshes.get(appid) ?? []).filter((at) => now - at < 86_400_000);
    const last = recent[recent.length - 1];
    if (recent.length >= 20 || (last !== undefined && now - last < 30_000)) return false;
    recent.push(now);
    this.forceRefreshes.set(appid, recent);
    return true;
  }

  find(value: string): TokenRecord | undefined {
    return this.byValue.get(value);
  }

  /** Copies of every token issued, oldest first (values included: whoever shows them must leave those out). */
  list(): TokenRecord[] {
    return [...this.byValue.values()].map((record) => ({ ...record }));
  }

  /** Revokes one token, or every token of an account: the next call with it gets 40001. */
  revoke(value?: string, appid?: string): number {
    let count = 0;
    for (const record of this.byValue.values()) {
      if ((value !== undefined && record.value === value) || (appid !== undefined && record.appid === appid)) {
        if (!record.revoked) count++;
        record.revoked = true;
      }
    }
    return count;
  }

  /**
   * The valid tokens `match` picks stay usable at most `graceSeconds` longer, then count as not
   * latest (40001): how WeChat retires a token when a newer one is issued. A token that expires
   * before then simply expires (42001). Returns how many were affected.
   */
  retireWithin(match: (record: TokenRecord) => boolean, graceSeconds: number): number {
    const limit = this.now() + graceSeconds * 1000;
    let count = 0;
    for (const record of this.byValue.values()) {
      if (record.revoked || record.expiresAt <= limit || !match(record)) continue;
      if (record.retiresAt === undefined || record.retiresAt > limit) {
        record.retiresAt = limit;
        count++;
      }
    }
    return count;
  }

  /** Revokes every token `match` picks (the next call with one gets 40001); how many were valid. */
  revokeWhere(match: (record: TokenRecord) => boolean): number {
    let count = 0;
    for (const record of this.byValue.values()) {
      if (!match(record)) continue;
      if (!record.revoked) count++;
      record.revoked = true;
    }
    return count;
  }

  clear(): void {
    this.byValue.clear();
    this.currentStable.clear();
    this.currentPlain.clear();
    this.forceRefreshes.clear();
  }
}
