/**
 * npm run bench: performance figures measured side by side in one run, printed as ratios.
 * 1. token fetches for 200 concurrent calls on a cold instance: single-flight cache vs none;
 * 2. market-code package decryption (50 000 codes): ours vs the usual decode-concat-split, each in
 *    a fresh process, time and peak extra memory (median of 5);
 * 3. cold start: the time to load each function bundle in a fresh Node process (median of 5), and
 *    what the database token store's module adds on the calls that use it;
 * 4. shared token store: token fetches of 8 processes x 100 calls for one merchant, shared store vs
 *    a cache per instance (scripts/bench/shared-store.ts).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DATABASE_STORE_FILE } from './build';
import { sharedStoreBench } from './bench/shared-store';
import { encryptCodePackage } from '../shared/marketcode/decrypt';
import { Deadline } from '../shared/deadline';
import { StableTokenProvider } from '../shared/tokens/stable-token-provider';
import { DEMO_ACCOUNTS } from './emulator/accounts';
import { startEmulator } from './emulator';
import { bundlePath, functionNames, ROOT } from './function-catalogue';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (value: number, digits = 1): string => value.toFixed(digits);

async function tokenFetches(): Promise<void> {
  const emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0 } });
  const account = DEMO_ACCOUNTS[0]!;
  try {
    Object.assign(process.env, { WXOPEN_API_BASE: emulator.url, WXOPEN_APPID: account.appid, WXOPEN_APPSECRET: account.secret, WXOPEN_LOG_LEVEL: 'silent' });
    // Ours: a fresh bundle instance (cold), 200 concurrent invocations.
    delete require.cache[bundlePath('getJumpQRCode')];
    const { main } = require(bundlePath('getJumpQRCode')) as { main: (event: unknown) => Promise<{ errcode: number }> };
    let started = Date.now();
    const answers = await Promise.all(Array.from({ length: 200 }, () => main({})));
    const oursMs = Date.now() - started;
    const ours = emulator.callsTo('cgi-bin/stable_token').length;
    if (answers.some((answer) => answer.errcode !== 0)) throw new Error('a call failed');
    emulator.reset();
    // Without single-flight: every cold caller fetches its own token (what a plain "if empty, fetch" cache does).
    const provider = new StableTokenProvider({ apiBase: emulator.url, appId: account.appid, appSecret: account.secret, requestTimeoutMs: 5000 });
    started = Date.now();
    await Promise.all(Array.from({ length: 200 }, () => provider.fetch(new Deadline(Date.now() + 20000))));
    const naiveMs = Date.now() - started;
    const naive = emulator.callsTo('cgi-bin/stable_token').length;
    console.log(`token fetches, 200 concurrent cold calls: single-flight ${ours} vs none ${naive}  -> ${fmt(naive / ours, 0)}x fewer (token phase ${oursMs} ms incl. 200 API calls; ${naiveMs} ms for the 200 fetches alone)`);
  } finally {
    await emulator.close();
  }
}

/** An encrypted package of `codes` codes in a temporary folder, removed once `use` is done with it. */
function withCodePackageFile<T>(codes: number, use: (file: string) => T): T {
  const lines: string[] = [];
  for (let i = 0; i < codes; i++) lines.push(`${i},${randomBytes(5).toString('hex').slice(0, 9)},P.URL.CN/0U.${randomBytes(12).toString('base64url').slice(0, 16).toUpperCase()}`);
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-'));
  try {
    const file = join(dir, 'package.b64');
    writeFileSync(file, encryptCodePackage(lines.join('\n'), Buffer.from('benchMarketKey16', 'utf8')));
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function decryptRun(mode: 'ours' | 'naive', file: string): { ms: number; peakExtraMiB: number; codeCount: number } {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'bench', 'decrypt-worker.ts'), mode, file], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`decrypt worker failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; peakExtraMiB: number; codeCount: number };
}

function decryption(): void {
  const { ours, naive } = withCodePackageFile(50000, (file) => ({
    ours: [1, 2, 3, 4, 5].map(() => decryptRun('ours', file)),
    naive: [1, 2, 3, 4, 5].map(() => decryptRun('naive', file)),
  }));
  if (ours[0]?.codeCount !== 50000 || naive[0]?.codeCount !== 50000) throw new Error('decryption bench decoded the wrong number of codes');
  const oursMem = median(ours.map((run) => run.peakExtraMiB));
  const naiveMem = median(naive.map((run) => run.peakExtraMiB));
  const oursMs = median(ours.map((run) => run.ms));
  const naiveMs = median(naive.map((run) => run.ms));
  console.log(`decrypt 50 000 codes (2.1 MB): peak extra memory ours ${fmt(oursMem)} MiB vs usual ${fmt(naiveMem)} MiB -> ${fmt(naiveMem / oursMem, 2)}x; time ours ${fmt(oursMs)} ms vs usual ${fmt(naiveMs)} ms -> ${fmt(oursMs / naiveMs, 2)}x`);
}

function coldStart(): void {
  const rows: string[] = [];
  const baseline = median(
    [1, 2, 3, 4, 5].map(() => Number(spawnSync(process.execPath, ['-e', 'const t=process.hrtime.bigint();require("node:crypto");console.log(Number(process.hrtime.bigint()-t)/1e6)'], { encoding: 'utf8' }).stdout)),
  );
  for (const name of functionNames()) {
    const code = `const t=process.hrtime.bigint();require(${JSON.stringify(bundlePath(name))});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
    const ms = median([1, 2, 3, 4, 5].map(() => Number(spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' }).stdout)));
    rows.push(`  ${name.padEnd(28)} ${fmt(ms, 2)} ms`);
  }
  console.log(`cold start, time to load a bundle in a fresh Node process (median of 5; require("node:crypto") alone: ${fmt(baseline, 2)} ms):`);
  console.log(rows.join('\n'));
  // The database token store (node-sdk) is a file beside the bundle, loaded on the first call that uses it.
  const name = 'getJumpQRCode';
  const store = join(dirname(bundlePath(name)), DATABASE_STORE_FILE);
  const timed = (files: string[]) =>
    median([1, 2, 3, 4, 5].map(() => Number(spawnSync(process.execPath, ['-e', `const t=process.hrtime.bigint();${files.map((file) => `require(${JSON.stringify(file)});`).join('')}console.log(Number(process.hrtime.bigint()-t)/1e6)`], { encoding: 'utf8' }).stdout)));
  const alone = timed([bundlePath(name)]);
  const withStore = timed([bundlePath(name), store]);
  const sdkAlone = timed([require.resolve('@cloudbase/node-sdk')]);
  console.log(`  ${name} + the database token store module (first call in third-party mode with WXOPEN_TOKEN_STORE=cloudbase): ${fmt(withStore, 2)} ms vs ${fmt(alone, 2)} ms without (${fmt(withStore / alone, 2)}x; own-account calls never load it); require('@cloudbase/node-sdk') alone from node_modules: ${fmt(sdkAlone, 2)} ms (ours ${fmt(withStore / sdkAlone, 2)}x of it)`);
}

async function sharedStore(): Promise<void> {
  const { shared, perInstance } = await sharedStoreBench();
  console.log(`token fetches, 8 processes x 100 calls for one merchant (cold): shared store ${shared.component} component + ${shared.authorizer} authorizer vs a cache per instance ${perInstance.component} + ${perInstance.authorizer} -> ${fmt((perInstance.component + perInstance.authorizer) / (shared.component + shared.authorizer), 0)}x fewer (wall ${shared.ms} ms vs ${perInstance.ms} ms)`);
}

async function main(): Promise<void> {
  console.log(`wxopen-functions bench — node ${process.version}, ${new Date().toISOString()}`);
  await tokenFetches();
  decryption();
  coldStart();
  await sharedStore();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
