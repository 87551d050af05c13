/**
 * npm run bench: every figure against a peer or a limit, side by side in one run (issue 10).
 * Each measurement is a file under scripts/bench/ that answers table rows (report.ts):
 *   1. cold-start.ts       fresh processes: our bundles loading and answering one call vs bare node,
 *                          wx-server-sdk and @cloudbase/node-sdk; bundle sizes;
 *   2. token-burst.ts      token fetches of 1 000 concurrent cold calls, ours vs co-wechat-api, and of
 *                          8 instances with the shared store vs a cache per instance;
 *   3. call-overhead.ts    one call through main() vs a raw request with the same token, interleaved;
 *   4. decryption.ts       market-code packages, ours vs bare decipher + split and the usual way;
 *   5. chains.ts           setupQRCodeJump and deployStaticSite from nothing: requests vs the minimum,
 *                          wall time vs the emulator's own time;
 *   6. gateway-throughput.ts  requests per second through the local gateway vs the emulator directly.
 * Prints one table (ratio and target on each row, MISS on those that miss), writes bench/results.json
 * and, when bench/baseline.json exists, shows each row's change against it.
 * `npm run bench -- --baseline` also writes the run as bench/baseline.json; `--only 1,3` runs some.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './function-catalogue';
import { callOverheadRows } from './bench/call-overhead';
import { chainRows } from './bench/chains';
import { coldStartRows } from './bench/cold-start';
import { decryptionRows } from './bench/decryption';
import { gatewayRows } from './bench/gateway-throughput';
import { formatTable, judge, parseBaseline, type BenchResults, type Row } from './bench/report';
import { tokenBurstRows } from './bench/token-burst';

const BENCH_DIR = join(ROOT, 'bench');
const RESULTS_FILE = join(BENCH_DIR, 'results.json');
const BASELINE_FILE = join(BENCH_DIR, 'baseline.json');

const MEASUREMENTS: ReadonlyArray<{ section: string; name: string; rows: () => Promise<Row[]> }> = [
  { section: '1', name: 'cold start', rows: coldStartRows },
  { section: '2', name: 'token fetches', rows: tokenBurstRows },
  { section: '3', name: 'per-call overhead', rows: callOverheadRows },
  { section: '4', name: 'decryption', rows: decryptionRows },
  { section: '5', name: 'chains', rows: chainRows },
  { section: '6', name: 'gateway', rows: gatewayRows },
];

function machine(): string {
  const list = cpus();
  return `${list.length} x ${list[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform} ${process.arch}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { baseline: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const only = values.only === undefined ? undefined : new Set(values.only.split(','));
  const started = Date.now();
  console.log(`wxopen-functions bench: node ${process.version}, ${machine()}, ${new Date(started).toISOString()}`);
  const rows: Row[] = [];
  for (const measurement of MEASUREMENTS) {
    if (only !== undefined && !only.has(measurement.section)) continue;
    const at = Date.now();
    rows.push(...(await measurement.rows()));
    console.log(`  ${measurement.section} ${measurement.name}: ${((Date.now() - at) / 1000).toFixed(1)} s`);
  }
  const judged = rows.map(judge);
  const results: BenchResults = { date: new Date(started).toISOString(), node: process.version, machine: machine(), durationMs: Date.now() - started, rows: judged };
  const baseline = existsSync(BASELINE_FILE) ? parseBaseline(readFileSync(BASELINE_FILE, 'utf8')) : undefined;
  console.log('');
  console.log(formatTable(judged, baseline));
  console.log(`\n${(results.durationMs / 1000).toFixed(0)} s in all${baseline === undefined ? '' : '; the last column: bench/baseline.json and the change since'}`);
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${RESULTS_FILE}`);
  if (values.baseline) {
    writeFileSync(BASELINE_FILE, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`wrote ${BASELINE_FILE}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
