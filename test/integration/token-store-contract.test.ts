import { databaseServiceUrl } from '../../scripts/emulator/modules/cloudbase-database';
import { CloudbaseTokenStore } from '../../shared/tokens/store/cloudbase-token-store';
import { MemoryTokenStore } from '../../shared/tokens/store/memory-token-store';
import { COLLECTIONS, type TokenStore } from '../../shared/tokens/store/token-store';
import { WxOpenError } from '../../shared/errors';
import { LOCAL } from '../../shared/error-codes';
import { useEmulator } from '../support/emulator';

// One contract, two stores: the memory store and the database store through the real
// @cloudbase/node-sdk against the emulator's database (collections created on first use).
const current = useEmulator();

const stores: Array<[string, () => TokenStore]> = [
  ['memory', () => new MemoryTokenStore()],
  ['cloudbase (real node-sdk, emulated database)', () => new CloudbaseTokenStore({ envId: `store-test-${Math.random().toString(36).slice(2, 8)}`, serviceUrl: databaseServiceUrl(current().url), env: {} })],
];

describe.each(stores)('TokenStore contract: %s', (_name, make) => {
  it('create is won once; get answers the fields and version 1', async () => {
    const store = make();
    expect(await store.get(COLLECTIONS.leases, 'k')).toBeUndefined();
    const results = await Promise.all([1, 2, 3, 4].map((n) => store.create(COLLECTIONS.leases, 'k', { owner: `o${n}`, expiresAt: n })));
    expect(results.filter(Boolean)).toHaveLength(1);
    const doc = await store.get(COLLECTIONS.leases, 'k');
    expect(doc?.version).toBe(1);
    expect(String(doc?.fields['owner'])).toMatch(/^o[1-4]$/);
  });

  it('replace is a compare-and-set on the version; put always writes; fields not named are kept', async () => {
    const store = make();
    await store.create(COLLECTIONS.tokens, 't', { value: 'a', refreshAt: 1 });
    expect(await store.replace(COLLECTIONS.tokens, 't', { version: 1 }, { value: 'b' })).toBe(true);
    expect(await store.replace(COLLECTIONS.tokens, 't', { version: 1 }, { value: 'c' })).toBe(false);
    expect(await store.get(COLLECTIONS.tokens, 't')).toEqual({ fields: { value: 'b', refreshAt: 1 }, version: 2 });
    await store.put(COLLECTIONS.tokens, 't', { value: 'd' });
    await store.put(COLLECTIONS.tokens, 'new', { value: 'e', list: [3, 18] });
    expect(await store.get(COLLECTIONS.tokens, 't')).toEqual({ fields: { value: 'd', refreshAt: 1 }, version: 3 });
    expect(await store.get(COLLECTIONS.tokens, 'new')).toEqual({ fields: { value: 'e', list: [3, 18] }, version: 1 });
  });

  it('remove by version, remove if below, remove all below', async () => {
    const store = make();
    await store.create(COLLECTIONS.tokens, 'x', { value: 'v' });
    expect(await store.remove(COLLECTIONS.tokens, 'x', { version: 2 })).toBe(false);
    expect(await store.remove(COLLECTIONS.tokens, 'x', { version: 1 })).toBe(true);
    expect(await store.remove(COLLECTIONS.tokens, 'x')).toBe(false);
    await store.create(COLLECTIONS.leases, 'l', { owner: 'o', expiresAt: 100 });
    expect(await store.removeIfBelow(COLLECTIONS.leases, 'l', 'expiresAt', 100)).toBe(false);
    expect(await store.removeIfBelow(COLLECTIONS.leases, 'l', 'expiresAt', 101)).toBe(true);
    for (const [key, at] of [['a', 1], ['b', 2], ['c', 3]] as const) await store.create(COLLECTIONS.nonces, key, { expiresAt: at });
    expect(await store.removeAllBelow(COLLECTIONS.nonces, 'expiresAt', 3)).toBe(2);
    expect(await store.get(COLLECTIONS.nonces, 'c')).toBeDefined();
  });

  it('a condition on fields tells a document from one deleted and created again, where the version cannot', async () => {
    const store = make();
    await store.create(COLLECTIONS.tokens, 'tok', { value: 'first', refreshAt: 1 });
    const before = await store.get(COLLECTIONS.tokens, 'tok');
    expect(await store.remove(COLLECTIONS.tokens, 'tok')).toBe(true);
    await store.create(COLLECTIONS.tokens, 'tok', { value: 'second', refreshAt: 2 });
    // Same key, same version: the old version alone would delete the new token.
    expect((await store.get(COLLECTIONS.tokens, 'tok'))?.version).toBe(before?.version);
    expect(await store.remove(COLLECTIONS.tokens, 'tok', { fields: { value: 'first' } })).toBe(false);
    expect(await store.replace(COLLECTIONS.tokens, 'tok', { fields: { value: 'first' } }, { value: 'third' })).toBe(false);
    expect(await store.replace(COLLECTIONS.tokens, 'tok', { version: 1, fields: { value: 'second', refreshAt: 1 } }, { value: 'third' })).toBe(false);
    expect(await store.replace(COLLECTIONS.tokens, 'tok', { version: 1, fields: { value: 'second', refreshAt: 2 } }, { value: 'third' })).toBe(true);
    expect(await store.get(COLLECTIONS.tokens, 'tok')).toEqual({ fields: { value: 'third', refreshAt: 2 }, version: 2 });
    expect(await store.remove(COLLECTIONS.tokens, 'tok', { fields: { value: 'third' } })).toBe(true);
    expect(await store.get(COLLECTIONS.tokens, 'tok')).toBeUndefined();
  });

  it('increment counts every call exactly, concurrent ones included', async () => {
    const store = make();
    const counts = await Promise.all(Array.from({ length: 10 }, () => store.increment(COLLECTIONS.tokens, 'budget', 'fetches', { budgetDay: 7 })));
    expect(Math.max(...counts)).toBe(10);
    expect((await store.get(COLLECTIONS.tokens, 'budget'))?.fields).toEqual({ budgetDay: 7, fetches: 10 });
  });
});

it('the database store answers TOKEN_STORE_UNAVAILABLE naming the operation, never the data, when the database fails', async () => {
  const emulator = current();
  const store = new CloudbaseTokenStore({ envId: 'store-fault-env', serviceUrl: databaseServiceUrl(emulator.url), env: {} });
  await store.put(COLLECTIONS.platform, 'ticket:wx0c0c0c0c0c0c0c0c', { ticket: 'ticket@@@SECRET-VALUE' });
  emulator.faults.add({ path: 'tcb/database.getDocument', type: 'drop' });
  const failure = await store.get(COLLECTIONS.platform, 'ticket:wx0c0c0c0c0c0c0c0c').catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(WxOpenError);
  expect((failure as WxOpenError).errcode).toBe(LOCAL.TOKEN_STORE_UNAVAILABLE);
  expect((failure as WxOpenError).message).toMatch(/read in wxopen_platform failed/);
  expect((failure as WxOpenError).message).not.toContain('SECRET-VALUE');
  expect(JSON.stringify(emulator.calls)).not.toContain('SECRET-VALUE');
});
