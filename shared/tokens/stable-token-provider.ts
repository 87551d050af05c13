import type { Deadline } from '../deadline';
import { secretTag } from './secret-tag';
import { requestToken } from './token-endpoint';
import type { IssuedToken, TokenProvider } from './token-provider';

/** stable_token rotates 5 minutes before expiry; refresh when that much life is left. */
const ROTATION_MARGIN_S = 300;

/**
 * How long to keep a token whose remaining life is `expiresIn` seconds. stable_token reports the
 * remaining life (it can be as short as 300 s), not a fresh 7200: keep it until the platform's
 * rotation point, or for half its life when that is short. Never 0 or less.
 */
export function keepForSeconds(expiresIn: number): number {
  if (expiresIn > 2 * ROTATION_MARGIN_S) return expiresIn - ROTATION_MARGIN_S;
  return Math.max(1, Math.floor(expiresIn / 2));
}

export interface StableTokenOptions {
  apiBase: string;
  appId: string;
  appSecret: string;
  requestTimeoutMs: number;
  now?: () => number;
}

/**
 * Own-account tokens from POST /cgi-bin/stable_token. Never sends force_refresh: that invalidates
 * the token for every other user of the appid, is limited to 20 a day, and a plain call already
 * returns the current token. Tokens from cgi-bin/token and stable_token do not disturb each other.
 */
export class StableTokenProvider implements TokenProvider {
  readonly param = 'access_token' as const;
  readonly refreshable = true;
  readonly id: string;
  readonly secrets: readonly string[];

  constructor(private readonly options: StableTokenOptions) {
    // The secret takes part in the key (a rotated secret gets a fresh slot) only as a tag.
    this.id = `stable:${options.apiBase}:${options.appId}:${secretTag(options.appSecret)}`;
    this.secrets = [options.appSecret];
  }

  async fetch(deadline: Deadline): Promise<IssuedToken> {
    const { value, expiresIn } = await requestToken({
      api: 'cgi-bin/stable_token',
      url: `${this.options.apiBase}/cgi-bin/stable_token`,
      body: { grant_type: 'client_credential', appid: this.options.appId, secret: this.options.appSecret },
      field: 'access_token',
      deadline,
      timeoutMs: this.options.requestTimeoutMs,
    });
    const now = (this.options.now ?? Date.now)();
    return { value, refreshAt: now + keepForSeconds(expiresIn) * 1000 };
  }
}
