import type { Deadline } from '../deadline';
import type { IssuedToken, TokenProvider } from './token-provider';

interface Slot {
  token?: IssuedToken;
  /** The fetch under way: every concurrent caller awaits this same promise (single-flight). */
  inflight?: Promise<IssuedToken>;
}

/**
 * Per-instance token cache, shared by every invocation that a warm instance serves.
 * - single-flight: concurrent callers of a cold cache cause exactly one fetch;
 * - compare-and-invalidate: a refused token is dropped only if it is still the cached one, so a
 *   late failure never throws away a token that another caller has just refreshed.
 */
export class TokenCache {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(provider: TokenProvider, deadline: Deadline): Promise<string> {
    const slot = this.slotFor(provider.id);
    if (slot.token !== undefined && slot.token.refreshAt > this.now()) return slot.token.value;
    if (slot.inflight === undefined) {
      const inflight = provider.fetch(deadline).then(
        (token) => {
          if (slot.inflight === inflight) {
            slot.token = token;
            delete slot.inflight;
          }
          return token;
        },
        (error: unknown) => {
          if (slot.inflight === inflight) delete slot.inflight;
          throw error;
        },
      );
      slot.inflight = inflight;
    }
    return (await slot.inflight).value;
  }

  /** Drops `failed` if it is still the cached token. Returns whether it was dropped. */
  invalidate(providerId: string, failed: string): boolean {
    const slot = this.slots.get(providerId);
    if (slot?.token?.value !== failed) return false;
    delete slot.token;
    return true;
  }

  clear(): void {
    this.slots.clear();
  }

  private slotFor(id: string): Slot {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = {};
      this.slots.set(id, slot);
    }
    return slot;
  }
}

/** The cache of this instance (module state survives between invocations of a warm instance). */
export const instanceTokenCache = new TokenCache();
