import type { Account, AccountType } from '../accounts';
import type { Emulator } from '../server';

const TYPES: readonly AccountType[] = ['miniprogram', 'personal-miniprogram', 'service'];

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is required`);
  return value;
}

/**
 * The emulator's own control API, under /__emulator/ (never part of WeChat):
 * GET  calls[?path=]      what crossed the wire      POST reset            fresh state
 * POST faults {...}       queue a fault (faults.ts)  GET  faults           queued faults
 * POST accounts {...}     add or change an account   GET  accounts         accounts (no secrets)
 * POST revoke-tokens {appid?|token?}                 POST clock {advance_seconds}
 * POST settings {...}     change EmulatorSettings    POST issue-token {appid, kind, ttl_seconds?}
 */
export function adminModule(emulator: Emulator): void {
  emulator.admin('calls', (_body, query) => {
    const path = query.get('path');
    return { calls: path === null ? emulator.calls : emulator.callsTo(path.replace(/^\/+/, '')) };
  });
  emulator.admin('reset', () => {
    emulator.reset();
    return { ok: true };
  });
  emulator.admin('faults', (body) => {
    if (Object.keys(body).length === 0) return { faults: emulator.faults.list() };
    return { ok: true, fault: emulator.faults.add(body) };
  });
  emulator.admin('accounts', (body) => {
    if (Object.keys(body).length > 0) {
      const appid = text(body, 'appid');
      const existing = emulator.accounts.get(appid);
      const type = (body['type'] ?? existing?.type ?? 'miniprogram') as AccountType;
      if (!TYPES.includes(type)) throw new Error(`type must be one of ${TYPES.join(', ')}`);
      const account: Account = {
        appid,
        secret: typeof body['secret'] === 'string' ? body['secret'] : existing?.secret ?? text(body, 'secret'),
        type,
        released: typeof body['released'] === 'boolean' ? body['released'] : existing?.released ?? true,
        linkedMiniPrograms: Array.isArray(body['linked_mini_programs']) ? body['linked_mini_programs'].map(String) : existing?.linkedMiniPrograms ?? [],
      };
      const key = typeof body['marketcode_key'] === 'string' ? body['marketcode_key'] : existing?.marketcodeKey;
      if (key !== undefined) account.marketcodeKey = key;
      emulator.accounts.set(appid, account);
    }
    return {
      accounts: [...emulator.accounts.values()].map(({ secret: _secret, marketcodeKey: _key, ...account }) => account),
    };
  });
  emulator.admin('revoke-tokens', (body) => ({
    revoked: emulator.tokens.revoke(
      typeof body['token'] === 'string' ? body['token'] : undefined,
      typeof body['appid'] === 'string' ? body['appid'] : undefined,
    ),
  }));
  emulator.admin('clock', (body) => {
    const seconds = Number(body['advance_seconds'] ?? 0);
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error('advance_seconds must be a number >= 0');
    emulator.advanceClock(seconds);
    return { now: emulator.now() };
  });
  emulator.admin('settings', (body) => {
    for (const [key, value] of Object.entries(body)) {
      if (!(key in emulator.settings)) throw new Error(`unknown setting ${key}`);
      if (typeof value !== 'number' || value < 0) throw new Error(`${key} must be a number >= 0`);
      (emulator.settings as unknown as Record<string, number>)[key] = value;
      if (key === 'tokenTtlSeconds') emulator.tokens.ttlSeconds = value;
    }
    return { settings: emulator.settings };
  });
  emulator.admin('issue-token', (body) => {
    const appid = text(body, 'appid');
    if (!emulator.accounts.has(appid)) throw new Error(`unknown appid ${appid}`);
    const kind = text(body, 'kind');
    if (kind !== 'access' && kind !== 'component' && kind !== 'cloudbase') throw new Error('kind must be access, component or cloudbase');
    const ttl = body['ttl_seconds'] === undefined ? undefined : Number(body['ttl_seconds']);
    const record = emulator.tokens.issue(appid, kind, ttl);
    return { token: record.value, expires_in: Math.floor((record.expiresAt - emulator.now()) / 1000) };
  });
}
