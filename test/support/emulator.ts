import { request as httpRequest } from 'node:http';
import { startEmulator, type Emulator } from '../../scripts/emulator';
import type { EmulatorSettings } from '../../scripts/emulator/server';
import { DEMO_ACCOUNTS } from '../../scripts/emulator/accounts';
import { restoreEnv, setEnv } from './env';

export const MINI_PROGRAM = DEMO_ACCOUNTS[0]!;
export const PERSONAL = DEMO_ACCOUNTS[1]!;
export const SERVICE_ACCOUNT = DEMO_ACCOUNTS[2]!;
export const UNRELEASED = DEMO_ACCOUNTS[3]!;
export const HTTP_KEY = 'test-http-key-0123456789';
export const ADMIN_OPENID = 'o-admin-openid-0001';

/**
 * Settings the tests start from: no rate limit, and verification files checked only on hosts the
 * emulator serves, so rules on example hosts (shop.example.com) can be added without registering
 * each host. Tests of the strict check (the emulator's default) pass `verification: 'strict'`.
 */
export const TEST_SETTINGS: Partial<EmulatorSettings> = { qrcodeJumpRatePerSecond: 0, verification: 'served-hosts-only' };

/** An emulator on a free 127.0.0.1 port, and the functions' variables pointing at it. */
export async function emulatorFor(settings: Partial<EmulatorSettings> = {}): Promise<Emulator> {
  const emulator = await startEmulator({ settings: { ...TEST_SETTINGS, ...settings } });
  useAccount(emulator, MINI_PROGRAM.appid, MINI_PROGRAM.secret);
  return emulator;
}

export function useAccount(emulator: Emulator, appid: string, secret: string): void {
  setEnv({
    WXOPEN_API_BASE: emulator.url,
    WXOPEN_APPID: appid,
    WXOPEN_APPSECRET: secret,
    WXOPEN_HTTP_KEY: HTTP_KEY,
    WXOPEN_ADMIN_OPENIDS: ADMIN_OPENID,
    WXOPEN_LOG_LEVEL: 'silent',
    WXOPEN_CLOUDBASE_TOKEN_FILE: '/nonexistent/cloudbase_access_token',
  });
}

/**
 * One emulator for a test file: started before the first test, closed (and the environment put
 * back) after the last. Returns a getter for it.
 */
export function useEmulator(settings: Partial<EmulatorSettings> = {}): () => Emulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await emulatorFor(settings);
  });
  afterAll(async () => {
    await emulator?.close();
    restoreEnv();
  });
  return () => {
    if (emulator === undefined) throw new Error('the emulator is not started yet (use it inside tests or hooks)');
    return emulator;
  };
}

/** One JSON answer from the emulator: the HTTP status and the parsed body. */
export interface JsonReply {
  status: number;
  json: Record<string, unknown>;
}

/** POST a JSON body (or, with `undefined`, a GET) to a path of the emulator, no bundle involved. */
export async function emulatorRequest(emulator: Emulator, path: string, body?: unknown): Promise<JsonReply> {
  const init: RequestInit = body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const response = await fetch(`${emulator.url}/${path.replace(/^\/+/, '')}`, init);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A real stable token of an account, fetched over HTTP. */
export async function stableToken(emulator: Emulator, account: { appid: string; secret: string } = MINI_PROGRAM): Promise<string> {
  const { json } = await emulatorRequest(emulator, 'cgi-bin/stable_token', { grant_type: 'client_credential', appid: account.appid, secret: account.secret });
  if (typeof json['access_token'] !== 'string') throw new Error(`no token for ${account.appid}: ${JSON.stringify(json)}`);
  return json['access_token'];
}

/**
 * One request through node:http with a Host header of our choosing (fetch does not let a caller
 * set it): a GET, or a POST when a body is given.
 */
export function requestWithHost(emulator: Emulator, path: string, host: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: '127.0.0.1', port: emulator.port, path, method: body === undefined ? 'GET' : 'POST', headers: { host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}
