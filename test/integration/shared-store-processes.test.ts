import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../scripts/emulator';
import { databaseServiceUrl } from '../../scripts/emulator/modules/cloudbase-database';
import { startBurstWorker, type BurstWorker } from '../../scripts/bench/burst-workers';
import { startGateway, type Gateway } from '../../scripts/gateway';
import { CloudbaseTokenStore } from '../../shared/tokens/store/cloudbase-token-store';
import { authorizeMerchant, DEMO_PLATFORM, platformEnv, pushTicketTo } from '../support/platform';
import { emulatorFor, HTTP_KEY, MINI_PROGRAM } from '../support/emulator';
import { restoreEnv } from '../support/env';

// Function instances are processes with memories of their own; only the token store (the
// emulated database, through the real @cloudbase/node-sdk) is shared. These tests run 8 of them.

const STORE_ENV = 'provider-env-procs';
const MERCHANT = MINI_PROGRAM.appid;
const MERCHANT_ENV = 'demo-env-1a2b3c';
/** The kill test's lease (short, so that the test is); the burst test runs with the default 10 s. */
const LEASE_MS = 2000;

let emulator: Emulator;
let gateway: Gateway;
let scratch: string;
let store: CloudbaseTokenStore;

/**
 * Each process is one function instance. Requests get a long timeout: on a busy machine a slow
 * answer would otherwise be asked again, and the counts below are of fetches, not of retries.
 */
function startWorker(calls: number, goFile: string, leaseMs?: number): BurstWorker {
  return startBurstWorker({
    calls,
    goFile,
    merchant: MERCHANT,
    merchantEnv: MERCHANT_ENV,
    env: { ...process.env, ...platformEnv(emulator, STORE_ENV), ...(leaseMs === undefined ? {} : { WXOPEN_TOKEN_LEASE_MS: String(leaseMs) }), WXOPEN_LOG_LEVEL: 'silent', WXOPEN_REQUEST_TIMEOUT_MS: '20000' },
  });
}

const count = (path: string): number => emulator.callsTo(path).length;
/** Fetches that WeChat answered with a token (a refused attempt, e.g. with a stale component token, is not one). */
const issued = (path: string): number => emulator.callsTo(path).filter((entry) => entry.errcode === 0).length;
const AUTHORIZER = 'cgi-bin/component/api_authorizer_token';
const COMPONENT = 'cgi-bin/component/api_component_token';

/** The shared tokens go: the next call of any instance is a cold start. */
async function forgetTokens(): Promise<void> {
  await store.remove('wxopen_tokens', `authorizer:${DEMO_PLATFORM.componentAppId}:${MERCHANT}`);
  await store.remove('wxopen_tokens', `component:${DEMO_PLATFORM.componentAppId}`);
}

beforeAll(async () => {
  emulator = await emulatorFor();
  gateway = await startGateway({ env: { ...platformEnv(emulator, STORE_ENV), WXOPEN_APPID: undefined, WXOPEN_APPSECRET: undefined, WXOPEN_LOG_LEVEL: 'silent' } });
  store = new CloudbaseTokenStore({ envId: STORE_ENV, serviceUrl: databaseServiceUrl(emulator.url), env: {} });
  scratch = mkdtempSync(join(tmpdir(), 'wxopen-procs-'));
  await pushTicketTo(emulator, `${gateway.url}/componentEvents`);
  const response = await fetch(`${gateway.url}/createAuthorizationLinks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${HTTP_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uri: 'https://provider.example.com/authorized' }),
  });
  const links = (await response.json()) as { pc_url: string };
  await authorizeMerchant(emulator, new URL(links.pc_url).searchParams.get('pre_auth_code') ?? '', MERCHANT, [18, 49]);
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
  rmSync(scratch, { recursive: true, force: true });
  restoreEnv();
});

it('8 cold processes x 100 calls for one merchant: one authorizer and one component token fetch; a 40001 of each mid-run: one refetch each', async () => {
  await forgetTokens();
  const authorizerBefore = count(AUTHORIZER);
  const componentBefore = count(COMPONENT);
  const issuedBefore = { authorizer: issued(AUTHORIZER), component: issued(COMPONENT) };
  const goFile = join(scratch, 'go-burst');
  const workers = Array.from({ length: 8 }, () => startWorker(100, goFile));
  await Promise.all(workers.map((worker) => worker.phaseDone(1)));
  expect(workers.map((worker) => worker.phases[0]?.ok)).toEqual(Array(8).fill(100));
  expect({ authorizer: count(AUTHORIZER) - authorizerBefore, component: count(COMPONENT) - componentBefore }).toEqual({ authorizer: 1, component: 1 });

  // WeChat invalidates both tokens; every process still holds them in memory.
  await fetch(`${emulator.url}/__emulator/revoke-tokens`, { method: 'POST', body: JSON.stringify({ appid: MERCHANT }) });
  await fetch(`${emulator.url}/__emulator/revoke-tokens`, { method: 'POST', body: JSON.stringify({ appid: DEMO_PLATFORM.componentAppId }) });
  writeFileSync(goFile, 'go');
  await Promise.all(workers.map((worker) => worker.exited));
  expect(workers.map((worker) => worker.phases[1]?.ok)).toEqual(Array(8).fill(100));
  expect({ authorizer: issued(AUTHORIZER) - issuedBefore.authorizer, component: issued(COMPONENT) - issuedBefore.component }).toEqual({ authorizer: 2, component: 2 });
  // At most one attempt was refused on the way: the authorizer fetch that still carried the revoked component token.
  expect(count(AUTHORIZER) - authorizerBefore).toBeLessThanOrEqual(3);
  expect(count(COMPONENT) - componentBefore).toBe(2);
}, 60_000);

it('a holder killed while holding the lease delays the others by at most the lease, then one of them fetches', async () => {
  await forgetTokens();
  const goFile = join(scratch, 'go-lease');
  writeFileSync(goFile, 'go');
  const before = count(AUTHORIZER);
  // The holder's api_authorizer_token hangs; it is killed while waiting for it.
  emulator.faults.add({ path: AUTHORIZER, type: 'delay', delay_ms: 3000, times: 1 });
  const holder = startWorker(1, goFile, LEASE_MS);
  while (count(AUTHORIZER) === before) await new Promise((resolve) => setTimeout(resolve, 10));
  holder.child.kill('SIGKILL');
  await holder.exited;
  const others = Array.from({ length: 3 }, () => startWorker(20, goFile, LEASE_MS));
  await Promise.all(others.map((worker) => worker.phaseDone(1)));
  expect(others.map((worker) => worker.phases[0]?.ok)).toEqual([20, 20, 20]);
  const [held, refreshed, ...more] = emulator.callsTo(AUTHORIZER).slice(before);
  expect(more).toHaveLength(0);
  // Times on the emulator's clock: the dead holder's request, the others' one fetch.
  const heldAt = held?.at ?? 0;
  const refreshedAt = refreshed?.at ?? 0;
  // They waited for the dead holder's lease (taken just before its request) ...
  expect(refreshedAt - heldAt).toBeGreaterThanOrEqual(LEASE_MS - 150);
  // ... and not much longer than it, counted from when it expired or from when the last of them
  // had started, whichever came later (starting a process on a busy machine takes its time).
  const lastStarted = Math.max(...others.map((worker) => worker.loadedAt() ?? 0));
  expect(refreshedAt - Math.max(heldAt + LEASE_MS, lastStarted)).toBeLessThan(1000);
  await Promise.all(others.map((worker) => worker.exited));
}, 60_000);
