import type { Account, AccountType } from '../accounts';
import { VERIFICATION_MODES, type Emulator, type EmulatorSettings, type VerificationMode } from '../server';

/** The largest clock advance, token life or delay the control API takes (100 years): keeps dates valid. */
const MAX_SECONDS = 100 * 365 * 86_400;

const TYPES: readonly AccountType[] = ['miniprogram', 'personal-miniprogram', 'service'];

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is required`);
  return value;
}

function linkedMiniPrograms(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((appid) => typeof appid !== 'string')) throw new Error('linked_mini_programs must be a list of appids');
  return value as string[];
}

/**
 * The emulator's own control API, under /__emulator/ (never part of WeChat):
 * GET  calls[?path=]      what crossed the wire      POST reset            fresh state
 * POST faults {...}       queue a fault (faults.ts)  GET  faults           queued faults
 * POST fault-rate {rate, seed?, faults?, paths?}     random faults at that rate (rate 0: off); GET: the counts
 * POST accounts {...}     add or change an account   GET  accounts         accounts (no secrets)
 * POST revoke-tokens {appid?|token?}                 POST clock {advance_seconds}
 * POST settings {...}     change EmulatorSettings (numbers; verification: 'strict' | 'served-hosts-only')
 * POST issue-token {appid, kind, ttl_seconds?}
 */
export function adminModule(emulator: Emulator): void {
  emulator.admin('calls', (_body, query) => {
    const path = query.get('path');
    return { calls: path === null ? emulator.calls : emulator.callsTo(path.replace(/^\/+/, '')) };
  });
  emulator.admin('fault-rate', (body) => {
    if (Object.keys(body).length === 0) return { random: emulator.faults.randomState() ?? null };
    return { ok: true, random: emulator.faults.setRandom(body) ?? null };
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
        linkedMiniPrograms: linkedMiniPrograms(body['linked_mini_programs']) ?? existing?.linkedMiniPrograms ?? [],
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
    const seconds = body['advance_seconds'] ?? 0;
    if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_SECONDS)) throw new Error(`advance_seconds must be a number from 0 to ${MAX_SECONDS} (100 years)`);
    emulator.advanceClock(seconds);
    return { now: emulator.now() };
  });
  emulator.admin('settings', (body) => {
    const changes: Partial<EmulatorSettings> = {};
    for (const [key, value] of Object.entries(body)) {
      if (!(key in emulator.settings)) throw new Error(`unknown setting ${key}`);
      if (key === 'verification') {
        if (!VERIFICATION_MODES.includes(value as VerificationMode)) throw new Error(`verification must be one of ${VERIFICATION_MODES.join(', ')}`);
        changes.verification = value as VerificationMode;
      } else {
        if (typeof value !== 'number' || !(value >= 0 && value <= MAX_SECONDS)) throw new Error(`${key} must be a number from 0 to ${MAX_SECONDS}`);
        (changes as Record<string, number>)[key] = value;
      }
    }
    // All checked before any is applied: a refused request changes nothing.
    Object.assign(emulator.settings, changes);
    if (changes.tokenTtlSeconds !== undefined) emulator.tokens.ttlSeconds = changes.tokenTtlSeconds;
    return { settings: emulator.settings };
  });
  emulator.admin('issue-token', (body) => {
    const appid = text(body, 'appid');
    if (!emulator.accounts.has(appid)) throw new Error(`unknown appid ${appid}`);
    const kind = text(body, 'kind');
    if (kind !== 'access' && kind !== 'component' && kind !== 'cloudbase') throw new Error('kind must be access, component or cloudbase');
    const ttl = body['ttl_seconds'];
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_SECONDS)) throw new Error(`ttl_seconds must be a whole number from 0 to ${MAX_SECONDS}`);
    const record = emulator.tokens.issue(appid, kind, ttl);
    return { token: record.value, expires_in: Math.floor((record.expiresAt - emulator.now()) / 1000) };
  });
}
