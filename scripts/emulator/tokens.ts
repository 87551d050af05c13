import { randomBytes } from 'node:crypto';

export type TokenKind = 'access' | 'component' | 'cloudbase';

export interface TokenRecord {
  value: string;
  appid: string;
  kind: TokenKind;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

/**
 * Tokens the emulator has issued. stable_token semantics: a plain call returns the current token
 * and its remaining life; the platform rotates 5 minutes before expiry (the old one stays valid
 * until it expires); force_refresh revokes the old one at once, at most 20 a day, 30 s apart.
 */
export class TokenRegistry {
  private readonly byValue = new Map<string, TokenRecord>();
  private readonly currentStable = new Map<string, TokenRecord>();
  private readonly forceRefreshes = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    public ttlSeconds = 7200,
  ) {}

  issue(appid: string, kind: TokenKind, ttlSeconds = this.ttlSeconds): TokenRecord {
    const record: TokenRecord = {
      value: `${kind === 'access' ? 'AT' : kind === 'component' ? 'CT' : 'CB'}_${randomBytes(24).toString('base64url')}`,
      appid,
      kind,
      issuedAt: this.now(),
      expiresAt: this.now() + ttlSeconds * 1000,
      revoked: false,
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

  clear(): void {
    this.byValue.clear();
    this.currentStable.clear();
    this.forceRefreshes.clear();
  }
}
