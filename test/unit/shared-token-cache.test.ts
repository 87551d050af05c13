import { Deadline } from '../../shared/deadline';
import { LOCAL } from '../../shared/error-codes';
import { WxOpenError } from '../../shared/errors';
import { SharedTokenCache } from '../../shared/tokens/shared-token-cache';
import { MemoryTokenStore } from '../../shared/tokens/store/memory-token-store';
import { COLLECTIONS, type TokenStore } from '../../shared/tokens/store/token-store';
import type { IssuedToken, TokenProvider } from '../../shared/tokens/token-provider';

/** Every store operation takes a turn of the event loop, as a database round trip does. */
function slow(store: TokenStore): TokenStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

class CountingProvider implements TokenProvider {
  readonly id = 'authorizer:wx0c0c0c0c0c0c0c0c:wx1111111111111111';
  readonly param = 'access_token' as const;
  readonly refreshable = true;
  readonly scope = 'shared' as const;
  readonly secrets: string[] = [];
  fetches = 0;
  async fetch(): Promise<IssuedToken> {
    this.fetches++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { value: `token-${this.fetches}`, refreshAt: Date.now() + 60_000 };
  }
}

const deadline = () => new Deadline(Date.now() + 10_000);

async function codeOf(work: Promise<unknown>): Promise<number | string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    return error instanceof WxOpenError ? error.errcode : String(error);
  }
}

describe('SharedTokenCache (tokens shared by every instance through the store)', () => {
  it('8 instances x 100 concurrent calls on a cold store cause exactly one fetch', async () => {
    const store = slow(new MemoryTokenStore());
    const provider = new CountingProvider();
    const instances = Array.from({ length: 8 }, () => new SharedTokenCache(store, { budgetPerDay: 100, pollMs: 5 }));
    const tokens = await Promise.all(instances.flatMap((cache) => Array.from({ length: 100 }, () => cache.get(provider, deadline()))));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(provider.fetches).toBe(1);
  });

  it('a refused token seen by every instance costs one refetch, and a late refusal never drops the newer token', async () => {
    const store = slow(new MemoryTokenStore());
    const provider = new CountingProvider();
    const instances = Array.from({ length: 8 }, () => new SharedTokenCache(store, { budgetPerDay: 100, pollMs: 5 }));
    await Promise.all(instances.map((cache) => cache.get(provider, deadline())));
    // Every instance is told token-1 is bad (40001), then asks again.
    const again = await Promise.all(instances.map(async (cache) => {
      await cache.invalidate(provider, 'token-1');
      return cache.get(provider, deadline());
    }));
    expect(new Set(again)).toEqual(new Set(['token-2']));
    expect(provider.fetches).toBe(2);
    // A refusal of token-1 arriving late: token-2 stays.
    expect(await instances[0]?.invalidate(provider, 'token-1')).toBe(false);
    expect((await store.get(COLLECTIONS.tokens, provider.id))?.fields['value']).toBe('token-2');
  });

  it('a refusal racing a delete and re-create of the token (its version back at 1) never drops the new token', async () => {
    const memory = new MemoryTokenStore();
    const provider = new CountingProvider();
    const other = new SharedTokenCache(memory, { budgetPerDay: 100, pollMs: 5 });
    let raced = false;
    // After this instance's first store operation, the other one runs: it drops token-1 and fetches token-2.
    const racing = new Proxy(memory, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const result = (await (value as (...a: unknown[]) => unknown).apply(target, args)) as unknown;
          if (!raced) {
            raced = true;
            await other.invalidate(provider, 'token-1');
            await other.get(provider, deadline());
          }
          return result;
        };
      },
    });
    await other.get(provider, deadline());
    expect((await memory.get(COLLECTIONS.tokens, provider.id))?.version).toBe(1);
    await new SharedTokenCache(racing, { budgetPerDay: 100 }).invalidate(provider, 'token-1');
    expect(raced).toBe(true);
    expect(await memory.get(COLLECTIONS.tokens, provider.id)).toMatchObject({ fields: { value: 'token-2' }, version: 1 });
    expect(provider.fetches).toBe(2);
  });

  it('a lease whose holder died delays the others by at most the lease time, then one of them fetches', async () => {
    const store = new MemoryTokenStore();
    const provider = new CountingProvider();
    // The holder took the lease for 800 ms and died before writing anything.
    await store.create(COLLECTIONS.leases, provider.id, { owner: 'dead-instance', expiresAt: Date.now() + 800 });
    const started = Date.now();
    const instances = Array.from({ length: 4 }, () => new SharedTokenCache(store, { budgetPerDay: 100, pollMs: 20, maxPollMs: 50 }));
    const tokens = await Promise.all(instances.map((cache) => cache.get(provider, deadline())));
    const waited = Date.now() - started;
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(provider.fetches).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(750);
    expect(waited).toBeLessThan(800 + 500);
  });

  it('waiting on a live lease ends with a retryable TOKEN_REFRESH_BUSY inside the deadline', async () => {
    const store = new MemoryTokenStore();
    await store.create(COLLECTIONS.leases, 'authorizer:wx0c0c0c0c0c0c0c0c:wx1111111111111111', { owner: 'other', expiresAt: Date.now() + 60_000 });
    const cache = new SharedTokenCache(store, { budgetPerDay: 100, pollMs: 20 });
    const started = Date.now();
    expect(await codeOf(cache.get(new CountingProvider(), new Deadline(Date.now() + 600)))).toBe(LOCAL.TOKEN_REFRESH_BUSY);
    expect(Date.now() - started).toBeLessThan(700);
  });

  it('stops a refresh storm at the daily budget, before WeChat is asked', async () => {
    const store = new MemoryTokenStore();
    const provider = new CountingProvider();
    const cache = new SharedTokenCache(store, { budgetPerDay: 3 });
    for (let i = 1; i <= 3; i++) {
      const token = await cache.get(provider, deadline());
      await cache.invalidate(provider, token);
    }
    expect(await codeOf(cache.get(provider, deadline()))).toBe(LOCAL.TOKEN_REFRESH_BUDGET_SPENT);
    expect(provider.fetches).toBe(3);
  });

  it('a failed fetch releases the lease at once and stores nothing', async () => {
    const store = new MemoryTokenStore();
    const cache = new SharedTokenCache(store, { budgetPerDay: 100 });
    const failing: TokenProvider = { ...new CountingProvider(), id: 'component:wx0c0c0c0c0c0c0c0c', fetch: async () => Promise.reject(new Error('boom')) };
    expect(await codeOf(cache.get(failing, deadline()))).toBe('Error: boom');
    expect(await store.get(COLLECTIONS.leases, failing.id)).toBeUndefined();
    expect(await store.get(COLLECTIONS.tokens, failing.id)).toBeUndefined();
  });
});

describe('SharedTokenCache lease renewal', () => {
  it('a holder slower than the lease but alive keeps it: the others wait, nobody fetches twice', async () => {
    const store = slow(new MemoryTokenStore());
    let fetches = 0;
    const slowProvider: TokenProvider = {
      ...new CountingProvider(),
      fetch: async () => {
        fetches++;
        await new Promise((resolve) => setTimeout(resolve, 2500));
        return { value: `slow-${fetches}`, refreshAt: Date.now() + 60_000 };
      },
    };
    const instances = Array.from({ length: 4 }, () => new SharedTokenCache(store, { budgetPerDay: 100, leaseMs: 1000, pollMs: 20, maxPollMs: 50 }));
    const tokens = await Promise.all(instances.map((cache) => cache.get(slowProvider, deadline())));
    expect(new Set(tokens)).toEqual(new Set(['slow-1']));
    expect(fetches).toBe(1);
  });
});
