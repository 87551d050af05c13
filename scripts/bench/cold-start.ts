/**
 * 1. Cold start. Fresh `node` processes, wall time (spawn to exit) and peak RSS, median of repeated
 * runs taken in turns: `node -e 0` (bare node, the limit), `require('wx-server-sdk')` and
 * `require('@cloudbase/node-sdk')` alone (what a TCB function usually loads first), every bundle
 * loaded alone, and for a representative few, the bundle loading and answering one call against the
 * emulator (the cold start a caller waits for). For those, the floor too: a fresh process making
 * the same requests (recorded at the emulator in a warm-up round) with nothing but node:http
 * (raw-replay.cjs): what any client must spend on them. Bundle sizes raw and gzip against the code
 * `require('wx-server-sdk')` reads from disk.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DATABASE_STORE_FILE, loadsSideFile } from '../build';
import { startEmulator } from '../emulator';
import { DEFAULT_MODULES } from '../emulator/modules';
import { bundlePath, functionNames } from '../function-catalogue';
import { runMeasured, peakRssSource, type ProcessFigures } from './measured-process';
import { preparePlatform } from './platform-setup';
import type { Row } from './report';
import { coldStartScenarios, type Scenario } from './scenarios';
import { servedRequests } from './served-requests';
import { max, median, sideBySide } from './stats';

const SECTION = '1 cold start (fresh process, median)';
/**
 * Runs per variant. A cold start varies by a few ms from run to run on a 2-core machine; with 11
 * runs, three bench runs put getJumpQRCode at 1.24x, 1.25x and 1.29x of node -e 0; with 21 runs,
 * at 1.26x to 1.27x.
 */
const CALL_RUNS = 21;
const LOAD_RUNS = 5;
const COLD_CALL = join(__dirname, 'cold-call.cjs');
const RAW_REPLAY = join(__dirname, 'raw-replay.cjs');

interface Sampled {
  wallMs: number[];
  peakRssMiB: number[];
}

const sampled = (): Sampled => ({ wallMs: [], peakRssMiB: [] });
function add(into: Sampled, figures: ProcessFigures): void {
  into.wallMs.push(figures.wallMs);
  into.peakRssMiB.push(figures.peakRssMiB);
}

/** The files `require(name)` reads (the require cache after it), from a child: what that package costs to ship and load. */
async function loadedFiles(name: string): Promise<string[]> {
  const { stdout } = await runMeasured(['-e', `require(${JSON.stringify(name)});process.stdout.write(JSON.stringify(Object.keys(require.cache)))`], { env: process.env });
  return JSON.parse(stdout) as string[];
}

function sizes(files: readonly string[]): { rawKiB: number; gzipKiB: number } {
  const contents = files.map((file) => readFileSync(file));
  return { rawKiB: contents.reduce((sum, buffer) => sum + buffer.length, 0) / 1024, gzipKiB: gzipSync(Buffer.concat(contents)).length / 1024 };
}

export async function coldStartRows(): Promise<Row[]> {
  const served = servedRequests();
  const emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0, marketcodeFinishDelaySeconds: 0 }, modules: [served.module, ...DEFAULT_MODULES] });
  const platform = await preparePlatform(emulator);
  const scratch = mkdtempSync(join(tmpdir(), 'wxopen-bench-cold-'));
  try {
    const scenarios = await coldStartScenarios(emulator, platform);
    const baseEnv = { ...process.env };
    const peers: Record<'bare' | 'wxServerSdk' | 'nodeSdk', { args: string[]; samples: Sampled }> = {
      bare: { args: ['-e', '0'], samples: sampled() },
      wxServerSdk: { args: ['-e', "require('wx-server-sdk')"], samples: sampled() },
      nodeSdk: { args: ['-e', "require('@cloudbase/node-sdk')"], samples: sampled() },
    };
    const calls = new Map<Scenario, Sampled>(scenarios.map((scenario) => [scenario, sampled()]));
    /** Own-account scenarios' requests, replayed raw (third-party ones are judged against node-sdk instead). */
    const floors = new Map<Scenario, { file: string; requests: number; samples: Sampled }>();
    const call = async (scenario: Scenario, run: number): Promise<ProcessFigures> => {
      await scenario.before?.();
      served.clear();
      return runMeasured([COLD_CALL, bundlePath(scenario.functionName), JSON.stringify(scenario.event(run))], { env: { ...baseEnv, ...scenario.variables } });
    };
    // Warm-up round, not counted: the disk cache gets the files, and each scenario's requests are recorded.
    for (const scenario of scenarios) {
      await call(scenario, -1);
      if (scenario.variables['WXOPEN_TOKEN_STORE'] === 'cloudbase') continue;
      const file = join(scratch, `${scenario.key}.json`);
      writeFileSync(file, JSON.stringify(served.requests));
      floors.set(scenario, { file, requests: served.requests.length, samples: sampled() });
    }
    // In turns, so that a slow moment of the machine is spread over every variant.
    for (let run = 0; run < CALL_RUNS; run++) {
      for (const peer of Object.values(peers)) add(peer.samples, await runMeasured(peer.args, { env: baseEnv }));
      for (const [scenario, samples] of calls) add(samples, await call(scenario, run));
      for (const floor of floors.values()) add(floor.samples, await runMeasured([RAW_REPLAY, emulator.url, floor.file], { env: baseEnv }));
    }
    const loads = new Map<string, Sampled>(functionNames().map((name) => [name, sampled()]));
    const bareForLoads = sampled();
    for (let run = 0; run < LOAD_RUNS; run++) {
      add(bareForLoads, await runMeasured(peers.bare.args, { env: baseEnv }));
      for (const [name, samples] of loads) add(samples, await runMeasured(['-e', `require(${JSON.stringify(bundlePath(name))})`], { env: baseEnv }));
    }

    const bare = { wall: median(peers.bare.samples.wallMs), rss: median(peers.bare.samples.peakRssMiB) };
    const nodeSdk = { wall: median(peers.nodeSdk.samples.wallMs), rss: median(peers.nodeSdk.samples.peakRssMiB) };
    const rows: Row[] = [];
    const bareWallPeer = { name: 'node -e 0', value: bare.wall, unit: 'ms' as const };
    const bareRssPeer = { name: 'node -e 0', value: bare.rss, unit: 'MiB' as const };
    for (const [scenario, samples] of calls) {
      const thirdParty = scenario.variables['WXOPEN_TOKEN_STORE'] === 'cloudbase';
      // A function that loads the shared store's node-sdk is judged against node-sdk alone.
      const wallPeer = thirdParty ? { name: "require('@cloudbase/node-sdk')", value: nodeSdk.wall, unit: 'ms' as const } : bareWallPeer;
      const rssPeer = thirdParty ? { name: "require('@cloudbase/node-sdk')", value: nodeSdk.rss, unit: 'MiB' as const } : bareRssPeer;
      const target = thirdParty ? 1.0 : 1.3;
      // Ours and the peer were sampled in turns, run by run: each run's pair gives one ratio.
      const peerSamples = thirdParty ? peers.nodeSdk.samples : peers.bare.samples;
      const details = { samples: samples.wallMs.map((ms) => Math.round(ms)), bareMs: Math.round(bare.wall), wxServerSdkMs: Math.round(median(peers.wxServerSdk.samples.wallMs)), nodeSdkMs: Math.round(nodeSdk.wall) };
      // The floor: a fresh process making the same requests raw, the least any client spends (no floor for third-party rows, judged against node-sdk).
      const floor = floors.get(scenario);
      const floorName = floor === undefined ? '' : `its ${floor.requests} requests raw (node:http)`;
      const wallFloor = floor === undefined ? {} : { floor: { name: floorName, value: median(floor.samples.wallMs), unit: 'ms' as const }, floorPairs: sideBySide(floor.samples.wallMs, peerSamples.wallMs) };
      const rssFloor = floor === undefined ? {} : { floor: { name: floorName, value: median(floor.samples.peakRssMiB), unit: 'MiB' as const }, floorPairs: sideBySide(floor.samples.peakRssMiB, peerSamples.peakRssMiB) };
      rows.push({ id: `cold.${scenario.key}.wall`, section: SECTION, label: `${scenario.label}: load + 1 call, wall`, ours: { value: median(samples.wallMs), unit: 'ms' }, peer: wallPeer, pairs: sideBySide(samples.wallMs, peerSamples.wallMs), target: { of: 'ratio', op: '<=', value: target }, ...wallFloor, details });
      rows.push({ id: `cold.${scenario.key}.rss`, section: SECTION, label: `${scenario.label}: load + 1 call, peak RSS`, ours: { value: median(samples.peakRssMiB), unit: 'MiB' }, peer: rssPeer, pairs: sideBySide(samples.peakRssMiB, peerSamples.peakRssMiB), target: { of: 'ratio', op: '<=', value: target }, ...rssFloor, details: { samples: samples.peakRssMiB.map((mib) => Number(mib.toFixed(1))), source: peakRssSource() } });
      if (floor !== undefined) {
        rows.push({
          id: `cold.${scenario.key}.floor`,
          section: SECTION,
          label: `${scenario.label}: floor, its ${floor.requests} requests raw (node:http), wall`,
          ours: { value: median(floor.samples.wallMs), unit: 'ms' },
          peer: bareWallPeer,
          pairs: sideBySide(floor.samples.wallMs, peers.bare.samples.wallMs),
          details: { samples: floor.samples.wallMs.map((ms) => Math.round(ms)), peakRssMiB: Number(median(floor.samples.peakRssMiB).toFixed(1)) },
        });
      }
    }
    for (const [key, name] of [['wxServerSdk', 'wx-server-sdk'], ['nodeSdk', '@cloudbase/node-sdk']] as const) {
      rows.push({ id: `cold.require.${key}.wall`, section: SECTION, label: `require('${name}') alone, wall`, ours: { value: median(peers[key].samples.wallMs), unit: 'ms' }, peer: bareWallPeer });
      rows.push({ id: `cold.require.${key}.rss`, section: SECTION, label: `require('${name}') alone, peak RSS`, ours: { value: median(peers[key].samples.peakRssMiB), unit: 'MiB' }, peer: bareRssPeer });
    }

    const loadWall = [...loads].map(([name, samples]) => ({ name, wallMs: median(samples.wallMs), peakRssMiB: median(samples.peakRssMiB) }));
    const slowest = loadWall.reduce((worst, entry) => (entry.wallMs > worst.wallMs ? entry : worst));
    const heaviest = loadWall.reduce((worst, entry) => (entry.peakRssMiB > worst.peakRssMiB ? entry : worst));
    const bareLoads = { name: 'node -e 0', value: median(bareForLoads.wallMs), unit: 'ms' as const };
    const loadDetails = Object.fromEntries(loadWall.map((entry) => [entry.name, { wallMs: Number(entry.wallMs.toFixed(1)), peakRssMiB: Number(entry.peakRssMiB.toFixed(1)) }]));
    rows.push({ id: 'cold.load.slowest.wall', section: SECTION, label: `load only, slowest of ${loads.size} bundles (${slowest.name}), wall`, ours: { value: slowest.wallMs, unit: 'ms' }, peer: bareLoads, target: { of: 'ratio', op: '<=', value: 1.3 }, details: loadDetails });
    rows.push({ id: 'cold.load.heaviest.rss', section: SECTION, label: `load only, heaviest of ${loads.size} bundles (${heaviest.name}), peak RSS`, ours: { value: heaviest.peakRssMiB, unit: 'MiB' }, peer: { name: 'node -e 0', value: median(bareForLoads.peakRssMiB), unit: 'MiB' }, target: { of: 'ratio', op: '<=', value: 1.3 } });

    const bundleSizes = functionNames().map((name) => ({ name, ...sizes([bundlePath(name)]) }));
    const largest = bundleSizes.reduce((worst, entry) => (entry.rawKiB > worst.rawKiB ? entry : worst));
    const wxServerSdk = sizes(await loadedFiles('wx-server-sdk'));
    const sizeDetails = Object.fromEntries(bundleSizes.map((entry) => [entry.name, { rawKiB: Number(entry.rawKiB.toFixed(1)), gzipKiB: Number(entry.gzipKiB.toFixed(1)) }]));
    rows.push({ id: 'size.largest.raw', section: SECTION, label: `bundle size, largest of ${bundleSizes.length} (${largest.name}), raw`, ours: { value: largest.rawKiB, unit: 'KiB' }, peer: { name: "code require('wx-server-sdk') reads", value: wxServerSdk.rawKiB, unit: 'KiB' }, target: { of: 'ratio', op: '<=', value: 1 }, details: sizeDetails });
    rows.push({ id: 'size.largest.gzip', section: SECTION, label: `bundle size, largest of ${bundleSizes.length} (${largest.name}), gzip`, ours: { value: largest.gzipKiB, unit: 'KiB' }, peer: { name: "code require('wx-server-sdk') reads", value: wxServerSdk.gzipKiB, unit: 'KiB' }, target: { of: 'ratio', op: '<=', value: 1 } });
    const withStore = functionNames().find((name) => loadsSideFile(name, DATABASE_STORE_FILE));
    if (withStore !== undefined) {
      const store = sizes([join(dirname(bundlePath(withStore)), DATABASE_STORE_FILE)]);
      const nodeSdkCode = sizes(await loadedFiles('@cloudbase/node-sdk'));
      rows.push({ id: 'size.store.raw', section: SECTION, label: `the shared store's file (${DATABASE_STORE_FILE}, loaded on first use), raw`, ours: { value: store.rawKiB, unit: 'KiB' }, peer: { name: "code require('@cloudbase/node-sdk') reads", value: nodeSdkCode.rawKiB, unit: 'KiB' }, target: { of: 'ratio', op: '<=', value: 1 } });
    }
    return rows;
  } finally {
    await platform.close();
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
