/**
 * One measurement in a fresh process (so peak memory is this work's alone):
 * tsx scripts/bench/decrypt-worker.ts <ours|naive> <file with the base64 buffer>
 * Prints JSON: { ms, peakExtraMiB, codeCount }.
 */
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decryptCodePackage } from '../../shared/marketcode/decrypt';

const [mode = 'ours', file = ''] = process.argv.slice(2);
const key = Buffer.from('benchMarketKey16', 'utf8');
let buffer: string | undefined = readFileSync(file, 'latin1');
(globalThis as { gc?: () => void }).gc?.();

/** The usual way: decode the whole string, decipher with update+final, concat, split. */
function naive(base64: string): number {
  const decipher = createDecipheriv('aes-128-cbc', key, key);
  const plain = Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]);
  return plain.toString('utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '').length;
}

const before = process.resourceUsage().maxRSS;
const started = process.hrtime.bigint();
const codeCount = mode === 'naive' ? naive(buffer) : decryptCodePackage(buffer, key).codeCount;
const ms = Number(process.hrtime.bigint() - started) / 1e6;
buffer = undefined;
const peakExtraMiB = (process.resourceUsage().maxRSS - before) / 1024;
console.log(JSON.stringify({ ms, peakExtraMiB, codeCount }));
