import { DEFAULT_LEASE_MS } from '../config';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, WxOpenError } from '../errors';
import { lazyCrypto } from '../lazy-crypto';
import { log } from '../log';
import { COLLECTIONS, type StoredDoc, type TokenStore } from './store/token-store';
import type { IssuedToken, TokenProvider } from './token-provider';

export interface SharedTokenCacheOptions {
  /** Token fetches allowed per token per day (China time) before refusing. */
  budgetPerDay: number;
  /** How long a refresh lease lasts at most: a holder that dies delays the others this long. */
  leaseMs?: number;
  /** First wait while another instance refreshes; doubled up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

function tokenOf(doc: StoredDoc | undefined): IssuedToken | undefined {
  const value = doc?.fields['value'];
  const refreshAt = doc?.fields['refreshAt'];
  if (typeof value !== 'string' || value === '' || typeof refreshAt !== 'number') return undefined;
  return { value, refreshAt };
}

function storeFailure(error: unknown): WxOpenError {
  if (error instanceof WxOpenError) return error;
  return new LocalError(LOCAL.TOKEN_STORE_UNAVAILABLE, `token store: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Tokens that every instance shares through the token store (component and authorizer tokens):
 * - a fresh stored token is used as it is (and kept in this instance's memory until its refresh time);
 * - otherwise one instance takes the token's refresh lease (a create that only one can win) and
 *   fetches; the others wait, re-reading the store, bounded by their deadline; a lease whose holder
 *   died expires after `leaseMs` and is then taken over;
 * - a refused token is deleted only while the store still holds that same value (a delete on
 *   condition of the value), so a late 40001 never throws away a token another instance just fetched;
 * - every fetch is counted per token and day: past the budget the fetch is refused before WeChat
 *   is asked, so a storm cannot spend WeChat's daily quota (45009).
 * Within one instance, concurrent callers share one resolution (single-flight).
 */
export class SharedTokenCache {
  private readonly local = new Map<string, IssuedToken>();
  private readonly inflight = new Map<string, Promise<IssuedToken>>();
  /** Identifies this instance as a lease holder. */
  readonly owner = lazyCrypto().randomBytes(8).toString('hex');
  private readonly now: () => number;

  constructor(
    readonly store: TokenStore,
    private readonly options: SharedTokenCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async get(provider: TokenProvider, deadline: Deadline): Promise<string> {
    const cached = this.local.get(provider.id);
    if (cached !== undefined && cached.refreshAt > this.now()) return cached.value;
    let pending = this.inflight.get(provider.id);
    if (pending === undefined) {
      pending = this.resolve(provider, deadline).finally(() => this.inflight.delete(provider.id));
      this.inflight.set(provider.id, pending);
    }
    return (await pending).value;
  }

  /**
   * Drops `failed` here and in the store, if it is still the token held there (a condition on the
   * value itself: a version cannot tell it from a token fetched since, in a document created again).
   * True when the store's copy went.
   */
  async invalidate(provider: TokenProvider, failed: string): Promise<boolean> {
    if (this.local.get(provider.id)?.value === failed) this.local.delete(provider.id);
    try {
      return await this.store.remove(COLLECTIONS.tokens, provider.id, { fields: { value: failed } });
    } catch (error) {
      throw storeFailure(error);
    }
  }

  /** Stores a token obtained another way (api_query_auth answers the merchant's first token). */
  async seed(providerId: string, token: IssuedToken): Promise<void> {
    try {
      await this.store.put(COLLECTIONS.tokens, providerId, { value: token.value, refreshAt: token.refreshAt, fetchedAt: this.now() });
    } catch (error) {
      throw storeFailure(error);
    }
    this.local.delete(providerId);
  }

  /** Forgets a token everywhere (a merchant revoked the platform). */
  async forget(providerId: string): Promise<void> {
    this.local.delete(providerId);
    await this.store.remove(COLLECTIONS.tokens, providerId);
  }

  private async resolve(provider: TokenProvider, deadline: Deadline): Promise<IssuedToken> {
    let waitMs = this.options.pollMs ?? 50;
    for (;;) {
      const stored = await this.read(provider.id);
      if (stored !== undefined && stored.refreshAt > this.now()) return this.keep(provider.id, stored);
      if (await this.acquireLease(provider.id, deadline)) {
        // A holder that is slow but alive keeps its lease; one that died stops renewing it.
        const renewing = setInterval(() => void this.renewLease(provider.id), this.leaseMs() / 2);
        renewing.unref();
        try {
          return await this.refresh(provider, deadline);
        } finally {
          clearInterval(renewing);
          await this.releaseLease(provider.id);
        }
      }
      if (deadline.remainingMs() <= waitMs + 250) {
        throw new LocalError(LOCAL.TOKEN_REFRESH_BUSY, `${provider.id.split(':')[0] ?? 'token'} token: another instance is fetching it and did not finish in time`);
      }
      await sleep(waitMs);
      waitMs = Math.min(waitMs * 2, this.options.maxPollMs ?? 400);
    }
  }

  /** With the lease held: re-check (another holder may have just written), count, fetch, store. */
  private async refresh(provider: TokenProvider, deadline: Deadline): Promise<IssuedToken> {
    // The document as it is now: the re-check, and the version the new token replaces.
    let current: StoredDoc | undefined;
    try {
      current = await this.store.get(COLLECTIONS.tokens, provider.id);
    } catch (error) {
      throw storeFailure(error);
    }
    const stored = tokenOf(current);
    if (stored !== undefined && stored.refreshAt > this.now()) return this.keep(provider.id, stored);
    const fetch = provider.prepare === undefined ? (within: Deadline) => provider.fetch(within) : await provider.prepare();
    await this.spendBudget(provider.id);
    const issued = await fetch(deadline);
    const fields = { value: issued.value, refreshAt: issued.refreshAt, fetchedAt: this.now() };
    try {
      // Changed meanwhile (a 40001 deleted it, a lease taken over): create or replace fails, then put.
      const written = current === undefined ? await this.store.create(COLLECTIONS.tokens, provider.id, fields) : await this.store.replace(COLLECTIONS.tokens, provider.id, { version: current.version }, fields);
      if (!written) await this.store.put(COLLECTIONS.tokens, provider.id, fields);
    } catch (error) {
      throw storeFailure(error);
    }
    log('info', 'token fetched and stored', { token: provider.id.split(':')[0], store: this.store.name });
    return this.keep(provider.id, issued);
  }

  private keep(id: string, token: IssuedToken): IssuedToken {
    this.local.set(id, token);
    return token;
  }

  private async read(id: string): Promise<IssuedToken | undefined> {
    try {
      return tokenOf(await this.store.get(COLLECTIONS.tokens, id));
    } catch (error) {
      throw storeFailure(error);
    }
  }

  private leaseMs(): number {
    return Math.max(1000, this.options.leaseMs ?? DEFAULT_LEASE_MS);
  }

  private async acquireLease(id: string, deadline: Deadline): Promise<boolean> {
    const leaseMs = Math.max(1000, Math.min(this.leaseMs(), deadline.remainingMs()));
    const lease = { owner: this.owner, expiresAt: this.now() + leaseMs };
    try {
      if (await this.store.create(COLLECTIONS.leases, id, lease)) return true;
      // A lease past its time belongs to a holder that died (or overran): take it over.
      if (!(await this.store.removeIfBelow(COLLECTIONS.leases, id, 'expiresAt', this.now()))) return false;
      log('warn', 'took over an expired token refresh lease', { token: id.split(':')[0] });
      return await this.store.create(COLLECTIONS.leases, id, lease);
    } catch (error) {
      throw storeFailure(error);
    }
  }

  /** Pushes our lease's end out by another lease time, if it is still ours. */
  private async renewLease(id: string): Promise<void> {
    try {
      await this.store.replace(COLLECTIONS.leases, id, { fields: { owner: this.owner } }, { expiresAt: this.now() + this.leaseMs() });
    } catch (error) {
      log('warn', 'could not renew a token refresh lease', { token: id.split(':')[0], error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Gives our lease back, if it is still ours (not one taken over after ours ran out). */
  private async releaseLease(id: string): Promise<void> {
    try {
      await this.store.remove(COLLECTIONS.leases, id, { fields: { owner: this.owner } });
    } catch (error) {
      // The lease expires by itself; the token is already stored.
      log('warn', 'could not release a token refresh lease', { token: id.split(':')[0], error: error instanceof Error ? error.message : String(error) });
    }
  }

  private async spendBudget(id: string): Promise<void> {
    const day = Math.floor((this.now() + CHINA_OFFSET_MS) / DAY_MS);
    let count: number;
    try {
      const key = `budget:${day}:${id}`;
      count = await this.store.increment(COLLECTIONS.tokens, key, 'fetches', { budgetDay: day });
      // The first fetch of a day clears earlier days' counters.
      if (count === 1) await this.store.removeAllBelow(COLLECTIONS.tokens, 'budgetDay', day);
    } catch (error) {
      throw storeFailure(error);
    }
    if (count > this.options.budgetPerDay) {
      throw new LocalError(LOCAL.TOKEN_REFRESH_BUDGET_SPENT, `${id.split(':')[0] ?? 'token'} token: fetched ${count - 1} times today, the budget is ${this.options.budgetPerDay} (WXOPEN_TOKEN_REFRESH_BUDGET)`);
    }
  }
}
