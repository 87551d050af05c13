/**
 * 2. Token fetches in a burst, counted at the emulator. One cold instance (a fresh process) makes
 * 1 000 concurrent calls: ours (the getJumpQRCode bundle: one stable_token fetch shared by every
 * waiting call) against co-wechat-api doing the same calls (cgi-bin/token whenever it holds no
 * valid token). Then 8 instances x 100 calls for one merchant in third-party mode: the shared
 * database store against a cache per instance (shared-store.ts).
 */
import { join } from 'node:path';
import { startEmulator } from '../emulator';
import { runMeasured } from './measured-process';
import type { Row } from './report';
import { ownAccount } from './scenarios';
import { CALLS, INSTANCES, sharedStoreBench } from './shared-store';
import { median } from './stats';

const SECTION = '2 token fetches (counted at the emulator)';
const BURST = 1000;
const RUNS = 3;
const WORKER = join(__dirname, 'burst-worker.cjs');

interface Burst {
  fetches: number[];
  ms: number[];
}

export async function tokenBurstRows(): Promise<Row[]> {
  const emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0 } });
  const burst = { ours: { fetches: [], ms: [] } as Burst, theirs: { fetches: [], ms: [] } as Burst };
  try {
    const env = { ...process.env, ...ownAccount(emulator) };
    for (let run = 0; run < RUNS; run++) {
      for (const [kind, into, path] of [['ours', burst.ours, 'cgi-bin/stable_token'], ['co-wechat-api', burst.theirs, 'cgi-bin/token']] as const) {
        emulator.reset();
        const { stdout } = await runMeasured([WORKER, kind, String(BURST)], { env });
        const outcome = JSON.parse(stdout.trim()) as { ms: number; failed: number; firstFailure?: string };
        if (outcome.failed > 0) throw new Error(`token burst (${kind}): ${outcome.failed} of ${BURST} calls failed, e.g. ${String(outcome.firstFailure)}`);
        into.fetches.push(emulator.callsTo(path).length);
        into.ms.push(outcome.ms);
      }
    }
  } finally {
    await emulator.close();
  }
  const store = await sharedStoreBench();
  const theirs = { name: 'co-wechat-api', unit: 'fetches' as const };
  return [
    { id: 'burst.fetches', section: SECTION, label: `${BURST} concurrent calls, cold instance: token fetches`, ours: { value: Math.max(...burst.ours.fetches), unit: 'fetches' }, peer: { ...theirs, value: median(burst.theirs.fetches) }, target: { of: 'ours', op: '<=', value: 1 }, details: { ...burst } },
    { id: 'burst.wall', section: SECTION, label: `${BURST} concurrent calls, cold instance: wall (median of ${RUNS})`, ours: { value: median(burst.ours.ms), unit: 'ms' }, peer: { name: 'co-wechat-api', value: median(burst.theirs.ms), unit: 'ms' }, target: { of: 'ratio', op: '<=', value: 1 } },
    {
      id: 'store.fetches',
      section: SECTION,
      label: `${INSTANCES} instances x ${CALLS} calls, third-party: fetches per token (component, authorizer)`,
      ours: { value: Math.max(store.shared.component, store.shared.authorizer), unit: 'fetches' },
      peer: { name: 'a cache per instance', value: Math.max(store.perInstance.component, store.perInstance.authorizer), unit: 'fetches' },
      target: { of: 'ours', op: '<=', value: 1 },
      details: { ...store },
    },
    { id: 'store.wall', section: SECTION, label: `${INSTANCES} instances x ${CALLS} calls, third-party: wall`, ours: { value: store.shared.ms, unit: 'ms' }, peer: { name: 'a cache per instance', value: store.perInstance.ms, unit: 'ms' } },
  ];
}
