/**
 * 5. The chains from nothing: setupQRCodeJump (a new prefix) and deployStaticSite (3 files and
 * their rule, a new folder), each a fresh bundle instance (cold: its token too) in this process
 * against an in-process emulator. Upstream requests made, against the minimum the steps need
 * (listed below with the reason for each), and the call's wall time against the sum of those
 * requests' emulator-side latencies (served-requests.ts), and against the same requests made again
 * raw right after, one by one with nothing but node:http and a keep-alive agent (raw-replay.cjs):
 * the least any client spends on them, HTTP both ways included. The chain's wall against that
 * floor is what the chain itself adds. (Replayed against the state the chain left, a write may be
 * answered with an error; it still makes the whole round trip.) Median of a few runs.
 */
import { DEFAULT_MODULES } from '../emulator/modules';
import { startEmulator } from '../emulator';
import { bundlePath } from '../function-catalogue';
import type { Row } from './report';
import { servedRequests, type ServedRequest } from './served-requests';
import { chainVariables, setupInput, siteInput } from './scenarios';
import { median } from './stats';

const SECTION = '5 chains from nothing (in-process emulator, median)';
const RUNS = 9;

/** setupQRCodeJump from nothing: each step looks at the state first, then acts. */
export const SETUP_MINIMUM: readonly string[] = [
  'cgi-bin/stable_token: the account token (cold instance)',
  'componenttcb/describestaticstore: the hosting domain',
  'cgi-bin/wxopen/qrcodejumpdownload: the verification file',
  'GET the verification URL: is it served already (a re-run uploads nothing)',
  'componenttcb/staticuploadfile: the upload link',
  'PUT the file to the storage',
  'GET the verification URL: served now (WeChat is never asked to check a missing file)',
  'cgi-bin/wxopen/qrcodejumpget: is there a rule already (add or edit)',
  'cgi-bin/wxopen/qrcodejumpadd: the rule',
  'cgi-bin/wxopen/qrcodejumppublish: publish',
  'cgi-bin/wxopen/qrcodejumpget: confirm it is published',
];

const SITE_FILES = 3;
/** deployStaticSite with 3 files and a rule, from nothing. */
export const SITE_MINIMUM: readonly string[] = [
  'cgi-bin/stable_token: the account token (cold instance)',
  'componenttcb/describestaticstore: the hosting domain',
  'cgi-bin/wxopen/qrcodejumpdownload: the verification file',
  'componenttcb/staticfilelist: what the hosting holds under the prefix',
  ...Array.from({ length: SITE_FILES + 1 }, (_, index) => [`componenttcb/staticuploadfile: upload link of file ${index + 1} (3 files + the verification file)`, `PUT file ${index + 1}`]).flat(),
  'GET the verification URL: served',
  'cgi-bin/wxopen/qrcodejumpget: is there a rule already',
  'cgi-bin/wxopen/qrcodejumpadd: the rule',
  'cgi-bin/wxopen/qrcodejumppublish: publish',
  'cgi-bin/wxopen/qrcodejumpget: confirm it is published',
];

type Main = (event: unknown) => Promise<Record<string, unknown>>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { replay } = require('./raw-replay.cjs') as { replay: (base: string, requests: readonly ServedRequest[]) => Promise<void> };

async function replayMs(base: string, requests: readonly ServedRequest[]): Promise<number> {
  const started = process.hrtime.bigint();
  await replay(base, requests);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** A fresh module instance of a built bundle: a cold container. */
function freshMain(name: string): Main {
  const file = bundlePath(name);
  delete require.cache[require.resolve(file)];
  return (require(file) as { main: Main }).main;
}

interface ChainRun {
  requests: number;
  wallMs: number;
  emulatorMs: number;
  rawMs: number;
  paths: string[];
}

export async function chainRows(): Promise<Row[]> {
  const timer = servedRequests();
  const emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0 }, modules: [timer.module, ...DEFAULT_MODULES] });
  const saved = { ...process.env };
  const runs: Record<'setup' | 'site', ChainRun[]> = { setup: [], site: [] };
  const warm: Record<'setup' | 'site', ChainRun[]> = { setup: [], site: [] };
  try {
    Object.assign(process.env, chainVariables(emulator));
    const chains = [
      { key: 'setup' as const, name: 'setupQRCodeJump', input: (run: number) => setupInput(`chain-${run}`) },
      { key: 'site' as const, name: 'deployStaticSite', input: (run: number) => siteInput(`site-${run}`) },
    ];
    /** One call from nothing (a new place), its requests recorded, then made again raw. */
    const measure = async (name: string, main: Main, input: Record<string, unknown>): Promise<ChainRun> => {
      timer.clear();
      const started = process.hrtime.bigint();
      const answer = await main(input);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (answer['errcode'] !== 0) throw new Error(`${name}: ${JSON.stringify(answer).slice(0, 500)}`);
      const made = [...timer.requests];
      const rawMs = await replayMs(emulator.url, made);
      return { requests: made.length, wallMs, emulatorMs: made.reduce((sum, request) => sum + request.ms, 0), rawMs, paths: made.map((request) => `${request.method} ${request.path}`) };
    };
    for (let run = 0; run < RUNS; run++) {
      for (const chain of chains) {
        const main = freshMain(chain.name);
        runs[chain.key].push(await measure(chain.name, main, chain.input(run)));
        // The same container again, for a new place: its code has run once, its token is cached.
        warm[chain.key].push(await measure(chain.name, main, chain.input(RUNS + run)));
      }
    }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await emulator.close();
  }
  const rows: Row[] = [];
  for (const [key, name, minimum] of [['setup', 'setupQRCodeJump', SETUP_MINIMUM], ['site', `deployStaticSite (${SITE_FILES} files + rule)`, SITE_MINIMUM]] as const) {
    const chainRuns = runs[key];
    rows.push({
      id: `chain.${key}.requests`,
      section: SECTION,
      label: `${name}: upstream requests`,
      ours: { value: median(chainRuns.map((run) => run.requests)), unit: 'requests' },
      peer: { name: 'the minimum the steps need', value: minimum.length, unit: 'requests' },
      target: { of: 'ratio', op: '<=', value: 1 },
      details: { minimum, made: chainRuns[0]?.paths },
    });
    const wall = { value: median(chainRuns.map((run) => run.wallMs)), unit: 'ms' as const };
    rows.push({
      id: `chain.${key}.wall`,
      section: SECTION,
      label: `${name}: wall`,
      ours: wall,
      peer: { name: "sum of the emulator's own latencies", value: median(chainRuns.map((run) => run.emulatorMs)), unit: 'ms' },
      target: { of: 'ratio', op: '<=', value: 1.5 },
      // Those latencies leave out HTTP itself: the same requests made raw are what any client spends.
      floor: { name: 'the same requests raw (node:http)', value: median(chainRuns.map((run) => run.rawMs)), unit: 'ms' },
      details: { wallMs: chainRuns.map((run) => Number(run.wallMs.toFixed(1))), emulatorMs: chainRuns.map((run) => Number(run.emulatorMs.toFixed(1))) },
    });
    rows.push({
      id: `chain.${key}.raw`,
      section: SECTION,
      label: `${name}: wall, new container (its code not yet run)`,
      ours: wall,
      peer: { name: 'the same requests raw (node:http)', value: median(chainRuns.map((run) => run.rawMs)), unit: 'ms' },
      details: { rawMs: chainRuns.map((run) => Number(run.rawMs.toFixed(1))) },
    });
    const warmRuns = warm[key];
    rows.push({
      id: `chain.${key}.warm`,
      section: SECTION,
      label: `${name}: wall, warm container, new place (${median(warmRuns.map((run) => run.requests))} requests)`,
      ours: { value: median(warmRuns.map((run) => run.wallMs)), unit: 'ms' },
      peer: { name: 'the same requests raw (node:http)', value: median(warmRuns.map((run) => run.rawMs)), unit: 'ms' },
      target: { of: 'ratio', op: '<=', value: 1.5 },
      details: { wallMs: warmRuns.map((run) => Number(run.wallMs.toFixed(1))), rawMs: warmRuns.map((run) => Number(run.rawMs.toFixed(1))) },
    });
  }
  return rows;
}
