import { Deadline } from '../../shared/deadline';
import { keepForSeconds } from '../../shared/tokens/stable-token-provider';
import { TokenCache } from '../../shared/tokens/token-cache';
import type { IssuedToken, TokenProvider } from '../../shared/tokens/token-provider';

class CountingProvider implements TokenProvider {
  readonly id = 'test';
  readonly param = 'access_token' as const;
  readonly refreshable = true;
  readonly secrets: string[] = [];
  fetches = 0;
  constructor(private readonly now: () => number, private readonly lifeMs = 60_000) {}
  async fetch(): Promise<IssuedToken> {
    this.fetches++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { value: `token-${this.fetches}`, refreshAt: this.now() + this.lifeMs };
  }
}

describe('TokenCache', () => {
  const deadline = new Deadline(Date.now() + 60_000);

  it('shares one fetch among concurrent callers (single-flight)', async () => {
    const cache = new TokenCache();
    const provider = new CountingProvider(Date.now);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => cache.get(provider, deadline)));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(provider.fetches).toBe(1);
  });

  it('drops a refused token only if it is still the cached one', async () => {
    const cache = new TokenCache();
    const provider = new CountingProvider(Date.now);
    const first = await cache.get(provider, deadline);
    expect(cache.invalidate(provider.id, first)).toBe(true);
    const second = await cache.get(provider, deadline);
    expect(second).toBe('token-2');
    // A late failure report about token-1 must not throw away token-2.
    expect(cache.invalidate(provider.id, first)).toBe(false);
    expect(await cache.get(provider, deadline)).toBe('token-2');
    expect(provider.fetches).toBe(2);
  });

  it('refreshes once the refresh time has passed', async () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    const provider = new CountingProvider(() => now, 1000);
    await cache.get(provider, deadline);
    now += 999;
    expect(await cache.get(provider, deadline)).toBe('token-1');
    now += 2;
    expect(await cache.get(provider, deadline)).toBe('token-2');
  });

  it('lets the next caller try again after a failed fetch', async () => {
    const cache = new TokenCache();
    let fail = true;
    const provider: TokenProvider = {
      id: 'flaky', param: 'access_token', refreshable: true, secrets: [],
      fetch: async () => {
        if (fail) throw new Error('down');
        return { value: 'ok', refreshAt: Date.now() + 1000 };
      },
    };
    await expect(cache.get(provider, deadline)).rejects.toThrow('down');
    fail = false;
    expect(await cache.get(provider, deadline)).toBe('ok');
  });
});

describe('keepForSeconds (stable_token expires_in is the remaining life)', () => {
  it('keeps a fresh token until the platform rotates it', () => {
    expect(keepForSeconds(7200)).toBe(6900);
  });
  it('never stores a TTL of 0 or less, however short the remainder', () => {
    for (const remaining of [601, 600, 345, 300, 10, 2, 1, 0.5]) expect(keepForSeconds(remaining)).toBeGreaterThanOrEqual(1);
    expect(keepForSeconds(345)).toBe(172);
  });
});
