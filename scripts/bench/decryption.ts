/**
 * 4. Market-code decryption, 50 000 and 500 000 codes: ours (shared/marketcode/decrypt.ts) against
 * bare decipher + split over the same bytes (the physical limit), bare plus the checks every byte
 * needs (the floor of a decryption that refuses a wrong key instead of answering garbage), and the
 * usual decode-concat-split, each run in a fresh process (decrypt-worker.ts); throughput (codes per
 * second, median) and peak extra memory (median) against the package's own size.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptCodePackage } from '../../shared/marketcode/decrypt';
import { runMeasured } from './measured-process';
import type { Row } from './report';
import { median, sideBySide } from './stats';

const SECTION = '4 decryption (fresh process each, median)';
const WORKER = join(__dirname, 'decrypt-worker.ts');
const SIZES: ReadonlyArray<{ codes: number; runs: number }> = [
  { codes: 50_000, runs: 9 },
  { codes: 500_000, runs: 7 },
];
const MODES = ['ours', 'bare', 'checked', 'usual'] as const;
type Mode = (typeof MODES)[number];

interface Run {
  ms: number;
  peakExtraMiB: number;
  codeCount: number;
}

/** A package as WeChat sends it: `index,code,code_url` lines, AES-128-CBC, base64. */
function writePackage(dir: string, codes: number): string {
  const lines: string[] = [];
  for (let i = 0; i < codes; i++) lines.push(`${i},${randomBytes(5).toString('hex').slice(0, 9)},P.URL.CN/0U.${randomBytes(12).toString('base64url').slice(0, 16).toUpperCase()}`);
  const file = join(dir, `package-${codes}.b64`);
  writeFileSync(file, encryptCodePackage(lines.join('\n'), Buffer.from('benchMarketKey16', 'utf8')));
  return file;
}

async function decryptRun(mode: Mode, file: string): Promise<Run> {
  const { stdout } = await runMeasured(['--expose-gc', '--import', 'tsx', WORKER, mode, file], { env: process.env, timeoutMs: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Run;
}

export async function decryptionRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-decrypt-'));
  const rows: Row[] = [];
  try {
    for (const { codes, runs } of SIZES) {
      const file = writePackage(dir, codes);
      const packageMiB = statSync(file).size / 1048576;
      const results: Record<Mode, Run[]> = { ours: [], bare: [], checked: [], usual: [] };
      for (let run = 0; run < runs; run++) for (const mode of MODES) results[mode].push(await decryptRun(mode, file));
      for (const mode of MODES) {
        const wrong = results[mode].find((result) => result.codeCount !== codes);
        if (wrong !== undefined) throw new Error(`decryption bench (${mode}): ${wrong.codeCount} codes, not ${codes}`);
      }
      const perRun = Object.fromEntries(MODES.map((mode) => [mode, results[mode].map((result) => (codes / result.ms) * 1000)])) as Record<Mode, number[]>;
      const throughput = (mode: Mode) => median(perRun[mode]);
      // The modes ran in turns, run by run: each run's pair gives one ratio (report.ts).
      const pairs = (mode: Mode, peer: Mode) => sideBySide(perRun[mode], perRun[peer]);
      const peak = (mode: Mode) => median(results[mode].map((result) => result.peakExtraMiB));
      const size = `${codes.toLocaleString('en-US')} codes (${packageMiB.toFixed(1)} MiB base64)`;
      const details = Object.fromEntries(MODES.map((mode) => [mode, { ms: results[mode].map((result) => Number(result.ms.toFixed(1))), peakExtraMiB: results[mode].map((result) => Number(result.peakExtraMiB.toFixed(1))) }]));
      const bare = { name: 'bare decipher + split', value: throughput('bare'), unit: 'codes/s' as const };
      // The checks every byte needs, done the fastest native way: the floor of a decryption that refuses garbage.
      const checkedFloor = { name: 'bare + the byte checks alone', value: throughput('checked'), unit: 'codes/s' as const };
      rows.push({ id: `decrypt.${codes}.bare`, section: SECTION, label: `${size}: throughput`, ours: { value: throughput('ours'), unit: 'codes/s' }, peer: bare, pairs: pairs('ours', 'bare'), target: { of: 'ratio', op: '>=', value: 0.8 }, floor: checkedFloor, floorPairs: pairs('checked', 'bare'), details });
      rows.push({ id: `decrypt.${codes}.checked`, section: SECTION, label: `${size}: throughput, bare + the byte checks alone (base64, UTF-8, control characters)`, ours: { value: checkedFloor.value, unit: 'codes/s' }, peer: bare, pairs: pairs('checked', 'bare') });
      rows.push({ id: `decrypt.${codes}.usual`, section: SECTION, label: `${size}: throughput`, ours: { value: throughput('ours'), unit: 'codes/s' }, peer: { name: 'usual decode-concat-split', value: throughput('usual'), unit: 'codes/s' }, pairs: pairs('ours', 'usual'), target: { of: 'ratio', op: '>=', value: 1 } });
      rows.push({
        id: `decrypt.${codes}.memory`,
        section: SECTION,
        label: `${size}: peak extra memory (bare ${peak('bare').toFixed(1)}, usual ${peak('usual').toFixed(1)} MiB)`,
        ours: { value: peak('ours'), unit: 'MiB' },
        peer: { name: 'the package (base64)', value: packageMiB, unit: 'MiB' },
        target: { of: 'ratio', op: '<=', value: 3 },
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
