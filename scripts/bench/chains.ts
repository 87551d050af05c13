/**
 * 5. The chains from nothing: setupQRCodeJump (a new prefix) and deployStaticSite (3 files and
 * their rule, a new folder) against an in-process emulator. Upstream requests made, against the
 * minimum the steps need (listed below with the reason for each); the call's wall time against the
 * sum of those requests' emulator-side latencies (served-requests.ts, the issue's measure), whose
 * floor is the same requests made again raw right after, one by one with nothing but node:http and
 * a keep-alive agent (raw-replay.cjs): the least any client spends on them, HTTP both ways
 * included. Against that floor, paired call by call: a new container's first call (its code not
 * yet run, its token not yet fetched), its second call, and a warm container's steady state. (Replayed
 * against the state the chain left, a write may be answered with an error; it still makes the
 * whole round trip.) Medians of the runs.
 */
import { DEFAULT_MODULES } from '../emulator/modules';
import { startEmulator } from '../emulator';
import { bundlePath } from '../function-catalogue';
import type { Row, Target } from './report';
import { servedRequests, type ServedRequest } from './served-requests';
import { chainVariables, setupInput, siteInput } from './scenarios';
import { median } from './stats';

const SECTION = '5 chains from nothing (in-process emulator, median)';
const RUNS = 7;
/**
 * The steady state of a warm container: one container serves this many calls first (not measured,
 * nor replayed), then the measured ones. The raw replay's code is as warm by then (it has run every
 * replay of the section), so both sides are compared at their steady state.
 */
const WARM_UP_CALLS = 30;
const STEADY_CALLS = 20;

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

/** A chain's calls against the same requests made raw right after each, paired call by call. */
function againstRaw(id: string, label: string, calls: readonly ChainRun[], target?: Target): Row {
  return {
    id,
    section: SECTION,
    label: `${label} (${median(calls.map((run) => run.requests))} requests)`,
    ours: { value: median(calls.map((run) => run.wallMs)), unit: 'ms' },
    peer: { name: 'the same requests raw (node:http)', value: median(calls.map((run) => run.rawMs)), unit: 'ms' },
    pairs: calls.map((run) => [run.wallMs, run.rawMs] as const),
    ...(target === undefined ? {} : { target }),
    details: { wallMs: calls.map((run) => Number(run.wallMs.toFixed(1))), rawMs: calls.map((run) => Number(run.rawMs.toFixed(1))) },
  };
}

export async function chainRows(): Promise<Row[]> {
  const timer = servedRequests();
  const emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0 }, modules: [timer.module, ...DEFAULT_MODULES] });
  const saved = { ...process.env };
  const runs: Record<'setup' | 'site', ChainRun[]> = { setup: [], site: [] };
  const second: Record<'setup' | 'site', ChainRun[]> = { setup: [], site: [] };
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
    // One round first, not counted: the emulator's and the replay's own code warms up, so the runs
    // that count do not drift from one to the next.
    for (let run = -1; run < RUNS; run++) {
      // Each run on a fresh emulator state: the account's 100 rules and 100 publishes a month last the whole bench.
      emulator.reset();
      Object.assign(process.env, chainVariables(emulator));
      for (const chain of chains) {
        const main = freshMain(chain.name);
        const first = await measure(chain.name, main, chain.input(run + 1));
        // The same container again, for a new place: its token is cached, its code has run once.
        const next = await measure(chain.name, main, chain.input(RUNS + run + 2));
        if (run < 0) continue;
        runs[chain.key].push(first);
        second[chain.key].push(next);
      }
    }
    for (const chain of chains) {
      emulator.reset();
      Object.assign(process.env, chainVariables(emulator));
      const main = freshMain(chain.name);
      for (let call = 0; call < WARM_UP_CALLS; call++) {
        const answer = await main(chain.input(1000 + call));
        if (answer['errcode'] !== 0) throw new Error(`${chain.name}: ${JSON.stringify(answer).slice(0, 500)}`);
      }
      for (let call = 0; call < STEADY_CALLS; call++) warm[chain.key].push(await measure(chain.name, main, chain.input(2000 + call)));
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
      pairs: chainRuns.map((run) => [run.wallMs, run.emulatorMs] as const),
      target: { of: 'ratio', op: '<=', value: 1.5 },
      // Those latencies leave out HTTP itself: the same requests made raw are what any client spends.
      floor: { name: 'the same requests raw (node:http)', value: median(chainRuns.map((run) => run.rawMs)), unit: 'ms' },
      details: { wallMs: chainRuns.map((run) => Number(run.wallMs.toFixed(1))), emulatorMs: chainRuns.map((run) => Number(run.emulatorMs.toFixed(1))) },
    });
    rows.push(againstRaw(`chain.${key}.raw`, `${name}: wall, new container (its code not yet run)`, chainRuns));
    rows.push(againstRaw(`chain.${key}.second`, `${name}: wall, the container's second call, new place`, second[key]));
    rows.push(againstRaw(`chain.${key}.warm`, `${name}: wall, warm container (steady state, after ${WARM_UP_CALLS} calls), new place`, warm[key], { of: 'ratio', op: '<=', value: 1.5 }));
  }
  return rows;
}
