import type { Deadline } from '../deadline';

/** A token and the moment (epoch ms) it should be refreshed; stored TTLs are always > 0. */
export interface IssuedToken {
  value: string;
  refreshAt: number;
}

/** The query parameter a token travels in. */
export type TokenParam = 'access_token' | 'cloudbase_access_token' | 'component_access_token';

/**
 * Where access tokens come from. Implementations: stable_token (own account, refreshable),
 * cloudbase_access_token (provided by the TCB runtime, re-read), and a fixed token from the
 * environment (cannot be refreshed here).
 */
export interface TokenProvider {
  /** Cache key: identifies the account and source, never contains a secret. */
  readonly id: string;
  /** What the token is called in the query string. */
  readonly param: TokenParam;
  /** False when a refused token cannot be replaced by fetching again. */
  readonly refreshable: boolean;
  /** Values that must never be printed (the app secret, for instance). */
  readonly secrets: readonly string[];
  /**
   * 'shared': the token is kept in the token store, one for every instance (component and
   * authorizer tokens: fetching a new one invalidates the old, so instances must not each fetch).
   * Default 'instance': this instance's cache.
   */
  readonly scope?: 'instance' | 'shared';
  fetch(deadline: Deadline): Promise<IssuedToken>;
  /**
   * Reads what a fetch needs (the stored ticket, the authorization) and throws when a fetch could
   * not even be sent; else answers the fetch bound to what it read, so nothing is read twice.
   * Called before a fetch is counted against the refresh budget, so that waiting for a push costs none.
   */
  prepare?(): Promise<(deadline: Deadline) => Promise<IssuedToken>>;
}

/** Which kind of token an API takes. */
export type TokenKind =
  /** the account's own access_token (or authorizer_access_token / cloudbase_access_token) */
  | 'access'
  /** a third-party platform's component_access_token (or the cloudbase_access_token standing in for it) */
  | 'component';
