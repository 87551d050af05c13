/**
 * Token fetches of 8 function instances (processes with memories of their own), 100 concurrent
 * calls each for one merchant on a cold start: with the shared database store, and with a cache
 * per instance (each instance its own store: what WxJava's in-memory storage or EasyWeChat's
 * per-machine file cache amount to on a platform that runs many instances). Counted at the emulator.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../emulator';
import { startBurstWorker } from './burst-workers';
import { MERCHANT_ENV, preparePlatform } from './platform-setup';

export const INSTANCES = 8;
export const CALLS = 100;

export interface StoreRun {
  component: number;
  authorizer: number;
  ms: number;
}

export interface SharedStoreFigures {
  shared: StoreRun;
  perInstance: StoreRun;
}

export async function sharedStoreBench(): Promise<SharedStoreFigures> {
  const emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0 } });
  const scratch = mkdtempSync(join(tmpdir(), 'wxopen-bench-store-'));
  try {
    const platform = await preparePlatform(emulator);
    try {
      const run = async (storeEnvOf: (instance: number) => string): Promise<StoreRun> => {
        for (let instance = 0; instance < INSTANCES; instance++) await platform.makeCold(storeEnvOf(instance));
        const before = { component: emulator.callsTo('cgi-bin/component/api_component_token').length, authorizer: emulator.callsTo('cgi-bin/component/api_authorizer_token').length };
        const goFile = join(scratch, `go-${Math.random().toString(36).slice(2)}`);
        writeFileSync(goFile, 'go');
        const started = Date.now();
        const workers = Array.from({ length: INSTANCES }, (_, instance) =>
          startBurstWorker({ calls: CALLS, goFile, merchant: platform.merchant, merchantEnv: MERCHANT_ENV, env: { ...process.env, ...platform.variables, WXOPEN_TOKEN_STORE_ENV: storeEnvOf(instance) } }),
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
      await platform.close();
    }
  } finally {
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
