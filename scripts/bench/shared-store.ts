/**
 * Token fetches of 8 function instances (processes with memories of their own), 100 concurrent
 * calls each for one merchant on a cold start: with the shared database store, and with a cache
 * per instance (each instance its own store: what WxJava's in-memory storage or EasyWeChat's
 * per-machine file cache amount to on a platform that runs many instances). Counted at the emulator.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudbaseTokenStore } from '../../shared/tokens/store/cloudbase-token-store';
import { COLLECTIONS } from '../../shared/tokens/store/token-store';
import { DEMO_PLATFORM } from '../emulator/platforms';
import { startEmulator } from '../emulator';
import { databaseServiceUrl } from '../emulator/modules/cloudbase-database';
import { DEMO_MERCHANTS, DEMO_PROVIDER_ENV, platformVariables, preparePlatformDemo } from '../demo/platform-demo';
import { startGateway } from '../gateway';
import { startBurstWorker } from './burst-workers';

const INSTANCES = 8;
const CALLS = 100;

export interface SharedStoreFigures {
  shared: { component: number; authorizer: number; ms: number };
  perInstance: { component: number; authorizer: number; ms: number };
}

export async function sharedStoreBench(): Promise<SharedStoreFigures> {
  const emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0 } });
  const scratch = mkdtempSync(join(tmpdir(), 'wxopen-bench-store-'));
  const variables = { ...platformVariables(emulator), WXOPEN_API_BASE: emulator.url, WXOPEN_HTTP_KEY: 'bench-http-key-0123456789abcdef', WXOPEN_LOG_LEVEL: 'silent' };
  const gateway = await startGateway({ env: variables });
  try {
    await preparePlatformDemo({ emulator, gatewayUrl: gateway.url, httpKey: variables.WXOPEN_HTTP_KEY, print: () => undefined });
    const merchant = DEMO_MERCHANTS[0] as string;
    const source = new CloudbaseTokenStore({ envId: DEMO_PROVIDER_ENV, serviceUrl: databaseServiceUrl(emulator.url), env: {} });
    const ticketKey = `ticket:${DEMO_PLATFORM.componentAppId}`;
    const authorizationKey = `authorization:${DEMO_PLATFORM.componentAppId}:${merchant}`;
    const ticket = await source.get(COLLECTIONS.platform, ticketKey);
    const authorization = await source.get(COLLECTIONS.platform, authorizationKey);
    if (ticket === undefined || authorization === undefined) throw new Error('the platform demo stored no ticket or authorization');

    const run = async (storeEnvOf: (instance: number) => string): Promise<{ component: number; authorizer: number; ms: number }> => {
      // Cold: no token stored anywhere; each store holds the ticket and the merchant's authorization.
      for (let instance = 0; instance < INSTANCES; instance++) {
        const store = new CloudbaseTokenStore({ envId: storeEnvOf(instance), serviceUrl: databaseServiceUrl(emulator.url), env: {} });
        await store.put(COLLECTIONS.platform, ticketKey, ticket.fields);
        await store.put(COLLECTIONS.platform, authorizationKey, authorization.fields);
        await store.remove(COLLECTIONS.tokens, `component:${DEMO_PLATFORM.componentAppId}`);
        await store.remove(COLLECTIONS.tokens, `authorizer:${DEMO_PLATFORM.componentAppId}:${merchant}`);
      }
      const before = { component: emulator.callsTo('cgi-bin/component/api_component_token').length, authorizer: emulator.callsTo('cgi-bin/component/api_authorizer_token').length };
      const goFile = join(scratch, `go-${Math.random().toString(36).slice(2)}`);
      writeFileSync(goFile, 'go');
      const started = Date.now();
      const workers = Array.from({ length: INSTANCES }, (_, instance) =>
        startBurstWorker({ calls: CALLS, goFile, merchant, merchantEnv: 'demo-env-1a2b3c', env: { ...process.env, ...variables, WXOPEN_TOKEN_STORE_ENV: storeEnvOf(instance) } }),
      );
      await Promise.all(workers.map((worker) => worker.exited));
      const ms = Date.now() - started;
      const failed = workers.flatMap((worker) => worker.phases.flatMap((phase) => phase.failed));
      if (failed.length > 0 || workers.some((worker) => worker.phases.length !== 2)) throw new Error(`shared-store bench: calls failed: ${failed.slice(0, 3).join('; ')}`);
      return {
        component: emulator.callsTo('cgi-bin/component/api_component_token').length - before.component,
        authorizer: emulator.callsTo('cgi-bin/component/api_authorizer_token').length - before.authorizer,
        ms,
      };
    };
    const shared = await run(() => 'bench-shared-env');
    const perInstance = await run((instance) => `bench-instance-env-${instance}`);
    return { shared, perInstance };
  } finally {
    await gateway.close();
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
